import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networksProvider } from '../../../../shared/adapters/per-tenant/network-scoring.js';
import type { SecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import type { InfluenceScore } from '../../../../shared/domain/score.js';
import { refreshDueScores } from '../../../../shared/use-cases/scoring/refresh-due-scores.js';
import { sandboxNetworkUrls, startDemoSandbox } from '../../../../infra/sandbox/index.js';
import type { Sandbox } from '../../../../infra/sandbox/sandbox.js';
import { YOUTUBE_DEMO_KEY, youtubePart } from '../../../../infra/sandbox/youtube/index.js';
import { InMemoryCustomerStore, InMemoryScoreRefreshStore, TestHasher } from '../../../support/fakes.js';

const secrets: SecretResolver = { resolve: async (ref) => ('value' in ref ? ref.value : '') };
const DAY_MS = 86_400_000;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startDemoSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox?.close();
});

/** A customer scored from YouTube `daysAgo` days ago, due for refresh now. */
function scoredFromYoutube(key: string, handle: string, daysAgo: number, now: Date): CustomerProfile {
  const fetchedAt = new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
  const score: InfluenceScore = {
    value: 58,
    source: 'networks',
    modelVersion: 'reach-1',
    scoredAt: fetchedAt,
    refreshAfter: new Date(now.getTime() - 60_000).toISOString(),
    components: {},
    inputs: { followers: 120_000, network: 'youtube' },
    explanation: 'Reach 58 on YouTube (high): 120k subscribers. YouTube handle from the ticket’s own YouTube channel.',
    handles: [
      {
        network: 'youtube',
        handle,
        trust: 'channel',
        fetchedAt,
        value: 58,
        explanation: 'Reach 58 on YouTube (high): 120k subscribers.',
        inputs: { followers: 120_000 },
      },
    ],
    trust: 'channel',
  };
  return {
    tenant: 'acme',
    customerKey: key,
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [{ network: 'youtube', handle, trust: 'channel' }] },
    optedOut: false,
    score,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: fetchedAt,
  };
}

describe("YouTube data past its terms' 30 days", () => {
  it('is deleted when the refresh cannot renew it, while data younger than 30 days stays until it can', async () => {
    // Arrange: two channels whose every lookup now fails (YouTube answers 500).
    const urls = sandboxNetworkUrls(sandbox.baseUrl);
    const youtube = sandbox.part(youtubePart);
    youtube.addChannel({ id: `UC${'r'.repeat(22)}`, handle: 'retained31', subscribers: 120_000, views: 9_000_000, videos: 300 });
    youtube.addChannel({ id: `UC${'s'.repeat(22)}`, handle: 'retained29', subscribers: 120_000, views: 9_000_000, videos: 300 });
    youtube.failNext({ status: 500, count: 2 });
    const customers = new InMemoryCustomerStore((tenant) => new TestHasher(tenant));
    const store = new InMemoryScoreRefreshStore(customers);
    const now = new Date();
    await customers.saveCustomer(scoredFromYoutube('old', '@retained31', 31, now), []);
    await customers.saveCustomer(scoredFromYoutube('young', '@retained29', 29, now), []);
    store.queue.set('acme#old', { dueAt: new Date(now.getTime() - 120_000).toISOString(), failures: 0 });
    store.queue.set('acme#young', { dueAt: new Date(now.getTime() - 60_000).toISOString(), failures: 0 });
    const clock = { now: () => new Date() };
    const provider = networksProvider(
      {
        provider: 'networks',
        networks: {
          youtube: { ...urls.youtube, apiKey: { value: YOUTUBE_DEMO_KEY }, derivedMetricsAmendmentAccepted: true, unitsPerDay: 10_000 },
        },
        minTrust: 'verified',
        inlineTimeoutMs: 800,
        timeoutMs: 5000,
        maxPerRun: 10,
      },
      { secrets, clock, outsideHosts: () => sandbox.hosts },
    );

    // Act
    const result = await refreshDueScores(
      {},
      {
        tenants: () => [{ id: 'acme', policy: PolicySchema.parse({ freshness: { refreshAfterDays: 7 } }) }],
        scoringFor: () => ({ provider, maxPerRun: 10 }),
        store,
        clock,
        logger: { info: () => undefined, warn: () => undefined },
      },
    );

    // Assert
    expect(result.tenants[0]).toMatchObject({ examined: 2, failed: 2, scoresDeleted: 1 });
    const old = customers.profiles.get('acme#old');
    expect(old?.score).toBeUndefined();
    expect(JSON.stringify(old)).not.toContain('120000');
    expect(store.queue.get('acme#old')).toMatchObject({ failures: 1 });
    expect(customers.profiles.get('acme#young')?.score?.value).toBe(58);
  });
});
