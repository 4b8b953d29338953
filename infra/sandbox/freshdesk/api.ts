/** The sandbox Freshdesk's API v2: the ticket and contact routes, and the writes they make. */
import { nextStamp, type PartRequest, type Reply, uniqueTags } from '../http.js';
import { contactJson, conversationJson, htmlToText, ticketJson } from './json.js';
import {
  checkQuery,
  includes,
  methodNotAllowed,
  type NoteCreateInput,
  NoteCreateSchema,
  notFound,
  pageParam,
  parseWrite,
  type TicketCreateInput,
  TicketCreateSchema,
  type TicketUpdateInput,
  TicketUpdateSchema,
  validationFailed,
} from './schemas.js';
import type { FreshdeskState } from './state.js';
import type { SandboxFreshdeskConversation, SandboxFreshdeskTicket } from './types.js';

/**
 * Routes one authenticated request below `/api/v2/`: tickets (create, show, update, notes,
 * conversations) and contacts (show); `apiUrl` is where the part is mounted, for paging links.
 *
 * @example return withHeaders(account.take(), () => routeApi(state, request, `${baseUrl()}/freshdesk`))
 */
export function routeApi(state: FreshdeskState, request: PartRequest, apiUrl: string): Reply {
  const { method, pathname, query } = request;
  if (!pathname.startsWith('/api/v2/')) throw notFound();
  const [collection, id, sub, extra] = pathname.slice('/api/v2/'.length).split('/');
  if (extra !== undefined) throw notFound();
  if (collection === 'tickets' && (id === undefined || id === '')) {
    if (method !== 'POST') throw methodNotAllowed('POST');
    checkQuery(query, 'none');
    return createFromApi(state, parseWrite(request, TicketCreateSchema));
  }
  if (collection === 'tickets') {
    const ticket = state.findTicket(id);
    if (sub === undefined) {
      if (method === 'GET') return { status: 200, body: ticketJson(ticket, state.contacts, includes(query)) };
      if (method !== 'PUT') throw methodNotAllowed('GET, PUT');
      checkQuery(query, 'none');
      return applyUpdate(state, ticket, parseWrite(request, TicketUpdateSchema));
    }
    if (sub === 'notes') {
      if (method !== 'POST') throw methodNotAllowed('POST');
      checkQuery(query, 'none');
      return addNote(state, ticket, parseWrite(request, NoteCreateSchema));
    }
    if (sub === 'conversations') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      checkQuery(query, 'conversations');
      return listConversations(apiUrl, ticket, query);
    }
    throw notFound();
  }
  if (collection === 'contacts' && id !== undefined && sub === undefined) {
    const contact = /^\d+$/.test(id) ? state.contacts.get(Number(id)) : undefined;
    if (!contact) throw notFound();
    if (method !== 'GET') throw methodNotAllowed('GET');
    checkQuery(query, 'none');
    return { status: 200, body: contactJson(contact) };
  }
  throw notFound();
}

function applyUpdate(state: FreshdeskState, ticket: SandboxFreshdeskTicket, input: TicketUpdateInput): Reply {
  const before = JSON.stringify(ticket);
  const previousStatus = ticket.status;
  if (input.priority !== undefined) ticket.priority = input.priority;
  if (input.status !== undefined) ticket.status = input.status;
  if (input.group_id !== undefined) ticket.group_id = input.group_id;
  if (input.responder_id !== undefined) ticket.responder_id = input.responder_id;
  // The whole list is replaced: this is the behaviour that wipes tags.
  if (input.tags !== undefined) ticket.tags = uniqueTags(input.tags);
  if (input.subject !== undefined) ticket.subject = input.subject;
  if (input.type !== undefined) ticket.type = input.type;
  if (input.custom_fields !== undefined) ticket.custom_fields = { ...ticket.custom_fields, ...input.custom_fields };
  // Like any saved record, updated_at moves only when something changed.
  if (JSON.stringify(ticket) !== before) ticket.updated_at = nextStamp(ticket.updated_at);
  // The stats follow the status: Resolved (4) and Closed (5) stamp their times; back to Open or Pending is a reopen.
  if (ticket.status !== previousStatus) {
    if (ticket.status === 4) ticket.stats.resolved_at = ticket.updated_at;
    if (ticket.status === 5) {
      ticket.stats.closed_at = ticket.updated_at;
      ticket.stats.resolved_at ??= ticket.updated_at;
    }
    if ((previousStatus === 4 || previousStatus === 5) && ticket.status < 4) {
      ticket.stats.reopened_at = ticket.updated_at;
      ticket.stats.resolved_at = null;
      ticket.stats.closed_at = null;
    }
    if (ticket.status === 4) state.resolved(ticket);
  }
  return { status: 200, body: ticketJson(ticket, state.contacts) };
}

function addNote(state: FreshdeskState, ticket: SandboxFreshdeskTicket, input: NoteCreateInput): Reply {
  ticket.updated_at = nextStamp(ticket.updated_at);
  const note: SandboxFreshdeskConversation = {
    id: state.conversationId(),
    body: input.body,
    body_text: htmlToText(input.body),
    private: input.private ?? true,
    incoming: input.incoming ?? false,
    created_at: ticket.updated_at,
  };
  ticket.conversations.push(note);
  // A public note by an agent stands for the sandbox's reply: the first one is the first response.
  if (!note.private && !note.incoming) ticket.stats.first_responded_at ??= note.created_at;
  return {
    status: 201,
    body: {
      body: note.body,
      body_text: note.body_text,
      id: note.id,
      incoming: note.incoming,
      private: note.private,
      user_id: input.user_id ?? null,
      support_email: null,
      ticket_id: ticket.id,
      to_emails: input.notify_emails ?? [],
      attachments: [],
      created_at: note.created_at,
      updated_at: note.created_at,
    },
  };
}

function createFromApi(state: FreshdeskState, input: TicketCreateInput): Reply {
  let requesterId = input.requester_id;
  if (requesterId !== undefined && !state.contacts.has(requesterId)) {
    throw validationFailed([
      { field: 'requester_id', message: 'There is no contact matching the given requester_id', code: 'invalid_value' },
    ]);
  }
  if (requesterId === undefined && input.email !== undefined) {
    const email = input.email.toLowerCase();
    const existing = [...state.contacts.values()].find((contact) => contact.email?.toLowerCase() === email);
    requesterId = existing?.id ?? state.addContact({ name: input.name ?? input.email, email: input.email }).id;
  }
  if (requesterId === undefined)
    throw validationFailed([{ field: 'requester_id', message: 'It should be a/an Positive Integer', code: 'missing_field' }]);
  const created = state.addTicket({
    subject: input.subject,
    description: input.description,
    requesterId,
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(input.source === undefined ? {} : { source: input.source }),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    groupId: input.group_id ?? null,
    responder_id: input.responder_id ?? null,
    type: input.type ?? null,
    custom_fields: input.custom_fields ?? {},
  });
  return { status: 201, body: ticketJson(state.findTicket(String(created.id)), state.contacts) };
}

function listConversations(apiUrl: string, ticket: SandboxFreshdeskTicket, query: URLSearchParams): Reply {
  const page = pageParam(query, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
  const perPage = pageParam(query, 'per_page', 1, 100, 30);
  const all = ticket.conversations;
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (page * perPage < all.length) {
    headers['link'] = `<${apiUrl}/api/v2/tickets/${ticket.id}/conversations?page=${page + 1}&per_page=${perPage}>; rel="next"`;
  }
  return { status: 200, body: slice.map((one) => conversationJson(ticket, one)), headers };
}
