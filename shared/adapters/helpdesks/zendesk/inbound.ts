import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { invocationId, normaliseZendeskTicketCreated } from './normalise.js';
import { isZendeskSolvedBody, normaliseZendeskSolved } from './solved.js';
import { verifyZendeskSignature } from './signature.js';

/**
 * Zendesk as an inbound source: `X-Zendesk-Webhook-Signature` checked on the raw bytes, then
 * either the event-subscribed `ticket.created` envelope, the documented trigger body, or the
 * solved trigger's body.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: zendeskInbound, secrets }), ... })
 */
export const zendeskInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyZendeskSignature({ rawBody: request.rawBody, headers: request.headers, secrets, now: request.receivedAt });
  },
  normalise(request: WebhookRequest) {
    const input = {
      tenant: request.tenant,
      rawBody: utf8Payload(request.rawBody),
      headers: request.headers,
      receivedAt: request.receivedAt,
    };
    // The solved trigger's body (ids only); everything else is a ticket-created delivery or refused as one.
    if (isZendeskSolvedBody(input.rawBody)) return normaliseZendeskSolved({ ...input, deliveryId: invocationId(request.headers) });
    return normaliseZendeskTicketCreated(input);
  },
};
