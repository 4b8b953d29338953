import { STATUS_CODES } from 'node:http';
import { recordStatusChange, ticketMetricJson } from './metrics.js';
import { isLoopbackUrl } from '../../../shared/adapters/plugin/outbound-url.js';
import {
  escapeHtml,
  fail,
  nextStamp,
  stamp,
  withHeaders,
  type FaultControl,
  type PartRequest,
  type Reply,
  type SandboxPart,
} from '../http.js';
import { SandboxPlugin } from '../sandbox.js';
import { commentsJson, identityJson, ticketJson, userJson } from './json.js';
import {
  invalidEndpoint,
  parseWrite,
  requireJson,
  TagsBodySchema,
  TicketCreateSchema,
  TicketUpdateSchema,
  unwrap,
  unwrapTicketUpdate,
} from './schemas.js';
import { API_AGENT_ID, type UserRecord, ZendeskState } from './state.js';
import { type WebhookSend, ZendeskAdmin } from './admin.js';
import { cursorPage } from './paging.js';
import { signedTicketCreated, signedZendeskRequest } from './deliveries.js';
import type { SandboxTicket, SandboxZendesk, SandboxZendeskOptions, WebhookDelivery } from './types.js';
import { applyTags, applyUpdate, createFromApi, TOO_MANY_REQUESTS, UpdateLimiter } from './writes.js';

const API_PREFIX = '/api/v2/';

/**
 * The sandbox's Zendesk: the subset of the Zendesk Support API the product uses, enforcing its
 * contract: Basic API-token auth, `{"ticket": {...}}` bodies with real field names and values,
 * tags replaced by the ticket PUT and added by `PUT .../tags`, guarded updates answering 409 on a
 * stale `updated_stamp`, and the per-ticket update rate limit; the account's webhooks, triggers
 * and user fields (see zendesk-admin.ts), whose triggers and event subscriptions it runs for each
 * new ticket, sending signed webhook requests to loopback endpoints. Mount it at the root (`''`), where
 * Zendesk clients expect `/api/v2/...`.
 *
 * @example
 * const { part, api } = createZendeskPart({ email: 'bot@acme.test', apiToken: 'token' }, new FaultControl(), () => baseUrl);
 * const user = api.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
 * api.createTicket({ subject: 'Help', description: 'My printer is on fire', requesterId: user.id });
 */
