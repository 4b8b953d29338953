import { InvalidPayloadError } from '../../../domain/errors.js';
import type { InboundSource, WebhookRequest } from '../../../domain/ports.js';
import { verifyStandardWebhook } from '../../webhooks/standard-webhooks.js';
import { normaliseGenericSurveyAnswered } from './normalise.js';

// Fatal, so bytes that are not UTF-8 are refused instead of turning into U+FFFD in a comment or an email.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The generic survey source: Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) checked on the raw bytes against the tenant's secrets, the timestamp
 * against the time the request arrived, then the documented `survey.answered` body.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: genericSurveyInbound, secrets }), ... })
 */
export const genericSurveyInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyStandardWebhook({ rawBody: request.rawBody, headers: request.headers, secrets, now: request.receivedAt });
  },
  normalise(request: WebhookRequest) {
    return normaliseGenericSurveyAnswered({
      tenant: request.tenant,
      source: request.source,
      rawBody: decodeUtf8(request.rawBody),
      headers: request.headers,
      receivedAt: request.receivedAt,
    });
  },
};

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new InvalidPayloadError('body is not UTF-8', [{ path: '(root)', message: 'body must be UTF-8 JSON' }], { cause: error });
  }
}
