import { STATUS_CODES } from 'node:http';
import * as z from 'zod';
import {
  type FaultControl,
  type HttpFailure,
  type PartRequest,
  type Reply,
  type SandboxChaos,
  type SandboxFault,
  type SandboxPart,
  type SandboxRequest,
  escapeHtml,
  fail,
  isPlainObject,
  mediaType,
  nextStamp,
  stamp,
  uniqueTags,
  withHeaders,
} from '../http.js';
import { SandboxPlugin } from '../sandbox.js';

/** How to build the sandbox Freshdesk. */
export interface SandboxFreshdeskOptions {
  /** Requests must authenticate as HTTP Basic `apiKey:<any password>`. */
  apiKey: string;
  /** account-wide API limit per minute (Growth plan: 200) */
  ratePerMinute?: number;
}

/** Freshdesk's ticket priorities: 1 Low, 2 Medium, 3 High, 4 Urgent. */
export type SandboxFreshdeskPriority = 1 | 2 | 3 | 4;

/** Freshdesk's ticket statuses: 2 Open, 3 Pending, 4 Resolved, 5 Closed. */
export type SandboxFreshdeskStatus = 2 | 3 | 4 | 5;

/** Scalar values, as contact and ticket custom fields hold them. */
export type SandboxFreshdeskFields = Record<string, string | number | boolean | null>;

/** A reply or note on a ticket; notes written through the API are not `incoming`. */
export interface SandboxFreshdeskConversation {
  id: number;
  /** HTML. */
  body: string;
  body_text: string;
  private: boolean;
  incoming: boolean;
  created_at: string;
}

/** A ticket as the sandbox holds it, with its conversations (notes and replies). */
export interface SandboxFreshdeskTicket {
  id: number;
  subject: string;
  /** HTML, as Freshdesk stores it. */
  description: string;
  priority: SandboxFreshdeskPriority;
  status: SandboxFreshdeskStatus;
  source: number;
  tags: string[];
  group_id: number | null;
  requester_id: number;
  responder_id: number | null;
  type: string | null;
  custom_fields: SandboxFreshdeskFields;
  created_at: string;
  updated_at: string;
  conversations: SandboxFreshdeskConversation[];
}

/** A contact (a requester), with the profile fields the API answers. */
export interface SandboxFreshdeskContact {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  twitter_id: string | null;
  unique_external_id: string | null;
  other_emails: string[];
  custom_fields: SandboxFreshdeskFields;
  twitter_followers_count: number | null;
  twitter_profile_status: boolean | null;
  created_at: string;
  updated_at: string;
}

/** What a contact is made from; ids are given out from 2001 unless one is chosen. */
export interface SandboxFreshdeskContactInput {
  id?: number;
  name: string;
  email: string | null;
  phone?: string | null;
  mobile?: string | null;
  twitter_id?: string | null;
  unique_external_id?: string | null;
  other_emails?: string[];
  custom_fields?: SandboxFreshdeskFields;
  twitter_followers_count?: number | null;
}

/** What a ticket is made from; ids are given out from 1. */
export interface SandboxFreshdeskTicketInput {
  subject: string;
  description: string;
  requesterId: number;
  priority?: SandboxFreshdeskPriority;
  tags?: string[];
  groupId?: number | null;
  source?: number;
}

/** The sandbox Freshdesk as tests and local mode drive it. */
export interface SandboxFreshdesk {
  /** `${sandbox}/freshdesk`: what a tenant's helpdesk.baseUrl is in local mode */
  readonly baseUrl: string;
  createContact(input: SandboxFreshdeskContactInput): SandboxFreshdeskContact;
  createTicket(input: SandboxFreshdeskTicketInput): SandboxFreshdeskTicket;
  ticket(id: number): SandboxFreshdeskTicket | undefined;
  tickets(): SandboxFreshdeskTicket[];
  /** A person edits the ticket in the Freshdesk UI: changes fields and bumps updated_at. */
  editTicket(id: number, change: { tags?: string[]; priority?: SandboxFreshdeskPriority; group_id?: number | null }): SandboxFreshdeskTicket;
  /** Makes the next `count` matching requests fail with `status` (and headers, e.g. {'retry-after': '2'}). */
  failNext(fault: SandboxFault): void;
  /** Fails a random share of the API requests no queued fault claims, from now on; `undefined` stops it. */
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request received: method, path, status answered, time. */
  requests(): SandboxRequest[];
  /** Called for every new ticket, whether made by createTicket or by `POST /api/v2/tickets`. */
  onTicketCreated(listener: (ticket: SandboxFreshdeskTicket, requester: SandboxFreshdeskContact) => void): void;
}

