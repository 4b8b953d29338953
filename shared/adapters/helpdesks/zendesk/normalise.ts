import * as z from 'zod';
import { headerValue, parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { TicketCreatedSchema } from '../../../domain/events.js';
import type { TicketCreated } from '../../../domain/events.js';
import { PrioritySchema } from '../../../domain/priority.js';
import type { Priority } from '../../../domain/priority.js';
import { senderDeliveryId } from '../../webhooks/delivery-id.js';
import { ZENDESK_SIGNATURE_TIMESTAMP_HEADER } from './signature.js';
import {
  ZENDESK_TICKET_CREATED_EVENT_TYPE,
  ZENDESK_TRIGGER_TICKET_CREATED_EVENT,
  ZendeskTicketCreatedEventSchema,
  ZendeskTriggerTicketCreatedSchema,
} from './webhook-schemas.js';
import type { ZendeskTicketCreatedEvent, ZendeskTriggerTicketCreated } from './webhook-schemas.js';

/** Header Zendesk sets to one id per webhook invocation. */
export const ZENDESK_INVOCATION_ID_HEADER = 'x-zendesk-webhook-invocation-id';

/** What normalising a verified Zendesk delivery needs. */
export interface ZendeskNormaliseInput {
  tenant: string;
  /** The verified body text. */
  rawBody: string;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  receivedAt: Date;
}

const EVENT_TYPE_PREFIX = 'zen:event-type:';
const IsoTimestampSchema = z.iso.datetime({ offset: true });
const PayloadShapeSchema = z.object({ type: z.unknown().optional(), event: z.unknown().optional() });

/**
 * Maps a verified Zendesk "ticket created" delivery, either the event-subscribed
 * `zen:event-type:ticket.created` body or our documented trigger body, to a TicketCreated event.
 *
 * @example
 * const event = normaliseZendeskTicketCreated({ tenant: 'acme', rawBody, headers, receivedAt: new Date() });
 * event.ticket.id; // '35436'
 * @throws InvalidPayloadError for malformed JSON, an unsupported event type, or a body that fits
 *   neither shape; `issues` name the offending fields.
 */
export function normaliseZendeskTicketCreated(input: ZendeskNormaliseInput): TicketCreated {
  const json = parseJsonPayload(input.rawBody);
  const shape = PayloadShapeSchema.safeParse(json);
  const type = shape.success ? shape.data.type : undefined;
  const event = shape.success ? shape.data.event : undefined;

  let candidate: z.input<typeof TicketCreatedSchema>;
  if (type === ZENDESK_TICKET_CREATED_EVENT_TYPE) {
    const parsed = ZendeskTicketCreatedEventSchema.safeParse(json);
    if (!parsed.success) throw new InvalidPayloadError('invalid Zendesk ticket.created event', payloadIssues(parsed.error));
    candidate = fromEvent(parsed.data, input);
  } else if (event === ZENDESK_TRIGGER_TICKET_CREATED_EVENT) {
    const parsed = ZendeskTriggerTicketCreatedSchema.safeParse(json);
    if (!parsed.success) throw new InvalidPayloadError('invalid Zendesk trigger body', payloadIssues(parsed.error));
    candidate = fromTrigger(parsed.data, input);
  } else if (typeof type === 'string' && type.startsWith(EVENT_TYPE_PREFIX)) {
    // The type is the sender's text: quoted and cut short so it cannot flood or forge the message.
    const quoted = JSON.stringify(type.slice(0, 100));
    throw new InvalidPayloadError(`unsupported Zendesk event type ${quoted}`, [
      { path: 'type', message: `expected ${ZENDESK_TICKET_CREATED_EVENT_TYPE}, got ${quoted}` },
    ]);
  } else {
    const asEvent = ZendeskTicketCreatedEventSchema.safeParse(json);
    const asTrigger = ZendeskTriggerTicketCreatedSchema.safeParse(json);
    throw new InvalidPayloadError('neither a Zendesk ticket.created event nor the documented trigger body', [
      ...(asEvent.success ? [] : payloadIssues(asEvent.error)),
      ...(asTrigger.success ? [] : payloadIssues(asTrigger.error)),
    ]);
  }

  const result = TicketCreatedSchema.safeParse(candidate);
  if (!result.success) throw new InvalidPayloadError('Zendesk payload does not make a valid ticket event', payloadIssues(result.error));
  return result.data;
}

function fromEvent(body: ZendeskTicketCreatedEvent, input: ZendeskNormaliseInput): z.input<typeof TicketCreatedSchema> {
  const detail = body.detail;
  return {
    type: 'TicketCreated',
    tenant: input.tenant,
    source: 'zendesk',
    deliveryId: senderDeliveryId(body.id, 'id'),
    occurredAt: body.time ?? detail.created_at ?? input.receivedAt.toISOString(),
    receivedAt: input.receivedAt.toISOString(),
    ticket: {
      id: detail.id,
      priority: toPriority(detail.priority),
      tags: detail.tags ?? [],
      groupId: detail.group_id,
      channel: toChannel(detail.via?.channel),
      subject: detail.subject ?? undefined,
      // Trusted as a snapshot only when it says what the tags and priority are: an event without
      // them (or with an unknown priority) must not be written back over, so the processor re-reads.
      updatedStamp: snapshotIsComplete(detail) ? (detail.updated_at ?? undefined) : undefined,
    },
    // The event body names the requester by id only (its external_id is the ticket's); the
    // processor fetches email and profile over the REST API.
    requester: { helpdeskUserId: detail.requester_id, handles: [] },
  };
}

function fromTrigger(body: ZendeskTriggerTicketCreated, input: ZendeskNormaliseInput): z.input<typeof TicketCreatedSchema> {
  const signedAt = headerValue(input.headers, ZENDESK_SIGNATURE_TIMESTAMP_HEADER);
  return {
    type: 'TicketCreated',
    tenant: input.tenant,
    source: 'zendesk',
    deliveryId: invocationId(input.headers) ?? `zendesk:ticket-created:${body.ticket_id}`,
    occurredAt: signedAt !== undefined && IsoTimestampSchema.safeParse(signedAt).success ? signedAt : input.receivedAt.toISOString(),
    receivedAt: input.receivedAt.toISOString(),
    // No updatedStamp: the trigger body carries no ticket snapshot, so the processor re-reads the ticket.
    ticket: { id: body.ticket_id, tags: [], channel: toChannel(body.via) },
    requester: {
      helpdeskUserId: body.requester_id,
      email: body.requester_email,
      externalId: body.requester_external_id,
      handles: [],
    },
  };
}

/**
 * The `x-zendesk-webhook-invocation-id` of a delivery, if it has one; InvalidPayloadError (a 400)
 * naming the header when it is over 256 characters.
 *
 * @example const deliveryId = invocationId(request.headers) ?? fallback
 */
export function invocationId(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = headerValue(headers, ZENDESK_INVOCATION_ID_HEADER);
  return value === undefined ? undefined : senderDeliveryId(value, ZENDESK_INVOCATION_ID_HEADER);
}

function snapshotIsComplete(detail: ZendeskTicketCreatedEvent['detail']): boolean {
  const priorityKnown = detail.priority === null || toPriority(detail.priority) !== undefined;
  return Array.isArray(detail.tags) && priorityKnown;
}

function toPriority(value: string | null | undefined): Priority | undefined {
  const parsed = PrioritySchema.safeParse(value?.trim().toLowerCase());
  return parsed.success ? parsed.data : undefined;
}

function toChannel(value: string | null | undefined): string | undefined {
  const channel = value?.trim().toLowerCase();
  return channel === undefined || channel === '' ? undefined : channel;
}
