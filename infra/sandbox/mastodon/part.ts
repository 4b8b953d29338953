/**
 * The sandbox Mastodon servers. A Mastodon server comes from the customer's handle
 * (`@ada@social.example`), so each server the options name is served at the root of its own
 * loopback port, as the real server is at `https://social.example`: the sandbox's `hosts` (and
 * this part's `servers`) map each name to its origin, e.g.
 * `{ 'social.example': 'http://127.0.0.1:41234' }`. Local mode hands that mapping to the Mastodon
 * provider; nothing else reaches these ports. The part's own mount, `/mastodon`, answers 404.
 *
 * The contract it holds a client to: WebFinger at `/.well-known/webfinger` needs
 * `resource=acct:user@domain`; `GET /api/v1/accounts/lookup?acct=` finds only this server's
 * accounts (404 `{"error":"Record not found"}` otherwise) without a token; statuses cap `limit`
 * at 40, honour `exclude_replies`, `exclude_reblogs`, `only_media`, `max_id`/`since_id`/`min_id`
 * and page with a `Link` header; ids are strings, `created_at` midnight UTC; `X-RateLimit-Limit`,
 * `-Remaining` and `-Reset` (ISO 8601) on every API answer and 429 past the limit (300 per 5
 * minutes per caller by default). A handle domain apart from its server (`handleDomains`) gets a
 * port too and answers WebFinger only, with the actor on the server. Controls for tests: secure
 * mode (401 without a Bearer token) and a redirect mode (every request answers 301 elsewhere).
 */
import { countRequests, WindowBudgets } from '../budget.js';
import { escapeHtml, type FaultControl, fail, type PartRequest, type SandboxPart, withHeaders } from '../http.js';
import { SandboxPlugin } from '../sandbox.js';
import { routeHandleDomain, routeServer, type ServerAccounts } from './api.js';
import type { SandboxMastodon, SandboxMastodonAccount, SandboxMastodonAccountInput, SandboxMastodonOptions } from './types.js';

const MOUNT = '/mastodon';
const SERVER_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const USERNAME = /^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i;

/** One server's records and switches. */
interface Server {
  accounts: Map<string, SandboxMastodonAccount>;
  byId: Map<string, SandboxMastodonAccount>;
  budget: WindowBudgets;
  secure: boolean;
  tokens: Set<string>;
  redirect: string | undefined;
}

/**
 * Builds the sandbox Mastodon servers for one sandbox.
 *
 * @example
 * const sandbox = await startSandbox({ parts: [mastodonPart.with({ servers: ['social.example'] })] });
 * sandbox.part(mastodonPart).addAccount('social.example', { username: 'ada', followers: 900, following: 80 });
 * sandbox.hosts['social.example'] // 'http://127.0.0.1:41234'
 */