const MOUNT = '/freshdesk';
const WINDOW_MS = 60_000;
const PRIORITY_NAMES: Record<SandboxFreshdeskPriority, string> = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };
const SOURCES = [1, 2, 3, 5, 6, 7, 9, 10] as const;

const RATE_LIMIT_BODY = { message: 'You have exceeded the limit of requests per minute' };
const INVALID_JSON = { code: 'invalid_json', message: 'Request body has invalid json format' };

/** Fields of the real API that the sandbox does not model: refused with a message saying so, not as typos. */
const NOT_MODELLED = new Set([
  'attachments', 'cc_emails', 'company_id', 'due_by', 'email_config_id', 'facebook_id', 'fr_due_by', 'internal_agent_id',
  'internal_group_id', 'lookup_parameter', 'parent_id', 'phone', 'product_id', 'twitter_id', 'unique_external_id',
]);

const oneOf = <const T extends readonly [number, ...number[]]>(values: T) =>
  z.literal(values, { error: `It should be one of these values: '${values.join(',')}'` });
const IdSchema = z.int({ error: 'It should be a/an Positive Integer' }).positive({ error: 'It should be a/an Positive Integer' });
const TextSchema = (max: number) =>
  z
    .string({ error: 'It should be a/an String' })
    .trim()
    .min(1, { error: 'It should not be blank' })
    .max(max, { error: `It can have maximum of ${max} characters` });
const TagsSchema = z.array(
  z
    .string({ error: 'It should contain elements of type String only' })
    .trim()
    .min(1, { error: 'It should not contain empty elements' })
    .max(32, { error: 'It should only contain elements that have maximum of 32 characters' }),
  { error: 'It should be a/an Array' },
);
const CustomFieldsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
  error: 'It should be a/an key/value pair',
});
const EmailSchema = z.email({ error: "It should be in the 'valid email address' format" });

const TicketUpdateSchema = z.strictObject({
  priority: oneOf([1, 2, 3, 4]).optional(),
  status: oneOf([2, 3, 4, 5]).optional(),
  group_id: IdSchema.nullable().optional(),
  responder_id: IdSchema.nullable().optional(),
  tags: TagsSchema.optional(),
  subject: TextSchema(255).optional(),
  type: z.string({ error: 'It should be a/an String' }).nullable().optional(),
  custom_fields: CustomFieldsSchema.optional(),
});
type TicketUpdateInput = z.infer<typeof TicketUpdateSchema>;

const TicketCreateSchema = z
  .strictObject({
    email: EmailSchema.optional(),
    requester_id: IdSchema.optional(),
    name: TextSchema(255).optional(),
    subject: TextSchema(255),
    description: z.string({ error: 'It should be a/an String' }),
    priority: oneOf([1, 2, 3, 4]).optional(),
    status: oneOf([2, 3, 4, 5]).optional(),
    source: oneOf(SOURCES).optional(),
    tags: TagsSchema.optional(),
    group_id: IdSchema.nullable().optional(),
    responder_id: IdSchema.nullable().optional(),
    type: z.string({ error: 'It should be a/an String' }).nullable().optional(),
    custom_fields: CustomFieldsSchema.optional(),
  })
  .refine((ticket) => ticket.email !== undefined || ticket.requester_id !== undefined, {
    path: ['requester_id'],
    message: 'Please fill at least 1 of email, requester_id fields',
  });

