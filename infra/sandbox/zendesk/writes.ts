import { fail, nextStamp, type Reply, uniqueTags } from '../http.js';
import { recordStatusChange } from './metrics.js';
import { ticketJson } from './json.js';
import type { TagsBody, TicketCreateInput, TicketUpdateInput } from './schemas.js';
import { API_AGENT_ID, type ZendeskState } from './state.js';
import type { SandboxTicket } from './types.js';

/** Zendesk's body for a rate-limited ticket update. */
export const TOO_MANY_REQUESTS = {
  error: 'TooManyRequests',
  description: 'Rate limit for ticket updates exceeded, please wait before updating this ticket again',
} as const;

/** Zendesk's per-ticket update limit: a sliding window of accepted update requests. */
export class UpdateLimiter {
  readonly #updatesByTicket = new Map<number, number[]>();

  constructor(private readonly limit: { max: number; windowMs: number }) {}

  /** Counts an update of the ticket, or throws Zendesk's 429 with Retry-After when its window is full. */
  take(ticketId: number): void {
    const now = Date.now();
    const recent = (this.#updatesByTicket.get(ticketId) ?? []).filter((at) => at > now - this.limit.windowMs);
    const oldest = recent[0];
    if (recent.length >= this.limit.max && oldest !== undefined) {
      this.#updatesByTicket.set(ticketId, recent);
      const retryAfter = Math.max(1, Math.ceil((oldest + this.limit.windowMs - now) / 1000));
      throw fail(429, TOO_MANY_REQUESTS, { 'retry-after': String(retryAfter) });
    }
    recent.push(now);
    this.#updatesByTicket.set(ticketId, recent);
  }
}

/** Refuses a safe update whose `updated_stamp` is missing (422) or not the ticket's current one (409). */
function checkStamp(ticket: SandboxTicket, safeUpdate: boolean | undefined, updatedStamp: string | undefined): void {
  if (!safeUpdate) return;
  if (updatedStamp === undefined) {
    throw fail(422, {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { updated_stamp: [{ description: 'Updated stamp: is required for a safe update' }] },
    });
  }
  const sent = Date.parse(updatedStamp);
  if (!Number.isFinite(sent) || sent !== Date.parse(ticket.updated_at)) {
    throw fail(409, {
      error: 'UpdateConflict',
      description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
    });
  }
}

/** Applies `PUT /api/v2/tickets/{id}` and answers with the ticket and the audit of what changed. */
export function applyUpdate(state: ZendeskState, baseUrl: string, ticket: SandboxTicket, input: TicketUpdateInput): Reply {
  checkStamp(ticket, input.safe_update, input.updated_stamp);
  const events: Record<string, unknown>[] = [];
  const change = (field: string, value: unknown, previous: unknown): void => {
    if (JSON.stringify(value) !== JSON.stringify(previous)) {
      events.push({ id: state.auditId(), type: 'Change', field_name: field, value, previous_value: previous });
    }
  };
  if (input.subject !== undefined) {
    change('subject', input.subject, ticket.subject);
    ticket.subject = input.subject;
  }
  const previousStatus = ticket.status;
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
  // Stamps are whole seconds, like Zendesk's; a second write within the same second still gets a later stamp.
  ticket.updated_at = nextStamp(ticket.updated_at);
  recordStatusChange(ticket, previousStatus, ticket.updated_at);
  if (input.comment) {
    const comment = {
      id: state.commentId(),
      author_id: API_AGENT_ID,
      body: input.comment.body,
      public: input.comment.public ?? true,
      created_at: ticket.updated_at,
    };
    ticket.comments.push(comment);
    events.push({ id: comment.id, type: 'Comment', body: comment.body, public: comment.public });
  }
  return {
    status: 200,
    body: {
      ticket: ticketJson(baseUrl, ticket),
      audit: { id: state.auditId(), ticket_id: ticket.id, created_at: ticket.updated_at, events },
    },
  };
}

/** Applies the tags endpoint: `PUT` adds to the ticket's tags, `POST` replaces them. */
export function applyTags(ticket: SandboxTicket, body: TagsBody, mode: 'add' | 'set'): Reply {
  checkStamp(ticket, body.safe_update, body.updated_stamp);
  ticket.tags = uniqueTags(mode === 'add' ? [...ticket.tags, ...body.tags] : body.tags);
  ticket.updated_at = nextStamp(ticket.updated_at);
  return { status: 200, body: { tags: [...ticket.tags] } };
}

/** Applies `POST /api/v2/tickets`, finding the requester by id or email or adding them by email. */
export function createFromApi(state: ZendeskState, baseUrl: string, input: TicketCreateInput): Reply {
  let requesterId = input.requester_id;
  if (requesterId !== undefined && !state.users.has(requesterId)) {
    throw fail(422, {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { requester: [{ description: 'Requester: is invalid' }] },
    });
  }
  if (requesterId === undefined && input.requester) {
    const { email, name } = input.requester;
    requesterId =
      state.userByEmail(email)?.user.id ??
      state.addUser({ name: name ?? email, email, external_id: null, user_fields: {}, identities: [] }).id;
  }
  if (requesterId === undefined) throw fail(422, { error: 'RecordInvalid', description: 'Requester: is required' });
  const created = state.addTicket({
    subject: input.subject ?? input.comment.body.slice(0, 60),
    description: input.comment.body,
    requesterId,
    priority: input.priority ?? null,
    status: input.status,
    tags: input.tags,
    groupId: input.group_id ?? null,
    channel: 'api',
  });
  const ticket = state.findTicket(String(created.id));
  return { status: 201, body: { ticket: ticketJson(baseUrl, ticket), audit: { id: state.auditId(), ticket_id: ticket.id, events: [] } } };
}
