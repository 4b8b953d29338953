import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networksProvider } from '../../../../shared/adapters/per-tenant/network-scoring.js';
import type { SecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import { refreshDueScores } from '../../../../shared/use-cases/scoring/refresh-due-scores.js';
import { blueskyPart } from '../../../../infra/sandbox/bluesky/index.js';
import { githubPart } from '../../../../infra/sandbox/github/index.js';
import { sandboxNetworkUrls, startDemoSandbox } from '../../../../infra/sandbox/index.js';
import { mastodonPart } from '../../../../infra/sandbox/mastodon/index.js';
import type { Sandbox } from '../../../../infra/sandbox/sandbox.js';
import { YOUTUBE_DEMO_KEY, youtubePart } from '../../../../infra/sandbox/youtube/index.js';
import { InMemoryCustomerStore, InMemoryScoreRefreshStore, TestHasher } from '../../../support/fakes.js';

const secrets: SecretResolver = { resolve: async (ref) => ('value' in ref ? ref.value : '') };
const PER_NETWORK = 250;
const NETWORKS = ['bluesky', 'mastodon', 'github', 'youtube'] as const;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startDemoSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox?.close();
});

/** The handle of customer `i` on `network`, as the fakes were seeded with it. */
function handleOf(network: (typeof NETWORKS)[number], i: number): string {
  switch (network) {
    case 'bluesky':
      return `limit${i}.limits.test`;
    case 'mastodon':
      return `@limit${i}@social.example`;
    case 'github':
      return `limit${i}`;
    case 'youtube':
      return `@limit${i}`;
  }
}

describe('the scheduled refresh of 1,000 customers on four networks', () => {
  it("stays within each network's limit: no 429 or exhausted 403, the rest left due for when each frees, everyone else scored", async () => {
    // Arrange: 250 customers on each network, interleaved in the queue; GitHub without a token (60 an hour).
    const urls = sandboxNetworkUrls(sandbox.baseUrl);
    const fakes = {
      bluesky: sandbox.part(blueskyPart),
      mastodon: sandbox.part(mastodonPart),
      github: sandbox.part(githubPart),
      youtube: sandbox.part(youtubePart),
    };
    const customers = new InMemoryCustomerStore((tenant) => new TestHasher(tenant));
    const store = new InMemoryScoreRefreshStore(customers);
    const now = new Date();
    for (let i = 0; i < PER_NETWORK; i += 1) {
      fakes.bluesky.addAccount({
        handle: handleOf('bluesky', i),
        followers: 1000 + i,
        follows: 100,
        posts: 50,
        createdAt: '2024-01-01T00:00:00.000Z',
      });
      fakes.mastodon.addAccount('social.example', {
        username: `limit${i}`,
        followers: 1000 + i,
        following: 100,
        createdAt: '2024-01-01T00:00:00.000Z',
      });
      fakes.github.addUser({ login: `limit${i}`, followers: 1000 + i, following: 10 });
      fakes.youtube.addChannel({
        id: `UC${String(i).padStart(22, 'l')}`,
        handle: `limit${i}`,
        subscribers: 1000 + i,
        views: 100_000,
        videos: 50,
      });
      for (const [n, network] of NETWORKS.entries()) {
        const key = `${network}-${i}`;
        const profile: CustomerProfile = {
          tenant: 'acme',
          customerKey: key,
          identities: { helpdeskUserIds: [], emailHashes: [], handles: [{ network, handle: handleOf(network, i), trust: 'channel' }] },
          optedOut: false,
          createdAt: '2026-12-01T00:00:00.000Z',
          updatedAt: '2026-12-01T00:00:00.000Z',
        };
        await customers.saveCustomer(profile, []);
        store.queue.set(`acme#${key}`, {
          dueAt: new Date(now.getTime() - (4 * PER_NETWORK - (4 * i + n)) * 1000).toISOString(),
          failures: 0,
        });
      }
    }
    const clock = { now: () => new Date() };
    const provider = networksProvider(
      {
        provider: 'networks',
        networks: {
          bluesky: { ...urls.bluesky, requestsPer5Min: 3000 },
          mastodon: { requestsPer5Min: 300 },
          github: { ...urls.github },
          youtube: { ...urls.youtube, apiKey: { value: YOUTUBE_DEMO_KEY }, derivedMetricsAmendmentAccepted: true, unitsPerDay: 10_000 },
        },
        minTrust: 'verified',
        inlineTimeoutMs: 800,
        timeoutMs: 5000,
        maxPerRun: 4 * PER_NETWORK,
      },
      { secrets, clock, outsideHosts: () => sandbox.hosts },
    );

    // Act
    const result = await refreshDueScores(
      {},
      {
        tenants: () => [{ id: 'acme', policy: PolicySchema.parse({}) }],
        scoringFor: () => ({ provider, maxPerRun: 4 * PER_NETWORK }),
        store,
        clock,
        logger: { info: () => undefined, warn: () => undefined },
      },
    );

    // Assert: no fake ever had to refuse a request for its limit.
    for (const [network, fake] of Object.entries(fakes)) {
      const refused = fake.requests().filter((request) => request.status === 429 || request.status === 403);
      expect({ network, refused: refused.length }).toEqual({ network, refused: 0 });
    }
    expect(fakes.github.requests().length).toBeLessThanOrEqual(60);
    expect(fakes.mastodon.requests().length).toBeLessThanOrEqual(300);
    const scored = (network: string) =>
      Array.from({ length: PER_NETWORK }, (_, i) => customers.profiles.get(`acme#${network}-${i}`)?.score).filter(Boolean).length;
    expect(scored('bluesky')).toBe(PER_NETWORK);
    expect(scored('youtube')).toBe(PER_NETWORK);
    const [report] = result.tenants;
    expect(report?.examined).toBe(4 * PER_NETWORK);
    expect(report?.stoppedEarly).toBeUndefined();
    // GitHub and Mastodon ran out: those left are due when each frees, none counted as their failure.
    const held = new Map((report?.heldBack ?? []).map((entry) => [entry.part, entry.customers]));
    expect(held.get('GitHub')).toBe(PER_NETWORK - scored('github'));
    expect(held.get('Mastodon')).toBe(PER_NETWORK - scored('mastodon'));
    expect(scored('github')).toBeGreaterThan(0);
    expect(scored('mastodon')).toBeGreaterThan(0);
    const left = [...store.queue].filter(([key]) => !customers.profiles.get(key)?.score);
    expect(left.length).toBe((held.get('GitHub') ?? 0) + (held.get('Mastodon') ?? 0));
    for (const [, entry] of left) {
      expect(entry.failures).toBe(0);
      expect(Date.parse(entry.dueAt)).toBeGreaterThan(now.getTime());
    }
  });
});
