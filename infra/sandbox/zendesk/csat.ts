import { randomUUID } from 'node:crypto';
import { signZendeskPayload } from '../../../shared/adapters/helpdesks/zendesk/signature.js';
import type { SignedDelivery } from '../sandbox-demo.js';
import { isoSeconds, type SampleAnswer, type SurveySample } from '../survey-sample.js';
import { ZENDESK_DEMO } from './demo.js';

/**
 * The body of the README's Zendesk satisfaction trigger, rendered as Zendesk renders placeholders
 * (raw text: a quote in the comment is sent as it is), signed like every Zendesk webhook.
 *
 * @example zendeskSatisfactionDelivery({ responseId: 'ticket-1', score: 1, ticketId: '1', userId: '1001', email })
 */
export function zendeskSatisfactionDelivery(answer: SampleAnswer, secret: string = ZENDESK_DEMO.csatSigningSecret): SignedDelivery {
  const rating = answer.score >= 2 ? 'Good' : 'Bad';
  const body =
    `{"event":"satisfaction_rated","ticket_id":"${answer.ticketId ?? ''}","requester_id":"${answer.userId ?? ''}",` +
    `"requester_email":"${answer.email}","rating":"${rating}","scale":"2","comment":"${answer.comment ?? ''}"}`;
  const timestamp = isoSeconds(answer.answeredAt ?? new Date());
  return {
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-invocation-id': randomUUID(),
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': signZendeskPayload({ secret, timestamp, body }),
    },
    body,
  };
}

/** Zendesk's satisfaction ratings in local mode: one rating per ticket, to the Zendesk demo tenant. */
export const zendeskCsatSample: SurveySample = {
  source: 'zendesk-csat',
  scores: '1 (bad) or 2 (good)',
  needsTicket: true,
  deliver: (answer) => zendeskSatisfactionDelivery(answer),
  responseIdFor: (ticketId) => (ticketId ? `ticket-${ticketId}` : undefined),
};
