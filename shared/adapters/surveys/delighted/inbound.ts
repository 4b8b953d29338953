import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { normaliseDelightedEvent } from './normalise.js';
import type { DelightedMapping } from './normalise.js';
import { verifyDelightedSignature } from './signature.js';

/**
 * Delighted as an inbound source for one tenant's account: the `X-Delighted-Webhook-Signature`
 * checked on the raw bytes with the account's API keys, then the response or unsubscribe read
 * through the tenant's person-property names.
 *
 * @example const adapter = delightedInbound({ properties: { ticketId: 'Ticket ID', userId: 'User ID', externalId: 'External ID' } })
 */
export function delightedInbound(mapping: DelightedMapping): InboundSource {
  return {
    contentTypes: ['application/json'],
    verify(request: WebhookRequest, secrets: readonly string[]): void {
      verifyDelightedSignature({ rawBody: request.rawBody, headers: request.headers, secrets });
    },
    normalise(request: WebhookRequest) {
      return normaliseDelightedEvent({
        tenant: request.tenant,
        source: request.source,
        rawBody: utf8Payload(request.rawBody),
        receivedAt: request.receivedAt,
        mapping,
      });
    },
  };
}
