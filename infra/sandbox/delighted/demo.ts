import { createHmac, randomUUID } from 'node:crypto';
import { signDelightedPayload } from '../../../shared/adapters/surveys/delighted/signature.js';
import type { SignedDelivery } from '../sandbox-demo.js';
import type { SampleAnswer, SurveySample } from '../survey-sample.js';

/** Local-only API key of the demo tenant's Delighted account. Never use it anywhere else. */
export const DELIGHTED_DEMO = { apiKey: 'demo-delighted-api-key-local-only' } as const;

/**
 * Delighted's `survey_response.created` (score only) or `.updated` (with the comment) for an NPS
 * survey, with the ticket and user ids as person properties, signed with the API key.
 *
 * @example delightedDelivery({ responseId: '5435', score: 3, email, phase: 'updated', comment: 'Slow' })
 */
export function delightedDelivery(answer: SampleAnswer, apiKey: string = DELIGHTED_DEMO.apiKey): SignedDelivery {
  const created = Math.floor((answer.answeredAt ?? new Date()).getTime() / 1000);
  const updated = answer.phase === 'updated';
  const eventType = updated ? 'survey_response.updated' : 'survey_response.created';
  const body = JSON.stringify({
    event_type: eventType,
    event_id: createHmac('sha256', 'event').update(`${eventType}:${answer.responseId}:${randomUUID()}`).digest('hex'),
    event_data: {
      id: answer.responseId,
      person: { id: '5975', email: answer.email, name: null, created_at: created },
      survey_type: 'nps',
      score: answer.score,
      comment: updated ? (answer.comment ?? null) : null,
      permalink: `https://app.delighted.com/r/${answer.responseId}`,
      created_at: created,
      updated_at: updated ? created + 120 : created,
      person_properties: {
        ...(answer.ticketId ? { 'Ticket ID': answer.ticketId } : {}),
        ...(answer.userId ? { 'User ID': answer.userId } : {}),
      },
      notes: [],
      tags: [],
      additional_answers: [],
    },
  });
  return {
    headers: { 'content-type': 'application/json', 'x-delighted-webhook-signature': signDelightedPayload({ secret: apiKey, body }) },
    body,
  };
}

/** Delighted in local mode: NPS answers to the default demo tenant, signed with its API key. */
export const delightedSample: SurveySample = {
  source: 'delighted',
  scores: '0-10 (NPS)',
  deliver: (answer) => delightedDelivery(answer),
  demoSources: { delighted: { apiKeys: [{ value: DELIGHTED_DEMO.apiKey }] } },
};
