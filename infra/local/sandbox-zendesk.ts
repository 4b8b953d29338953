import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { z } from 'zod';

/** How to start the sandbox Zendesk. */
export interface SandboxZendeskOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The agent email of the API token: requests must authenticate as `{email}/token:{apiToken}`. */
  email: string;
  apiToken: string;
  /** Update limit per ticket; Zendesk allows 30 updates per 10 minutes. */
  rateLimitPerTicket?: { max: number; windowMs: number };
}

/** Zendesk's ticket priorities. */
export type SandboxPriority = 'low' | 'normal' | 'high' | 'urgent';

/** A ticket as the sandbox holds it, with its comments (public replies and internal notes). */
export interface SandboxTicket {
  id: number;
  subject: string;
  description: string;
  priority: SandboxPriority | null;
  status: string;
  tags: string[];
  group_id: number | null;
  requester_id: number;
  created_at: string;
  updated_at: string;
  via: { channel: string };
  comments: { id: number; body: string; public: boolean; created_at: string }[];
}

/** An end user, with the identities (email, twitter, facebook, phone_number, ...) Zendesk knows. */
export interface SandboxUser {
  id: number;
  name: string;
  /** The primary email; null for users known only by a social or phone identity. */
  email: string | null;
  external_id: string | null;
  user_fields: Record<string, string | number | boolean | null>;
  identities: { type: string; value: string }[];
}

/** A fault to inject: the next `count` matching API requests answer `status` (after `delayMs`). */
export interface SandboxFault {
  status: number;
  count: number;
  headers?: Record<string, string>;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** Only requests whose path starts with this (any API path when absent). */
  pathPrefix?: string;
  /** Hold the answer this long, e.g. to make a client time out. */
  delayMs?: number;
  /**
   * Carry out the request first, then answer the fault: the write happened but its response was
   * lost, as when a gateway times out after the backend committed.
   */
  applyFirst?: boolean;
}

