import * as z from 'zod';
import { headerValue, parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { SurveyAnsweredSchema } from '../../../domain/events.js';
import type { SurveyAnswered } from '../../../domain/events.js';
import { invocationId } from './normalise.js';
import { ZENDESK_SIGNATURE_TIMESTAMP_HEADER } from './signature.js';
import { ZENDESK_SATISFACTION_EVENT, ZendeskSatisfactionBodySchema, zendeskRating } from './satisfaction-schemas.js';

/** What normalising a verified Zendesk satisfaction delivery needs. */
export interface ZendeskSatisfactionInput {
  tenant: string;
  /** The source name the webhook was posted to (`/webhooks/{tenant}/{source}`). */
  source: string;
  /** The verified body text. */
  rawBody: string;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  receivedAt: Date;
}

/** Why a rating that is only the survey's state (offered, unoffered) is refused. */
export const NOT_A_RATING_MESSAGE = 'not a rating: the trigger should fire when satisfaction changes to good or bad';

const IsoTimestampSchema = z.iso.datetime({ offset: true });

// A JSON string as the documented fields hold it: no raw quote, backslash or control character.
const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\.)*"`;
const field = (name: string, value: string) => String.raw`\s*"${name}"\s*:\s*${value}\s*`;

/**
 * The documented body, field by field and in order, up to the comment's opening quote; then the
 * comment's raw text, and the final `"}`. The comment group is greedy, so it runs to the last
 * `"}` of the body: anything the comment itself holds, quotes and braces included, stays in it.
 */
const DOCUMENTED_LAYOUT = new RegExp(
  String.raw`^(\{` +
    [
      field('event', `"${ZENDESK_SATISFACTION_EVENT}"`),
      field('ticket_id', STRING),
      field('requester_id', STRING),
      field('requester_email', STRING),
      field('rating', STRING),
      field('scale', STRING),
    ].join(',') +
    String.raw`,\s*"comment"\s*:\s*")([\s\S]*)"\s*\}\s*$`,
);

/**
 * Reads the body. When it has the documented layout, the fields come from the part before the
 * comment and the comment from its raw text: as a JSON string when it is one (Zendesk escaped
 * it), else verbatim (Zendesk inserted it raw and it broke the JSON; the schema then drops
 * control characters and cuts it to length). The fields are read before the comment even when
 * the whole body parses, so a comment such as `x","ticket_id":"9` can never override the ticket
 * (JSON.parse keeps the last of duplicate keys). Anything else must be JSON.
 */
function readBody(text: string): unknown {
  const layout = DOCUMENTED_LAYOUT.exec(text);
  const prefix = layout?.[1];
  const rawComment = layout?.[2];
  if (prefix !== undefined && rawComment !== undefined) {
    const fields = jsonObject(`${prefix}"}`);
    if (fields !== undefined) return { ...fields, comment: jsonString(rawComment) ?? rawComment };
  }
  return parseJsonPayload(text, 'malformed JSON: not the documented satisfaction body either');
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : undefined;
  } catch {
    return undefined;
  }
}

function jsonString(raw: string): string | undefined {
  try {
    const value: unknown = JSON.parse(`"${raw}"`);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The longest ISO date-time written as a clock writes one: nanoseconds and an offset, `2024-04-17T17:18:10.123456789+05:30`. */
const PLAIN_TIMESTAMP_LENGTH = 35;

/**
 * The signed timestamp, when it is an ISO date-time: as written, or, with more fractional digits
 * than any clock gives, as its instant in milliseconds, so the delivery id built from it stays short.
 */
function signedTime(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const signedAt = headerValue(headers, ZENDESK_SIGNATURE_TIMESTAMP_HEADER);
  if (signedAt === undefined || !IsoTimestampSchema.safeParse(signedAt).success) return undefined;
  return signedAt.length <= PLAIN_TIMESTAMP_LENGTH ? signedAt : new Date(Date.parse(signedAt)).toISOString();
}

/**
 * Maps a verified delivery of the documented satisfaction trigger body to a SurveyAnswered event
 * (kind `csat`). Zendesk keeps one rating per ticket and a changed rating replaces it, so the
 * response id is `ticket-<id>`.
 *
 * @example
 * const event = normaliseZendeskSatisfaction({ tenant: 'acme', source: 'zendesk-csat', rawBody, headers, receivedAt: new Date() });
 * event.responseId; // 'ticket-35436'
 * @throws InvalidPayloadError for a body that is neither JSON nor the documented layout, a
 *   rating that is none (offered, unoffered) or out of the scale, or an invalid field.
 */
export function normaliseZendeskSatisfaction(input: ZendeskSatisfactionInput): SurveyAnswered {
  const parsed = ZendeskSatisfactionBodySchema.safeParse(readBody(input.rawBody));
  if (!parsed.success) throw new InvalidPayloadError('invalid Zendesk satisfaction body', payloadIssues(parsed.error));
  const body = parsed.data;

  const rating = zendeskRating(body.rating, body.scale);
  if (rating.kind === 'not-a-rating') {
    throw new InvalidPayloadError(NOT_A_RATING_MESSAGE, [{ path: 'rating', message: `"${rating.label}" is not a rating` }]);
  }
  if (rating.kind === 'invalid')
    throw new InvalidPayloadError('invalid Zendesk satisfaction rating', [{ path: 'rating', message: rating.message }]);

  const at = signedTime(input.headers) ?? input.receivedAt.toISOString();
  const result = SurveyAnsweredSchema.safeParse({
    type: 'SurveyAnswered',
    tenant: input.tenant,
    source: input.source,
    deliveryId: invocationId(input.headers) ?? `satisfaction:${body.ticket_id}:${rating.label}:${at}`,
    occurredAt: at,
    // The body has no time of its own, and the signature's is when the attempt was signed (a
    // retry past the 300 s tolerance must be signed again): ratings are ordered by when ingest
    // received them, which a replay keeps.
    revisedAt: input.receivedAt.toISOString(),
    receivedAt: input.receivedAt.toISOString(),
    responseId: `ticket-${body.ticket_id}`,
    answeredAt: at,
    kind: 'csat',
    score: rating.score,
    scale: rating.scale,
    comment: body.comment,
    respondent: { helpdeskUserId: body.requester_id, email: body.requester_email, handles: [] },
    ticketId: body.ticket_id,
  });
  if (!result.success)
    throw new InvalidPayloadError('Zendesk satisfaction body does not make a valid survey answer', payloadIssues(result.error));
  return result.data;
}
