import type * as z from 'zod';
import { headerValue, parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { TicketCreatedSchema } from '../../../domain/events.js';
import type { TicketCreated } from '../../../domain/events.js';
import { standardWebhookDeliveryId, WEBHOOK_TIMESTAMP_HEADER } from '../../webhooks/standard-webhooks.js';
import { GENERIC_TICKET_CREATED_TYPE, GenericTicketCreatedSchema } from './webhook-schemas.js';
import type { GenericTicketCreated } from './webhook-schemas.js';

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
  const deliveryId = standardWebhookDeliveryId(input.headers);
  const json = parseJsonPayload(input.rawBody);
  rejectOtherTypes(json);
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

/** An event of another type gets a message that says so, instead of every field that differs. */
function rejectOtherTypes(json: unknown): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPayloadError(`invalid generic ${GENERIC_TICKET_CREATED_TYPE} body`, [
      { path: '(root)', message: 'must be a JSON object' },
    ]);
  }
  const type: unknown = 'type' in json ? json.type : undefined;
  if (type === GENERIC_TICKET_CREATED_TYPE) return;
  // The type is the sender's text: quoted and cut short so it cannot flood or forge the message.
  const quoted = typeof type === 'string' ? JSON.stringify(type.slice(0, 100)) : type === undefined ? 'nothing' : `a ${typeof type}`;
  throw new InvalidPayloadError(`unsupported generic event type ${quoted}`, [
    { path: 'type', message: `expected ${GENERIC_TICKET_CREATED_TYPE}, got ${quoted}` },
  ]);
}

/** The verified `webhook-timestamp` as an ISO date-time, if it is one. */
function signedAt(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = headerValue(headers, WEBHOOK_TIMESTAMP_HEADER);
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  const at = new Date(Number(value) * 1000);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}