/** One request the sandbox answered. */
export interface SandboxRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** A running sandbox Zendesk: the HTTP API on loopback plus hooks for tests and local mode. */
export interface SandboxZendesk {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Adds an end user; an email not already among the identities is added as the primary email identity. */
  createUser(user: Omit<SandboxUser, 'id'> & { id?: number }): SandboxUser;
  createTicket(input: {
    subject: string;
    description: string;
    requesterId: number;
    priority?: SandboxTicket['priority'];
    tags?: string[];
    groupId?: number;
    channel?: string;
  }): SandboxTicket;
  ticket(id: number): SandboxTicket | undefined;
  tickets(): SandboxTicket[];
  /** Makes the next `count` matching requests fail with `status` (and headers, e.g. {'retry-after': '2'}). */
  failNext(fault: SandboxFault): void;
  /** Every request received: method, path, status answered, time. */
  requests(): SandboxRequest[];
  /** Called for every new ticket, whether made by createTicket or by `POST /api/v2/tickets`. */
  onTicketCreated(listener: (ticket: SandboxTicket, requester: SandboxUser) => void): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const ZENDESK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;

/** Every field of Zendesk's `TicketUpdateInput` (OAS), to tell a real field the sandbox does not model from a typo. */
const TICKET_UPDATE_INPUT_FIELDS = new Set([
  'additional_collaborators', 'assignee_email', 'assignee_id', 'attribute_value_ids', 'collaborator_ids', 'comment',
  'custom_fields', 'custom_status_id', 'due_at', 'email_ccs', 'external_id', 'followers', 'group_id', 'organization_id',
  'priority', 'problem_id', 'requester_id', 'safe_update', 'sharing_agreement_ids', 'status', 'subject', 'tags', 'type',
  'updated_stamp',
]);

const SafeUpdateSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const TagsSchema = z.array(z.string().trim().min(1).max(80));
const CommentSchema = z.object({ body: z.string().trim().min(1, 'Body: cannot be blank'), public: z.boolean().optional() }).strict();

const TicketUpdateSchema = z
  .object({
    subject: z.string().min(1).optional(),
    status: z.enum(STATUSES).optional(),
    priority: z.enum(ZENDESK_PRIORITIES).nullable().optional(),
    tags: TagsSchema.optional(),
    group_id: z.number().int().positive().nullable().optional(),
    comment: CommentSchema.optional(),
    safe_update: SafeUpdateSchema.optional(),
    updated_stamp: z.string().min(1).optional(),
  })
  .strict();
type TicketUpdateInput = z.infer<typeof TicketUpdateSchema>;

const TagsBodySchema = z
  .object({ tags: TagsSchema, safe_update: SafeUpdateSchema.optional(), updated_stamp: z.string().min(1).optional() })
  .strict();

const TicketCreateSchema = z
  .object({
    subject: z.string().min(1).optional(),
    comment: CommentSchema,
    requester_id: z.number().int().positive().optional(),
    requester: z.object({ email: z.email(), name: z.string().min(1).optional() }).strict().optional(),
    priority: z.enum(ZENDESK_PRIORITIES).nullable().optional(),
    status: z.enum(STATUSES).optional(),
    tags: TagsSchema.optional(),
    group_id: z.number().int().positive().nullable().optional(),
  })
  .strict()
  .refine((ticket) => ticket.requester_id !== undefined || ticket.requester !== undefined, {
    message: 'Requester: is required',
    path: ['requester'],
  });

interface UserRecord {
  user: SandboxUser;
  identities: { id: number; type: string; value: string; primary: boolean }[];
  createdAt: string;
}

interface PendingFault extends SandboxFault {
  remaining: number;
}

/** A reply ready to send. */
interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown inside a route to answer with a Zendesk-shaped error. */
class HttpFailure extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

const fail = (status: number, body: Record<string, unknown>, headers?: Record<string, string>): HttpFailure =>
  new HttpFailure({ status, body, headers });
const recordNotFound = (): HttpFailure => fail(404, { error: 'RecordNotFound', description: 'Not found' });
const invalidEndpoint = (): HttpFailure => fail(404, { error: 'InvalidEndpoint', description: 'Not found' });

/**
 * Starts a loopback HTTP server that speaks the subset of the Zendesk Support API the product
 * uses and enforces its contract: Basic API-token auth, `{"ticket": {...}}` bodies with real
 * field names and values, tags replaced by the ticket PUT and added by `PUT .../tags`, guarded
 * updates answering 409 on a stale `updated_stamp`, and the per-ticket update rate limit.
 *
 * @example
 * const zendesk = await startSandboxZendesk({ email: 'bot@acme.test', apiToken: 'token' });
 * const user = zendesk.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
 * zendesk.createTicket({ subject: 'Help', description: 'My printer is on fire', requesterId: user.id });
 */
export async function startSandboxZendesk(options: SandboxZendeskOptions): Promise<SandboxZendesk> {
  const expectedCredentials = `${options.email}/token:${options.apiToken}`;
  const rateLimit = options.rateLimitPerTicket ?? { max: 30, windowMs: 10 * 60 * 1000 };
  const users = new Map<number, UserRecord>();
  const tickets = new Map<number, SandboxTicket>();
  const updatesByTicket = new Map<number, number[]>();
  const faults: PendingFault[] = [];
  const log: SandboxRequest[] = [];
  const listeners: ((ticket: SandboxTicket, requester: SandboxUser) => void)[] = [];
  const delayTimers = new Set<NodeJS.Timeout>();
  let nextUserId = 1001;
  let nextTicketId = 1;
  let nextCommentId = 5001;
  let nextIdentityId = 9001;
  let nextAuditId = 7001;
  let baseUrl = '';

  function addUser(input: Omit<SandboxUser, 'id'> & { id?: number }): SandboxUser {
    const id = input.id ?? nextUserId;
    if (!Number.isInteger(id) || id <= 0) throw new Error(`sandbox zendesk: user id ${id} must be a positive integer`);
    if (users.has(id)) throw new Error(`sandbox zendesk: user ${id} already exists`);
    nextUserId = Math.max(nextUserId, id + 1);
    const identities = input.identities.map((identity) => ({ type: identity.type, value: identity.value }));
    if (input.email && !identities.some((identity) => identity.type === 'email' && identity.value === input.email)) {
      identities.unshift({ type: 'email', value: input.email });
    }
    const user: SandboxUser = {
      id,
      name: input.name,
      email: input.email,
      external_id: input.external_id,
      user_fields: { ...input.user_fields },
      identities,
    };
    const primaryEmail = input.email ?? identities.find((identity) => identity.type === 'email')?.value;
    users.set(id, {
      user,
      identities: identities.map((identity) => ({
        id: nextIdentityId++,
        ...identity,
        primary: identity.type === 'email' ? identity.value === primaryEmail : true,
      })),
      createdAt: stamp(Date.now()),
    });
    return structuredClone(user);
  }

  function addTicket(input: {
    subject: string;
    description: string;
    requesterId: number;
    priority?: SandboxTicket['priority'];
    status?: string;
    tags?: string[];
    groupId?: number | null;
    channel?: string;
  }): SandboxTicket {
    const requester = users.get(input.requesterId);
    if (!requester) throw new Error(`sandbox zendesk: requester ${input.requesterId} does not exist`);
    const now = stamp(Date.now());
    const ticket: SandboxTicket = {
      id: nextTicketId++,
      subject: input.subject,
      description: input.description,
      priority: input.priority ?? null,
      status: input.status ?? 'new',
      tags: uniqueTags(input.tags ?? []),
      group_id: input.groupId ?? null,
      requester_id: input.requesterId,
      created_at: now,
      updated_at: now,
      via: { channel: input.channel ?? 'web' },
      comments: [{ id: nextCommentId++, body: input.description, public: true, created_at: now }],
    };
    tickets.set(ticket.id, ticket);
    for (const listener of listeners) {
      try {
        listener(structuredClone(ticket), structuredClone(requester.user));
      } catch (error) {
        // A failing listener (local mode's webhook sender) must not fail the ticket's creation.
        console.error('sandbox zendesk: onTicketCreated listener failed', error);
      }
    }
    return structuredClone(ticket);
  }

  function ticketJson(ticket: SandboxTicket): Record<string, unknown> {
    return {
      url: `${baseUrl}/api/v2/tickets/${ticket.id}.json`,
      id: ticket.id,
      external_id: null,
      via: { channel: ticket.via.channel, source: { from: {}, to: {}, rel: null } },
      created_at: ticket.created_at,
      updated_at: ticket.updated_at,
      type: null,
      subject: ticket.subject,
      raw_subject: ticket.subject,
      description: ticket.description,
      priority: ticket.priority,
      status: ticket.status,
      recipient: null,
      requester_id: ticket.requester_id,
      submitter_id: ticket.requester_id,
      assignee_id: null,
      organization_id: null,
      group_id: ticket.group_id,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      has_incidents: false,
      is_public: ticket.comments.some((comment) => comment.public),
      due_at: null,
      tags: [...ticket.tags],
      custom_fields: [],
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      brand_id: null,
      allow_channelback: false,
      allow_attachments: true,
    };
  }

  function userJson(record: UserRecord): Record<string, unknown> {
    const { user } = record;
    return {
      id: user.id,
      url: `${baseUrl}/api/v2/users/${user.id}.json`,
      name: user.name,
      email: user.email,
      created_at: record.createdAt,
      updated_at: record.createdAt,
      time_zone: 'UTC',
      phone: record.identities.find((identity) => identity.type === 'phone_number')?.value ?? null,
      locale: 'en-US',
      organization_id: null,
      role: 'end-user',
      verified: true,
      external_id: user.external_id,
      tags: [],
      active: true,
      suspended: false,
      user_fields: { ...user.user_fields },
    };
  }

  function identityJson(record: UserRecord, identity: UserRecord['identities'][number]): Record<string, unknown> {
    return {
      url: `${baseUrl}/api/v2/users/${record.user.id}/identities/${identity.id}.json`,
      id: identity.id,
      user_id: record.user.id,
      type: identity.type,
      value: identity.value,
      verified: true,
      primary: identity.primary,
      created_at: record.createdAt,
      updated_at: record.createdAt,
    };
  }

  function findTicket(idSegment: string): SandboxTicket {
    const ticket = /^\d+$/.test(idSegment) ? tickets.get(Number(idSegment)) : undefined;
    if (!ticket) throw recordNotFound();
    return ticket;
  }

  /** Zendesk's per-ticket update limit: a sliding window of accepted update requests. */
  function takeUpdateSlot(ticketId: number): void {
    const now = Date.now();
    const recent = (updatesByTicket.get(ticketId) ?? []).filter((at) => at > now - rateLimit.windowMs);
    const oldest = recent[0];
    if (recent.length >= rateLimit.max && oldest !== undefined) {
      updatesByTicket.set(ticketId, recent);
      const retryAfter = Math.max(1, Math.ceil((oldest + rateLimit.windowMs - now) / 1000));
      throw fail(
        429,
        { error: 'TooManyRequests', description: 'Rate limit for ticket updates exceeded, please wait before updating this ticket again' },
        { 'retry-after': String(retryAfter) },
      );
    }
    recent.push(now);
    updatesByTicket.set(ticketId, recent);
  }

  function checkStamp(ticket: SandboxTicket, safeUpdate: boolean | undefined, updatedStamp: string | undefined): void {
    if (!safeUpdate) return;
    if (updatedStamp === undefined) {
      throw fail(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { updated_stamp: [{ description: 'Updated stamp: is required for a safe update' }] } });
    }
    const sent = Date.parse(updatedStamp);
    if (!Number.isFinite(sent) || sent !== Date.parse(ticket.updated_at)) {
      throw fail(409, {
        error: 'UpdateConflict',
        description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
      });
    }
  }

