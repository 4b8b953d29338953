import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { normaliseTypeformResponse } from './normalise.js';
import type { TypeformMapping } from './normalise.js';
import { verifyTypeformSignature } from './signature.js';

/**
 * Typeform as an inbound source for one tenant's form: the `Typeform-Signature` checked on the
 * raw bytes, then the `form_response` read through the tenant's mapping (score and comment refs,
 * hidden fields), which is why each tenant's source is built from its own configuration.
 *
 * @example const adapter = typeformInbound({ scoreField: 'nps_score', kind: 'nps', scale: 10, hidden: { ticketId: 'ticket_id', email: 'email', userId: 'user_id', externalId: 'external_id' } })
 */
export function typeformInbound(mapping: TypeformMapping): InboundSource {
  return {
    contentTypes: ['application/json'],
    verify(request: WebhookRequest, secrets: readonly string[]): void {
      verifyTypeformSignature({ rawBody: request.rawBody, headers: request.headers, secrets });
    },
    normalise(request: WebhookRequest) {
      return normaliseTypeformResponse({
        tenant: request.tenant,
        source: request.source,
        rawBody: utf8Payload(request.rawBody),
        receivedAt: request.receivedAt,
        mapping,
      });
    },
  };
}