const NoteCreateSchema = z.strictObject({
  body: TextSchema(1_000_000),
  private: z.boolean({ error: 'It should be a/an Boolean' }).optional(),
  incoming: z.boolean({ error: 'It should be a/an Boolean' }).optional(),
  notify_emails: z.array(EmailSchema, { error: 'It should be a/an Array' }).optional(),
  user_id: IdSchema.optional(),
});

/** Query parameters each listing or show accepts; any other is refused, as Freshdesk does. */
const QUERY_PARAMS = { ticket: ['include'], conversations: ['page', 'per_page'], none: [] } as const satisfies Record<string, readonly string[]>;

/**
 * The Freshdesk API v2 part of the sandbox, mounted at `/freshdesk`, enforcing the contract the
 * product relies on: Basic auth with the API key as username, flat JSON bodies of known fields
 * and values (400 `Validation failed` otherwise), `tags` replaced by the ticket PUT, private notes
 * as a separate POST, empty 404s, and the account-wide per-minute rate limit with its headers.
 *
 * @example
 * const { part, api } = createFreshdeskPart({ apiKey: 'key' }, new FaultControl(), () => sandboxOrigin);
 * const contact = api.createContact({ name: 'Ada', email: 'ada@example.com' });
 * api.createTicket({ subject: 'Help', description: 'My printer is on fire', requesterId: contact.id });
 */
