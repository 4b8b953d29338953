import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBlueskyHandle } from '../../../../../shared/adapters/influence/bluesky/descriptor.js';
import { BlueskyClient } from '../../../../../shared/adapters/influence/bluesky/client.js';
import type { NetworkCallContext, NetworkClientDeps } from '../../../../../shared/adapters/influence/network-client.js';
import { NetworkPace } from '../../../../../shared/adapters/influence/network-pace.js';
import { type LoopbackBluesky, startLoopbackBluesky } from '../../../../support/bluesky-loopback.js';

let fake: LoopbackBluesky;
const clock = { now: () => new Date() };

beforeAll(async () => {
  fake = await startLoopbackBluesky();
});
afterAll(async () => {
  await fake.close();
});

function did(n: number): string {
  return `did:plc:${String.fromCharCode(97 + (n % 26)).repeat(12)}${String.fromCharCode(97 + Math.floor(n / 26)).repeat(12)}`;
}

function client(): BlueskyClient {
  const pace = new NetworkPace({ requestsPerWindow: 3000, windowMs: 300_000, share: 1, clock });
  const deps: NetworkClientDeps = {
    settings: { bluesky: { requestsPer5Min: 3000, appViewUrl: fake.url, plcUrl: `${fake.url}/plc`, dohUrl: `${fake.url}/dns-query` } },
    paceFor: () => pace,
    clock,
    secret: () => Promise.reject(new Error('no secrets here')),
    fetch: (input, init) => fetch(input, init),
    outsideFetch: () => Promise.reject(new Error('no outside host is asked in these tests')),
  };
  return new BlueskyClient(deps);
}

const context = (extra: Partial<NetworkCallContext> = {}): NetworkCallContext => ({
  purpose: 'scheduled',
  now: new Date('2026-12-05T12:00:00Z'),
  deadlineMs: Date.now() + 5000,
  ...extra,
});

describe('Bluesky handles', () => {
  it.each([
    ['@Ada.bsky.social', { ok: true, handle: 'ada.bsky.social' }],
    ['did:plc:abcdefghijklmnopqrstuvwx', { ok: true, handle: 'did:plc:abcdefghijklmnopqrstuvwx' }],
    ['ada', { ok: false, reason: 'not a Bluesky handle (a domain name such as ada.bsky.social)' }],
    ['ada.localhost', { ok: false, reason: 'not a Bluesky handle: .localhost names never resolve' }],
    ['127.0.0.1', { ok: false, reason: 'not a Bluesky handle (a domain name such as ada.bsky.social)' }],
    ['https://evil.test/x', { ok: false, reason: 'not a Bluesky handle (a domain name such as ada.bsky.social)' }],
  ])('reads %s', (raw, expected) => {
    expect(parseBlueskyHandle(raw)).toEqual(expected);
  });
});

describe('BlueskyClient', () => {
  it('counts followers, follows, posts and age, and the median of the last 20 own posts, reposts skipped', async () => {
    fake.add({
      handle: 'median.unit.test',
      did: did(1),
      followers: 1200,
      follows: 300,
      posts: 400,
      createdAt: '2025-12-05T12:00:00Z',
      engagement: [...Array.from({ length: 20 }, (_, i) => i + 1), 5000, 5000],
    });

    const answer = await client().lookup('median.unit.test', context());

    expect(answer).toEqual({
      outcome: 'profile',
      inputs: { followers: 1200, following: 300, engagementPerPost: 10.5, accountAgeDays: 365, postCount: 400, verification: 'none' },
    });
  });

  it('gives no score to an account labelled !no-unauthenticated, and none to an unknown one', async () => {
    fake.add({
      handle: 'hidden.unit.test',
      did: did(2),
      followers: 1,
      follows: 1,
      posts: 1,
      createdAt: '2025-01-01T00:00:00Z',
      engagement: [],
      labels: [{ val: '!no-unauthenticated' }],
    });
    fake.add({
      handle: 'unhidden.unit.test',
      did: did(3),
      followers: 1,
      follows: 1,
      posts: 1,
      createdAt: '2025-01-01T00:00:00Z',
      engagement: [],
      labels: [{ val: '!no-unauthenticated', neg: true }],
    });

    expect(await client().lookup('hidden.unit.test', context())).toMatchObject({ outcome: 'no-score' });
    expect(await client().lookup('unhidden.unit.test', context())).toMatchObject({ outcome: 'profile' });
    expect(await client().lookup('nobody.unit.test', context())).toEqual({ outcome: 'no-score', reason: 'no such Bluesky account' });
  });

  it('fetches profiles for the refresh 25 a call, then looks each handle up without asking for its profile again', async () => {
    const handles = Array.from({ length: 60 }, (_, i) => `batch${i}.unit.test`);
    handles.forEach((handle, i) =>
      fake.add({ handle, did: did(100 + i), followers: 10, follows: 1, posts: 20, createdAt: '2025-01-01T00:00:00Z', engagement: [1] }),
    );
    const bluesky = client();
    const before = fake.counts();

    await bluesky.prefetch(handles, context());
    for (const handle of handles) expect(await bluesky.lookup(handle, context())).toMatchObject({ outcome: 'profile' });

    const after = fake.counts();
    const delta = (path: string) => (after[path] ?? 0) - (before[path] ?? 0);
    expect(delta('/xrpc/app.bsky.actor.getProfiles')).toBe(3);
    expect(fake.largestBatch()).toBe(25);
    expect(delta('/xrpc/app.bsky.actor.getProfile')).toBe(0);
    expect(delta('/xrpc/app.bsky.feed.getAuthorFeed')).toBe(60);
  });

  it('proves a handle on the email domain both ways, and not when the DID document claims another handle or two TXT records disagree', async () => {
    fake.add({
      handle: 'ada.proof.test',
      did: did(4),
      followers: 1,
      follows: 1,
      posts: 1,
      createdAt: '2025-01-01T00:00:00Z',
      engagement: [],
    });
    fake.add({
      handle: 'bob.proof.test',
      did: did(5),
      followers: 1,
      follows: 1,
      posts: 1,
      createdAt: '2025-01-01T00:00:00Z',
      engagement: [],
      alsoKnownAs: ['at://other.test'],
    });
    fake.add({
      handle: 'cy.proof.test',
      did: did(6),
      followers: 1,
      follows: 1,
      posts: 1,
      createdAt: '2025-01-01T00:00:00Z',
      engagement: [],
      txt: [`did=${did(6)}`, `did=${did(7)}`],
    });

    expect(await client().lookup('ada.proof.test', context({ emailDomain: 'proof.test' }))).toMatchObject({
      proven: expect.stringContaining('resolves to its DID and back'),
    });
    expect(await client().lookup('ada.proof.test', context({ emailDomain: 'elsewhere.test' }))).not.toHaveProperty('proven');
    expect(await client().lookup('bob.proof.test', context({ emailDomain: 'proof.test' }))).not.toHaveProperty('proven');
    expect(await client().lookup('cy.proof.test', context({ emailDomain: 'proof.test' }))).not.toHaveProperty('proven');
  });
});
