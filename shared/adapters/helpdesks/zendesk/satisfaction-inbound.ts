import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { normaliseZendeskSatisfaction } from './satisfaction-normalise.js';
import { verifyZendeskSignature } from './signature.js';

/**
 * Zendesk satisfaction ratings as an inbound source: the trigger-connected webhook that fires
 * when a ticket's satisfaction changes, signed like every Zendesk webhook (checked on the raw
 * bytes), carrying the documented satisfaction body.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: zendeskSatisfactionInbound, secrets }), ... })
 */
export const zendeskSatisfactionInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyZendeskSignature({ rawBody: request.rawBody, headers: request.headers, secrets, now: request.receivedAt });
  },
  normalise(request: WebhookRequest) {
    return normaliseZendeskSatisfaction({
      tenant: request.tenant,
      source: request.source,
      rawBody: utf8Payload(request.rawBody),
      headers: request.headers,
      receivedAt: request.receivedAt,
    });
  },
};
