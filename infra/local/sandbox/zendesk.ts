import { STATUS_CODES } from 'node:http';
import { escapeHtml, fail, withHeaders, type FaultControl, type PartRequest, type Reply, type SandboxPart } from './http.js';
import { commentsJson, identityJson, ticketJson, userJson } from './zendesk-json.js';
import {
  invalidEndpoint,
  parseWrite,
  requireJson,
  TagsBodySchema,
  TicketCreateSchema,
  TicketUpdateSchema,
  unwrap,
  unwrapTicketUpdate,
} from './zendesk-schemas.js';
import { type UserRecord, ZendeskState } from './zendesk-state.js';
import type { SandboxTicket, SandboxZendesk, SandboxZendeskOptions } from './zendesk-types.js';
import { applyTags, applyUpdate, createFromApi, TOO_MANY_REQUESTS, UpdateLimiter } from './zendesk-writes.js';

const API_PREFIX = '/api/v2/';

/**
 * The sandbox's Zendesk: the subset of the Zendesk Support API the product uses, enforcing its
 * contract: Basic API-token auth, `{"ticket": {...}}` bodies with real field names and values,
 * tags replaced by the ticket PUT and added by `PUT .../tags`, guarded updates answering 409 on a
 * stale `updated_stamp`, and the per-ticket update rate limit. Mount it at the root (`''`), where
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
  const state = new ZendeskState();
  const account = new AccountLimit(options.ratePerMinute ?? 700);
  const latencyMs = options.latencyMs ?? 0;

  function showManyUsers(query: URLSearchParams): Reply {
    const ids = (query.get('ids') ?? '').split(',').filter((part) => part !== '');
    if (ids.length === 0 || ids.length > 100 || !ids.every((id) => /^\d+$/.test(id))) {
      throw fail(400, { error: 'InvalidValue', description: 'ids must be 1 to 100 comma-separated numeric user ids' });
    }
    const records = ids.flatMap((id) => {
      const record = state.users.get(Number(id));
      return record ? [record] : [];
    });
    const include = (query.get('include') ?? '').split(',').map((part) => part.trim());
    const body: Record<string, unknown> = { users: records.map((record) => userJson(baseUrl(), record)) };
    if (include.includes('identities')) body['identities'] = records.flatMap((record) => identitiesJson(record));
    return { status: 200, body };
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
        return applyUpdate(state, baseUrl(), ticket, parseWrite(request, unwrapTicketUpdate, TicketUpdateSchema));
      }
      throw invalidEndpoint();
    }
    if (sub === 'tags') {
      if (method === 'GET') return { status: 200, body: { tags: [...ticket.tags] } };
      if (method === 'PUT' || method === 'POST') {
        requireJson(request);
        limiter.take(ticket.id);
        return applyTags(ticket, parseWrite(request, (json) => json, TagsBodySchema), method === 'PUT' ? 'add' : 'set');
      }
      throw invalidEndpoint();
    }
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
    const [collection, id, sub, extra] = request.pathname.slice(API_PREFIX.length).replace(/\.json$/, '').split('/');
    if (extra !== undefined) throw invalidEndpoint();
    if (collection === 'tickets') {
      if (id !== undefined) return routeTicket(request, state.findTicket(id), sub);
      if (method === 'GET') {
        return { status: 200, body: { tickets: [...state.tickets.values()].map((ticket) => ticketJson(baseUrl(), ticket)), count: state.tickets.size } };
      }
      if (method === 'POST') return createFromApi(state, baseUrl(), parseWrite(request, (json) => unwrap(json, 'ticket'), TicketCreateSchema));
      throw invalidEndpoint();
    }
    if (collection === 'users' && method === 'GET' && id !== undefined) {
      if (sub === undefined) return id === 'show_many' ? showManyUsers(request.query) : { status: 200, body: { user: userJson(baseUrl(), state.findUser(id)) } };
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
    unauthorized: () => ({ status: 401, body: { error: "Couldn't authenticate you" }, headers: { 'www-authenticate': 'Basic realm="Web Password"' } }),
    faultBody: (status) =>
      status === 429 ? { ...TOO_MANY_REQUESTS } : { error: (STATUS_CODES[status] ?? 'Error').replace(/\s+/g, ''), description: 'Injected by the sandbox' },
    inspectTickets: () => structuredClone([...state.tickets.values()]),
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
  };

  return { part, api };
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
      throw fail(429, { error: 'TooManyRequests', description: 'You have exceeded the rate limit of your account' }, { ...this.#headers(0, resetSeconds), 'retry-after': String(resetSeconds) });
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
      const cells = [String(ticket.id), ticket.subject, ticket.priority ?? '-', ticket.tags.join(' '), ticket.group_id === null ? '-' : String(ticket.group_id)];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}<td>${notes || '-'}</td></tr>`;
    })
    .join('\n');
  return `<section id="zendesk"><h2>Zendesk: ${tickets.length} ticket(s)</h2>
<table><thead><tr><th>Id</th><th>Subject</th><th>Priority</th><th>Tags</th><th>Group</th><th>Internal notes</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}
