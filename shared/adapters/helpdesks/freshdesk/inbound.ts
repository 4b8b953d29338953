import type { InboundSource } from '../../../domain/ports.js';
import type { WebhookRequest } from '../../../domain/webhook-request.js';
import { utf8Payload } from '../../http/payload.js';
import { normaliseFreshdeskTicketCreated } from './normalise.js';
import { isFreshdeskResolvedBody, normaliseFreshdeskResolved } from './solved.js';
import { verifyFreshdeskToken } from './token.js';

/**
 * Freshdesk as an inbound source: the tenant's secret checked (header or HTTP Basic) before
 * anything is parsed, then the documented "Trigger Webhook" rule body, or the resolved rule's.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: freshdeskInbound, secrets }), ... })
 */
export const freshdeskInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyFreshdeskToken({ headers: request.headers, secrets });
  },
  normalise(request: WebhookRequest) {
    const input = { tenant: request.tenant, source: request.source, rawBody: utf8Payload(request.rawBody), receivedAt: request.receivedAt };
    // The resolved rule's body (the id only); anything else is the ticket-created rule's, or refused as one.
    if (isFreshdeskResolvedBody(input.rawBody)) return normaliseFreshdeskResolved(input);
    return normaliseFreshdeskTicketCreated(input);
  },
};
