import { describe, expect, it } from 'vitest';
import {
  type CustomerProfile,
  mergeIdentities,
  mergeProfiles,
  newCustomerProfile,
  normaliseIdentity,
} from '../../../shared/domain/customer.js';
import { TestHasher } from '../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const hasher = new TestHasher('acme');
const none = { helpdeskUserIds: [], emailHashes: [], handles: [] };

describe('external ids', () => {
  it('are trimmed but keep their case: ids of some systems differ by case alone', () => {
    expect(normaliseIdentity({ kind: 'external-id', value: ' 0015g00000AbCdE ' })).toEqual({
      kind: 'external-id',
      value: '0015g00000AbCdE',
    });
  });

  it('are listed on a profile only as keyed hashes, once each', () => {
    const crm = { kind: 'external-id' as const, value: 'crm-42' };

    const merged = mergeIdentities(none, [crm, { ...crm, value: ' crm-42' }, { kind: 'email', value: 'ada@example.com' }], hasher);

    expect(merged).toEqual({
      helpdeskUserIds: [],
      emailHashes: [hasher.hash({ kind: 'email', value: 'ada@example.com' })],
      externalIdHashes: [hasher.hash(crm)],
      handles: [],
    });
    expect(JSON.stringify(merged)).not.toContain('crm-42');
  });

  it('leave a profile without one as it was stored', () => {
    expect(mergeIdentities(none, [{ kind: 'email', value: 'ada@example.com' }], hasher)).not.toHaveProperty('externalIdHashes');
  });

  it('key a new profile and are listed on it', () => {
    const crm = { kind: 'external-id' as const, value: 'crm-42' };

    const profile = newCustomerProfile('acme', crm, hasher.hash(crm), NOW);

    expect(profile.customerKey).toBe(hasher.hash(crm));
    expect(profile.identities).toEqual({ ...none, externalIdHashes: [hasher.hash(crm)] });
  });

  it('of every profile are kept when profiles of one customer merge', () => {
    const base = (customerKey: string, identities: CustomerProfile['identities']): CustomerProfile => ({
      tenant: 'acme',
      customerKey,
      identities,
      optedOut: false,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    });

    const merged = mergeProfiles(
      [
        base('k1', { ...none, externalIdHashes: ['x1'] }),
        base('k2', { ...none, emailHashes: ['e1'], externalIdHashes: ['x1', 'x2'] }),
        base('k3', none),
      ],
      NOW,
    );

    expect(merged.identities.externalIdHashes).toEqual(['x1', 'x2']);
    expect(merged.identities.emailHashes).toEqual(['e1']);
  });
});
