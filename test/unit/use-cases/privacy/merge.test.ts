import { describe, expect, it } from 'vitest';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import { TransientError } from '../../../../shared/domain/errors.js';
import { customerMerger, mergeCustomers } from '../../../../shared/use-cases/privacy/merge-customers.js';
import { FixedClock, InMemoryCustomerAdmin, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const hasherFor = (tenant: string) => new TestHasher(tenant);
const userId: Identity = { kind: 'helpdesk-user', value: 'zendesk:42' };
const email: Identity = { kind: 'email', value: 'ada@example.com' };
const userKey = hasherFor('acme').hash(userId);
const emailKey = hasherFor('acme').hash(email);

const fromTicket: CustomerProfile = {
  tenant: 'acme',
  customerKey: userKey,
  identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: [], handles: [] },
  optedOut: true,
  optedOutAt: '2026-11-02T00:00:00.000Z',
  createdAt: '2026-10-01T00:00:00.000Z',
  updatedAt: '2026-11-02T00:00:00.000Z',
};
const fromImport: CustomerProfile = {
  tenant: 'acme',
  customerKey: emailKey,
  identities: { helpdeskUserIds: [], emailHashes: [emailKey], handles: [] },
  score: {
    value: 72,
    source: 'import',
    modelVersion: 'import-1',
    scoredAt: '2026-11-20T00:00:00.000Z',
    refreshAfter: '2026-11-27T00:00:00.000Z',
    components: {},
    inputs: {},
    explanation: 'Imported score 72.',
  },
  optedOut: false,
  createdAt: '2026-11-20T00:00:00.000Z',
  updatedAt: '2026-11-20T00:00:00.000Z',
};

async function twoProfiles() {
  const store = new InMemoryCustomerAdmin(hasherFor);
  await store.saveCustomer(fromTicket, [userId]);
  await store.saveCustomer(fromImport, [email]);
  store.surveyAnswers.set(`acme#${userKey}`, [{ responseId: 'r-1', score: 3 }]);
  return store;
}

describe('mergeCustomers', () => {
  it('folds two profiles of one customer into one that every identity finds, opt-out kept', async () => {
    // Arrange
    const store = await twoProfiles();

    // Act
    const result = await mergeCustomers('acme', [userId, email], { customers: store, clock: new FixedClock(NOW) });

    // Assert
    expect(result?.absorbedKeys).toEqual([userKey]);
    expect(result?.profile).toMatchObject({ customerKey: emailKey, optedOut: true, optedOutAt: '2026-11-02T00:00:00.000Z' });
    expect(result?.profile.score).toBeUndefined();
    expect(await store.findCustomers('acme', [userId])).toEqual([result?.profile]);
    expect(store.surveyAnswers.get(`acme#${emailKey}`)).toEqual([{ responseId: 'r-1', score: 3 }]);
  });

  it('returns the one profile unchanged, writing nothing, when the identities reach one', async () => {
    // Arrange
    const store = new InMemoryCustomerAdmin(hasherFor);
    await store.saveCustomer(fromImport, [email, userId]);

    // Act
    const result = await mergeCustomers('acme', [userId, email], { customers: store, clock: new FixedClock(NOW) });

    // Assert
    expect(result).toEqual({ profile: fromImport, absorbedKeys: [] });
    expect(store.guardedWrites).toBe(0);
  });

  it('returns undefined when the identities reach nobody', async () => {
    const store = new InMemoryCustomerAdmin(hasherFor);

    expect(await mergeCustomers('acme', [email], { customers: store, clock: new FixedClock(NOW) })).toBeUndefined();
  });

  it('reads again after a conflict and merges what is stored then', async () => {
    // Arrange: the import profile gets a new NPS answer between read and merge
    const store = await twoProfiles();
    let raced = false;
    store.beforeWrite = () => {
      if (raced) return;
      raced = true;
      store.profiles.set(`acme#${emailKey}`, {
        ...fromImport,
        latestNps: { score: 10, category: 'promoter', answeredAt: '2026-11-22T00:00:00.000Z', responseId: 'r-9' },
        updatedAt: '2026-11-22T00:00:00.000Z',
      });
    };

    // Act
    const result = await mergeCustomers('acme', [userId, email], { customers: store, clock: new FixedClock(NOW) });

    // Assert: merged, and since the customer opted out the NPS answer is not kept either
    expect(raced).toBe(true);
    expect(store.guardedWrites).toBe(1);
    expect(result?.profile.optedOut).toBe(true);
    expect(result?.profile.latestNps).toBeUndefined();
  });

  it('gives up with a TransientError when the profiles keep changing', async () => {
    // Arrange
    const store = await twoProfiles();
    let tick = 0;
    store.beforeWrite = () => {
      tick += 1;
      store.profiles.set(`acme#${emailKey}`, { ...fromImport, updatedAt: new Date(NOW.getTime() - tick * 1000).toISOString() });
    };

    // Act / Assert
    await expect(
      mergeCustomers('acme', [userId, email], { customers: store, clock: new FixedClock(NOW), maxAttempts: 3 }),
    ).rejects.toBeInstanceOf(TransientError);
    expect(tick).toBe(3);
  });
});

describe('customerMerger', () => {
  it('gives the ticket path a (tenant, identities) function returning the one profile', async () => {
    // Arrange
    const store = await twoProfiles();
    const merge = customerMerger({ customers: store, clock: new FixedClock(NOW) });

    // Act
    const profile = await merge('acme', [email, userId]);

    // Assert
    expect(profile?.customerKey).toBe(emailKey);
    expect(store.profiles.has(`acme#${userKey}`)).toBe(false);
  });
});
