import type * as z from 'zod';
import { parseJsonPayload, payloadIssues } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { TicketCreatedSchema } from '../../../domain/events.js';
import type { TicketCreated } from '../../../domain/events.js';
import { FRESHDESK_TICKET_CREATED_EVENT, FreshdeskTicketCreatedSchema } from './webhook-schemas.js';
import type { FreshdeskTicketCreated } from './webhook-schemas.js';

/** What normalising an authenticated Freshdesk delivery needs. */
export interface FreshdeskNormaliseInput {
  tenant: string;
  /** The source name the webhook was posted to (`/webhooks/{tenant}/{source}`). */
  source: string;
  /** The body text as received. */
  rawBody: string;
  receivedAt: Date;
}

/**
 * Maps the body of our documented "Trigger Webhook" rule (FRESHDESK_RULE_BODY_TEMPLATE) to a
 * TicketCreated event. Freshdesk sends no delivery id, and every retry of one rule run carries
 * the same ticket, so the delivery id is `ticket-created:<ticket id>`.
 *
 * The body is trusted as a snapshot of the ticket (it gets an `updatedStamp`, so the processor
 * decides without re-reading it) only when everything a decision reads was rendered: an ISO
 * `updated_at`, a known priority, the tags and the group. Otherwise the processor re-reads the
 * ticket over the API first.
 *
 * @example
 * const event = normaliseFreshdeskTicketCreated({ tenant: 'acme', source: 'freshdesk', rawBody, receivedAt: new Date() });
 * event.deliveryId; // 'ticket-created:12'
 * @throws InvalidPayloadError for a body that is not JSON, another event, or a ticket id that is
 *   not numeric; `issues` name the offending fields.
 */
export function normaliseFreshdeskTicketCreated(input: FreshdeskNormaliseInput): TicketCreated {
  const json = parseJsonPayload(input.rawBody, "Freshdesk body is not valid JSON: check the rule's body, a placeholder may hold a quote");
  const parsed = FreshdeskTicketCreatedSchema.safeParse(json);
  if (!parsed.success) {
    const issues = payloadIssues(parsed.error);
    const wrongEvent = issues.some((issue) => issue.path === 'event');
    throw new InvalidPayloadError(
      wrongEvent ? `not a Freshdesk ${FRESHDESK_TICKET_CREATED_EVENT} body` : 'invalid Freshdesk rule body',
      issues,
    );
  }
  const result = TicketCreatedSchema.safeParse(toEvent(parsed.data, input));
  if (!result.success) throw new InvalidPayloadError('Freshdesk payload does not make a valid ticket event', payloadIssues(result.error));
  return result.data;
}

function toEvent(body: FreshdeskTicketCreated, input: FreshdeskNormaliseInput): z.input<typeof TicketCreatedSchema> {
  const { ticket, requester } = body;
  const complete = ticket.priority !== undefined && ticket.tags !== undefined && ticket.group_id !== undefined;
  return {
    type: 'TicketCreated',
    tenant: input.tenant,
    source: input.source,
    deliveryId: `ticket-created:${ticket.id}`,
    // The rule runs as the ticket is created, so its last change is its creation.
    occurredAt: ticket.updated_at ?? input.receivedAt.toISOString(),
    receivedAt: input.receivedAt.toISOString(),
    ticket: {
      id: ticket.id,
      priority: ticket.priority,
      tags: ticket.tags ?? [],
      groupId: ticket.group_id ?? undefined,
      channel: ticket.source,
      subject: ticket.subject,
      updatedStamp: complete ? ticket.updated_at : undefined,
    },
    requester: {
      helpdeskUserId: requester?.id ?? undefined,
      email: requester?.email,
      name: requester?.name,
      handles: [],
    },
  };
}
