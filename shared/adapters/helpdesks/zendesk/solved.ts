import * as z from 'zod';
import { headerValue, parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { idSchema } from '../../webhooks/json-fields.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { type SolvedReading, type TicketSolved, TicketSolvedSchema } from '../../../domain/events.js';
import { ZENDESK_SIGNATURE_TIMESTAMP_HEADER } from './signature.js';

/*
 * Zendesk's side of outcomes: the body the "solved" trigger sends (ids only, as Zendesk's
 * placeholders render as raw text), and the Ticket Metrics record its times are read from.
 */

/** The `event` of the solved trigger's body. */
export const ZENDESK_TRIGGER_TICKET_SOLVED_EVENT = 'ticket_solved';

/** Where a Zendesk ticket's outcome is read: its Ticket Metrics. */
export const ZENDESK_OUTCOME_SOURCE = 'zendesk-metrics';

/** The solved trigger's body template (placeholders Zendesk fills in), as connect installs it. */
export const ZENDESK_SOLVED_TRIGGER_BODY = JSON.stringify({
  event: ZENDESK_TRIGGER_TICKET_SOLVED_EVENT,
  ticket_id: '{{ticket.id}}',
  created_at: '{{ticket.created_at_with_timestamp}}',
});

const IsoTimestampSchema = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

/** The solved trigger's body: `{"event": "ticket_solved", "ticket_id": "...", "created_at": "..."}`. */
export const ZendeskTriggerTicketSolvedSchema = z.object({
  event: z.literal(ZENDESK_TRIGGER_TICKET_SOLVED_EVENT),
  ticket_id: idSchema(/^\d{1,20}$/, 'must be a Zendesk id: 1 to 20 digits, as a string or a number'),
  // An empty placeholder renders as ''.
  created_at: z.preprocess((value) => (value === '' || value === null ? undefined : value), IsoTimestampSchema.optional()),
});

/** Whether a verified Zendesk body is the solved trigger's (by its `event`). */
export function isZendeskSolvedBody(rawBody: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    // Not JSON: the ticket-created normaliser refuses it with its own message.
    return false;
  }
  return typeof json === 'object' && json !== null && 'event' in json && json.event === ZENDESK_TRIGGER_TICKET_SOLVED_EVENT;
}

/**
 * The solved trigger's body as a TicketSolved event: the ticket id (and creation) only; the times
 * are read from its Ticket Metrics when it is processed. The delivery id is the invocation's.
 *
 * @throws InvalidPayloadError naming the fields out of shape.
 */
export function normaliseZendeskSolved(input: {
  tenant: string;
  rawBody: string;
  headers: Readonly<Record<string, string | undefined>>;
  receivedAt: Date;
  deliveryId: string | undefined;
}): TicketSolved {
  const parsed = ZendeskTriggerTicketSolvedSchema.safeParse(parseJsonPayload(input.rawBody));
  if (!parsed.success) throw new InvalidPayloadError('invalid Zendesk solved trigger body', payloadIssues(parsed.error));
  const signedAt = headerValue(input.headers, ZENDESK_SIGNATURE_TIMESTAMP_HEADER);
  const event = TicketSolvedSchema.safeParse({
    type: 'TicketSolved',
    tenant: input.tenant,
    source: 'zendesk',
    deliveryId: input.deliveryId ?? `zendesk:ticket-solved:${parsed.data.ticket_id}:${input.receivedAt.toISOString()}`,
    occurredAt: signedAt !== undefined && IsoTimestampSchema.safeParse(signedAt).success ? signedAt : input.receivedAt.toISOString(),
    receivedAt: input.receivedAt.toISOString(),
    ticketId: parsed.data.ticket_id,
    ...(parsed.data.created_at ? { createdAt: parsed.data.created_at } : {}),
  });
  if (!event.success) throw new InvalidPayloadError('Zendesk payload does not make a valid solved event', payloadIssues(event.error));
  return event.data;
}

const MinutesSchema = z
  .object({ calendar: z.number().nullable().optional(), business: z.number().nullable().optional() })
  .nullable()
  .optional();

/** One Ticket Metrics record (Zendesk OAS `TicketMetricObject`), the fields outcomes read. */
const TicketMetricSchema = z.object({
  ticket_id: z.number().or(z.string()).optional(),
  solved_at: IsoTimestampSchema.nullable().optional(),
  reply_time_in_minutes: MinutesSchema,
  full_resolution_time_in_minutes: MinutesSchema,
  reopens: z.number().int().min(0).nullable().optional(),
});

/**
 * `GET /api/v2/tickets/{id}/metrics`'s answer: Zendesk's OpenAPI declares `ticket_metric` as an
 * array, older docs and clients as one object; both are read.
 */
export const TicketMetricsResponseSchema = z.object({ ticket_metric: z.union([TicketMetricSchema, z.array(TicketMetricSchema)]) });

const minutes = (value: number | null | undefined) => (value === null || value === undefined ? undefined : value);

/**
 * A Ticket Metrics answer as an outcome reading: calendar minutes (business ones beside them),
 * absent while null (not happened yet); undefined while the ticket has no `solved_at`.
 */
export function readingFromMetrics(answer: z.infer<typeof TicketMetricsResponseSchema>): SolvedReading | undefined {
  const metric = Array.isArray(answer.ticket_metric) ? answer.ticket_metric[0] : answer.ticket_metric;
  if (!metric?.solved_at) return undefined;
  const reading: SolvedReading = { solvedAt: metric.solved_at, reopens: metric.reopens ?? 0, source: ZENDESK_OUTCOME_SOURCE };
  const firstReply = minutes(metric.reply_time_in_minutes?.calendar);
  const firstReplyBusiness = minutes(metric.reply_time_in_minutes?.business);
  const resolution = minutes(metric.full_resolution_time_in_minutes?.calendar);
  const resolutionBusiness = minutes(metric.full_resolution_time_in_minutes?.business);
  return {
    ...reading,
    ...(firstReply !== undefined ? { firstReplyMinutes: firstReply } : {}),
    ...(firstReplyBusiness !== undefined ? { firstReplyBusinessMinutes: firstReplyBusiness } : {}),
    ...(resolution !== undefined ? { resolutionMinutes: resolution } : {}),
    ...(resolutionBusiness !== undefined ? { resolutionBusinessMinutes: resolutionBusiness } : {}),
  };
}
