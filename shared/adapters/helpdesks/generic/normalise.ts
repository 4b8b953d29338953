import type * as z from 'zod';
import { headerValue, parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { TicketCreatedSchema, TicketSolvedSchema } from '../../../domain/events.js';
import type { TicketCreated, TicketSolved } from '../../../domain/events.js';
import { standardWebhookDeliveryId, WEBHOOK_TIMESTAMP_HEADER } from '../../webhooks/standard-webhooks.js';
import {
  GENERIC_OUTCOME_SOURCE,
  GENERIC_TICKET_CREATED_TYPE,
  GENERIC_TICKET_SOLVED_TYPE,
  GenericTicketCreatedSchema,
  GenericTicketSolvedSchema,
} from './webhook-schemas.js';
import type { GenericTicketCreated } from './webhook-schemas.js';

/** The event types the generic contract takes in. */
const GENERIC_TYPES = [GENERIC_TICKET_CREATED_TYPE, GENERIC_TICKET_SOLVED_TYPE];

/** What normalising a verified generic delivery needs. */
export interface GenericNormaliseInput {
  tenant: string;
  /** The source name the webhook was posted to (`/webhooks/{tenant}/{source}`). */
  source: string;
  /** The verified body text. */
  rawBody: string;
  /** Request headers with lower-cased names; `webhook-id` and `webhook-timestamp` are read. */
  headers: Readonly<Record<string, string | undefined>>;
  receivedAt: Date;
}

/**
 * Maps a verified generic `ticket.created` delivery to a TicketCreated event. The delivery id is
 * the `webhook-id` header, which the signature covers and every retry repeats. The ticket's
 * `updated_at` (else the event's time) becomes its `updatedStamp`: the generic helpdesk cannot be
 * read back, so the event is the snapshot the processor decides on.
 *
 * @example
 * const event = normaliseGenericTicketCreated({ tenant: 'acme', source: 'generic', rawBody, headers, receivedAt: new Date() });
 * event.ticket.id; // '4711'
 * @throws InvalidPayloadError for a body that is not JSON, another event type, a missing
 *   `webhook-id`, or fields out of the documented shape; `issues` name the offending fields.
 */
export function normaliseGenericTicketCreated(input: GenericNormaliseInput): TicketCreated {
  const event = normaliseGenericEvent(input);
  if (event.type !== 'TicketCreated') {
    throw new InvalidPayloadError(`unsupported generic event type "${GENERIC_TICKET_SOLVED_TYPE}" here`, [
      { path: 'type', message: `expected ${GENERIC_TICKET_CREATED_TYPE}` },
    ]);
  }
  return event;
}

/**
 * Maps a verified generic delivery to its event: `ticket.created` to TicketCreated (see
 * `normaliseGenericTicketCreated`), `ticket.solved` to TicketSolved carrying its times.
 *
 * @throws InvalidPayloadError as `normaliseGenericTicketCreated` does, for either body.
 */
export function normaliseGenericEvent(input: GenericNormaliseInput): TicketCreated | TicketSolved {
  const deliveryId = standardWebhookDeliveryId(input.headers);
  const json = parseJsonPayload(input.rawBody);
  if (typeOf(json) === GENERIC_TICKET_SOLVED_TYPE) return normaliseSolved(json, deliveryId, input);
  const parsed = GenericTicketCreatedSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPayloadError(`invalid generic ${GENERIC_TICKET_CREATED_TYPE} body`, payloadIssues(parsed.error));

  const result = TicketCreatedSchema.safeParse(toEvent(parsed.data, deliveryId, input));
  if (!result.success) throw new InvalidPayloadError('generic payload does not make a valid ticket event', payloadIssues(result.error));
  return result.data;
}

function toEvent(body: GenericTicketCreated, deliveryId: string, input: GenericNormaliseInput): z.input<typeof TicketCreatedSchema> {
  const { ticket, requester } = body;
  const occurredAt = body.occurred_at ?? signedAt(input.headers) ?? input.receivedAt.toISOString();
  return {
    type: 'TicketCreated',
    tenant: input.tenant,
    source: input.source,
    deliveryId,
    occurredAt,
    receivedAt: input.receivedAt.toISOString(),
    ticket: {
      id: ticket.id,
      priority: ticket.priority,
      tags: ticket.tags,
      groupId: ticket.group_id,
      channel: ticket.channel,
      subject: ticket.subject,
      // The event is the only snapshot there is: without `updated_at`, the ticket as of the event.
      updatedStamp: ticket.updated_at ?? occurredAt,
    },
    requester: {
      helpdeskUserId: requester.id,
      email: requester.email,
      externalId: requester.external_id,
      name: requester.name,
      handles: requester.handles.map(({ network, handle, source }) => ({ network, handle, trust: source })),
    },
  };
}

/**
 * The body's `type`, one the contract takes; an event of another type gets a message that says
 * so, instead of every field that differs.
 */
function typeOf(json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPayloadError(`invalid generic ${GENERIC_TICKET_CREATED_TYPE} body`, [
      { path: '(root)', message: 'must be a JSON object' },
    ]);
  }
  const type: unknown = 'type' in json ? json.type : undefined;
  if (typeof type === 'string' && GENERIC_TYPES.includes(type)) return type;
  // The type is the sender's text: quoted and cut short so it cannot flood or forge the message.
  const quoted = typeof type === 'string' ? JSON.stringify(type.slice(0, 100)) : type === undefined ? 'nothing' : `a ${typeof type}`;
  throw new InvalidPayloadError(`unsupported generic event type ${quoted}`, [
    { path: 'type', message: `expected ${GENERIC_TYPES.join(' or ')}, got ${quoted}` },
  ]);
}

const MINUTE_MS = 60_000;

/** Whole calendar minutes from `from` to `to`. */
const minutesBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / MINUTE_MS);

/**
 * Maps a verified `ticket.solved` delivery to a TicketSolved event carrying its times, in calendar
 * minutes from the ticket's creation; no first reply yet stays absent (never 0).
 */
function normaliseSolved(json: unknown, deliveryId: string, input: GenericNormaliseInput): TicketSolved {
  const parsed = GenericTicketSolvedSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPayloadError(`invalid generic ${GENERIC_TICKET_SOLVED_TYPE} body`, payloadIssues(parsed.error));
  const { ticket } = parsed.data;
  const event: z.input<typeof TicketSolvedSchema> = {
    type: 'TicketSolved',
    tenant: input.tenant,
    source: input.source,
    deliveryId,
    occurredAt: ticket.solved_at,
    receivedAt: input.receivedAt.toISOString(),
    ticketId: ticket.id,
    createdAt: ticket.created_at,
    reading: {
      solvedAt: ticket.solved_at,
      ...(ticket.first_replied_at !== undefined ? { firstReplyMinutes: minutesBetween(ticket.created_at, ticket.first_replied_at) } : {}),
      resolutionMinutes: minutesBetween(ticket.created_at, ticket.solved_at),
      reopens: ticket.reopens,
      source: GENERIC_OUTCOME_SOURCE,
      createdAt: ticket.created_at,
    },
  };
  const result = TicketSolvedSchema.safeParse(event);
  if (!result.success) throw new InvalidPayloadError('generic payload does not make a valid solved event', payloadIssues(result.error));
  return result.data;
}

/** The verified `webhook-timestamp` as an ISO date-time, if it is one. */
function signedAt(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = headerValue(headers, WEBHOOK_TIMESTAMP_HEADER);
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  const at = new Date(Number(value) * 1000);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}