  function touch(ticket: SandboxTicket): void {
    // Stamps are whole seconds, like Zendesk's; a second write within the same second still gets a later stamp.
    ticket.updated_at = stamp(Math.max(Math.floor(Date.now() / 1000) * 1000, Date.parse(ticket.updated_at) + 1000));
  }

  function applyUpdate(ticket: SandboxTicket, input: TicketUpdateInput): Reply {
    checkStamp(ticket, input.safe_update, input.updated_stamp);
    const events: Record<string, unknown>[] = [];
    const change = (field: string, value: unknown, previous: unknown): void => {
      if (JSON.stringify(value) !== JSON.stringify(previous)) {
        events.push({ id: nextAuditId++, type: 'Change', field_name: field, value, previous_value: previous });
      }
    };
    if (input.subject !== undefined) {
      change('subject', input.subject, ticket.subject);
      ticket.subject = input.subject;
    }
    if (input.status !== undefined) {
      change('status', input.status, ticket.status);
      ticket.status = input.status;
    }
    if (input.priority !== undefined) {
      change('priority', input.priority, ticket.priority);
      ticket.priority = input.priority;
    }
    if (input.group_id !== undefined) {
      change('group_id', input.group_id, ticket.group_id);
      ticket.group_id = input.group_id;
    }
    if (input.tags !== undefined) {
      // The single-ticket PUT replaces the whole list: this is the behaviour that wipes tags.
      const tags = uniqueTags(input.tags);
      change('tags', tags, ticket.tags);
      ticket.tags = tags;
    }
    touch(ticket);
    if (input.comment) {
      const comment = { id: nextCommentId++, body: input.comment.body, public: input.comment.public ?? true, created_at: ticket.updated_at };
      ticket.comments.push(comment);
      events.push({ id: comment.id, type: 'Comment', body: comment.body, public: comment.public });
    }
    return {
      status: 200,
      body: { ticket: ticketJson(ticket), audit: { id: nextAuditId++, ticket_id: ticket.id, created_at: ticket.updated_at, events } },
    };
  }

