import { beforeEach, describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import type { InfluenceScore } from '../../../../shared/domain/score.js';
import { refreshBackoffMs, refreshScore, type RefreshScoreInput } from '../../../../shared/use-cases/scoring/refresh-score.js';
import { FixedClock, InMemoryCustomerStore, InMemoryScoreRefreshStore, ScriptedScoreProvider, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const HOUR = 3_600_000;
const freshness = { refreshAfterDays: 7, maxAgeDays: 30 };

function score(value: number, scoredAt: string): InfluenceScore {
  return {
    value,
    source: 'helpdesk-metrics',
    modelVersion: 'reach-2',
    scoredAt,
    refreshAfter: new Date(Date.parse(scoredAt) + 7 * 86_400_000).toISOString(),
    components: {},
    inputs: {},
    explanation: `Reach ${value}.`,
  };
}

const OLD = score(40, '2026-11-10T00:00:00.000Z');
const NEW = score(64, NOW.toISOString());

describe('refreshScore', () => {
  let customers: InMemoryCustomerStore;
  let store: InMemoryScoreRefreshStore;
  let provider: ScriptedScoreProvider;
  let clock: FixedClock;
  let profile: CustomerProfile;

  beforeEach(async () => {
    customers = new InMemoryCustomerStore((tenant) => new TestHasher(tenant));
    store = new InMemoryScoreRefreshStore(customers);
    provider = new ScriptedScoreProvider('http');
    clock = new FixedClock(NOW);
    profile = {
      tenant: 'acme',
      customerKey: 'k1',
      identities: { helpdeskUserIds: ['zendesk:1'], emailHashes: [], handles: [] },
      optedOut: false,
      score: OLD,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    await customers.saveCustomer(profile, []);
    store.queue.set('acme#k1', { dueAt: OLD.refreshAfter, failures: 2 });
  });

  const run = (overrides: Partial<RefreshScoreInput> = {}) =>
    refreshScore({ profile, purpose: 'scheduled', freshness, failures: 2, ...overrides }, { provider, store, clock });

  it('writes a new score and requeues the customer at its refresh date with no failures', async () => {
    provider.answer({ outcome: 'scored', score: NEW });

    const result = await run();

    expect(result).toEqual({ outcome: 'refreshed', score: NEW });
    expect(customers.profiles.get('acme#k1')?.score).toEqual(NEW);
    expect(store.queue.get('acme#k1')).toEqual({ dueAt: NEW.refreshAfter, failures: 0 });
    expect(provider.requests[0]).toMatchObject({ tenant: 'acme', purpose: 'scheduled', now: NOW, refreshAfterDays: 7 });
  });

  it('does not overwrite a score that changed while the provider was asked', async () => {
    const imported = score(90, '2026-11-22T00:00:00.000Z');
    provider.answer({ outcome: 'scored', score: NEW });
    const original = provider.score.bind(provider);
    provider.score = async (request) => {
      await customers.saveCustomer({ ...profile, score: imported }, []);
      return original(request);
    };

    const result = await run();

    expect(result).toEqual({ outcome: 'superseded', score: NEW });
    expect(customers.profiles.get('acme#k1')?.score).toEqual(imported);
  });

  it('re-reads the profile before asking the provider, and asks nothing when it is no longer due', async () => {
    const imported = score(90, '2026-11-22T00:00:00.000Z');
    await customers.saveCustomer({ ...profile, score: { ...imported, refreshAfter: '2026-12-20T00:00:00.000Z' } }, []);
    provider.answer({ outcome: 'scored', score: NEW });

    const result = await run();

    expect(result).toEqual({ outcome: 'skipped', reason: 'not-due' });
    expect(provider.requests).toHaveLength(0);
  });

  it('asks nothing about a customer erased after the index was read', async () => {
    customers.profiles.clear();
    provider.answer({ outcome: 'scored', score: NEW });

    const result = await run();

    expect(result).toEqual({ outcome: 'skipped', reason: 'gone' });
    expect(provider.requests).toHaveLength(0);
  });

  it('never asks the provider about an opted-out customer, and takes them out of the queue', async () => {
    const optedOut = { ...profile, optedOut: true };
    await customers.saveCustomer(optedOut, []);

    const result = await run({ profile: optedOut });

    expect(result).toEqual({ outcome: 'skipped', reason: 'opted-out' });
    expect(provider.requests).toHaveLength(0);
    expect(store.queue.has('acme#k1')).toBe(false);
  });

  it('does not write for a customer who opted out while the provider was asked', async () => {
    provider.answer({ outcome: 'scored', score: NEW });
    const original = provider.score.bind(provider);
    provider.score = async (request) => {
      await customers.saveCustomer({ ...profile, optedOut: true }, []);
      return original(request);
    };

    const result = await run();

    expect(result).toEqual({ outcome: 'skipped', reason: 'opted-out' });
    expect(customers.profiles.get('acme#k1')?.score).toEqual(OLD);
    expect(store.queue.has('acme#k1')).toBe(false);
  });

  it('checks a customer the provider knows nothing about again after the refresh interval', async () => {
    provider.answer({ outcome: 'no-score', reason: 'user field "followers" is empty' });

    const result = await run();

    expect(result).toEqual({ outcome: 'no-score', reason: 'user field "followers" is empty', nextCheckAt: '2026-11-30T10:00:00.000Z' });
    expect(store.queue.get('acme#k1')).toEqual({ dueAt: '2026-11-30T10:00:00.000Z', failures: 0 });
  });

  it('pushes a failed customer back with doubling backoff', async () => {
    provider.answer({ outcome: 'failed', kind: 'timeout', reason: 'no answer within 2000 ms' });

    const result = await run({ failures: 2 });

    expect(result).toEqual({
      outcome: 'failed',
      kind: 'timeout',
      reason: 'no answer within 2000 ms',
      nextAttemptAt: new Date(NOW.getTime() + 4 * HOUR).toISOString(),
    });
    expect(store.queue.get('acme#k1')).toEqual({ dueAt: new Date(NOW.getTime() + 4 * HOUR).toISOString(), failures: 3 });
  });

  it('waits at least as long as the provider asked', async () => {
    provider.answer({ outcome: 'failed', kind: 'unavailable', reason: 'HTTP 503', retryAfterMs: 3 * HOUR });

    await run({ failures: 0 });

    expect(store.queue.get('acme#k1')).toEqual({ dueAt: new Date(NOW.getTime() + 3 * HOUR).toISOString(), failures: 1 });
  });

  it.each(['circuit-open', 'rate-limited'] as const)(
    'leaves the customer due as it is when the provider as a whole is %s',
    async (kind) => {
      provider.answer({ outcome: 'failed', kind, reason: 'paused' });

      const result = await run();

      expect(result).toEqual({ outcome: 'failed', kind, reason: 'paused' });
      expect(store.queue.get('acme#k1')).toEqual({ dueAt: OLD.refreshAfter, failures: 2 });
    },
  );

  it('treats a provider that throws as a failure, never as the caller’s', async () => {
    provider.answer(new TypeError('boom'));

    const result = await run();

    expect(result).toMatchObject({ outcome: 'failed', kind: 'unavailable', reason: 'provider error (TypeError)' });
  });

  it('on the ticket path, leaves a failed customer in the queue, due now', async () => {
    const unscored = { ...profile, score: undefined };
    await customers.saveCustomer(unscored, []);
    store.queue.clear();
    provider.answer({ outcome: 'failed', kind: 'timeout', reason: 'no answer within 800 ms' });

    const result = await run({ profile: unscored, purpose: 'inline' });

    expect(result).toEqual({ outcome: 'failed', kind: 'timeout', reason: 'no answer within 800 ms', nextAttemptAt: NOW.toISOString() });
    expect(store.queue.get('acme#k1')).toEqual({ dueAt: NOW.toISOString(), failures: 0 });
  });

  it('on the ticket path, keeps a later queue position (a backoff) as it is', async () => {
    store.queue.set('acme#k1', { dueAt: '2026-11-23T18:00:00.000Z', failures: 4 });
    provider.answer({ outcome: 'failed', kind: 'circuit-open', reason: 'paused' });

    const result = await run({ purpose: 'inline' });

    expect(result).toEqual({ outcome: 'failed', kind: 'circuit-open', reason: 'paused' });
    expect(store.queue.get('acme#k1')).toEqual({ dueAt: '2026-11-23T18:00:00.000Z', failures: 4 });
  });
});

describe('refreshBackoffMs', () => {
  it('doubles from an hour and stops at a day', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => refreshBackoffMs(n) / HOUR)).toEqual([1, 2, 4, 8, 16, 24, 24]);
  });
});
