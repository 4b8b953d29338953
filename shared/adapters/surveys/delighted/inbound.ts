import { InvalidPayloadError } from '../../../domain/errors.js';
import type { InboundSource, WebhookRequest } from '../../../domain/ports.js';
import { normaliseDelightedEvent } from './normalise.js';
import type { DelightedMapping } from './normalise.js';
import { verifyDelightedSignature } from './signature.js';

// Fatal, so bytes that are not UTF-8 are refused instead of turning into U+FFFD in a comment or an email.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Delighted as an inbound source for one tenant's account: the `X-Delighted-Webhook-Signature`
 * checked on the raw bytes with the account's API keys, then the response or unsubscribe read
 * through the tenant's person-property names.
 *
 * @example const adapter = delightedInbound({ properties: { ticketId: 'Ticket ID', userId: 'User ID' } })
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
        rawBody: decodeUtf8(request.rawBody),
        receivedAt: request.receivedAt,
        mapping,
      });
    },
  };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new InvalidPayloadError('body is not UTF-8', [{ path: '(root)', message: 'body must be UTF-8 JSON' }], { cause: error });
  }
}
