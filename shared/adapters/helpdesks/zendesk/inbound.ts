import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { normaliseZendeskTicketCreated } from './normalise.js';
import { verifyZendeskSignature } from './signature.js';

/**
 * Zendesk as an inbound source: `X-Zendesk-Webhook-Signature` checked on the raw bytes, then
 * either the event-subscribed `ticket.created` envelope or the documented trigger body.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: zendeskInbound, secrets }), ... })
 */
export const zendeskInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyZendeskSignature({ rawBody: request.rawBody, headers: request.headers, secrets, now: request.receivedAt });
  },
  normalise(request: WebhookRequest) {
    return normaliseZendeskTicketCreated({
      tenant: request.tenant,
      rawBody: utf8Payload(request.rawBody),
      headers: request.headers,
      receivedAt: request.receivedAt,
    });
  },
};