export function createFreshdeskPart(
  options: SandboxFreshdeskOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxFreshdesk } {
  const ratePerMinute = options.ratePerMinute ?? 200;
  if (!Number.isInteger(ratePerMinute) || ratePerMinute < 1) throw new Error('sandbox freshdesk: ratePerMinute must be a positive integer');
  const contacts = new Map<number, SandboxFreshdeskContact>();
  const tickets = new Map<number, SandboxFreshdeskTicket>();
  const listeners: ((ticket: SandboxFreshdeskTicket, requester: SandboxFreshdeskContact) => void)[] = [];
  const served: number[] = [];
  let nextContactId = 2001;
  let nextTicketId = 1;
  let nextConversationId = 5001;

  function addContact(input: SandboxFreshdeskContactInput): SandboxFreshdeskContact {
    const id = input.id ?? nextContactId;
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`sandbox freshdesk: contact id ${id} must be a positive integer`);
    if (contacts.has(id)) throw new Error(`sandbox freshdesk: contact ${id} already exists`);
    nextContactId = Math.max(nextContactId, id + 1);
    const now = stamp(Date.now());
    const contact: SandboxFreshdeskContact = {
      id,
      name: input.name,
      email: input.email,
      phone: input.phone ?? null,
      mobile: input.mobile ?? null,
      twitter_id: input.twitter_id ?? null,
      unique_external_id: input.unique_external_id ?? null,
      other_emails: [...(input.other_emails ?? [])],
      custom_fields: { ...input.custom_fields },
      twitter_followers_count: input.twitter_followers_count ?? null,
      twitter_profile_status: input.twitter_id ? false : null,
      created_at: now,
      updated_at: now,
    };
    contacts.set(id, contact);
    return structuredClone(contact);
  }

  function addTicket(input: SandboxFreshdeskTicketInput & Partial<Pick<SandboxFreshdeskTicket, 'status' | 'responder_id' | 'type' | 'custom_fields'>>): SandboxFreshdeskTicket {
    const requester = contacts.get(input.requesterId);
    if (!requester) throw new Error(`sandbox freshdesk: contact ${input.requesterId} does not exist`);
    const now = stamp(Date.now());
    const ticket: SandboxFreshdeskTicket = {
      id: nextTicketId++,
      subject: input.subject,
      description: input.description,
      priority: input.priority ?? 1,
      status: input.status ?? 2,
      source: input.source ?? 2,
      tags: uniqueTags(input.tags ?? []),
      group_id: input.groupId ?? null,
      requester_id: requester.id,
      responder_id: input.responder_id ?? null,
      type: input.type ?? null,
      custom_fields: { ...input.custom_fields },
      created_at: now,
      updated_at: now,
      conversations: [],
    };
    tickets.set(ticket.id, ticket);
    for (const listener of listeners) {
      try {
        listener(structuredClone(ticket), structuredClone(requester));
      } catch (error) {
        // A failing listener (local mode's webhook sender) must not fail the ticket's creation.
        console.error('sandbox freshdesk: onTicketCreated listener failed', error);
      }
    }
    return structuredClone(ticket);
  }

  function findTicket(segment: string | undefined): SandboxFreshdeskTicket {
    const ticket = segment !== undefined && /^\d+$/.test(segment) ? tickets.get(Number(segment)) : undefined;
    if (!ticket) throw notFound();
    return ticket;
  }

  function ticketJson(ticket: SandboxFreshdeskTicket, include: readonly string[] = []): Record<string, unknown> {
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
    // Freshdesk embeds the ten most recent conversations only.
    if (include.includes('conversations')) body['conversations'] = ticket.conversations.slice(-10).map((one) => conversationJson(ticket, one));
    return body;
  }

  function conversationJson(ticket: SandboxFreshdeskTicket, conversation: SandboxFreshdeskConversation): Record<string, unknown> {
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

  function contactJson(contact: SandboxFreshdeskContact): Record<string, unknown> {
    return {
      active: true,
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

  function applyUpdate(ticket: SandboxFreshdeskTicket, input: TicketUpdateInput): Reply {
    const before = JSON.stringify(ticket);
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
    return { status: 200, body: ticketJson(ticket) };
  }

  function addNote(ticket: SandboxFreshdeskTicket, input: z.infer<typeof NoteCreateSchema>): Reply {
    ticket.updated_at = nextStamp(ticket.updated_at);
    const note: SandboxFreshdeskConversation = {
      id: nextConversationId++,
      body: input.body,
      body_text: htmlToText(input.body),
      private: input.private ?? true,
      incoming: input.incoming ?? false,
      created_at: ticket.updated_at,
    };
    ticket.conversations.push(note);
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

  function createFromApi(input: z.infer<typeof TicketCreateSchema>): Reply {
    let requesterId = input.requester_id;
    if (requesterId !== undefined && !contacts.has(requesterId)) {
      throw validationFailed([{ field: 'requester_id', message: 'There is no contact matching the given requester_id', code: 'invalid_value' }]);
    }
    if (requesterId === undefined && input.email !== undefined) {
      const email = input.email.toLowerCase();
      const existing = [...contacts.values()].find((contact) => contact.email?.toLowerCase() === email);
      requesterId = existing?.id ?? addContact({ name: input.name ?? input.email, email: input.email }).id;
    }
    if (requesterId === undefined) throw validationFailed([{ field: 'requester_id', message: 'It should be a/an Positive Integer', code: 'missing_field' }]);
    const created = addTicket({
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
    return { status: 201, body: ticketJson(findTicket(String(created.id))) };
  }

  function listConversations(ticket: SandboxFreshdeskTicket, query: URLSearchParams): Reply {
    const page = pageParam(query, 'page', 1, Number.MAX_SAFE_INTEGER, 1);
    const perPage = pageParam(query, 'per_page', 1, 100, 30);
    const all = ticket.conversations;
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      headers['link'] = `<${baseUrl()}${MOUNT}/api/v2/tickets/${ticket.id}/conversations?page=${page + 1}&per_page=${perPage}>; rel="next"`;
    }
    return { status: 200, body: slice.map((one) => conversationJson(ticket, one)), headers };
  }

  /** Routes one authenticated request below `/api/v2/`. */
  function dispatch(request: PartRequest): Reply {
    const { method, pathname, query } = request;
    if (!pathname.startsWith('/api/v2/')) throw notFound();
    const [collection, id, sub, extra] = pathname.slice('/api/v2/'.length).split('/');
    if (extra !== undefined) throw notFound();
    if (collection === 'tickets' && (id === undefined || id === '')) {
      if (method !== 'POST') throw methodNotAllowed('POST');
      checkQuery(query, 'none');
      return createFromApi(parseWrite(request, TicketCreateSchema));
    }
    if (collection === 'tickets') {
      const ticket = findTicket(id);
      if (sub === undefined) {
        if (method === 'GET') return { status: 200, body: ticketJson(ticket, includes(query)) };
        if (method !== 'PUT') throw methodNotAllowed('GET, PUT');
        checkQuery(query, 'none');
        return applyUpdate(ticket, parseWrite(request, TicketUpdateSchema));
      }
      if (sub === 'notes') {
        if (method !== 'POST') throw methodNotAllowed('POST');
        checkQuery(query, 'none');
        return addNote(ticket, parseWrite(request, NoteCreateSchema));
      }
      if (sub === 'conversations') {
        if (method !== 'GET') throw methodNotAllowed('GET');
        checkQuery(query, 'conversations');
        return listConversations(ticket, query);
      }
      throw notFound();
    }
    if (collection === 'contacts' && id !== undefined && sub === undefined) {
      const contact = /^\d+$/.test(id) ? contacts.get(Number(id)) : undefined;
      if (!contact) throw notFound();
      if (method !== 'GET') throw methodNotAllowed('GET');
      checkQuery(query, 'none');
      return { status: 200, body: contactJson(contact) };
    }
    throw notFound();
  }

  /** The account-wide limit: a sliding minute of served requests, failed ones included. */
  function takeSlot(): Record<string, string> {
    const now = Date.now();
    while (served[0] !== undefined && served[0] <= now - WINDOW_MS) served.shift();
    const oldest = served[0];
    if (served.length >= ratePerMinute && oldest !== undefined) {
      // Refusals are not counted, so waiting Retry-After always frees a slot.
      const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
      throw fail(429, RATE_LIMIT_BODY, { ...rateHeaders(0), 'retry-after': String(retryAfter) });
    }
    served.push(now);
    return rateHeaders(ratePerMinute - served.length);
  }

  function rateHeaders(remaining: number): Record<string, string> {
    return {
      'x-ratelimit-total': String(ratePerMinute),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used-currentrequest': '1',
    };
  }

  function remainingNow(): number {
    const since = Date.now() - WINDOW_MS;
    return Math.max(0, ratePerMinute - served.filter((at) => at > since).length);
  }

  const part: SandboxPart = {
    name: 'freshdesk',
    mount: MOUNT,
    route(request) {
      return withHeaders(takeSlot(), () => dispatch(request));
    },
    authenticated(request) {
      const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
      if (match?.[1] === undefined) return false;
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 && decoded.slice(0, colon) === options.apiKey;
    },
    unauthorized() {
      // Not charged to the account's budget: the sandbox cannot tell whose request it was.
      return {
        status: 401,
        body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' },
        headers: rateHeaders(remainingNow()),
      };
    },
    faultBody(status) {
      if (status === 429) return RATE_LIMIT_BODY;
      const code = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
      return { code, message: 'Injected by the sandbox' };
    },
    inspectTickets: () => structuredClone([...tickets.values()]),
    inspectTicket(id) {
      const ticket = /^\d+$/.test(id) ? tickets.get(Number(id)) : undefined;
      return ticket ? structuredClone(ticket) : undefined;
    },
    renderSection: () => renderSection([...tickets.values()]),
  };

  const api: SandboxFreshdesk = {
    get baseUrl() {
      return `${baseUrl()}${MOUNT}`;
    },
    createContact: addContact,
    createTicket: (input) => addTicket(input),
    ticket: (id) => {
      const ticket = tickets.get(id);
      return ticket ? structuredClone(ticket) : undefined;
    },
    tickets: () => structuredClone([...tickets.values()]),
    editTicket(id, change) {
      const ticket = tickets.get(id);
      if (!ticket) throw new Error(`sandbox freshdesk: ticket ${id} does not exist`);
      if (change.tags !== undefined) ticket.tags = uniqueTags(change.tags);
      if (change.priority !== undefined) ticket.priority = change.priority;
      if (change.group_id !== undefined) ticket.group_id = change.group_id;
      ticket.updated_at = nextStamp(ticket.updated_at);
      return structuredClone(ticket);
    },
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    onTicketCreated: (listener) => {
      listeners.push(listener);
    },
  };

  return { part, api };
}

/** The sandbox Freshdesk, at `/freshdesk`: `startSandbox({ parts: [freshdeskPart.with(options)] })`, then `sandbox.part(freshdeskPart)`. */
export const freshdeskPart = new SandboxPlugin('freshdesk', createFreshdeskPart);

/** Freshdesk answers a missing record, or a path it does not know, with an empty 404. */
function notFound(): HttpFailure {
  return fail(404, '', { 'content-type': 'application/json; charset=utf-8' });
}

function methodNotAllowed(allowed: string): HttpFailure {
  return fail(405, { code: 'method_not_allowed', message: `${allowed} method(s) supported for this resource` }, { allow: allowed });
}

function validationFailed(errors: { field: string; message: string; code: string }[]): HttpFailure {
  return fail(400, { description: 'Validation failed', errors });
}

function checkQuery(query: URLSearchParams, kind: keyof typeof QUERY_PARAMS): void {
  const allowed: readonly string[] = QUERY_PARAMS[kind];
  const unknown = [...new Set(query.keys())].filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw validationFailed(unknown.map((field) => ({ field, message: 'Unexpected/invalid field in request', code: 'invalid_field' })));
  }
}

/** `include=` values the sandbox models; `company` and `stats` are real but not modelled, so refused. */
function includes(query: URLSearchParams): string[] {
  checkQuery(query, 'ticket');
  const raw = query.get('include');
  if (raw === null) return [];
  const values = raw.split(',').map((value) => value.trim());
  const bad = values.filter((value) => value !== 'requester' && value !== 'conversations');
  if (bad.length > 0) {
    throw validationFailed([{ field: 'include', message: "It should be one of these values: 'requester,conversations' (the sandbox models no others)", code: 'invalid_value' }]);
  }
  return values;
}

function pageParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw validationFailed([{ field: name, message: `It should be a/an Positive Integer between ${min} and ${max}`, code: 'invalid_value' }]);
  }
  return value;
}

/** Parses a write like Freshdesk: JSON content type, a flat JSON object, only known fields with valid values. */
function parseWrite<T>(request: PartRequest, schema: z.ZodType<T>): T {
  if (mediaType(request.headers) !== 'application/json') {
    throw fail(400, { code: 'invalid_content_type', message: 'Content-Type header should have application/json' });
  }
  let json: unknown;
  try {
    json = JSON.parse(request.raw.toString('utf8'));
  } catch {
    throw fail(400, INVALID_JSON);
  }
  if (!isPlainObject(json)) throw fail(400, INVALID_JSON);
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const body = json;
  const errors = new Map<string, { field: string; message: string; code: string }>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const message = NOT_MODELLED.has(key) ? 'The sandbox does not model this field' : 'Unexpected/invalid field in request';
        errors.set(key, { field: key, message, code: 'invalid_field' });
      }
      continue;
    }
    const field = String(issue.path[0] ?? 'body');
    if (!errors.has(field)) errors.set(field, { field, message: issue.message, code: field in body ? 'invalid_value' : 'missing_field' });
  }
  throw validationFailed([...errors.values()]);
}

/** What Freshdesk keeps as `body_text`: the HTML's text, with its line breaks. */
function htmlToText(html: string): string {
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

function renderSection(tickets: SandboxFreshdeskTicket[]): string {
  const rows = tickets
    .map((ticket) => {
      const notes = ticket.conversations
        .filter((conversation) => conversation.private)
        .map((conversation) => `<pre>${escapeHtml(conversation.body_text)}</pre>`)
        .join('');
      const cells = [
        String(ticket.id),
        ticket.subject,
        PRIORITY_NAMES[ticket.priority],
        ticket.tags.join(', ') || '-',
        ticket.group_id === null ? '-' : String(ticket.group_id),
      ];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}<td>${notes || '-'}</td></tr>`;
    })
    .join('\n');
  return `<section id="freshdesk"><h2>Sandbox Freshdesk: ${tickets.length} ticket(s)</h2>
<table><thead><tr><th>Id</th><th>Subject</th><th>Priority</th><th>Tags</th><th>Group</th><th>Private notes</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>
`;
}
