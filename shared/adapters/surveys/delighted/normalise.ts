import { createHash } from 'node:crypto';
import * as z from 'zod';
import { RotatingSecretsSchema } from '../../plugin/secret-ref.js';
import { parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { SurveyAnsweredSchema, SurveyUnsubscribedSchema } from '../../../domain/events.js';
import type { SurveyAnswered, SurveyUnsubscribed } from '../../../domain/events.js';
import {
  DELIGHTED_EVENT_TYPES,
  DELIGHTED_UNSUBSCRIBE_CREATED,
  DelightedSurveyResponseEventSchema,
  DelightedUnsubscribeEventSchema,
} from './webhook-schemas.js';
import type { DelightedSurveyResponse, DelightedSurveyResponseEvent, DelightedUnsubscribeEvent } from './webhook-schemas.js';

const PropertyNameSchema = z.string().trim().min(1, 'must be a property name').max(100);

/** The `person_properties` that carry the ticket, the helpdesk user and the tenant's own customer id, when the tenant sends them with each survey. */
export const DelightedPropertiesSchema = z
  .object({
    ticketId: PropertyNameSchema.default('Ticket ID'),
    userId: PropertyNameSchema.default('User ID'),
    /** The tenant's own id of the customer (a CRM id). */
    externalId: PropertyNameSchema.default('External ID'),
  })
  .strict();

/**
 * A tenant's `sources.delighted` entry: the account's API keys, which sign its webhooks, and the
 * names of the person properties that say which ticket, which helpdesk user and which customer
 * of the tenant an answer is about. Defaults: properties `Ticket ID`, `User ID` and `External ID`.
 */
export const DelightedSourceSchema = z
  .object({
    /** The account's private API key (1-3 during rotation): Delighted signs webhooks with it. */
    apiKeys: RotatingSecretsSchema,
    properties: DelightedPropertiesSchema.prefault({}),
  })
  .strict();
export type DelightedSourceConfig = z.output<typeof DelightedSourceSchema>;

/** What normalising reads of the source's configuration: everything but its keys. */
export type DelightedMapping = Omit<DelightedSourceConfig, 'apiKeys'>;

/** What normalising a verified Delighted delivery needs. */
export interface DelightedNormaliseInput {
  tenant: string;
  /** The source name the webhook was posted to (`/webhooks/{tenant}/{source}`). */
  source: string;
  /** The verified body text. */
  rawBody: string;
  receivedAt: Date;
  mapping: DelightedMapping;
}

/** How each routed survey type is scored: Delighted NPS is 0-10, its CSAT 1-5. */
const SURVEY_KINDS: Readonly<Record<string, { kind: 'nps' | 'csat'; scale: number }>> = {
  nps: { kind: 'nps', scale: 10 },
  csat: { kind: 'csat', scale: 5 },
};

const MAX_COMMENT_LENGTH = 5000;

// A property may hold a number (a numeric ticket id); blank means the survey was sent without it.
function propertyText(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const TicketIdPropertySchema = z.preprocess(
  propertyText,
  z
    .string({ error: 'must be a string or a number' })
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits or ._:-')
    .optional(),
);
const UserIdPropertySchema = z.preprocess(
  propertyText,
  z
    .string({ error: 'must be a string or a number' })
    .regex(/^[A-Za-z0-9._:@-]{1,64}$/, 'must be 1-64 letters, digits or ._:@-')
    .optional(),
);
// As long as the generic webhooks and imports take one.
const ExternalIdPropertySchema = z.preprocess(
  propertyText,
  z.string({ error: 'must be a string or a number' }).max(128, 'must be at most 128 characters').optional(),
);

/**
 * Maps a verified Delighted webhook to an event: `survey_response.created` and `.updated` to one
 * SurveyAnswered per response (the response id is Delighted's, so an update replaces the answer),
 * `unsubscribe.created` to a SurveyUnsubscribed. The delivery id is the `event_id`, or, without
 * one, a key built from the event type, the response and its last change.
 *
 * @example
 * const event = normaliseDelightedEvent({ tenant: 'acme', source: 'delighted', rawBody, receivedAt: new Date(), mapping });
 * event.type; // 'SurveyAnswered'
 * @throws InvalidPayloadError for a body that is not JSON, an unknown event type, a survey type
 *   other than nps or csat, a score outside its scale, or a person with no email or user id;
 *   `issues` name the offending fields.
 */
export function normaliseDelightedEvent(input: DelightedNormaliseInput): SurveyAnswered | SurveyUnsubscribed {
  const json = parseJsonPayload(input.rawBody, 'Delighted body is not valid JSON');
  const type = eventType(json);
  if (type === DELIGHTED_UNSUBSCRIBE_CREATED) {
    const parsed = DelightedUnsubscribeEventSchema.safeParse(json);
    if (!parsed.success) throw new InvalidPayloadError(`invalid Delighted ${type} body`, payloadIssues(parsed.error));
    return unsubscribed(parsed.data, input);
  }
  const parsed = DelightedSurveyResponseEventSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPayloadError(`invalid Delighted ${type} body`, payloadIssues(parsed.error));
  return answered(parsed.data, input);
}

function answered(body: DelightedSurveyResponseEvent, input: DelightedNormaliseInput): SurveyAnswered {
  const response = body.event_data;
  const { kind, scale } = scoring(response);
  const { person } = response;
  const properties = personProperties(response, input.mapping);
  if (person.email === undefined && properties.userId === undefined && properties.externalId === undefined) {
    const { userId, externalId } = input.mapping.properties;
    throw new InvalidPayloadError(
      `the response's person has no email and no ${JSON.stringify(userId)} or ${JSON.stringify(externalId)} property`,
      [
        {
          path: 'event_data.person.email',
          message: `needs an email, person_properties.${JSON.stringify(userId)} with the helpdesk user id, or person_properties.${JSON.stringify(externalId)} with your customer id`,
        },
      ],
    );
  }
  const lastChange = response.updated_at ?? response.created_at;
  const comment = response.comment?.trim();

  const result = SurveyAnsweredSchema.safeParse({
    type: 'SurveyAnswered',
    tenant: input.tenant,
    source: input.source,
    // Without an event id, the signed body itself tells one delivery from another: two updates of one answer differ.
    deliveryId: body.event_id ?? `${body.event_type}:${readableId(response.id)}:${lastChange}:${bodyDigest(input.rawBody)}`,
    occurredAt: isoFromSeconds(lastChange),
    revisedAt: isoFromSeconds(lastChange),
    receivedAt: input.receivedAt.toISOString(),
    responseId: response.id,
    answeredAt: isoFromSeconds(response.created_at),
    kind,
    score: response.score,
    scale,
    // Cut rather than refused: an essay of a comment must not cost the score with it.
    comment: comment === undefined || comment === '' ? undefined : comment.slice(0, MAX_COMMENT_LENGTH),
    respondent: {
      helpdeskUserId: properties.userId,
      email: person.email,
      externalId: properties.externalId,
      name: person.name,
      handles: [],
    },
    ticketId: properties.ticketId,
  } satisfies z.input<typeof SurveyAnsweredSchema>);
  if (!result.success) throw new InvalidPayloadError('Delighted payload does not make a valid survey answer', payloadIssues(result.error));
  return result.data;
}

function unsubscribed(body: DelightedUnsubscribeEvent, input: DelightedNormaliseInput): SurveyUnsubscribed {
  const data = body.event_data;
  const email = data.email ?? data.person?.email;
  if (email === undefined) {
    throw new InvalidPayloadError(`Delighted ${DELIGHTED_UNSUBSCRIBE_CREATED} carried no email`, [
      { path: 'event_data.email', message: 'needs the email of the person who unsubscribed (or event_data.person.email)' },
    ]);
  }
  const at = data.unsubscribed_at ?? body.event_creation_timestamp;
  const result = SurveyUnsubscribedSchema.safeParse({
    type: 'SurveyUnsubscribed',
    tenant: input.tenant,
    source: input.source,
    // A retry repeats the body, so its digest is a stable key without an event id; no email goes
    // into it, because delivery ids are logged and emails never are.
    deliveryId: body.event_id ?? `unsubscribe:${bodyDigest(input.rawBody)}`,
    occurredAt: at === undefined ? input.receivedAt.toISOString() : isoFromSeconds(at),
    receivedAt: input.receivedAt.toISOString(),
    respondent: { email, name: data.name ?? data.person?.name, handles: [] },
  } satisfies z.input<typeof SurveyUnsubscribedSchema>);
  if (!result.success) throw new InvalidPayloadError('Delighted payload does not make a valid unsubscribe', payloadIssues(result.error));
  return result.data;
}

/** The kind and scale of a routed survey type, with the score checked against them. */
function scoring(response: DelightedSurveyResponse): { kind: 'nps' | 'csat'; scale: number } {
  const surveyType = response.survey_type;
  const routed = Object.hasOwn(SURVEY_KINDS, surveyType) ? SURVEY_KINDS[surveyType] : undefined;
  if (routed === undefined) {
    const message = `survey type ${JSON.stringify(surveyType)} is not routed: only nps and csat answers are`;
    throw new InvalidPayloadError(`unsupported Delighted ${message}`, [{ path: 'event_data.survey_type', message }]);
  }
  const { score } = response;
  const low = routed.kind === 'nps' ? 0 : 1;
  if (!Number.isInteger(score) || score < low || score > routed.scale) {
    const message = `a Delighted ${routed.kind.toUpperCase()} score is a whole number from ${low} to ${routed.scale}, got ${score}`;
    throw new InvalidPayloadError(`invalid Delighted score: ${message}`, [{ path: 'event_data.score', message }]);
  }
  return routed;
}

/** The ticket, the helpdesk user and the external id from the configured person properties, each absent when not sent. */
function personProperties(
  response: DelightedSurveyResponse,
  mapping: DelightedMapping,
): { ticketId?: string; userId?: string; externalId?: string } {
  const properties = response.person_properties ?? {};
  const names = mapping.properties;
  const read = (name: string): unknown => (Object.hasOwn(properties, name) ? properties[name] : undefined);
  const ticketId = TicketIdPropertySchema.safeParse(read(names.ticketId));
  const userId = UserIdPropertySchema.safeParse(read(names.userId));
  const externalId = ExternalIdPropertySchema.safeParse(read(names.externalId));
  const issues = [
    ...(ticketId.success
      ? []
      : ticketId.error.issues.map((issue) => ({ path: `event_data.person_properties.${names.ticketId}`, message: issue.message }))),
    ...(userId.success
      ? []
      : userId.error.issues.map((issue) => ({ path: `event_data.person_properties.${names.userId}`, message: issue.message }))),
    ...(externalId.success
      ? []
      : externalId.error.issues.map((issue) => ({ path: `event_data.person_properties.${names.externalId}`, message: issue.message }))),
  ];
  if (issues.length > 0) throw new InvalidPayloadError('invalid Delighted person properties', issues);
  return { ticketId: ticketId.data, userId: userId.data, externalId: externalId.data };
}

/** The event type, if it is one Delighted sends; anything else is refused by name. */
function eventType(json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPayloadError('invalid Delighted webhook body', [{ path: '(root)', message: 'must be a JSON object' }]);
  }
  const type: unknown = 'event_type' in json ? json.event_type : undefined;
  const known: readonly unknown[] = DELIGHTED_EVENT_TYPES;
  if (typeof type === 'string' && known.includes(type)) return type;
  // The type is the sender's text: quoted and cut short so it cannot flood or forge the message.
  const quoted =
    typeof type === 'string'
      ? JSON.stringify(type.slice(0, 100))
      : type === undefined
        ? 'nothing'
        : `a ${type === null ? 'null' : typeof type}`;
  throw new InvalidPayloadError(`unsupported Delighted event type ${quoted}`, [
    { path: 'event_type', message: `expected one of ${DELIGHTED_EVENT_TYPES.join(', ')}, got ${quoted}` },
  ]);
}

function isoFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Longest response id a built delivery id quotes as it is: with the rest, well within the 256 a delivery id may have. */
const QUOTED_ID_LENGTH = 64;

/** The response id as it is, or a digest of it when it is long: the body's digest already tells deliveries apart. */
function readableId(id: string): string {
  return id.length <= QUOTED_ID_LENGTH ? id : `sha256-${bodyDigest(id)}`;
}

/** A short digest of the signed body: a delivery key that names nobody. */
function bodyDigest(rawBody: string): string {
  return createHash('sha256').update(rawBody).digest('base64url').slice(0, 22);
}
