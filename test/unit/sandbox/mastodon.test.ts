import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultControl } from '../../../infra/sandbox/http.js';
import { mastodonPart, type SandboxMastodon } from '../../../infra/sandbox/mastodon/index.js';
import { type Sandbox, startSandbox } from '../../../infra/sandbox/sandbox.js';

let sandbox: Sandbox;
let mastodon: SandboxMastodon;

beforeEach(async () => {
  sandbox = await startSandbox({ parts: [mastodonPart.with({ servers: ['social.example', 'other.example'] })] });
  mastodon = sandbox.part(mastodonPart);
});

afterEach(async () => {
  await sandbox.close();
});

async function get(server: string, path: string, headers: Record<string, string> = {}) {
  const origin = mastodon.servers[server];
  if (origin === undefined) throw new Error(`no ${server}`);
  const response = await fetch(`${origin}${path}`, { headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('the sandbox Mastodon servers', () => {
  it('serves each server at the root of its own loopback port, the same map as the sandbox hosts', () => {
    expect(mastodon.servers).toEqual(sandbox.hosts);
    expect(Object.keys(mastodon.servers).sort()).toEqual(['other.example', 'social.example']);
    expect(new Set(Object.values(mastodon.servers)).size).toBe(2);
  });

  it('looks up a local account without a token, with the fields a provider reads', async () => {
    mastodon.addAccount('social.example', {
      username: 'ada',
      followers: 900,
      following: 80,
      statusesCount: 4000,
      createdAt: '2022-11-03T15:42:10.000Z',
      noindex: true,
      indexable: false,
      fields: [
        { name: 'Website', value: 'https://ada.test', verifiedAt: '2024-01-01T00:00:00.000Z' },
        { name: 'Pronouns', value: 'she/her' },
      ],
    });

    const answer = await get('social.example', '/api/v1/accounts/lookup?acct=ada');

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      username: 'ada',
      acct: 'ada',
      followers_count: 900,
      following_count: 80,
      statuses_count: 4000,
      created_at: '2022-11-03T00:00:00.000Z',
      noindex: true,
      indexable: false,
      fields: [
        { name: 'Website', value: expect.stringContaining('href="https://ada.test"'), verified_at: '2024-01-01T00:00:00.000Z' },
        { name: 'Pronouns', value: 'she/her', verified_at: null },
      ],
    });
  });

  it("answers 404 Record not found for an unknown account, another server's account and a suspended one", async () => {
    mastodon.addAccount('other.example', { username: 'bob', followers: 1, following: 1 });
    mastodon.addAccount('social.example', { username: 'gone', followers: 1, following: 1, suspended: true });

    for (const acct of ['nobody', 'bob', 'bob@other.example', 'gone']) {
      expect(await get('social.example', `/api/v1/accounts/lookup?acct=${acct}`)).toMatchObject({
        status: 404,
        json: { error: 'Record not found' },
      });
    }
    expect(await get('social.example', '/api/v1/accounts/lookup')).toMatchObject({ status: 400 });
  });

  it('answers WebFinger for acct:user@domain with a self link, and 404 for someone else', async () => {
    mastodon.addAccount('social.example', { username: 'ada', followers: 1, following: 1 });

    const found = await get('social.example', '/.well-known/webfinger?resource=acct:ada@social.example');
    const elsewhere = await get('social.example', '/.well-known/webfinger?resource=acct:ada@other.example');

    expect(found.json).toMatchObject({
      subject: 'acct:ada@social.example',
      links: expect.arrayContaining([{ rel: 'self', type: 'application/activity+json', href: 'https://social.example/users/ada' }]),
    });
    expect(elsewhere.status).toBe(404);
    expect((await get('social.example', '/.well-known/webfinger')).status).toBe(400);
  });

  it('caps statuses at 40, honours exclude_replies and exclude_reblogs, and pages with a Link header', async () => {
    const statuses = Array.from({ length: 50 }, (_, index) => ({
      favourites: index,
      reblogs: 1,
      replies: 0,
      boost: index === 1,
      reply: index === 2,
    }));
    const ada = mastodon.addAccount('social.example', { username: 'ada', followers: 1, following: 1, statuses });

    const capped = await get('social.example', `/api/v1/accounts/${ada.id}/statuses?limit=80`);
    const own = await get('social.example', `/api/v1/accounts/${ada.id}/statuses?limit=5&exclude_replies=true&exclude_reblogs=true`);
    const all = await get('social.example', `/api/v1/accounts/${ada.id}/statuses?limit=3`);

    expect(capped.json).toHaveLength(40);
    expect(capped.headers.get('link')).toContain('rel="next"');
    expect(own.json).toHaveLength(5);
    expect(JSON.stringify(own.json)).not.toContain('"reblog":{');
    expect(own.json).toEqual(expect.not.arrayContaining([expect.objectContaining({ in_reply_to_id: expect.any(String) })]));
    expect(all.json).toEqual([
      expect.objectContaining({ favourites_count: 0, reblog: null }),
      expect.objectContaining({ favourites_count: 0, reblog: expect.objectContaining({ favourites_count: 1 }) }),
      expect.objectContaining({ in_reply_to_id: '1' }),
    ]);
    const next = /<([^>]+)>; rel="next"/.exec(all.headers.get('link') ?? '')?.[1] ?? '';
    const nextPage = await get('social.example', new URL(next).pathname + new URL(next).search);
    expect(nextPage.json).toEqual([expect.objectContaining({ favourites_count: 3 }), expect.anything(), expect.anything()]);
  });

  it('sends X-RateLimit headers with an ISO 8601 reset, and 429 past the limit', async () => {
    mastodon.addAccount('social.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.setLimit('social.example', { requests: 1, windowSeconds: 300 });

    const first = await get('social.example', '/api/v1/accounts/lookup?acct=ada');
    const refused = await get('social.example', '/api/v1/accounts/lookup?acct=ada');
    const otherServer = await get('other.example', '/api/v1/accounts/lookup?acct=ada');

    expect(first.headers.get('x-ratelimit-limit')).toBe('1');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(refused).toMatchObject({ status: 429, json: { error: 'Too many requests' } });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(otherServer.status).toBe(404);
  });

  it('in secure mode refuses every API call without a known Bearer token', async () => {
    mastodon.addAccount('social.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.requireAuth('social.example', true);
    mastodon.addToken('social.example', 'app-token');

    expect(await get('social.example', '/api/v1/accounts/lookup?acct=ada')).toMatchObject({
      status: 401,
      json: { error: 'This API requires an authenticated user' },
    });
    expect((await get('social.example', '/api/v1/accounts/lookup?acct=ada', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get('social.example', '/api/v1/accounts/lookup?acct=ada', { authorization: 'Bearer app-token' })).status).toBe(200);
  });

  it('in redirect mode answers every request with a 301 elsewhere, and the log shows it', async () => {
    mastodon.addAccount('social.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.redirect('social.example', 'http://169.254.169.254/latest/meta-data/');

    const answer = await get('social.example', '/api/v1/accounts/lookup?acct=ada');

    expect(answer.status).toBe(301);
    expect(answer.headers.get('location')).toBe('http://169.254.169.254/latest/meta-data/');
    expect(mastodon.requests().at(-1)).toMatchObject({ host: 'social.example', status: 301 });
  });

  it('fails the next calls to one server only, and counts requests per server and caller', async () => {
    mastodon.addAccount('social.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.addAccount('other.example', { username: 'ada', followers: 1, following: 1 });
    mastodon.rateLimitNext('social.example', 1);

    const limited = await get('social.example', '/api/v1/accounts/lookup?acct=ada');
    const other = await get('other.example', '/api/v1/accounts/lookup?acct=ada', { authorization: 'Bearer t' });

    expect(limited).toMatchObject({ status: 429, json: { error: 'Too many requests' } });
    expect(limited.headers.get('x-ratelimit-reset')).toMatch(/Z$/);
    expect(other.status).toBe(200);
    expect(mastodon.counts()).toEqual({
      byPath: { 'social.example/api/v1/accounts/lookup': 1, 'other.example/api/v1/accounts/lookup': 1 },
      byAuth: { anonymous: 1, 'token:t': 1 },
    });
  });

  it('answers 404 at its mount on the sandbox port: the servers are at their own ports', async () => {
    const response = await fetch(`${sandbox.baseUrl}/mastodon/api/v1/accounts/lookup?acct=ada`);

    expect(response.status).toBe(404);
  });
});

describe('a Mastodon handle domain apart from its server', () => {
  it('answers WebFinger on the handle domain with the actor on the server, and the server takes the handle form', async () => {
    const split = await startSandbox({
      parts: [mastodonPart.with({ servers: ['social.example'], handleDomains: { 'lovelace.example': 'social.example' } })],
    });
    try {
      const servers = split.part(mastodonPart);
      servers.addAccount('social.example', { username: 'ada', followers: 5, following: 1 });

      const onDomain = await fetch(`${servers.servers['lovelace.example']}/.well-known/webfinger?resource=acct:ada@lovelace.example`);
      const onServer = await fetch(`${servers.servers['social.example']}/.well-known/webfinger?resource=acct:ada@social.example`);
      const lookup = await fetch(`${servers.servers['social.example']}/api/v1/accounts/lookup?acct=ada@lovelace.example`);
      const apiOnDomain = await fetch(`${servers.servers['lovelace.example']}/api/v1/accounts/lookup?acct=ada`);

      expect(await onDomain.json()).toMatchObject({
        subject: 'acct:ada@lovelace.example',
        links: expect.arrayContaining([expect.objectContaining({ rel: 'self', href: 'https://social.example/users/ada' })]),
      });
      expect(await onServer.json()).toMatchObject({ subject: 'acct:ada@lovelace.example' });
      expect(lookup.status).toBe(200);
      expect(apiOnDomain.status).toBe(404);
      expect(await (await fetch(`${split.baseUrl}/sandbox`)).text()).toContain('<td>@ada@lovelace.example (on social.example)</td>');
    } finally {
      await split.close();
    }
  });

  it('answers WebFinger as Mastodon does: a JRD with its content type, an empty 400 without resource, an empty 404 for an unknown account', async () => {
    const split = await startSandbox({
      parts: [mastodonPart.with({ servers: ['social.example'], handleDomains: { 'lovelace.example': 'social.example' } })],
    });
    try {
      const servers = split.part(mastodonPart);
      servers.addAccount('social.example', { username: 'ada', followers: 5, following: 1 });
      const at = (host: string, path: string) => fetch(`${servers.servers[host]}${path}`, { redirect: 'manual' });

      for (const host of ['lovelace.example', 'social.example']) {
        const found = await at(host, '/.well-known/webfinger?resource=acct%3Aada%40lovelace.example');
        expect(found.headers.get('content-type')).toMatch(/^application\/jrd\+json/);
        expect(await found.json()).toEqual({
          subject: 'acct:ada@lovelace.example',
          aliases: ['https://social.example/@ada', 'https://social.example/users/ada'],
          links: [
            { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: 'https://social.example/@ada' },
            { rel: 'self', type: 'application/activity+json', href: 'https://social.example/users/ada' },
            { rel: 'http://ostatus.org/schema/1.0/subscribe', template: 'https://social.example/authorize_interaction?uri={uri}' },
          ],
        });
        for (const [path, status] of [
          ['/.well-known/webfinger', 400],
          ['/.well-known/webfinger?resource=acct:grace@lovelace.example', 404],
        ] as const) {
          const answer = await at(host, path);
          expect({ status: answer.status, body: await answer.text() }).toEqual({ status, body: '' });
        }
      }
      // The handle domain speaks for its own handles only, and has no Mastodon API.
      expect((await at('lovelace.example', '/.well-known/webfinger?resource=acct:ada@social.example')).status).toBe(404);
      expect((await at('lovelace.example', '/api/v1/accounts/lookup?acct=ada')).status).toBe(404);
      expect((await at('lovelace.example', '/api/v1/accounts/lookup?acct=ada@lovelace.example')).status).toBe(404);
    } finally {
      await split.close();
    }
  });

  it('refuses a handle domain that names no server', () => {
    expect(() =>
      mastodonPart.with({ servers: ['social.example'], handleDomains: { 'a.example': 'b.example' } }).mount(
        Object.freeze({ sandbox: true }),
        new FaultControl(),
        () => '',
        () => ({}),
      ),
    ).toThrow('sandbox mastodon: the handle domain a.example names b.example, which is not among the servers');
  });
});