  function applyTags(ticket: SandboxTicket, body: z.infer<typeof TagsBodySchema>, mode: 'add' | 'set'): Reply {
    checkStamp(ticket, body.safe_update, body.updated_stamp);
    ticket.tags = uniqueTags(mode === 'add' ? [...ticket.tags, ...body.tags] : body.tags);
    touch(ticket);
    return { status: 200, body: { tags: [...ticket.tags] } };
  }

  function createFromApi(input: z.infer<typeof TicketCreateSchema>): Reply {
    let requesterId = input.requester_id;
    if (requesterId !== undefined && !users.has(requesterId)) {
      throw fail(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { requester: [{ description: 'Requester: is invalid' }] } });
    }
    if (requesterId === undefined && input.requester) {
      const { email, name } = input.requester;
      const existing = [...users.values()].find((record) =>
        record.identities.some((identity) => identity.type === 'email' && identity.value.toLowerCase() === email.toLowerCase()),
      );
      requesterId =
        existing?.user.id ?? addUser({ name: name ?? email, email, external_id: null, user_fields: {}, identities: [] }).id;
    }
    if (requesterId === undefined) throw fail(422, { error: 'RecordInvalid', description: 'Requester: is required' });
    const created = addTicket({
      subject: input.subject ?? input.comment.body.slice(0, 60),
      description: input.comment.body,
      requesterId,
      priority: input.priority ?? null,
      status: input.status,
      tags: input.tags,
      groupId: input.group_id ?? null,
      channel: 'api',
    });
    const ticket = findTicket(String(created.id));
    return { status: 201, body: { ticket: ticketJson(ticket), audit: { id: nextAuditId++, ticket_id: ticket.id, events: [] } } };
  }

  function showManyUsers(query: URLSearchParams): Reply {
    const ids = (query.get('ids') ?? '').split(',').filter((part) => part !== '');
    if (ids.length === 0 || ids.length > 100 || !ids.every((id) => /^\d+$/.test(id))) {
      throw fail(400, { error: 'InvalidValue', description: 'ids must be 1 to 100 comma-separated numeric user ids' });
    }
    const records = ids.flatMap((id) => {
      const record = users.get(Number(id));
      return record ? [record] : [];
    });
    const include = (query.get('include') ?? '').split(',').map((part) => part.trim());
    const body: Record<string, unknown> = { users: records.map(userJson) };
    if (include.includes('identities')) {
      body['identities'] = records.flatMap((record) => record.identities.map((identity) => identityJson(record, identity)));
    }
    return { status: 200, body };
  }

  function findUser(idSegment: string): UserRecord {
    const record = /^\d+$/.test(idSegment) ? users.get(Number(idSegment)) : undefined;
    if (!record) throw recordNotFound();
    return record;
  }

  /** Routes one authenticated API request; `segments` follow `/api/v2/`, without a `.json` suffix. */
  function route(method: string, segments: string[], query: URLSearchParams, req: IncomingMessage, raw: Buffer): Reply {
    const [collection, id, sub, extra] = segments;
    if (extra !== undefined) throw invalidEndpoint();
    if (collection === 'tickets') {
      if (id === undefined) {
        if (method === 'GET') return { status: 200, body: { tickets: [...tickets.values()].map(ticketJson), count: tickets.size } };
        if (method === 'POST') {
          const input = parseWrite(req, raw, (json) => unwrap(json, 'ticket'), TicketCreateSchema);
          return createFromApi(input);
        }
        throw invalidEndpoint();
      }
      const ticket = findTicket(id);
      if (sub === undefined) {
        if (method === 'GET') return { status: 200, body: { ticket: ticketJson(ticket) } };
        if (method === 'PUT') {
          requireJson(req);
          takeUpdateSlot(ticket.id);
          return applyUpdate(ticket, parseWrite(req, raw, (json) => unwrapTicketUpdate(json), TicketUpdateSchema));
        }
        throw invalidEndpoint();
      }
      if (sub === 'tags') {
        if (method === 'GET') return { status: 200, body: { tags: [...ticket.tags] } };
        if (method === 'PUT' || method === 'POST') {
          requireJson(req);
          takeUpdateSlot(ticket.id);
          return applyTags(ticket, parseWrite(req, raw, (json) => json, TagsBodySchema), method === 'PUT' ? 'add' : 'set');
        }
        throw invalidEndpoint();
      }
      if (sub === 'comments' && method === 'GET') {
        const comments = ticket.comments.map((comment) => ({
          id: comment.id,
          type: 'Comment',
          author_id: comment.public ? ticket.requester_id : null,
          body: comment.body,
          plain_body: comment.body,
          public: comment.public,
          created_at: comment.created_at,
        }));
        return { status: 200, body: { comments, count: comments.length } };
      }
      throw invalidEndpoint();
    }
    if (collection === 'users' && method === 'GET' && sub === undefined) {
      if (id === 'show_many') return showManyUsers(query);
      if (id !== undefined) return { status: 200, body: { user: userJson(findUser(id)) } };
    }
    if (collection === 'users' && method === 'GET' && id !== undefined && sub === 'identities') {
      const record = findUser(id);
      return { status: 200, body: { identities: record.identities.map((identity) => identityJson(record, identity)) } };
    }
    throw invalidEndpoint();
  }

  function takeFault(method: string, path: string): PendingFault | undefined {
    const index = faults.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method) &&
        (fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix)),
    );
    const fault = faults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  function isAuthenticated(req: IncomingMessage): boolean {
    const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    return match?.[1] !== undefined && Buffer.from(match[1], 'base64').toString('utf8') === expectedCredentials;
  }

  function send(res: ServerResponse, method: string, path: string, receivedAt: number, reply: Reply): void {
    // Logged before the answer leaves, so a caller that has its response always finds it in requests().
    log.push({ method, path, status: reply.status, at: receivedAt });
    if (res.destroyed) return;
    const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const isHtml = typeof reply.body === 'string';
    res.writeHead(reply.status, {
      'content-type': isHtml ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = `${url.pathname}${url.search}`;
    const answer = (reply: Reply): void => send(res, method, path, receivedAt, reply);

    const raw = await readBody(req);
    if (raw === 'too-large') {
      answer({ status: 413, body: { error: 'RequestTooLarge', description: `Request bodies are limited to ${MAX_BODY_BYTES} bytes` }, headers: { connection: 'close' } });
      return;
    }

    if (url.pathname === '/sandbox' || url.pathname.startsWith('/sandbox/tickets')) {
      answer(inspect(req, method, url.pathname));
      return;
    }
    if (!url.pathname.startsWith('/api/v2/')) {
      answer(invalidEndpoint().reply);
      return;
    }
    if (!isAuthenticated(req)) {
      answer({ status: 401, body: { error: "Couldn't authenticate you" }, headers: { 'www-authenticate': 'Basic realm="Web Password"' } });
      return;
    }
    const segments = url.pathname.slice('/api/v2/'.length).replace(/\.json$/, '').split('/');
    const fault = takeFault(method, url.pathname);
    if (fault) {
      if (fault.applyFirst) {
        try {
          route(method, segments, url.searchParams, req, raw);
        } catch (error) {
          if (!(error instanceof HttpFailure)) throw error;
        }
      }
      const reply = faultReply(fault);
      if (fault.delayMs) {
        const timer = setTimeout(() => {
          delayTimers.delete(timer);
          answer(reply);
        }, fault.delayMs);
        delayTimers.add(timer);
      } else {
        answer(reply);
      }
      return;
    }
    try {
      answer(route(method, segments, url.searchParams, req, raw));
    } catch (error) {
      if (error instanceof HttpFailure) {
        answer(error.reply);
        return;
      }
      throw error;
    }
  }

  function inspect(req: IncomingMessage, method: string, pathname: string): Reply {
    if (!isLoopback(req.socket.remoteAddress)) return { status: 403, body: { error: 'Forbidden', description: 'The sandbox pages are for loopback only' } };
    if (method !== 'GET') return invalidEndpoint().reply;
    const all = [...tickets.values()];
    if (pathname === '/sandbox/tickets') return { status: 200, body: { tickets: structuredClone(all) } };
    const one = /^\/sandbox\/tickets\/(\d+)$/.exec(pathname);
    if (one) {
      const ticket = tickets.get(Number(one[1]));
      return ticket ? { status: 200, body: structuredClone(ticket) } : { status: 404, body: { error: 'RecordNotFound' } };
    }
    if (pathname !== '/sandbox') return invalidEndpoint().reply;
    return { status: 200, body: renderPage(all) };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('sandbox zendesk: request failed', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'InternalError' }));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox zendesk: no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    createUser: addUser,
    createTicket: (input) => addTicket(input),
    ticket: (id) => {
      const ticket = tickets.get(id);
      return ticket ? structuredClone(ticket) : undefined;
    },
    tickets: () => structuredClone([...tickets.values()]),
    failNext: (fault) => {
      if (!Number.isInteger(fault.count) || fault.count < 1) throw new Error('sandbox zendesk: failNext count must be a positive integer');
      faults.push({ ...fault, remaining: fault.count });
    },
    requests: () => log.map((entry) => ({ ...entry })),
    onTicketCreated: (listener) => {
      listeners.push(listener);
    },
    close: async () => {
      for (const timer of delayTimers) clearTimeout(timer);
      delayTimers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Writes must be JSON, as Zendesk requires. */
function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw fail(400, { error: 'InvalidContentType', description: 'Content-Type must be application/json' });
  }
}

