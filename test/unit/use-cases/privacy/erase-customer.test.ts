import { describe, expect, it } from 'vitest';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import { eraseCustomer } from '../../../../shared/use-cases/privacy/erase-customer.js';
import { exportCustomer } from '../../../../shared/use-cases/privacy/export-customer.js';
import { FixedClock, InMemoryCustomerAdmin, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const hasherFor = (tenant: string) => new TestHasher(tenant);
const email: Identity = { kind: 'email', value: 'ada@example.com' };
const userId: Identity = { kind: 'helpdesk-user', value: 'zendesk:42' };

function profile(customerKey: string, helpdeskUserIds: string[]): CustomerProfile {
  return {
    tenant: 'acme',
    customerKey,
    identities: { helpdeskUserIds, emailHashes: [], handles: [] },
    optedOut: true,
    optedOutAt: '2026-11-01T00:00:00.000Z',
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-11-20T00:00:00.000Z',
  };
}

describe('eraseCustomer', () => {
  it('erases every profile the identity reaches, found by that identity, and then finds nobody', async () => {
    // Arrange: the email is a profile of its own, and also an alias of a second profile
    const store = new InMemoryCustomerAdmin(hasherFor);
    const emailKey = hasherFor('acme').hash(email);
    await store.saveCustomer(profile(emailKey, []), []);
    await store.saveCustomer(profile('k-2', ['zendesk:42']), [userId]);
    store.aliases.set(`acme#${emailKey}`, { customerKey: 'k-2', kind: 'email' });
    const deps = { customers: store, privacy: store, clock: new FixedClock(NOW) };

    // Act
    const result = await eraseCustomer({ tenant: 'acme', identity: email }, deps);

    // Assert
    expect(result).toMatchObject({ status: 'erased', erasedAt: NOW.toISOString() });
    expect(result.status === 'erased' ? result.reports.map((r) => [r.customerKey, r.profileDeleted]) : []).toEqual([
      [emailKey, true],
      ['k-2', true],
    ]);
    expect(await store.findCustomers('acme', [email, userId])).toEqual([]);
    expect(await exportCustomer({ tenant: 'acme', identity: userId }, deps)).toBeUndefined();
  });

  it('says not-found when run again', async () => {
    // Arrange
    const store = new InMemoryCustomerAdmin(hasherFor);
    await store.saveCustomer(profile(hasherFor('acme').hash(userId), ['zendesk:42']), [userId]);
    const deps = { customers: store, privacy: store, clock: new FixedClock(NOW) };
    await eraseCustomer({ tenant: 'acme', identity: userId }, deps);

    // Act
    const again = await eraseCustomer({ tenant: 'acme', identity: userId }, deps);

    // Assert
    expect(again).toEqual({ status: 'not-found' });
  });
});
