import { randomUUID } from 'node:crypto';
import { signStandardWebhook } from '../../../shared/adapters/webhooks/standard-webhooks.js';
import type { SignedDelivery } from '../sandbox-demo.js';
import type { SampleAnswer, SurveySample } from '../survey-sample.js';

/** Local-only Standard Webhooks secret of the demo tenant's generic survey source. Never use it anywhere else. */
export const GENERIC_SURVEY_DEMO = { signingSecret: 'whsec_ZGVtby1nZW5lcmljLXN1cnZleS1sb2NhbC1vbmx5' } as const;

/**
 * The documented generic `survey.answered` body for an NPS answer, signed with Standard Webhooks;
 * the same response id sent again (`updated`) carries `updated_at`.
 *
 * @example genericSurveyDelivery({ responseId: 'r-1', score: 3, email, ticketId: '1' })
 */
export function genericSurveyDelivery(answer: SampleAnswer, secret: string = GENERIC_SURVEY_DEMO.signingSecret): SignedDelivery {
  const now = new Date();
  const answeredAt = answer.answeredAt ?? now;
  const body = JSON.stringify({
    type: 'survey.answered',
    response_id: answer.responseId,
    answered_at: answeredAt.toISOString(),
    ...(answer.phase === 'updated' ? { updated_at: new Date(Math.max(now.getTime(), answeredAt.getTime())).toISOString() } : {}),
    kind: 'nps',
    score: answer.score,
    ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
    ...(answer.ticketId ? { ticket_id: answer.ticketId } : {}),
    respondent: { email: answer.email, ...(answer.userId ? { id: answer.userId } : {}) },
  });
  const id = `msg_${randomUUID()}`;
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signStandardWebhook({ secret, id, timestamp: now, body }),
    },
    body,
  };
}

/** The generic survey source in local mode: NPS answers to the default demo tenant, signed with Standard Webhooks. */
export const genericSurveySample: SurveySample = {
  source: 'generic-survey',
  scores: '0-10 (NPS)',
  deliver: (answer) => genericSurveyDelivery(answer),
  demoSources: { 'generic-survey': { signingSecrets: [{ value: GENERIC_SURVEY_DEMO.signingSecret }] } },
};
