import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { blueskyPart, type SandboxBluesky } from '../../../infra/sandbox/bluesky/index.js';
import { type Sandbox, startSandbox } from '../../../infra/sandbox/sandbox.js';

/** The parts of the AppView's answers these tests read. */
const ProfilesSchema = z.object({ profiles: z.array(z.unknown()) });
const FeedSchema = z.object({
  cursor: z.string().optional(),
  feed: z.array(z.object({ reason: z.object({ $type: z.string() }).optional() })),
});

let sandbox: Sandbox;
let bluesky: SandboxBluesky;

beforeEach(async () => {
  sandbox = await startSandbox({ parts: [blueskyPart.with({ handleHosts: ['ada.test', 'eve.test'] })] });
  bluesky = sandbox.part(blueskyPart);
});

afterEach(async () => {
  await sandbox.close();
});

async function xrpc(nsid: string, query = '', init: RequestInit = {}) {
  const response = await fetch(`${bluesky.appViewUrl}/xrpc/${nsid}${query ? `?${query}` : ''}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe('the sandbox Bluesky AppView', () => {
  it('answers getProfile with the counts, labels and creation time a provider reads, and no auth needed', async () => {
    bluesky.addAccount({
      handle: 'ada.test',
      followers: 1200,
      follows: 80,
      posts: 340,
      createdAt: '2023-04-01T10:00:00.000Z',
      labels: ['!no-unauthenticated'],
      verified: true,
    });

    const answer = await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      handle: 'ada.test',
      followersCount: 1200,
      followsCount: 80,
      postsCount: 340,
      createdAt: '2023-04-01T10:00:00.000Z',
      labels: [{ val: '!no-unauthenticated' }],
      verification: { verifiedStatus: 'valid' },
    });
    expect(answer.json).toMatchObject({ did: expect.stringMatching(/^did:plc:[a-z2-7]{24}$/) });
  });

  it('leaves out counts that were never seeded, as the lexicon allows', async () => {
    bluesky.addAccount({ handle: 'quiet.test' });

    const answer = await xrpc('app.bsky.actor.getProfile', 'actor=quiet.test');

    expect(answer.json).not.toHaveProperty('followersCount');
    expect(answer.json).not.toHaveProperty('postsCount');
  });

  it('refuses an unknown, a suspended and a deactivated actor with their own error names', async () => {
    bluesky.addAccount({ handle: 'gone.test', status: 'takendown' });
    bluesky.addAccount({ handle: 'away.test', status: 'deactivated' });

    expect((await xrpc('app.bsky.actor.getProfile', 'actor=nobody.test')).json).toEqual({
      error: 'InvalidRequest',
      message: 'Profile not found',
    });
    expect(await xrpc('app.bsky.actor.getProfile', 'actor=gone.test')).toMatchObject({ status: 400, json: { error: 'AccountTakedown' } });
    expect(await xrpc('app.bsky.actor.getProfile', 'actor=away.test')).toMatchObject({
      status: 400,
      json: { error: 'AccountDeactivated' },
    });
  });

  it('refuses an actor that is neither a handle nor a DID, and a missing one', async () => {
    expect(await xrpc('app.bsky.actor.getProfile', 'actor=not a handle')).toMatchObject({ status: 400, json: { error: 'InvalidRequest' } });
    expect(await xrpc('app.bsky.actor.getProfile')).toMatchObject({ status: 400, json: { error: 'InvalidRequest' } });
  });

  it('answers getProfiles for up to 25 repeated actors, leaving unknown ones out, and refuses 26', async () => {
    for (let index = 0; index < 25; index += 1) bluesky.addAccount({ handle: `user${index}.test`, followers: index });
    const actors = (count: number) => Array.from({ length: count }, (_, index) => `actors=user${index}.test`).join('&');

    const ok = await xrpc('app.bsky.actor.getProfiles', `${actors(24)}&actors=missing.test`);
    const tooMany = await xrpc('app.bsky.actor.getProfiles', `${actors(25)}&actors=missing.test`);
    const commaJoined = await xrpc('app.bsky.actor.getProfiles', 'actors=user1.test,user2.test');

    expect(ok.status).toBe(200);
    expect(ProfilesSchema.parse(ok.json).profiles).toHaveLength(24);
    expect(tooMany).toMatchObject({ status: 400, json: { error: 'InvalidRequest' } });
    expect(tooMany.text).toContain('25');
    // An array parameter is the name repeated: one comma-joined value is not a valid actor.
    expect(commaJoined).toMatchObject({ status: 400, json: { error: 'InvalidRequest' } });
  });

  it('pages the author feed by cursor, keeps the limit within 1 to 100 and the filter to known values, and marks reposts', async () => {
    bluesky.addAccount({
      handle: 'ada.test',
      feed: [
        { likes: 10, reposts: 2, replies: 1 },
        { likes: 900, reposts: 90, replies: 9, repost: true },
        { likes: 1, reposts: 0, replies: 0, reply: true },
        { likes: 30, reposts: 3, replies: 3 },
      ],
    });

    const first = await xrpc('app.bsky.feed.getAuthorFeed', 'actor=ada.test&limit=3');
    const cursor = FeedSchema.parse(first.json).cursor;
    const last = await xrpc('app.bsky.feed.getAuthorFeed', `actor=ada.test&limit=3&cursor=${cursor}`);
    const noReplies = await xrpc('app.bsky.feed.getAuthorFeed', 'actor=ada.test&filter=posts_no_replies');

    expect(FeedSchema.parse(first.json).feed).toHaveLength(3);
    expect(FeedSchema.parse(first.json).feed[1]?.reason?.$type).toBe('app.bsky.feed.defs#reasonRepost');
    expect(last.json).not.toHaveProperty('cursor');
    expect(FeedSchema.parse(last.json).feed).toHaveLength(1);
    expect(FeedSchema.parse(noReplies.json).feed).toHaveLength(3);
    expect(await xrpc('app.bsky.feed.getAuthorFeed', 'actor=ada.test&limit=101')).toMatchObject({
      status: 400,
      json: { error: 'InvalidRequest' },
    });
    expect(await xrpc('app.bsky.feed.getAuthorFeed', 'actor=ada.test&limit=0')).toMatchObject({ status: 400 });
    expect(await xrpc('app.bsky.feed.getAuthorFeed', 'actor=ada.test&filter=everything')).toMatchObject({ status: 400 });
  });

  it('answers GET only, and 501 for a method it does not implement', async () => {
    expect(await xrpc('app.bsky.actor.getProfile', 'actor=ada.test', { method: 'POST' })).toMatchObject({
      status: 400,
      json: { error: 'InvalidRequest', message: 'Incorrect HTTP method (POST) expected GET' },
    });
    expect(await xrpc('app.bsky.actor.searchActors', 'q=ada')).toMatchObject({ status: 501, json: { error: 'MethodNotImplemented' } });
  });

  it('sends RateLimit headers on every answer and 429 with Retry-After past the limit', async () => {
    bluesky.addAccount({ handle: 'ada.test' });
    bluesky.setLimit({ points: 2, windowSeconds: 60 });

    const first = await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');
    await xrpc('app.bsky.actor.getProfile', 'actor=nobody.test');
    const refused = await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');

    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect(first.headers.get('ratelimit-policy')).toBe('2;w=60');
    const reset = Number(first.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
    expect(refused).toMatchObject({ status: 429, json: { error: 'RateLimitExceeded' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('fails the next calls on demand: a rate limiter 429 with its headers, or a gateway 502 in HTML', async () => {
    bluesky.addAccount({ handle: 'ada.test' });
    bluesky.rateLimitNext(1, 7);
    bluesky.failNext({ status: 502, count: 1 });

    const limited = await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');
    const gateway = await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');
    const fine = await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');

    expect(limited).toMatchObject({ status: 429, json: { error: 'RateLimitExceeded' } });
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(gateway.status).toBe(502);
    expect(gateway.json).toBeUndefined();
    expect(fine.status).toBe(200);
  });

  it('counts requests per path and caller', async () => {
    bluesky.addAccount({ handle: 'ada.test' });
    await xrpc('app.bsky.actor.getProfile', 'actor=ada.test');
    await xrpc('app.bsky.actor.getProfiles', 'actors=ada.test');
    await xrpc('app.bsky.actor.getProfiles', 'actors=ada.test');

    expect(bluesky.counts()).toEqual({
      byPath: { '/xrpc/app.bsky.actor.getProfile': 1, '/xrpc/app.bsky.actor.getProfiles': 2 },
      byAuth: { anonymous: 3 },
    });
  });
});

describe('the sandbox Bluesky identity', () => {
  it('resolves a handle both ways: its host and its TXT record give the DID, and the DID document claims the handle', async () => {
    const ada = bluesky.addAccount({ handle: 'ada.test' });
    bluesky.updateAccount('ada.test', { wellKnownDid: ada.did, txt: [`did=${ada.did}`] });

    const wellKnown = await fetch(`${sandbox.hosts['ada.test']}/.well-known/atproto-did`);
    const dns = await fetch(`${bluesky.dohUrl}?name=_atproto.ada.test&type=TXT`);
    const document = await fetch(`${bluesky.plcUrl}/${ada.did}`);
    const resolved = await xrpc('com.atproto.identity.resolveHandle', 'handle=ada.test');

    expect((await wellKnown.text()).trim()).toBe(ada.did);
    expect(await dns.json()).toMatchObject({ Status: 0, Answer: [{ type: 16, data: `"did=${ada.did}"` }] });
    expect(document.headers.get('content-type')).toContain('application/did+ld+json');
    expect(await document.json()).toMatchObject({
      id: ada.did,
      alsoKnownAs: ['at://ada.test'],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer' }],
    });
    expect(resolved.json).toEqual({ did: ada.did });
  });

  it('lets a test break the check back: a DID document that claims another handle, a tombstoned DID, no record at all', async () => {
    const eve = bluesky.addAccount({
      handle: 'eve.test',
      wellKnownDid: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa',
      alsoKnownAs: ['at://famous.example.com'],
    });
    const gone = bluesky.addAccount({ handle: 'gone.test', tombstoned: true });

    expect((await (await fetch(`${sandbox.hosts['eve.test']}/.well-known/atproto-did`)).text()).trim()).toBe(
      'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa',
    );
    expect(await (await fetch(`${bluesky.plcUrl}/${eve.did}`)).json()).toMatchObject({ alsoKnownAs: ['at://famous.example.com'] });
    const tombstoned = await fetch(`${bluesky.plcUrl}/${gone.did}`);
    expect(tombstoned.status).toBe(404);
    expect(await tombstoned.json()).toEqual({ message: `DID not available: ${gone.did}` });
    expect(await (await fetch(`${bluesky.plcUrl}/did:plc:bbbbbbbbbbbbbbbbbbbbbbbb`)).json()).toEqual({
      message: 'DID not registered: did:plc:bbbbbbbbbbbbbbbbbbbbbbbb',
    });
    expect(await (await fetch(`${bluesky.dohUrl}?name=_atproto.eve.test&type=TXT`)).json()).toMatchObject({ Status: 3 });
    expect((await fetch(`${sandbox.hosts['ada.test']}/.well-known/atproto-did`)).status).toBe(404);
    expect(await xrpc('com.atproto.identity.resolveHandle', 'handle=nobody.test')).toMatchObject({
      status: 400,
      json: { error: 'InvalidRequest', message: 'Unable to resolve handle' },
    });
  });

  it('serves each handle host at its own origin and logs its requests with the host', async () => {
    expect(Object.keys(sandbox.hosts).sort()).toEqual(['ada.test', 'eve.test']);
    expect(new URL(sandbox.hosts['ada.test'] ?? '').port).not.toBe(new URL(sandbox.baseUrl).port);

    await fetch(`${sandbox.hosts['ada.test']}/.well-known/atproto-did`);

    expect(bluesky.requests().at(-1)).toMatchObject({ host: 'ada.test', path: '/.well-known/atproto-did', status: 404 });
  });
});
