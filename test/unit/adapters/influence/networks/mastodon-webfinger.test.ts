import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastodonClient } from '../../../../../shared/adapters/influence/mastodon/client.js';
import type { NetworkCallContext } from '../../../../../shared/adapters/influence/network-client.js';
import { NetworkPace } from '../../../../../shared/adapters/influence/network-pace.js';

const clock = { now: () => new Date() };

/** Requests each loopback host received, as `host path?query`. */
let requests: string[] = [];
/** What the handle domain answers at `/api/v1/...`: a 404 page, or a 200 HTML page (a plain web site). */
let domainApi: 'not-found' | 'html' = 'not-found';
/** How long the handle domain takes over its WebFinger answer. */
let fingerDelayMs = 0;
/** The handle domain's WebFinger answer for the account, or a redirect. */
let finger: { redirect: true } | { jrd: Record<string, unknown> } = { jrd: {} };

/** The JRD Mastodon serves for `acct:ada@lovelace.test`, with the actor at `href`. */
function jrd(href: string, subject = 'acct:ada@lovelace.test'): Record<string, unknown> {
  return {
    subject,
    aliases: ['https://social.test/@ada', href],
    links: [
      { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: 'https://social.test/@ada' },
      { rel: 'self', type: 'application/activity+json', href },
      { rel: 'http://ostatus.org/schema/1.0/subscribe', template: 'https://social.test/authorize_interaction?uri={uri}' },
    ],
  };
}

const ADA = {
  id: '201',
  username: 'ada',
  acct: 'ada',
  followers_count: 5000,
  following_count: 250,
  statuses_count: 900,
  created_at: '2025-12-05T00:00:00.000Z',
  fields: [],
};

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

/** `social.test`: a Mastodon server whose handles are `@user@lovelace.test` (LOCAL_DOMAIN apart from WEB_DOMAIN). */
function mastodonServer(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  requests.push(`social.test ${url.pathname}${url.search}`);
  if (url.pathname === '/api/v1/accounts/lookup') {
    const [username, domain] = (url.searchParams.get('acct') ?? '').split('@');
    // Lookup skips WebFinger: only its own accounts, named by the bare username or either of its domains.
    const local = domain === undefined || domain === 'lovelace.test' || domain === 'social.test';
    if (username === 'ada' && local) return json(res, 200, ADA);
    return json(res, 404, { error: 'Record not found' });
  }
  if (url.pathname === '/api/v1/accounts/201/statuses') {
    return json(
      res,
      200,
      Array.from({ length: 20 }, () => ({ favourites_count: 10, reblogs_count: 2, replies_count: 1, reblog: null })),
    );
  }
  json(res, 404, { error: 'Record not found' });
}

/** `lovelace.test` (and `other.test`): a web site that answers WebFinger for its handles and has no Mastodon API. */
function handleDomain(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  requests.push(`lovelace.test ${url.pathname}${url.search}`);
  if (url.pathname === '/.well-known/webfinger') {
    const resource = url.searchParams.get('resource');
    if (!resource) return json(res, 400, { error: 'Missing resource' });
    if ('redirect' in finger) return void res.writeHead(301, { location: 'https://social.test/.well-known/webfinger' }).end();
    if (!resource.startsWith('acct:ada@')) return void res.writeHead(404).end();
    const answer = finger.jrd;
    return void setTimeout(() => json(res, 200, answer, 'application/jrd+json; charset=utf-8'), fingerDelayMs);
  }
  if (domainApi === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><p>Welcome</p>');
  res.writeHead(404, { 'content-type': 'text/html' }).end('<p>Not Found</p>');
}

const servers: Server[] = [];
const hosts: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, handler] of [
    ['social.test', mastodonServer],
    ['lovelace.test', handleDomain],
  ] as const) {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    hosts[name] = `http://127.0.0.1:${address.port}`;
    servers.push(server);
  }
  // A second domain served by the same web site, for a claim about an account that is not its own.
  hosts['other.test'] = hosts['lovelace.test'] ?? '';
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
beforeEach(() => {
  requests = [];
  domainApi = 'not-found';
  fingerDelayMs = 0;
  finger = { jrd: jrd('https://social.test/users/ada') };
});

/** A client whose `paced` list records the server of each request's pace. */
function client(servers?: string[]): { mastodon: MastodonClient; paced: string[] } {
  const paced: string[] = [];
  const mastodon = new MastodonClient({
    settings: { mastodon: { requestsPer5Min: 300, ...(servers ? { servers } : {}) } },
    paceFor: (server) => {
      paced.push(server ?? '');
      return new NetworkPace({ requestsPerWindow: 300, windowMs: 300_000, share: 1, clock });
    },
    clock,
    secret: () => Promise.reject(new Error('no secrets here')),
    fetch: () => Promise.reject(new Error('Mastodon has no fixed host')),
    outsideFetch: (input, init) => fetch(input, init),
    outsideHosts: hosts,
  });
  return { mastodon, paced };
}

const context = (deadlineInMs = 3000): NetworkCallContext => ({
  purpose: 'inline',
  now: new Date('2026-12-05T00:00:00Z'),
  deadlineMs: Date.now() + deadlineInMs,
});

const SCORED = {
  outcome: 'profile',
  inputs: { followers: 5000, following: 250, engagementPerPost: 13, accountAgeDays: 365, postCount: 900, verification: 'none' },
};

