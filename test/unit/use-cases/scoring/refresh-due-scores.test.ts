import { beforeEach, describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import type { InfluenceScore } from '../../../../shared/domain/score.js';
import {
  refreshDueScores,
  type RefreshDueScoresDeps,
  type TenantScoringView,
} from '../../../../shared/use-cases/scoring/refresh-due-scores.js';
import { FixedClock, InMemoryCustomerStore, InMemoryScoreRefreshStore, ScriptedScoreProvider, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const policy = PolicySchema.parse({});

function score(value: number, scoredAt: Date): InfluenceScore {
  return {
    value,
    source: 'http',
    modelVersion: 'reach-2',
    scoredAt: scoredAt.toISOString(),
    refreshAfter: new Date(scoredAt.getTime() + 7 * 86_400_000).toISOString(),
    components: {},
    inputs: {},
    explanation: `Reach ${value}.`,
  };
}

describe('refreshDueScores', () => {
  let customers: InMemoryCustomerStore;
  let store: InMemoryScoreRefreshStore;
  let clock: FixedClock;
  let providers: Map<string, ScriptedScoreProvider>;
  let scoring: Map<string, TenantScoringView>;
  let logs: { level: string; message: string; details?: Record<string, unknown> }[];
  let deps: RefreshDueScoresDeps;

  async function due(tenant: string, key: string, dueMinutesAgo: number, extra: Partial<CustomerProfile> = {}): Promise<void> {
    const profile: CustomerProfile = {
      tenant,
      customerKey: key,
      identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
      optedOut: false,
      score: score(30, new Date(NOW.getTime() - 8 * 86_400_000)),
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      ...extra,
    };
    await customers.saveCustomer(profile, []);
    store.queue.set(`${tenant}#${key}`, { dueAt: new Date(NOW.getTime() - dueMinutesAgo * 60_000).toISOString(), failures: 0 });
  }

  beforeEach(() => {
    customers = new InMemoryCustomerStore((tenant) => new TestHasher(tenant));
    store = new InMemoryScoreRefreshStore(customers);
    clock = new FixedClock(NOW);
    providers = new Map([
      ['acme', new ScriptedScoreProvider('http', { outcome: 'scored', score: score(64, NOW) })],
      ['globex', new ScriptedScoreProvider('helpdesk-metrics', { outcome: 'scored', score: score(50, NOW) })],
    ]);
    scoring = new Map([...providers].map(([id, provider]) => [id, { provider, maxPerRun: 200 }]));
    logs = [];
    deps = {
      tenants: () => ['acme', 'globex', 'initech'].map((id) => ({ id, policy })),
      scoringFor: (id) => scoring.get(id),
      store,
      clock,
      logger: {
        info: (message, details) => logs.push({ level: 'info', message, ...(details ? { details } : {}) }),
        warn: (message, details) => logs.push({ level: 'warn', message, ...(details ? { details } : {}) }),
      },
    };
  });

  it('refreshes the due customers of every tenant with a provider, longest due first, and counts what happened', async () => {
    await due('acme', 'a1', 30);
    await due('acme', 'a2', 90);
    await due('acme', 'a3', 10, { optedOut: true });
    await due('globex', 'g1', 5);
    await due('initech', 'i1', 60);
    store.queue.set('acme#a4', { dueAt: new Date(NOW.getTime() + 60_000).toISOString(), failures: 0 });
    providers.get('acme')?.answer({ outcome: 'scored', score: score(64, NOW) }, { outcome: 'no-score', reason: 'unknown' });

    const result = await refreshDueScores({}, deps);

    expect(result).toMatchObject({ examined: 4, refreshed: 2, unchanged: 1, failed: 0, skipped: 1 });
    expect(result.tenants.map((t) => [t.tenant, t.provider, t.examined])).toEqual([
      ['acme', 'http', 3],
      ['globex', 'helpdesk-metrics', 1],
    ]);
    expect(providers.get('acme')?.requests.map((r) => r.profile.customerKey)).toEqual(['a2', 'a1']);
    expect(customers.profiles.get('acme#a2')?.score?.value).toBe(64);
    expect(customers.profiles.get('initech#i1')?.score?.value).toBe(30);
  });

  it('takes at most maxPerRun customers of a tenant per run', async () => {
    for (let i = 0; i < 5; i += 1) await due('acme', `a${i}`, 50 - i);
    scoring.set('acme', { ...(scoring.get('acme') as TenantScoringView), maxPerRun: 3 });

    const result = await refreshDueScores({ tenantIds: ['acme'] }, deps);

    expect(result.examined).toBe(3);
    expect(providers.get('acme')?.requests.map((r) => r.profile.customerKey)).toEqual(['a0', 'a1', 'a2']);
  });

  it('goes on with the other customers when one network is held back, leaving its customers due for when it frees', async () => {
    for (let i = 0; i < 4; i += 1) await due('acme', `a${i}`, 50 - i);
    const held = {
      outcome: 'failed',
      kind: 'rate-limited',
      reason: "GitHub's rate limit is used up",
      retryAfterMs: 3_600_000,
      part: 'GitHub',
    } as const;
    providers.get('acme')?.answer(held, { outcome: 'scored', score: score(64, NOW) }, held, { outcome: 'scored', score: score(58, NOW) });

    const result = await refreshDueScores({ tenantIds: ['acme'] }, deps);

    expect(result.tenants[0]).toMatchObject({ examined: 4, refreshed: 2, failed: 2 });
    expect(result.tenants[0]?.stoppedEarly).toBeUndefined();
    expect(result.tenants[0]?.heldBack).toEqual([
      { part: 'GitHub', customers: 2, reason: "GitHub's rate limit is used up", until: '2026-11-23T11:00:00.000Z' },
    ]);
    // Due again when GitHub frees, behind nobody the run could serve, and not counted as their failure.
    expect(store.queue.get('acme#a0')).toEqual({ dueAt: '2026-11-23T11:00:00.000Z', failures: 0 });
    expect(store.queue.get('acme#a2')).toEqual({ dueAt: '2026-11-23T11:00:00.000Z', failures: 0 });
    expect(await store.findDue('acme', NOW, 10)).toEqual([]);
  });

  it('stops a tenant’s run when its provider is paused, leaving the rest due', async () => {
    for (let i = 0; i < 3; i += 1) await due('acme', `a${i}`, 50 - i);
    providers
      .get('acme')
      ?.answer({ outcome: 'scored', score: score(64, NOW) }, { outcome: 'failed', kind: 'circuit-open', reason: 'calls paused' });

    const result = await refreshDueScores({ tenantIds: ['acme'] }, deps);

    expect(result.tenants[0]).toMatchObject({ examined: 2, refreshed: 1, failed: 1, stoppedEarly: 'provider-unavailable' });
    expect((await store.findDue('acme', NOW, 10)).map((d) => d.profile.customerKey)).toEqual(['a1', 'a2']);
    expect(logs.find((l) => l.message === 'score refresh failed')?.details).toMatchObject({
      tenant: 'acme',
      kind: 'circuit-open',
      failuresInARow: 0,
    });
  });

  it('keeps going past one customer’s failure, which only pushes that customer back', async () => {
    for (let i = 0; i < 3; i += 1) await due('acme', `a${i}`, 50 - i);
    providers.get('acme')?.answer({ outcome: 'failed', kind: 'malformed', reason: 'malformed answer (not JSON)' });

    const result = await refreshDueScores({ tenantIds: ['acme'] }, deps);

    expect(result).toMatchObject({ examined: 3, refreshed: 2, failed: 1 });
    expect(store.queue.get('acme#a0')).toEqual({ dueAt: new Date(NOW.getTime() + 3_600_000).toISOString(), failures: 1 });
  });

  it('starts no refresh after the deadline', async () => {
    for (let i = 0; i < 4; i += 1) await due('acme', `a${i}`, 50 - i);
    // Each refresh takes 200 ms of the run's time.
    const provider = providers.get('acme') as ScriptedScoreProvider;
    const original = provider.score.bind(provider);
    provider.score = async (request) => {
      clock.advance(200);
      return original(request);
    };

    const result = await refreshDueScores({ tenantIds: ['acme'], deadline: new Date(NOW.getTime() + 300) }, deps);

    expect(result.tenants[0]).toMatchObject({ examined: 2, stoppedEarly: 'deadline' });
  });

  it('does nothing for tenants without a provider', async () => {
    await due('initech', 'i1', 60);

    const result = await refreshDueScores({ tenantIds: ['initech'] }, deps);

    expect(result).toEqual({ examined: 0, refreshed: 0, unchanged: 0, failed: 0, skipped: 0, tenants: [] });
  });
});
