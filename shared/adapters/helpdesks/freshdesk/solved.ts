import * as z from 'zod';
import { parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { idSchema } from '../../webhooks/json-fields.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { type SolvedReading, type TicketSolved, TicketSolvedSchema } from '../../../domain/events.js';

/*
 * Freshdesk's side of outcomes: the body the "resolved" automation rule sends (the ticket's id
 * only), and the ticket's `stats` (`include=stats`) its times are computed from.
 */

/** The `event` of the resolved rule's body. */
export const FRESHDESK_TICKET_RESOLVED_EVENT = 'ticket_resolved';

/** Where a Freshdesk ticket's outcome is read: the ticket's stats. */
export const FRESHDESK_OUTCOME_SOURCE = 'freshdesk-stats';

/** The resolved rule's body, as docs/helpdesks.md documents it: `{"event":"ticket_resolved","ticket":{"id":"{{ticket.id}}"}}`. */
export const FreshdeskTicketResolvedSchema = z.object({
  event: z.literal(FRESHDESK_TICKET_RESOLVED_EVENT),
  ticket: z.object({ id: idSchema(/^\d{1,20}$/, 'must be a Freshdesk ticket id: 1 to 20 digits') }),
});

/** Whether an authenticated Freshdesk body is the resolved rule's (by its `event`). */
export function isFreshdeskResolvedBody(rawBody: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    // Not JSON: the ticket-created normaliser refuses it with its own message.
    return false;
  }
  return typeof json === 'object' && json !== null && 'event' in json && json.event === FRESHDESK_TICKET_RESOLVED_EVENT;
}

/**
 * The resolved rule's body as a TicketSolved event (the id only; the times are read from the
 * ticket's stats when it is processed). Freshdesk gives no delivery id: the idempotency of a
 * solve is its `resolved_at`, read back.
 *
 * @throws InvalidPayloadError naming the fields out of shape.
 */
export function normaliseFreshdeskResolved(input: { tenant: string; source: string; rawBody: string; receivedAt: Date }): TicketSolved {
  const parsed = FreshdeskTicketResolvedSchema.safeParse(parseJsonPayload(input.rawBody));
  if (!parsed.success) throw new InvalidPayloadError('invalid Freshdesk resolved rule body', payloadIssues(parsed.error));
  const event = TicketSolvedSchema.safeParse({
    type: 'TicketSolved',
    tenant: input.tenant,
    source: input.source,
    deliveryId: `ticket-resolved:${parsed.data.ticket.id}:${input.receivedAt.toISOString()}`,
    occurredAt: input.receivedAt.toISOString(),
    receivedAt: input.receivedAt.toISOString(),
    ticketId: parsed.data.ticket.id,
  });
  if (!event.success) throw new InvalidPayloadError('Freshdesk payload does not make a valid solved event', payloadIssues(event.error));
  return event.data;
}

const DateSchema = z.iso.datetime({ offset: true }).nullable().optional();

/** `GET /api/v2/tickets/{id}?include=stats`: the ticket's creation and its stats (snake case, as the REST API names them). */
export const TicketWithStatsSchema = z.object({
  created_at: z.iso.datetime({ offset: true }),
  stats: z
    .object({ first_responded_at: DateSchema, resolved_at: DateSchema, closed_at: DateSchema, reopened_at: DateSchema })
    .nullable()
    .optional(),
});

const MINUTE_MS = 60_000;
const minutesBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / MINUTE_MS));

/**
 * The ticket's stats as an outcome reading: first reply and resolution in calendar minutes from
 * its creation (Freshdesk gives times, not durations), absent while they have not happened;
 * undefined while it has no `resolved_at`. Freshdesk tells only the last reopen: one at least.
 */
export function readingFromStats(ticket: z.infer<typeof TicketWithStatsSchema>): SolvedReading | undefined {
  const stats = ticket.stats;
  const resolvedAt = stats?.resolved_at ?? stats?.closed_at;
  if (!resolvedAt) return undefined;
  return {
    solvedAt: resolvedAt,
    ...(stats?.first_responded_at ? { firstReplyMinutes: minutesBetween(ticket.created_at, stats.first_responded_at) } : {}),
    resolutionMinutes: minutesBetween(ticket.created_at, resolvedAt),
    reopens: stats?.reopened_at ? 1 : 0,
    source: FRESHDESK_OUTCOME_SOURCE,
    createdAt: ticket.created_at,
  };
}
