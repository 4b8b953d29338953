import { createHmac, randomUUID } from 'node:crypto';
import { signZendeskPayload } from '../../shared/adapters/helpdesks/zendesk/signature.js';
import { signDelightedPayload } from '../../shared/adapters/surveys/delighted/signature.js';
import { signTypeformPayload } from '../../shared/adapters/surveys/typeform/signature.js';
import { signStandardWebhook } from '../../shared/adapters/webhooks/standard-webhooks.js';
import type { SignedDelivery } from './demo-people.js';

/** One survey answer to send as a survey tool would. */
export interface SampleAnswer {
  /** The survey tool's response id; the same id sent twice is one answer (created, then updated). */
  responseId: string;
  /** 0-10 for NPS; 1 to the scale for CSAT (good is 2 and bad 1 on Zendesk's 2-point scale). */
  score: number;
  comment?: string;
  /** The helpdesk ticket the answer is about. */
  ticketId?: string;
  email: string;
  /** The helpdesk user id of the respondent. */
  userId?: string;
  /** `updated`: the tool's second delivery of the same answer (Delighted's `survey_response.updated`). */
  phase?: 'created' | 'updated';
  answeredAt?: Date;
}

/** Local-only secrets of the demo tenant's survey sources. Never use them anywhere else. */
export const SURVEY_DEMO_SECRETS = {
  typeform: 'demo-typeform-webhook-secret-local-only',
  delighted: 'demo-delighted-api-key-local-only',
  zendeskSatisfaction: 'demo-zendesk-csat-signing-secret-local-only',
  genericSurvey: 'whsec_ZGVtby1nZW5lcmljLXN1cnZleS1sb2NhbC1vbmx5',
} as const;

/** The Typeform field refs the demo tenant's form uses. */
export const DEMO_TYPEFORM_FIELDS = { scoreField: 'nps_score', commentField: 'nps_reason' } as const;

const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A Typeform `form_response` for an NPS form with the demo's field refs and hidden fields,
 * signed as Typeform signs (`Typeform-Signature: sha256=<base64>`).
 *
 * @example await fetch(url, { method: 'POST', ...typeformDelivery({ responseId: 'r1', score: 3, email }) })
 */
export function typeformDelivery(answer: SampleAnswer, secret: string = SURVEY_DEMO_SECRETS.typeform): SignedDelivery {
  const submittedAt = iso(answer.answeredAt ?? new Date());
  const hidden: Record<string, string> = { email: answer.email, ticket_id: answer.ticketId ?? '', user_id: answer.userId ?? '' };
  const answers: unknown[] = [{ type: 'number', number: answer.score, field: { id: 'Kx7pQ2mB9vR3', type: 'nps', ref: DEMO_TYPEFORM_FIELDS.scoreField } }];
  if (answer.comment !== undefined) {
    answers.push({ type: 'text', text: answer.comment, field: { id: 'DlXFaesGBpoF', type: 'long_text', ref: DEMO_TYPEFORM_FIELDS.commentField } });
  }
  const body = JSON.stringify({
    event_id: `01J${randomUUID().replaceAll('-', '').slice(0, 23).toUpperCase()}`,
    event_type: 'form_response',
    form_response: {
      form_id: 'lT4Z3j',
      token: answer.responseId,
      landed_at: submittedAt,
      submitted_at: submittedAt,
      hidden,
      definition: {
        id: 'lT4Z3j',
        title: 'How did we do?',
        fields: [
          { id: 'Kx7pQ2mB9vR3', title: 'How likely are you to recommend us?', type: 'nps', ref: DEMO_TYPEFORM_FIELDS.scoreField, properties: {} },
          { id: 'DlXFaesGBpoF', title: 'What is the main reason for your score?', type: 'long_text', ref: DEMO_TYPEFORM_FIELDS.commentField, properties: {} },
        ],
      },
      answers,
    },
  });
  return { headers: { 'content-type': 'application/json', 'typeform-signature': signTypeformPayload({ secret, body }) }, body };
}

/**
 * Delighted's `survey_response.created` (score only) or `.updated` (with the comment) for an NPS
 * survey, with the ticket and user ids as person properties, signed with the API key.
 *
 * @example delightedDelivery({ responseId: '5435', score: 3, email, phase: 'updated', comment: 'Slow' })
 */
export function delightedDelivery(answer: SampleAnswer, apiKey: string = SURVEY_DEMO_SECRETS.delighted): SignedDelivery {
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
  return { headers: { 'content-type': 'application/json', 'x-delighted-webhook-signature': signDelightedPayload({ secret: apiKey, body }) }, body };
}

/**
 * The body of the README's Zendesk satisfaction trigger, rendered as Zendesk renders placeholders
 * (raw text: a quote in the comment is sent as it is), signed like every Zendesk webhook.
 *
 * @example zendeskSatisfactionDelivery({ responseId: 'ticket-1', score: 1, ticketId: '1', userId: '1001', email })
 */
export function zendeskSatisfactionDelivery(answer: SampleAnswer, secret: string = SURVEY_DEMO_SECRETS.zendeskSatisfaction): SignedDelivery {
  const rating = answer.score >= 2 ? 'Good' : 'Bad';
  const body =
    `{"event":"satisfaction_rated","ticket_id":"${answer.ticketId ?? ''}","requester_id":"${answer.userId ?? ''}",` +
    `"requester_email":"${answer.email}","rating":"${rating}","scale":"2","comment":"${answer.comment ?? ''}"}`;
  const timestamp = iso(answer.answeredAt ?? new Date());
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

/**
 * The documented generic `survey.answered` body for an NPS answer, signed with Standard Webhooks;
 * the same response id sent again (`updated`) carries `updated_at`.
 *
 * @example genericSurveyDelivery({ responseId: 'r-1', score: 3, email, ticketId: '1' })
 */
export function genericSurveyDelivery(answer: SampleAnswer, secret: string = SURVEY_DEMO_SECRETS.genericSurvey): SignedDelivery {
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

/** How one survey source of the demo tenant sends an answer. */
export interface SurveySample {
  /** What its score means, for a command's help. */
  scores: string;
  deliver(answer: SampleAnswer): SignedDelivery;
  /** The response id the tool would use when none is given (Zendesk keeps one rating per ticket). */
  responseIdFor?(ticketId: string | undefined): string | undefined;
}

/** How each survey source of the demo tenant sends an answer, by source name. */
export const SURVEY_SAMPLES: Readonly<Record<string, SurveySample>> = {
  typeform: { scores: '0-10 (NPS)', deliver: (answer) => typeformDelivery(answer) },
  delighted: { scores: '0-10 (NPS)', deliver: (answer) => delightedDelivery(answer) },
  'zendesk-csat': {
    scores: '1 (bad) or 2 (good)',
    deliver: (answer) => zendeskSatisfactionDelivery(answer),
    responseIdFor: (ticketId) => (ticketId ? `ticket-${ticketId}` : undefined),
  },
  'generic-survey': { scores: '0-10 (NPS)', deliver: (answer) => genericSurveyDelivery(answer) },
};
