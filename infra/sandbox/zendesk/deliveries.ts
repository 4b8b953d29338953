import { randomUUID } from 'node:crypto';
import { signZendeskPayload } from '../../../shared/adapters/helpdesks/zendesk/signature.js';
import type { SignedDelivery } from '../sandbox-demo.js';
import type { SandboxTicket } from './types.js';

/** The ticket facts a `ticket.created` delivery carries: the sandbox's ticket without its texts. */
export type DeliveryTicket = Omit<SandboxTicket, 'description' | 'comments' | 'solved_at' | 'first_solved_at' | 'reopens'>;

export type { SignedDelivery } from '../sandbox-demo.js';

/**
 * Builds and signs the event-subscribed `zen:event-type:ticket.created` delivery Zendesk would
 * send for a ticket: the documented envelope (string ids, capitalised status) and headers.
 *
 * @example await fetch(url, { method: 'POST', ...signedTicketCreated({ ticket, secret, accountId: 1 }) })
 */
export function signedTicketCreated(input: {
  ticket: DeliveryTicket;
  secret: string;
  accountId?: number;
  now?: Date;
  eventId?: string;
  webhookId?: string;
}): SignedDelivery {
  const now = input.now ?? new Date();
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { ticket } = input;
  const body = JSON.stringify({
    type: 'zen:event-type:ticket.created',
    account_id: input.accountId ?? 1,
    id: input.eventId ?? randomUUID(),
    time: timestamp,
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticket.id}`,
    detail: {
      id: String(ticket.id),
      subject: ticket.subject,
      status: ticket.status.charAt(0).toUpperCase() + ticket.status.slice(1),
      priority: ticket.priority === null ? null : ticket.priority.toUpperCase(),
      tags: ticket.tags,
      group_id: ticket.group_id === null ? '0' : String(ticket.group_id),
      requester_id: String(ticket.requester_id),
      created_at: ticket.created_at,
      updated_at: ticket.updated_at,
      via: { channel: ticket.via.channel },
    },
    event: { current: { status: 'Open' } },
  });
  return signedZendeskRequest({
    body,
    secret: input.secret,
    timestamp,
    accountId: input.accountId ?? 1,
    ...(input.webhookId ? { webhookId: input.webhookId } : {}),
  });
}

/**
 * Any webhook body as Zendesk sends it: its headers, signed with the webhook's signing secret
 * over the timestamp and the body's bytes.
 *
 * @example signedZendeskRequest({ body: renderedTriggerBody, secret, webhookId: webhook.id })
 */
export function signedZendeskRequest(input: {
  body: string;
  secret: string;
  timestamp?: string;
  accountId?: number;
  webhookId?: string;
}): SignedDelivery {
  const timestamp = input.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { body } = input;
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Zendesk Webhook',
      'x-zendesk-account-id': String(input.accountId ?? 1),
      'x-zendesk-webhook-id': input.webhookId ?? '01LOCALSANDBOXWEBHOOK',
      'x-zendesk-webhook-invocation-id': randomUUID(),
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': signZendeskPayload({ secret: input.secret, timestamp, body }),
    },
    body,
  };
}