describe('MastodonClient, a handle whose domain is not its server', () => {
  it.each(['not-found', 'html'] as const)(
    'finds the server through the domain WebFinger when its API answers %s, and scores the account there',
    async (api) => {
      domainApi = api;
      const { mastodon, paced } = client();

      expect(await mastodon.lookup('ada@lovelace.test', context())).toEqual(SCORED);

      expect(requests).toEqual([
        'lovelace.test /api/v1/accounts/lookup?acct=ada',
        'lovelace.test /.well-known/webfinger?resource=acct%3Aada%40lovelace.test',
        'social.test /api/v1/accounts/lookup?acct=ada%40lovelace.test',
        'social.test /api/v1/accounts/201/statuses?limit=40&exclude_replies=true&exclude_reblogs=true',
      ]);
      expect(paced).toEqual(['lovelace.test', 'lovelace.test', 'social.test', 'social.test']);
    },
  );

  it('makes no WebFinger request when the handle domain answers the lookup with an account', async () => {
    expect(await client().mastodon.lookup('ada@social.test', context())).toEqual(SCORED);

    expect(requests).toEqual([
      'social.test /api/v1/accounts/lookup?acct=ada',
      'social.test /api/v1/accounts/201/statuses?limit=40&exclude_replies=true&exclude_reblogs=true',
    ]);
  });

  it('ignores a WebFinger answer about someone else, and asks no server', async () => {
    finger = { jrd: jrd('https://social.test/users/ada', 'acct:grace@lovelace.test') };

    expect(await client().mastodon.lookup('ada@lovelace.test', context())).toEqual({
      outcome: 'no-score',
      reason: 'no such account on lovelace.test (its WebFinger answer is about another account, not acct:ada@lovelace.test)',
    });
    expect(requests.filter((r) => r.startsWith('social.test'))).toEqual([]);
  });

  it.each([
    ['https://127.0.0.1/users/ada', 'its server "127.0.0.1" must be a public host name, not an address'],
    ['https://[::1]/users/ada', 'its server "[::1]" must be a public host name, not an address'],
    ['https://metadata.internal/users/ada', '.internal names never reach a public server'],
    ['https://social.test:8443/users/ada', 'its server "social.test:8443" must be a public host name, not an address'],
    ['http://social.test/users/ada', 'only https is asked'],
  ])('refuses a self link to %s before any request to it', async (href, why) => {
    finger = { jrd: jrd(href) };
    const { mastodon, paced } = client();

    const answer = await mastodon.lookup('ada@lovelace.test', context());

    expect(answer).toEqual({ outcome: 'no-score', reason: expect.stringContaining(why) });
    expect(answer).toMatchObject({ reason: expect.stringContaining("lovelace.test's WebFinger answer names the server") });
    expect(requests.filter((r) => r.startsWith('social.test'))).toEqual([]);
    expect(paced).toEqual(['lovelace.test', 'lovelace.test']);
  });

  it("refuses a server that is not on the tenant's allow-list, and asks it when it is", async () => {
    expect(await client(['lovelace.test']).mastodon.lookup('ada@lovelace.test', context())).toEqual({
      outcome: 'no-score',
      reason: "social.test, the server of ada@lovelace.test, is not on this tenant's list of Mastodon servers",
    });
    expect(requests.filter((r) => r.startsWith('social.test'))).toEqual([]);

    expect(await client(['lovelace.test', 'social.test']).mastodon.lookup('ada@lovelace.test', context())).toEqual(SCORED);
  });

  it('gives no score when the WebFinger answer redirects, and follows nothing', async () => {
    finger = { redirect: true };

    expect(await client().mastodon.lookup('ada@lovelace.test', context())).toEqual({
      outcome: 'no-score',
      reason: 'lovelace.test answered WebFinger with a redirect (HTTP 301), which is never followed',
    });
    expect(requests.filter((r) => r.startsWith('social.test'))).toEqual([]);
  });

  it('scores only an account the named server holds as its own under the handle, so a domain cannot borrow another account', async () => {
    // lovelace.test claims that its ada is social.test's local ada, but social.test's handles are not on other.test.
    finger = { jrd: { ...jrd('https://social.test/users/ada'), subject: 'acct:ada@other.test' } };
    const answer = await client().mastodon.lookup('ada@other.test', context());

    expect(requests).toContain('social.test /api/v1/accounts/lookup?acct=ada%40other.test');
    expect(requests).not.toContain('social.test /api/v1/accounts/lookup?acct=ada');
    expect(answer).toEqual({
      outcome: 'no-score',
      reason: 'no such account on social.test, the server named by the WebFinger answer of other.test',
    });
  });

  it("keeps the whole lookup within the call's deadline: a slow WebFinger answer is no answer in time, and no server is asked", async () => {
    fingerDelayMs = 1000;

    const answer = await client().mastodon.lookup('ada@lovelace.test', context(300));

    expect(answer).toMatchObject({ outcome: 'failed', kind: 'timeout' });
    expect(requests.filter((r) => r.startsWith('social.test'))).toEqual([]);
  });

  it('says no such account when the domain knows none through WebFinger either', async () => {
    expect(await client().mastodon.lookup('grace@lovelace.test', context())).toEqual({
      outcome: 'no-score',
      reason: 'no such account on lovelace.test',
    });
    expect(requests).toHaveLength(2);
  });
});