/**
 * Parses a write body in two steps, like Zendesk: a body that is not JSON or not the expected
 * envelope is a 400; field values that fail validation are a 422 RecordInvalid with details.
 */
function parseWrite<T>(req: IncomingMessage, raw: Buffer, envelope: (json: unknown) => unknown, schema: z.ZodType<T>): T {
  requireJson(req);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw fail(400, { error: 'InvalidJSON', description: 'The request body is not valid JSON' });
  }
  const inner = envelope(json);
  if (!isPlainObject(inner)) throw fail(400, { error: 'InvalidValue', description: 'The request body must be a JSON object' });
  const result = schema.safeParse(inner);
  if (result.success) return result.data;
  const unknownKeys = result.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unknownKeys.length > 0) {
    throw fail(400, { error: 'InvalidValue', description: `Unknown or unsupported field(s): ${unknownKeys.join(', ')}` });
  }
  const details: Record<string, { description: string }[]> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'base');
    (details[field] ??= []).push({ description: `${field}: ${issue.message}` });
  }
  throw fail(422, { error: 'RecordInvalid', description: 'Record validation errors', details });
}

function unwrap(json: unknown, key: string): unknown {
  if (!isPlainObject(json) || Object.keys(json).length !== 1 || !(key in json)) {
    throw fail(400, { error: 'InvalidValue', description: `The request body must be {"${key}": {...}}` });
  }
  return json[key];
}

