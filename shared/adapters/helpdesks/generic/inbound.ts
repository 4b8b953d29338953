import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { verifyStandardWebhook } from '../../webhooks/standard-webhooks.js';
import { normaliseGenericEvent } from './normalise.js';

/**
 * The generic source: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * checked on the raw bytes against the tenant's secrets, then the documented `ticket.created` or `ticket.solved` body.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: genericInbound, secrets }), ... })
 */
export const genericInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyStandardWebhook({ rawBody: request.rawBody, headers: request.headers, secrets, now: request.receivedAt });
  },
  normalise(request: WebhookRequest) {
    return normaliseGenericEvent({
      tenant: request.tenant,
      source: request.source,
      rawBody: utf8Payload(request.rawBody),
      headers: request.headers,
      receivedAt: request.receivedAt,
    });
  },
};
