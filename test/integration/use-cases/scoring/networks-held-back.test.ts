import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networksProvider } from '../../../../shared/adapters/per-tenant/network-scoring.js';
import type { SecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import { refreshDueScores } from '../../../../shared/use-cases/scoring/refresh-due-scores.js';
import { blueskyPart } from '../../../../infra/sandbox/bluesky/index.js';
import { githubPart } from '../../../../infra/sandbox/github/index.js';
import { sandboxNetworkUrls, startDemoSandbox } from '../../../../infra/sandbox/index.js';
import type { Sandbox } from '../../../../infra/sandbox/sandbox.js';
import { InMemoryCustomerStore, InMemoryScoreRefreshStore, TestHasher } from '../../../support/fakes.js';

const secrets: SecretResolver = { resolve: async (ref) => ('value' in ref ? ref.value : '') };
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startDemoSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox?.close();
});

function customer(key: string, network: string, handle: string): CustomerProfile {
  return {
    tenant: 'acme',
    customerKey: key,
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [{ network, handle, trust: 'channel' }] },
    optedOut: false,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
}

describe('the scheduled refresh when one network is held back', () => {
  it('scores the Bluesky customers after GitHub without a token runs out, and says how many GitHub left due and until when', async () => {
    // Arrange: 40 GitHub customers due first, then 10 on Bluesky; GitHub without a token allows 60 requests an hour.
    const urls = sandboxNetworkUrls(sandbox.baseUrl);
    const github = sandbox.part(githubPart);
    const bluesky = sandbox.part(blueskyPart);
    const customers = new InMemoryCustomerStore((tenant) => new TestHasher(tenant));
    const store = new InMemoryScoreRefreshStore(customers);
    const now = new Date();
    for (let i = 0; i < 50; i += 1) {
      const onGithub = i < 40;
      if (onGithub) github.addUser({ login: `held${i}`, followers: 500 + i, following: 10 });
      else
        bluesky.addAccount({
          handle: `held${i}.held.test`,
          followers: 900 + i,
          follows: 50,
          posts: 30,
          createdAt: '2024-01-01T00:00:00.000Z',
        });
      const profile = onGithub ? customer(`c${i}`, 'github', `held${i}`) : customer(`c${i}`, 'bluesky', `held${i}.held.test`);
      await customers.saveCustomer(profile, []);
      store.queue.set(`acme#c${i}`, { dueAt: new Date(now.getTime() - (100 - i) * 60_000).toISOString(), failures: 0 });
    }
    const clock = { now: () => new Date() };
    const provider = networksProvider(
      {
        provider: 'networks',
        networks: { github: { ...urls.github }, bluesky: { ...urls.bluesky, requestsPer5Min: 3000 } },
        minTrust: 'declared',
        inlineTimeoutMs: 800,
        timeoutMs: 5000,
        maxPerRun: 100,
      },
      { secrets, clock, outsideHosts: () => sandbox.hosts },
    );
    const logs: string[] = [];

    // Act
    const result = await refreshDueScores(
      {},
      {
        tenants: () => [{ id: 'acme', policy: PolicySchema.parse({}) }],
        scoringFor: () => ({ provider, maxPerRun: 100 }),
        store,
        clock,
        logger: { info: (message) => logs.push(message), warn: (message) => logs.push(message) },
      },
    );

    // Assert: GitHub's share of its hourly 60 requests spent, two a customer; every Bluesky customer scored all the same.
    const [report] = result.tenants;
    const githubRequests = github.requests().length;
    expect(githubRequests).toBeLessThanOrEqual(60);
    expect(report?.stoppedEarly).toBeUndefined();
    const scored = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, n) => customers.profiles.get(`acme#c${from + n}`)?.score?.value).filter((v) => v !== undefined);
    expect(scored(40, 50)).toHaveLength(10);
    const githubScored = scored(0, 40).length;
    expect(githubScored).toBeGreaterThan(0);
    expect(report?.heldBack).toEqual([
      {
        part: 'GitHub',
        customers: 40 - githubScored,
        reason: expect.stringContaining('GitHub') as string,
        until: expect.any(String) as string,
      },
    ]);
    // The held customers are due again when GitHub's window resets, not pushed back as failures.
    const held = [...store.queue].filter(([key]) => Number(key.slice('acme#c'.length)) < 40 && !customers.profiles.get(key)?.score);
    expect(held.length).toBe(40 - githubScored);
    for (const [, entry] of held) {
      expect(entry.failures).toBe(0);
      expect(Date.parse(entry.dueAt)).toBeGreaterThan(now.getTime());
    }
  });
});
