import { beforeEach, describe, expect, it } from 'vitest';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import { decide } from '../../../../shared/domain/decide.js';
import { TransientError } from '../../../../shared/domain/errors.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import { type CustomerAdminDeps, optIn, optOut } from '../../../../shared/use-cases/privacy/opt-out.js';
import { FixedClock, InMemoryCustomerAdmin, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const hasherFor = (tenant: string) => new TestHasher(tenant);
const email: Identity = { kind: 'email', value: 'ada@example.com' };
const userId: Identity = { kind: 'helpdesk-user', value: 'zendesk:42' };

function scoredProfile(extra: Partial<CustomerProfile> = {}): CustomerProfile {
  const key = hasherFor('acme').hash(email);
  return {
    tenant: 'acme',
    customerKey: key,
    identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: [key], handles: [{ network: 'twitter', handle: 'ada' }] },
    score: {
      value: 81,
      source: 'helpdesk-metrics',
      modelVersion: 'reach-2',
      scoredAt: '2026-11-20T00:00:00.000Z',
      refreshAfter: '2026-11-27T00:00:00.000Z',
      components: { reach: 70 },
      inputs: { followers: 120000 },
      explanation: 'Reach 81 (top): 120k followers.',
    },
    optedOut: false,
    override: { kind: 'boost', score: 95, reason: 'Board member', setAt: '2026-11-01T00:00:00.000Z' },
    latestNps: { score: 2, category: 'detractor', answeredAt: '2026-11-22T00:00:00.000Z', responseId: 'r-1' },
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-11-20T00:00:00.000Z',
    ...extra,
  };
}

