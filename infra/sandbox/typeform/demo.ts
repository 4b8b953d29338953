import { randomUUID } from 'node:crypto';
import { signTypeformPayload } from '../../../shared/adapters/surveys/typeform/signature.js';
import type { SignedDelivery } from '../sandbox-demo.js';
import { isoSeconds, type SampleAnswer, type SurveySample } from '../survey-sample.js';

/** Local-only secret and field refs of the demo tenant's Typeform form. Never use them anywhere else. */
export const TYPEFORM_DEMO = {
  signingSecret: 'demo-typeform-webhook-secret-local-only',
  fields: { scoreField: 'nps_score', commentField: 'nps_reason' },
} as const;

/**
 * A Typeform `form_response` for an NPS form with the demo's field refs and hidden fields,
 * signed as Typeform signs (`Typeform-Signature: sha256=<base64>`).
 *
 * @example await fetch(url, { method: 'POST', ...typeformDelivery({ responseId: 'r1', score: 3, email }) })
 */
export function typeformDelivery(answer: SampleAnswer, secret: string = TYPEFORM_DEMO.signingSecret): SignedDelivery {
  const submittedAt = isoSeconds(answer.answeredAt ?? new Date());
  const hidden: Record<string, string> = { email: answer.email, ticket_id: answer.ticketId ?? '', user_id: answer.userId ?? '' };
  const answers: unknown[] = [
    { type: 'number', number: answer.score, field: { id: 'Kx7pQ2mB9vR3', type: 'nps', ref: TYPEFORM_DEMO.fields.scoreField } },
  ];
  if (answer.comment !== undefined) {
    answers.push({
      type: 'text',
      text: answer.comment,
      field: { id: 'DlXFaesGBpoF', type: 'long_text', ref: TYPEFORM_DEMO.fields.commentField },
    });
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
          {
            id: 'Kx7pQ2mB9vR3',
            title: 'How likely are you to recommend us?',
            type: 'nps',
            ref: TYPEFORM_DEMO.fields.scoreField,
            properties: {},
          },
          {
            id: 'DlXFaesGBpoF',
            title: 'What is the main reason for your score?',
            type: 'long_text',
            ref: TYPEFORM_DEMO.fields.commentField,
            properties: {},
          },
        ],
      },
      answers,
    },
  });
  return { headers: { 'content-type': 'application/json', 'typeform-signature': signTypeformPayload({ secret, body }) }, body };
}

/** Typeform in local mode: NPS answers to the default demo tenant, signed with its secret. */
export const typeformSample: SurveySample = {
  source: 'typeform',
  scores: '0-10 (NPS)',
  deliver: (answer) => typeformDelivery(answer),
  demoSources: { typeform: { signingSecrets: [{ value: TYPEFORM_DEMO.signingSecret }], ...TYPEFORM_DEMO.fields } },
};
