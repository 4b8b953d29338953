import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedFetch } from '../../../../../shared/adapters/http/checked-request.js';
import { nonPublicReason } from '../../../../../shared/adapters/http/public-address.js';
import { parseMastodonHandle } from '../../../../../shared/adapters/influence/mastodon/descriptor.js';
import { MastodonClient } from '../../../../../shared/adapters/influence/mastodon/client.js';
import type { NetworkCallContext, NetworkClientDeps } from '../../../../../shared/adapters/influence/network-client.js';
import { NetworkPace } from '../../../../../shared/adapters/influence/network-pace.js';

const clock = { now: () => new Date() };
const requests: string[] = [];
let server: Server;
let origin = '';
let redirecting = false;

/** Mastodon accounts by username, as `accounts/lookup` answers them. */
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  ada: {
    id: '101',
    followers_count: 5000,
    following_count: 250,
    statuses_count: 900,
    created_at: '2025-12-05T00:00:00.000Z',
    indexable: true,
    fields: [],
  },
  quiet: {
    id: '102',
    followers_count: 5000,
    following_count: 250,
    statuses_count: 900,
    created_at: '2024-12-05T00:00:00.000Z',
    noindex: true,
    fields: [],
  },
  linked: {
    id: '103',
    followers_count: 10,
    following_count: 10,
    statuses_count: 10,
    created_at: '2024-12-05T00:00:00.000Z',
    fields: [
      { name: 'Site', value: '<a href="https://unverified.test" rel="me">unverified.test</a>', verified_at: null },
      {
        name: 'Home',
        value: '<a href="https://www.linked.test/" rel="me nofollow">linked.test</a>',
        verified_at: '2026-01-01T00:00:00.000Z',
      },
    ],
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    if (redirecting) return res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    const reset = {
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '299',
      'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
    };
    if (url.pathname === '/api/v1/accounts/lookup') {
      const account = ACCOUNTS[url.searchParams.get('acct') ?? ''];
      if (!account) return res.writeHead(404, { 'content-type': 'application/json', ...reset }).end('{"error":"Record not found"}');
      return res.writeHead(200, { 'content-type': 'application/json', ...reset }).end(JSON.stringify(account));
    }
    const statuses = /^\/api\/v1\/accounts\/(\w+)\/statuses$/.exec(url.pathname);
    if (statuses && url.searchParams.get('exclude_reblogs') === 'true') {
      const own = Array.from({ length: 25 }, (_, i) => ({
        favourites_count: i < 20 ? 10 : 1000,
        reblogs_count: 2,
        replies_count: 1,
        reblog: null,
      }));
      return res.writeHead(200, { 'content-type': 'application/json', ...reset }).end(JSON.stringify(own));
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Record not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(outside: Partial<NetworkClientDeps> = {}, servers?: string[]): MastodonClient {
  return new MastodonClient({
    settings: { mastodon: { requestsPer5Min: 300, ...(servers ? { servers } : {}) } },
    paceFor: () => new NetworkPace({ requestsPerWindow: 300, windowMs: 300_000, share: 1, clock }),
    clock,
    secret: () => Promise.reject(new Error('no secrets here')),
    fetch: () => Promise.reject(new Error('Mastodon has no fixed host')),
    outsideFetch: (input, init) => fetch(input, init),
    outsideHosts: { 'social.test': origin },
    ...outside,
  });
}

const context = (extra: Partial<NetworkCallContext> = {}): NetworkCallContext => ({
  purpose: 'inline',
  now: new Date('2026-12-05T00:00:00Z'),
  deadlineMs: Date.now() + 3000,
  ...extra,
});

describe('Mastodon handles', () => {
  it.each([
    ['@Ada@Social.Test', { ok: true, handle: 'ada@social.test' }],
    ['@ada@127.0.0.1', { ok: false, reason: 'not a Mastodon handle: its server "127.0.0.1" must be a public host name, not an address' }],
    ['@ada@10.0.0.5', { ok: false, reason: 'not a Mastodon handle: its server "10.0.0.5" must be a public host name, not an address' }],
    [
      '@ada@social.test:8443',
      { ok: false, reason: 'not a Mastodon handle: its server "social.test:8443" must be a public host name, not an address' },
    ],
    ['@ada@metadata.internal', { ok: false, reason: 'not a Mastodon handle: .internal names never reach a public server' }],
    ['ada', { ok: false, reason: 'not a Mastodon handle (@user@server, e.g. @ada@mastodon.social)' }],
  ])('reads %s', (raw, expected) => {
    expect(parseMastodonHandle(raw)).toEqual(expected);
  });
});

describe('MastodonClient', () => {
  it('counts an account and the median of its last 20 own statuses', async () => {
    expect(await client().lookup('ada@social.test', context())).toEqual({
      outcome: 'profile',
      inputs: { followers: 5000, following: 250, engagementPerPost: 13, accountAgeDays: 365, postCount: 900, verification: 'none' },
    });
  });

  it('gives no score to a noindex account, and proves a handle only by a verified link to the email domain', async () => {
    expect(await client().lookup('quiet@social.test', context())).toEqual({
      outcome: 'no-score',
      reason: 'the account asked not to be indexed (noindex)',
    });
    expect(await client().lookup('linked@social.test', context({ emailDomain: 'linked.test' }))).toMatchObject({
      proven: "social.test verified the profile's link to linked.test",
    });
    expect(await client().lookup('linked@social.test', context({ emailDomain: 'unverified.test' }))).not.toHaveProperty('proven');
  });

  it('never follows a server that redirects, and says why', async () => {
    redirecting = true;
    try {
      const before = requests.length;
      expect(await client().lookup('ada@social.test', context())).toEqual({
        outcome: 'no-score',
        reason: 'social.test answered a redirect (HTTP 301), which is never followed',
      });
      expect(requests.length).toBe(before + 1);
    } finally {
      redirecting = false;
    }
  });

  it('sends nothing to a server whose name resolves to a private address, naming it', async () => {
    const outsideFetch = checkedFetch({
      field: 'a network handle',
      policy: { resolve: async () => [{ address: '10.1.2.3', family: 4 }], refuse: nonPublicReason },
    });
    const before = requests.length;

    const answer = await client({ outsideFetch, outsideHosts: {} }).lookup('ada@private-name.test', context());

    expect(answer).toMatchObject({ outcome: 'no-score', reason: expect.stringContaining('private-name.test resolves to 10.1.2.3') });
    expect(answer).toMatchObject({ reason: expect.stringContaining('refused') });
    expect(requests.length).toBe(before);
  });

  it("looks up only handles on the tenant's allow-list of servers", async () => {
    const before = requests.length;
    expect(await client({}, ['mastodon.social']).lookup('ada@social.test', context())).toEqual({
      outcome: 'no-score',
      reason: "social.test is not on this tenant's list of Mastodon servers",
    });
    expect(requests.length).toBe(before);
  });
});