describe('optOut', () => {
  let store: InMemoryCustomerAdmin;
  let deps: CustomerAdminDeps;

  beforeEach(async () => {
    store = new InMemoryCustomerAdmin(hasherFor);
    deps = { customers: store, hasherFor, clock: new FixedClock(NOW) };
    await store.saveCustomer(scoredProfile(), [email, userId]);
  });

  it('deletes the score with its inputs, the boost and the NPS answer, and keeps the identities', async () => {
    // Act
    const result = await optOut({ tenant: 'acme', identity: userId }, deps);

    // Assert
    const stored = await store.findCustomer('acme', [email]);
    expect(result).toMatchObject({ status: 'opted-out', created: false, written: 1 });
    expect(stored).toEqual({
      tenant: 'acme',
      customerKey: scoredProfile().customerKey,
      identities: scoredProfile().identities,
      optedOut: true,
      optedOutAt: NOW.toISOString(),
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: NOW.toISOString(),
    });
  });

  it('makes the next decision the baseline and says why', async () => {
    // Arrange
    await optOut({ tenant: 'acme', identity: email }, deps);
    const profile = await store.findCustomer('acme', [email]);

    // Act
    const decision = decide({
      ticket: { id: '1', priority: 'normal', tags: [] },
      ...(profile ? { profile } : {}),
      policy: PolicySchema.parse({}),
      now: NOW,
    });

    // Assert
    expect(decision.tier).toBe('none');
    expect(decision.priority).toBeUndefined();
    expect(decision.guardrails.map((g) => g.id)).toContain('opted-out');
  });

  it('keeps a "never boost" override', async () => {
    // Arrange
    await store.saveCustomer(scoredProfile({ override: { kind: 'never', reason: 'Press contact' } }), [email]);

    // Act
    await optOut({ tenant: 'acme', identity: email }, deps);

    // Assert
    expect((await store.findCustomer('acme', [email]))?.override).toEqual({ kind: 'never', reason: 'Press contact' });
  });

  it('is harmless to run again: nothing is written and the first opt-out date stays', async () => {
    // Arrange
    await optOut({ tenant: 'acme', identity: email }, deps);
    const writes = store.guardedWrites;

    // Act
    const again = await optOut(
      { tenant: 'acme', identity: email },
      { ...deps, clock: new FixedClock(new Date('2026-12-01T00:00:00.000Z')) },
    );

    // Assert
    expect(again.written).toBe(0);
    expect(store.guardedWrites).toBe(writes);
    expect(again.profiles[0]?.optedOutAt).toBe(NOW.toISOString());
  });

  it('records an opt-out for a customer nobody knows yet, keyed by the identity', async () => {
    // Arrange
    const stranger: Identity = { kind: 'handle', value: 'twitter:grace', trust: 'verified' };

    // Act
    const result = await optOut({ tenant: 'acme', identity: stranger }, deps);

    // Assert
    expect(result.created).toBe(true);
    expect(await store.findCustomer('acme', [stranger])).toEqual({
      tenant: 'acme',
      customerKey: hasherFor('acme').hash(stranger),
      identities: { helpdeskUserIds: [], emailHashes: [], handles: [{ network: 'twitter', handle: 'grace', trust: 'verified' }] },
      optedOut: true,
      optedOutAt: NOW.toISOString(),
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
  });

  it('refuses to create a profile keyed by a handle nobody verified, which whoever types it next would find', async () => {
    // Arrange
    const typed: Identity = { kind: 'handle', value: 'twitter:grace', trust: 'declared' };
    const before = store.profiles.size;

    // Act
    const attempt = optOut({ tenant: 'acme', identity: typed }, deps);

    // Assert
    await expect(attempt).rejects.toThrow('a handle that is not verified finds nobody');
    expect(store.profiles.size).toBe(before);
  });

  it('opts out every profile the identity reaches', async () => {
    // Arrange: a stale alias points the user id at a second profile
    const other = scoredProfile({ customerKey: 'k-other', identities: { helpdeskUserIds: [], emailHashes: [], handles: [] } });
    await store.saveCustomer(other, []);
    store.aliases.set(`acme#${hasherFor('acme').hash(userId)}`, { customerKey: 'k-other', kind: 'helpdesk-user' });
    const reached = await store.findCustomers('acme', [email, userId]);

    // Act
    await optOut({ tenant: 'acme', identity: userId }, deps);
    await optOut({ tenant: 'acme', identity: email }, deps);

    // Assert
    expect(reached).toHaveLength(2);
    for (const profile of await store.findCustomers('acme', [email, userId])) {
      expect(profile.optedOut).toBe(true);
      expect(profile.score).toBeUndefined();
    }
  });

  it('reads again when the profile changed meanwhile, keeping that change', async () => {
    // Arrange: between read and write, the ticket path learns a new handle
    let raced = false;
    store.beforeWrite = () => {
      if (raced) return;
      raced = true;
      const current = store.profiles.get(`acme#${scoredProfile().customerKey}`);
      if (current) {
        store.profiles.set(`acme#${current.customerKey}`, {
          ...current,
          identities: { ...current.identities, handles: [...current.identities.handles, { network: 'mastodon', handle: 'ada' }] },
          updatedAt: '2026-11-23T09:59:00.000Z',
        });
      }
    };

    // Act
    const result = await optOut({ tenant: 'acme', identity: email }, deps);

    // Assert
    expect(result.written).toBe(1);
    const stored = await store.findCustomer('acme', [email]);
    expect(stored?.optedOut).toBe(true);
    expect(stored?.identities.handles).toContainEqual({ network: 'mastodon', handle: 'ada' });
  });

  it('gives up with a TransientError when the profile keeps changing', async () => {
    // Arrange
    let tick = 0;
    store.beforeWrite = () => {
      const current = store.profiles.get(`acme#${scoredProfile().customerKey}`);
      tick += 1;
      if (current)
        store.profiles.set(`acme#${current.customerKey}`, { ...current, updatedAt: new Date(NOW.getTime() - tick * 1000).toISOString() });
    };

    // Act / Assert
    await expect(optOut({ tenant: 'acme', identity: email }, { ...deps, maxAttempts: 2 })).rejects.toBeInstanceOf(TransientError);
    expect(tick).toBe(2);
  });
});

describe('optIn', () => {
  it('clears the flag and the date and brings no score back', async () => {
    // Arrange
    const store = new InMemoryCustomerAdmin(hasherFor);
    const deps = { customers: store, hasherFor, clock: new FixedClock(NOW) };
    await store.saveCustomer(scoredProfile(), [email]);
    await optOut({ tenant: 'acme', identity: email }, deps);

    // Act
    const result = await optIn({ tenant: 'acme', identity: email }, deps);

    // Assert
    expect(result).toMatchObject({ status: 'opted-in', written: 1 });
    const stored = await store.findCustomer('acme', [email]);
    expect(stored?.optedOut).toBe(false);
    expect(stored).not.toHaveProperty('optedOutAt');
    expect(stored?.score).toBeUndefined();
  });

  it('changes nothing for a customer who had not opted out, and says when nobody is known', async () => {
    // Arrange
    const store = new InMemoryCustomerAdmin(hasherFor);
    const deps = { customers: store, hasherFor, clock: new FixedClock(NOW) };
    await store.saveCustomer(scoredProfile(), [email]);

    // Act
    const known = await optIn({ tenant: 'acme', identity: email }, deps);
    const unknown = await optIn({ tenant: 'acme', identity: { kind: 'email', value: 'nobody@example.com' } }, deps);

    // Assert
    expect(known).toMatchObject({ status: 'opted-in', written: 0 });
    expect(store.guardedWrites).toBe(0);
    expect(unknown).toEqual({ status: 'not-found' });
  });
});
