/** The sandbox Freshdesk's records as its API answers them, with the fields Freshdesk sends. */
import { stamp } from '../http.js';
import type { SandboxFreshdeskContact, SandboxFreshdeskConversation, SandboxFreshdeskTicket } from './types.js';

/** A ticket as `GET /api/v2/tickets/{id}` answers it, with `include=requester,conversations` as asked. */
export function ticketJson(
  ticket: SandboxFreshdeskTicket,
  contacts: ReadonlyMap<number, SandboxFreshdeskContact>,
  include: readonly string[] = [],
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    cc_emails: [],
    fwd_emails: [],
    reply_cc_emails: [],
    ticket_cc_emails: [],
    fr_escalated: false,
    spam: false,
    email_config_id: null,
    group_id: ticket.group_id,
    priority: ticket.priority,
    requester_id: ticket.requester_id,
    responder_id: ticket.responder_id,
    source: ticket.source,
    company_id: null,
    status: ticket.status,
    subject: ticket.subject,
    association_type: null,
    support_email: null,
    to_emails: null,
    product_id: null,
    id: ticket.id,
    type: ticket.type,
    due_by: stamp(Date.parse(ticket.created_at) + 3 * 86_400_000),
    fr_due_by: stamp(Date.parse(ticket.created_at) + 86_400_000),
    is_escalated: false,
    description: ticket.description,
    description_text: htmlToText(ticket.description),
    custom_fields: { ...ticket.custom_fields },
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    tags: [...ticket.tags],
    attachments: [],
    source_additional_info: null,
    structured_description: null,
    nr_due_by: null,
    nr_escalated: false,
  };
  if (include.includes('requester')) {
    const requester = contacts.get(ticket.requester_id);
    body['requester'] = requester
      ? { id: requester.id, name: requester.name, email: requester.email, mobile: requester.mobile, phone: requester.phone }
      : null;
  }
  if (include.includes('stats'))
    body['stats'] = {
      agent_responded_at: ticket.stats.first_responded_at,
      requester_responded_at: null,
      first_responded_at: ticket.stats.first_responded_at,
      status_updated_at: ticket.updated_at,
      reopened_at: ticket.stats.reopened_at,
      resolved_at: ticket.stats.resolved_at,
      closed_at: ticket.stats.closed_at,
      pending_since: null,
    };
  // Freshdesk embeds the ten most recent conversations only.
  if (include.includes('conversations'))
    body['conversations'] = ticket.conversations.slice(-10).map((one) => conversationJson(ticket, one));
  return body;
}

/** A note or reply as the conversations listing answers it. */
export function conversationJson(ticket: SandboxFreshdeskTicket, conversation: SandboxFreshdeskConversation): Record<string, unknown> {
  return {
    body: conversation.body,
    body_text: conversation.body_text,
    id: conversation.id,
    incoming: conversation.incoming,
    private: conversation.private,
    user_id: null,
    support_email: null,
    source: 2,
    category: 2,
    to_emails: [],
    from_email: null,
    cc_emails: [],
    bcc_emails: [],
    ticket_id: ticket.id,
    created_at: conversation.created_at,
    updated_at: conversation.created_at,
    attachments: [],
  };
}

/** A contact as `GET /api/v2/contacts/{id}` answers it. */
export function contactJson(contact: SandboxFreshdeskContact): Record<string, unknown> {
  return {
    active: contact.active,
    address: null,
    company_id: null,
    description: null,
    email: contact.email,
    id: contact.id,
    job_title: null,
    language: 'en',
    mobile: contact.mobile,
    name: contact.name,
    phone: contact.phone,
    time_zone: 'UTC',
    twitter_id: contact.twitter_id,
    custom_fields: { ...contact.custom_fields },
    facebook_id: null,
    created_at: contact.created_at,
    updated_at: contact.updated_at,
    csat_rating: null,
    preferred_source: 'email',
    view_all_tickets: null,
    other_emails: [...contact.other_emails],
    other_companies: [],
    deleted: false,
    tags: [],
    unique_external_id: contact.unique_external_id,
    avatar: null,
    twitter_profile_status: contact.twitter_profile_status,
    twitter_followers_count: contact.twitter_followers_count,
  };
}

/** What Freshdesk keeps as `body_text`: the HTML's text, with its line breaks. */
export function htmlToText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (entity: string, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return entities[name.toLowerCase()] ?? entity;
    })
    .trim();
}