export function createZendeskPart(
  options: SandboxZendeskOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxZendesk } {
  const expectedCredentials = `${options.email}/token:${options.apiToken}`;
  const limiter = new UpdateLimiter(options.rateLimitPerTicket ?? { max: 30, windowMs: 10 * 60 * 1000 });
  const state = new ZendeskState(options.email);
  const account = new AccountLimit(options.ratePerMinute ?? 700);
  const latencyMs = options.latencyMs ?? 0;
  const admin = new ZendeskAdmin(baseUrl, API_AGENT_ID);
  const sent: WebhookDelivery[] = [];

  /** Sends what the account's webhooks send for a new ticket; the sandbox sends only to loopback. */
  function sendWebhook(send: WebhookSend, ticket: SandboxTicket): void {
    const { webhook } = send;
    const delivery =
      send.body === undefined
        ? signedTicketCreated({ ticket, secret: webhook.signingSecret, webhookId: webhook.id })
        : signedZendeskRequest({ body: send.body, secret: webhook.signingSecret, webhookId: webhook.id });
    const record: WebhookDelivery = {
      webhookId: webhook.id,
      endpoint: webhook.endpoint,
      ticketId: ticket.id,
      body: delivery.body,
      status: 0,
    };
    sent.push(record);
    if (!isLoopbackUrl(new URL(webhook.endpoint))) {
      record.error = 'the sandbox sends webhooks to loopback addresses only';
      return;
    }
    void fetch(webhook.endpoint, { method: webhook.http_method, headers: delivery.headers, body: delivery.body, redirect: 'manual' })
      .then(async (response) => {
        record.status = response.status;
        await response.body?.cancel();
      })
      .catch((error: unknown) => {
        record.error = error instanceof Error ? error.message : String(error);
        console.error(`sandbox zendesk: webhook to ${webhook.endpoint} failed`, record.error);
      });
  }
  state.onTicketCreated((ticket, requester) => {
    for (const send of admin.sendsForNewTicket(ticket, requester)) sendWebhook(send, ticket);
  });

  function showManyUsers(query: URLSearchParams): Reply {
    const ids = (query.get('ids') ?? '').split(',').filter((part) => part !== '');
    if (ids.length === 0 || ids.length > 100 || !ids.every((id) => /^\d+$/.test(id))) {
      throw fail(400, { error: 'InvalidValue', description: 'ids must be 1 to 100 comma-separated numeric user ids' });
    }
    const records = ids.flatMap((id) => {
      const record = state.users.get(Number(id));
      return record ? [record] : [];
    });
    const body: Record<string, unknown> = { users: records.map((record) => userJson(baseUrl(), record)) };
    if (includes(query, 'identities')) body['identities'] = records.flatMap((record) => identitiesJson(record));
    return { status: 200, body };
  }

  function showUser(record: UserRecord, query: URLSearchParams): Reply {
    const body: Record<string, unknown> = { user: userJson(baseUrl(), record) };
    if (includes(query, 'identities')) body['identities'] = identitiesJson(record);
    return { status: 200, body };
  }

  /**
   * `GET /api/v2/tickets`, oldest first, paged as Zendesk pages: by cursor with `page[size]`
   * (`meta.has_more`, `links.next`), else by offset with `page` and `per_page` (`next_page`).
   */
  function listTickets(query: URLSearchParams): Reply {
    const all = [...state.tickets.values()].sort((a, b) => a.id - b.id);
    return cursorPage(
      all,
      (ticket) => String(ticket.id),
      query,
      `${baseUrl()}/api/v2/tickets.json`,
      'tickets',
      (ticket) => ticketJson(baseUrl(), ticket),
      { offset: true },
    );
  }

  function identitiesJson(record: UserRecord): Record<string, unknown>[] {
    return record.identities.map((identity) => identityJson(baseUrl(), record, identity));
  }

  function routeTicket(request: PartRequest, ticket: SandboxTicket, sub: string | undefined): Reply {
    const { method } = request;
    if (sub === undefined) {
      if (method === 'GET') return { status: 200, body: { ticket: ticketJson(baseUrl(), ticket) } };
      if (method === 'PUT') {
        // Checked before the rate limit, so a form-encoded write is refused without spending an update.
        requireJson(request);
        limiter.take(ticket.id);
        const solvedBefore = ticket.solved_at;
        const reply = applyUpdate(state, baseUrl(), ticket, parseWrite(request, unwrapTicketUpdate, TicketUpdateSchema));
        // Solved through the API: the account's "status changed to solved" triggers fire.
        if (ticket.solved_at !== null && ticket.solved_at !== solvedBefore) {
          const requester = state.users.get(ticket.requester_id)?.user;
          if (requester) for (const send of admin.sendsForSolved(ticket, requester)) sendWebhook(send, ticket);
        }
        return reply;
      }
      throw invalidEndpoint();
    }
    if (sub === 'tags') {
      if (method === 'GET') return { status: 200, body: { tags: [...ticket.tags] } };
      if (method === 'PUT' || method === 'POST') {
        requireJson(request);
        limiter.take(ticket.id);
        return applyTags(
          ticket,
          parseWrite(request, (json) => json, TagsBodySchema),
          method === 'PUT' ? 'add' : 'set',
        );
      }
      throw invalidEndpoint();
    }
    if (sub === 'metrics' && method === 'GET') return { status: 200, body: { ticket_metric: ticketMetricJson(baseUrl(), ticket) } };
    if (sub === 'comments' && method === 'GET') {
      // Zendesk answers oldest first, 100 to a page; `sort_order=desc` puts the newest first.
      const all = commentsJson(ticket);
      const ordered = request.query.get('sort_order') === 'desc' ? [...all].reverse() : all;
      return { status: 200, body: { comments: ordered.slice(0, 100), count: all.length } };
    }
    throw invalidEndpoint();
  }

  /** Routes one authenticated API request by the segments after `/api/v2/`, without a `.json` suffix. */
  function route(request: PartRequest): Reply {
    if (!request.pathname.startsWith(API_PREFIX)) throw invalidEndpoint();
    const { method } = request;
    const [collection, id, sub, extra] = request.pathname
      .slice(API_PREFIX.length)
      .replace(/\.json$/, '')
      .split('/');
    if (extra !== undefined) throw invalidEndpoint();
    if (collection === 'tickets') {
      if (id !== undefined) return routeTicket(request, state.findTicket(id), sub);
      if (method === 'GET') return listTickets(request.query);
      if (method === 'POST')
        return createFromApi(
          state,
          baseUrl(),
          parseWrite(request, (json) => unwrap(json, 'ticket'), TicketCreateSchema),
        );
      throw invalidEndpoint();
    }
    const adminReply = admin.route(request, collection, id, sub);
    if (adminReply) return adminReply;
    if (collection === 'users' && method === 'GET' && id !== undefined) {
      if (sub === undefined) {
        if (id === 'show_many') return showManyUsers(request.query);
        return showUser(state.findUser(id === 'me' ? String(API_AGENT_ID) : id), request.query);
      }
      if (sub === 'identities') return { status: 200, body: { identities: identitiesJson(state.findUser(id)) } };
    }
    throw invalidEndpoint();
  }

  const part: SandboxPart = {
    name: 'zendesk',
    mount: '',
    async route(request) {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return withHeaders(account.take(), () => route(request));
    },
    isApiPath: (pathname) => pathname.startsWith(API_PREFIX),
    authenticated: (request) => {
      const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
      return match?.[1] !== undefined && Buffer.from(match[1], 'base64').toString('utf8') === expectedCredentials;
    },
    unauthorized: () => ({
      status: 401,
      body: { error: "Couldn't authenticate you" },
      headers: { 'www-authenticate': 'Basic realm="Web Password"' },
    }),
    faultBody: (status) =>
      status === 429
        ? { ...TOO_MANY_REQUESTS }
        : { error: (STATUS_CODES[status] ?? 'Error').replace(/\s+/g, ''), description: 'Injected by the sandbox' },
    inspectTickets: () => structuredClone([...state.tickets.values()]),
    ticketApiPath: (id) => `/api/v2/tickets/${encodeURIComponent(id)}`,
    inspectTicket: (id) => {
      const ticket = /^\d+$/.test(id) ? state.tickets.get(Number(id)) : undefined;
      return ticket ? structuredClone(ticket) : undefined;
    },
    renderSection: () => renderSection([...state.tickets.values()]),
  };

  const api: SandboxZendesk = {
    get baseUrl() {
      return baseUrl();
    },
    createUser: (user) => state.addUser(user),
    createTicket: (input) => state.addTicket(input),
    backdateTicket: (id, at) => {
      const ticket = state.findTicket(String(id));
      const when = stamp(at.getTime());
      ticket.created_at = when;
      if (ticket.comments[0]) ticket.comments[0].created_at = when;
      return structuredClone(ticket);
    },
    solveTicket: (id) => {
      // As an agent would, in the account's own UI (no API request, no rate limit): a public
      // reply, then solved. The account's solved triggers do not run for it.
      const ticket = state.findTicket(String(id));
      const previous = ticket.status;
      ticket.updated_at = nextStamp(ticket.updated_at);
      ticket.comments.push({
        id: state.commentId(),
        author_id: API_AGENT_ID,
        body: 'Solved.',
        public: true,
        created_at: ticket.updated_at,
      });
      ticket.status = 'solved';
      recordStatusChange(ticket, previous, ticket.updated_at);
      return structuredClone(ticket);
    },
    ticket: (id) => {
      const ticket = state.tickets.get(id);
      return ticket ? structuredClone(ticket) : undefined;
    },
    tickets: () => structuredClone([...state.tickets.values()]),
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    rateLimited: () => account.refused,
    onTicketCreated: (listener) => state.onTicketCreated(listener),
    addWebhook: (webhook) => {
      const { signingSecret: _secret, ...shown } = admin.addWebhook(webhook);
      return shown;
    },
    addUserField: (field) => admin.addUserField(field),
    webhooks: () => [...admin.webhooks.values()].map(({ signingSecret: _secret, ...shown }) => structuredClone(shown)),
    triggers: () => structuredClone([...admin.triggers.values()]),
    userFields: () => structuredClone([...admin.userFields.values()]),
    webhookDeliveries: () => sent.map((record) => ({ ...record })),
  };

  return { part, api };
}

