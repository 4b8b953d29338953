import type { InboundSource, WebhookRequest } from '../../../domain/ports.js';
import { normaliseFreshdeskTicketCreated } from './normalise.js';
import { verifyFreshdeskToken } from './token.js';

/**
 * Freshdesk as an inbound source: the tenant's secret checked (header or HTTP Basic) before
 * anything is parsed, then the documented "Trigger Webhook" rule body.
 *
 * @example await ingestWebhook(request, { sourceFor: () => ({ adapter: freshdeskInbound, secrets }), ... })
 */
export const freshdeskInbound: InboundSource = {
  contentTypes: ['application/json'],
  verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyFreshdeskToken({ headers: request.headers, secrets });
  },
  normalise(request: WebhookRequest) {
    return normaliseFreshdeskTicketCreated({
      tenant: request.tenant,
      source: request.source,
      rawBody: Buffer.from(request.rawBody).toString('utf8'),
      receivedAt: request.receivedAt,
    });
  },
};
