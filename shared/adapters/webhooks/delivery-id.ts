import { InvalidPayloadError } from '../../domain/errors.js';
import { MAX_DELIVERY_ID_LENGTH } from '../../domain/events.js';

export { MAX_DELIVERY_ID_LENGTH };

/**
 * A delivery id as the sender gave it in `field` (a body field's path or a header's name), or
 * InvalidPayloadError (a 400) naming that field when it is longer than MAX_DELIVERY_ID_LENGTH.
 *
 * @example const deliveryId = senderDeliveryId(body.id, 'id')
 */
export function senderDeliveryId(value: string, field: string): string {
  if (value.length <= MAX_DELIVERY_ID_LENGTH) return value;
  throw new InvalidPayloadError(`the delivery id in ${field} is ${value.length} characters; at most ${MAX_DELIVERY_ID_LENGTH} are taken`, [
    { path: field, message: `must be 1-${MAX_DELIVERY_ID_LENGTH} characters` },
  ]);
}