/** The sandbox Zendesk, at the root: `startSandbox({ parts: [zendeskPart.with(options)] })`, then `sandbox.part(zendeskPart)`. */
export const zendeskPart = new SandboxPlugin('zendesk', createZendeskPart);

/** Whether `include=` (comma-separated side-loads) asks for `name`. */
function includes(query: URLSearchParams, name: string): boolean {
  return (query.get('include') ?? '').split(',').some((part) => part.trim() === name);
}

/**
 * The account-wide limit, as Zendesk counts it: requests a clock minute, failed ones included;
 * refusals are not counted, so waiting Retry-After always frees the budget.
 */
class AccountLimit {
  #minute = 0;
  #used = 0;
  refused = 0;

  constructor(private readonly perMinute: number) {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new Error('sandbox zendesk: ratePerMinute must be a positive integer');
  }

  /** Takes one request of this minute and answers the headers, or throws Zendesk's 429. */
  take(): Record<string, string> {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
    }
    const resetSeconds = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    if (this.#used >= this.perMinute) {
      this.refused += 1;
      throw fail(
        429,
        { error: 'TooManyRequests', description: 'You have exceeded the rate limit of your account' },
        { ...this.#headers(0, resetSeconds), 'retry-after': String(resetSeconds) },
      );
    }
    this.#used += 1;
    return this.#headers(this.perMinute - this.#used, resetSeconds);
  }

  #headers(remaining: number, resetSeconds: number): Record<string, string> {
    const limit = String(this.perMinute);
    return {
      'x-rate-limit': limit,
      'x-rate-limit-remaining': String(remaining),
      'ratelimit-limit': limit,
      'ratelimit-remaining': String(remaining),
      'ratelimit-reset': String(resetSeconds),
    };
  }
}

function renderSection(tickets: SandboxTicket[]): string {
  const rows = tickets
    .map((ticket) => {
      const notes = ticket.comments
        .filter((comment) => !comment.public)
        .map((comment) => `<pre>${escapeHtml(comment.body)}</pre>`)
        .join('');
      const cells = [
        String(ticket.id),
        ticket.subject,
        ticket.priority ?? '-',
        ticket.tags.join(' '),
        ticket.group_id === null ? '-' : String(ticket.group_id),
      ];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}<td>${notes || '-'}</td></tr>`;
    })
    .join('\n');
  return `<section id="zendesk"><h2>Zendesk: ${tickets.length} ticket(s)</h2>
<table><thead><tr><th>Id</th><th>Subject</th><th>Priority</th><th>Tags</th><th>Group</th><th>Internal notes</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}