export function createMastodonPart(
  options: SandboxMastodonOptions,
  control: FaultControl,
  _baseUrl: () => string,
  hostUrls: () => Readonly<Record<string, string>>,
): { part: SandboxPart; api: SandboxMastodon } {
  const limit = options.rateLimit ?? { requests: 300, windowSeconds: 300 };
  const servers = new Map<string, Server>();
  for (const raw of options.servers) {
    const name = raw.toLowerCase();
    if (!SERVER_NAME.test(name)) throw new Error(`sandbox mastodon: ${raw} is not a server name`);
    servers.set(name, {
      accounts: new Map(),
      byId: new Map(),
      budget: new WindowBudgets(limit.requests, limit.windowSeconds * 1000),
      secure: false,
      tokens: new Set(),
      redirect: undefined,
    });
  }
  const handleDomains = new Map(
    Object.entries(options.handleDomains ?? {}).map(([domain, server]) => [domain.toLowerCase(), server.toLowerCase()]),
  );
  for (const [domain, server] of handleDomains) {
    if (!SERVER_NAME.test(domain)) throw new Error(`sandbox mastodon: ${domain} is not a domain`);
    if (!servers.has(server))
      throw new Error(`sandbox mastodon: the handle domain ${domain} names ${server}, which is not among the servers`);
  }
  const localDomainOf = (server: string): string => [...handleDomains].find(([, name]) => name === server)?.[0] ?? server;
  let nextId = 109_000_000_000_001n;

  const serverOf = (name: string): Server => {
    const server = servers.get(name.toLowerCase());
    if (!server) throw new Error(`sandbox mastodon: no server ${name} (it has ${[...servers.keys()].join(', ')})`);
    return server;
  };
  const bearer = (request: PartRequest): string | undefined => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const caller = (request: PartRequest): string => {
    const token = bearer(request);
    return token === undefined ? 'anonymous' : `token:${token}`;
  };
  const rateHeaders = (take: { limit: number; remaining: number; resetAt: number }): Record<string, string> => ({
    'x-ratelimit-limit': String(take.limit),
    'x-ratelimit-remaining': String(take.remaining),
    'x-ratelimit-reset': new Date(take.resetAt).toISOString(),
  });

  const part: SandboxPart = {
    name: 'mastodon',
    mount: MOUNT,
    hosts: [...servers.keys(), ...handleDomains.keys()],
    route(request) {
      if (request.host === undefined)
        throw fail(404, { error: 'Not found: each Mastodon server listens at its own port (GET /sandbox/hosts)' });
      const delegated = handleDomains.get(request.host);
      if (delegated !== undefined) return routeHandleDomain(request.host, accounts(delegated, serverOf(delegated)), request);
      const server = serverOf(request.host);
      if (server.redirect !== undefined)
        return { status: 301, body: '', headers: { location: server.redirect, 'content-type': 'text/html' } };
      const isApi = request.pathname.startsWith('/api/');
      if (!isApi) return routeServer(accounts(request.host, server), request);
      const token = bearer(request);
      if (server.secure && (token === undefined || !server.tokens.has(token)))
        throw fail(401, { error: 'This API requires an authenticated user' });
      const take = server.budget.take(caller(request));
      if (!take.allowed) throw fail(429, { error: 'Too many requests' }, rateHeaders(take));
      return withHeaders(rateHeaders(take), () => routeServer(accounts(request.host ?? '', server), request));
    },
    authenticated: () => true,
    unauthorized: () => ({ status: 401, body: { error: 'This API requires an authenticated user' } }),
    authLabel: caller,
    faultBody(status) {
      if (status === 429) return { error: 'Too many requests' };
      if (status === 503) return { error: 'Remote data could not be fetched' };
      if (status >= 500)
        return `<!DOCTYPE html><html><head><title>We're sorry, but something went wrong (${status})</title></head><body></body></html>`;
      return { error: 'Injected by the sandbox' };
    },
    inspectTickets: () => [],
    inspectTicket: () => undefined,
    renderSection: () => renderSection(servers, localDomainOf),
  };

  function accounts(name: string, server: Server): ServerAccounts {
    return {
      name,
      localDomain: localDomainOf(name),
      byUsername: (username) => server.accounts.get(username.toLowerCase()),
      byId: (id) => server.byId.get(id),
    };
  }

  function stored(input: SandboxMastodonAccountInput, server: string, existing?: SandboxMastodonAccount): SandboxMastodonAccount {
    if (!USERNAME.test(input.username)) throw new Error(`sandbox mastodon: ${input.username} is not a username`);
    const id = existing?.id ?? String(nextId++);
    const createdAt = input.createdAt ?? existing?.createdAt ?? new Date(Date.now() - 365 * 86_400_000).toISOString();
    return { ...input, id, server, createdAt };
  }

  const api: SandboxMastodon = {
    get servers() {
      const all = hostUrls();
      return Object.fromEntries(
        [...servers.keys(), ...handleDomains.keys()].flatMap((name) => (all[name] === undefined ? [] : [[name, all[name]]])),
      );
    },
    addAccount(name, input) {
      const server = serverOf(name);
      if (server.accounts.has(input.username.toLowerCase())) throw new Error(`sandbox mastodon: @${input.username}@${name} already exists`);
      const account = stored(input, name.toLowerCase());
      server.accounts.set(account.username.toLowerCase(), account);
      server.byId.set(account.id, account);
      return structuredClone(account);
    },
    updateAccount(name, username, change) {
      const server = serverOf(name);
      const existing = server.accounts.get(username.toLowerCase());
      if (!existing) throw new Error(`sandbox mastodon: no account @${username}@${name}`);
      const account = stored({ ...existing, ...change }, existing.server, existing);
      server.accounts.set(account.username.toLowerCase(), account);
      server.byId.set(account.id, account);
      return structuredClone(account);
    },
    account: (name, username) => {
      const account = serverOf(name).accounts.get(username.toLowerCase());
      return account ? structuredClone(account) : undefined;
    },
    setLimit: (name, next) => serverOf(name).budget.set(next.requests, next.windowSeconds * 1000),
    requireAuth: (name, on) => {
      serverOf(name).secure = on;
    },
    addToken: (name, token) => {
      serverOf(name).tokens.add(token);
    },
    redirect: (name, location) => {
      serverOf(name).redirect = location;
    },
    rateLimitNext(name, count) {
      const server = serverOf(name);
      const take = server.budget.peek('anonymous');
      const headers = { ...rateHeaders({ ...take, remaining: 0 }) };
      control.add({ status: 429, count, host: name.toLowerCase(), pathPrefix: '/api/', headers, body: { error: 'Too many requests' } });
    },
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    counts: () => countRequests(control.requests()),
  };
  return { part, api };
}

/** The sandbox Mastodon servers: `startSandbox({ parts: [mastodonPart.with({ servers: ['social.example'] })] })`, then `sandbox.part(mastodonPart)`. */
export const mastodonPart = new SandboxPlugin('mastodon', createMastodonPart);

function renderSection(servers: ReadonlyMap<string, Server>, localDomainOf: (server: string) => string): string {
  const rows = [...servers.entries()]
    .flatMap(([name, server]) =>
      [...server.accounts.values()].map((account) => {
        // An account is known by its handle, whose domain may be apart from the server that hosts it.
        const handle = `@${account.username}@${localDomainOf(name)}`;
        const cells = [
          name === localDomainOf(name) ? handle : `${handle} (on ${name})`,
          String(account.followers),
          account.noindex ? 'noindex' : '-',
        ];
        return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
      }),
    )
    .join('\n');
  return `<section id="mastodon"><h2>Sandbox Mastodon: ${servers.size} server(s)</h2>
<table><thead><tr><th>Account</th><th>Followers</th><th>Flags</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>
`;
}
