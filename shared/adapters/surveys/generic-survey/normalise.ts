import type * as z from 'zod';
import { parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { SurveyAnsweredSchema } from '../../../domain/events.js';
import type { SurveyAnswered } from '../../../domain/events.js';
import { standardWebhookDeliveryId } from '../../webhooks/standard-webhooks.js';
import { GENERIC_SURVEY_ANSWERED_TYPE, GenericSurveyAnsweredSchema } from './webhook-schemas.js';
import type { GenericSurveyAnswered } from './webhook-schemas.js';

/** What normalising a verified generic survey delivery needs. */
export interface GenericSurveyNormaliseInput {
  tenant: string;
  /** The source name the webhook was posted to (`/webhooks/{tenant}/{source}`). */
  source: string;
  /** The verified body text. */
  rawBody: string;
  /** Request headers with lower-cased names; `webhook-id` is read. */
  headers: Readonly<Record<string, string | undefined>>;
  receivedAt: Date;
}

const NPS_SCALE = 10;

/**
 * Maps a verified generic `survey.answered` delivery to a SurveyAnswered event. The delivery id
 * is the `webhook-id` header, which the signature covers and every retry repeats; the answer's
 * time is its `updated_at`, else its `answered_at`.
 *
 * @example
 * const event = normaliseGenericSurveyAnswered({ tenant: 'acme', source: 'generic-survey', rawBody, headers, receivedAt: new Date() });
 * event.score; // 3
 * @throws InvalidPayloadError for a body that is not JSON, another event type, a missing
 *   `webhook-id`, a score outside its scale, a respondent with no identity, or fields out of the
 *   documented shape; `issues` name the offending fields.
 */
export function normaliseGenericSurveyAnswered(input: GenericSurveyNormaliseInput): SurveyAnswered {
  const deliveryId = standardWebhookDeliveryId(input.headers);
  const json = parseJsonPayload(input.rawBody);
  rejectOtherTypes(json);
  const parsed = GenericSurveyAnsweredSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPayloadError(`invalid ${GENERIC_SURVEY_ANSWERED_TYPE} body`, payloadIssues(parsed.error));

  const result = SurveyAnsweredSchema.safeParse(toEvent(parsed.data, deliveryId, input));
  if (!result.success)
    throw new InvalidPayloadError(`${GENERIC_SURVEY_ANSWERED_TYPE} body does not make a valid survey answer`, payloadIssues(result.error));
  return result.data;
}

function toEvent(
  body: GenericSurveyAnswered,
  deliveryId: string,
  input: GenericSurveyNormaliseInput,
): z.input<typeof SurveyAnsweredSchema> {
  const { respondent } = body;
  return {
    type: 'SurveyAnswered',
    tenant: input.tenant,
    source: input.source,
    deliveryId,
    occurredAt: body.updated_at ?? body.answered_at,
    revisedAt: body.updated_at ?? body.answered_at,
    receivedAt: input.receivedAt.toISOString(),
    responseId: body.response_id,
    answeredAt: body.answered_at,
    kind: body.kind,
    score: body.score,
    // The schema has required a scale for CSAT, so only an NPS answer can be without one.
    scale: body.scale ?? NPS_SCALE,
    comment: body.comment,
    respondent: {
      helpdeskUserId: respondent.id,
      email: respondent.email,
      externalId: respondent.external_id,
      name: respondent.name,
      handles: [],
    },
    ticketId: body.ticket_id,
  };
}

/** An event of another type gets a message that says so, instead of every field that differs. */
function rejectOtherTypes(json: unknown): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPayloadError(`invalid ${GENERIC_SURVEY_ANSWERED_TYPE} body`, [{ path: '(root)', message: 'must be a JSON object' }]);
  }
  const type: unknown = 'type' in json ? json.type : undefined;
  if (type === GENERIC_SURVEY_ANSWERED_TYPE) return;
  // The type is the sender's text: quoted and cut short so it cannot flood or forge the message.
  const quoted =
    typeof type === 'string'
      ? JSON.stringify(type.slice(0, 100))
      : type === undefined
        ? 'nothing'
        : `a ${type === null ? 'null' : typeof type}`;
  throw new InvalidPayloadError(`unsupported survey event type ${quoted}`, [
    { path: 'type', message: `expected ${GENERIC_SURVEY_ANSWERED_TYPE}, got ${quoted}` },
  ]);
}