function unwrapTicketUpdate(json: unknown): unknown {
  const inner = unwrap(json, 'ticket');
  if (isPlainObject(inner)) {
    const notModelled = Object.keys(inner).filter((key) => TICKET_UPDATE_INPUT_FIELDS.has(key) && !(key in TicketUpdateSchema.shape));
    if (notModelled.length > 0) {
      throw fail(400, { error: 'InvalidValue', description: `The sandbox does not model ticket field(s): ${notModelled.join(', ')}` });
    }
  }
  return inner;
}

function faultReply(fault: SandboxFault): Reply {
  const body =
    fault.status === 429
      ? { error: 'TooManyRequests', description: 'Rate limit for ticket updates exceeded, please wait before updating this ticket again' }
      : { error: (STATUS_CODES[fault.status] ?? 'Error').replace(/\s+/g, ''), description: 'Injected by the sandbox' };
  return { status: fault.status, body, headers: fault.headers };
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.byteLength;
    // Keep draining past the limit so the client reads the 413 instead of a reset connection.
    if (total <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return total > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function uniqueTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()))];
}

/** Zendesk timestamps: ISO 8601 in UTC with whole seconds. */
function stamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function renderPage(tickets: SandboxTicket[]): string {
  const rows = tickets
    .map((ticket) => {
      const notes = ticket.comments
        .filter((comment) => !comment.public)
        .map((comment) => `<pre>${escapeHtml(comment.body)}</pre>`)
        .join('');
      const cells = [String(ticket.id), ticket.subject, ticket.priority ?? '-', ticket.tags.join(' '), ticket.group_id === null ? '-' : String(ticket.group_id)];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}<td>${notes || '-'}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Sandbox Zendesk</title>
<style>body{font-family:sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0 0 .5rem;max-width:50rem}</style>
</head><body><h1>Sandbox Zendesk: ${tickets.length} ticket(s)</h1>
<table><thead><tr><th>Id</th><th>Subject</th><th>Priority</th><th>Tags</th><th>Group</th><th>Internal notes</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
