import { beforeEach, describe, expect, it } from 'vitest';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import { decide } from '../../../../shared/domain/decide.js';
import { InvalidPayloadError } from '../../../../shared/domain/errors.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import type { CustomerAdminDeps } from '../../../../shared/use-cases/privacy/opt-out.js';
import { clearOverride, setOverride } from '../../../../shared/use-cases/scoring/set-override.js';
import { FixedClock, InMemoryCustomerAdmin, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const hasherFor = (tenant: string) => new TestHasher(tenant);
const email: Identity = { kind: 'email', value: 'ada@example.com' };

function known(extra: Partial<CustomerProfile> = {}): CustomerProfile {
  const key = hasherFor('acme').hash(email);
  return {
    tenant: 'acme',
    customerKey: key,
    identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: [key], handles: [] },
    score: {
      value: 22,
      source: 'import',
      modelVersion: 'import-1',
      scoredAt: '2026-11-20T00:00:00.000Z',
      refreshAfter: '2026-11-27T00:00:00.000Z',
      components: {},
      inputs: {},
      explanation: 'Imported score 22.',
    },
    optedOut: false,
    latestNps: { score: 9, category: 'promoter', answeredAt: '2026-11-22T00:00:00.000Z', responseId: 'r-1' },
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-11-20T00:00:00.000Z',
    ...extra,
  };
}

describe('setOverride', () => {
  let store: InMemoryCustomerAdmin;
  let deps: CustomerAdminDeps;

  beforeEach(async () => {
    store = new InMemoryCustomerAdmin(hasherFor);
    deps = { customers: store, hasherFor, clock: new FixedClock(NOW) };
    await store.saveCustomer(known(), [email]);
  });

  it('sets a boost with who and when, keeps everything else, and the decision says it wins', async () => {
    // Act
    const result = await setOverride(
      { tenant: 'acme', identity: email },
      { kind: 'boost', score: 90, reason: 'Board member', expiresAt: '2027-01-01T00:00:00Z' },
      'admin@acme.test',
      deps,
    );

    // Assert
    const stored = await store.findCustomer('acme', [email]);
    expect(result).toMatchObject({ status: 'set', created: false, written: 1 });
    expect(stored).toEqual({
      ...known(),
      override: {
        kind: 'boost',
        score: 90,
        reason: 'Board member',
        setBy: 'admin@acme.test',
        setAt: NOW.toISOString(),
        expiresAt: '2027-01-01T00:00:00Z',
      },
      updatedAt: NOW.toISOString(),
    });
    const decision = decide({
      ticket: { id: '1', priority: 'normal', tags: [] },
      ...(stored ? { profile: stored } : {}),
      policy: PolicySchema.parse({}),
      now: NOW,
    });
    expect(decision.score).toMatchObject({ value: 90, source: 'override' });
    expect(decision.score?.explanation).toContain('Board member');
  });

  it('sets "never boost" without a score, and replaces an earlier override', async () => {
    // Arrange
    await setOverride({ tenant: 'acme', identity: email }, { kind: 'boost', score: 90, reason: 'Board member' }, 'a@acme.test', deps);

    // Act
    await setOverride({ tenant: 'acme', identity: email }, { kind: 'never', reason: 'Asked not to be prioritised' }, 'b@acme.test', deps);

    // Assert
    expect((await store.findCustomer('acme', [email]))?.override).toEqual({
      kind: 'never',
      reason: 'Asked not to be prioritised',
      setBy: 'b@acme.test',
      setAt: NOW.toISOString(),
    });
  });

  it('creates the profile, keyed by the identity, for a customer nobody knows yet', async () => {
    // Arrange
    const stranger: Identity = { kind: 'helpdesk-user', value: 'zendesk:777' };

    // Act
    const result = await setOverride(
      { tenant: 'acme', identity: stranger },
      { kind: 'boost', score: 80, reason: 'Keynote speaker' },
      'admin@acme.test',
      deps,
    );

    // Assert
    expect(result).toMatchObject({ status: 'set', created: true, written: 1 });
    expect(await store.findCustomer('acme', [stranger])).toMatchObject({
      customerKey: hasherFor('acme').hash(stranger),
      identities: { helpdeskUserIds: ['zendesk:777'], emailHashes: [], handles: [] },
      override: { kind: 'boost', score: 80 },
      optedOut: false,
    });
  });

  it('refuses to boost a customer who opted out, but accepts "never boost"', async () => {
    // Arrange
    await store.saveCustomer(known({ optedOut: true, optedOutAt: '2026-11-01T00:00:00.000Z', score: undefined }), [email]);

    // Act
    const boost = await setOverride({ tenant: 'acme', identity: email }, { kind: 'boost', score: 90, reason: 'VIP' }, 'a@acme.test', deps);
    const never = await setOverride({ tenant: 'acme', identity: email }, { kind: 'never', reason: 'Press' }, 'a@acme.test', deps);

    // Assert
    expect(boost.status).toBe('opted-out');
    expect(never.status).toBe('set');
    expect((await store.findCustomer('acme', [email]))?.override?.kind).toBe('never');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a boost without a score', { kind: 'boost', reason: 'VIP' }, 'a@acme.test', 'score'],
    ['a boost above 100', { kind: 'boost', score: 101, reason: 'VIP' }, 'a@acme.test', 'score'],
    ['a boost of 0', { kind: 'boost', score: 0, reason: 'VIP' }, 'a@acme.test', 'score'],
    ['an empty reason', { kind: 'never', reason: '  ' }, 'a@acme.test', 'reason'],
    ['an expiry in the past', { kind: 'never', reason: 'Press', expiresAt: '2026-11-01T00:00:00Z' }, 'a@acme.test', 'expiresAt'],
    ['an expiry that is not a date', { kind: 'never', reason: 'Press', expiresAt: 'next week' }, 'a@acme.test', 'expiresAt'],
    ['nobody setting it', { kind: 'never', reason: 'Press' }, ' ', 'setBy'],
  ])('refuses %s and names the field', async (_case, request, setBy, field) => {
    // Act
    const attempt = setOverride({ tenant: 'acme', identity: email }, request, setBy, deps);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(attempt).rejects.toMatchObject({ issues: [expect.objectContaining({ path: field })] });
    expect(store.guardedWrites).toBe(0);
  });
});

describe('clearOverride', () => {
  it('removes the override and keeps the rest; a second run writes nothing', async () => {
    // Arrange
    const store = new InMemoryCustomerAdmin(hasherFor);
    const deps = { customers: store, hasherFor, clock: new FixedClock(NOW) };
    await store.saveCustomer(known({ override: { kind: 'never', reason: 'Press' } }), [email]);

    // Act
    const first = await clearOverride({ tenant: 'acme', identity: email }, deps);
    const second = await clearOverride({ tenant: 'acme', identity: email }, deps);

    // Assert
    expect(first).toMatchObject({ status: 'cleared', written: 1 });
    expect(second).toMatchObject({ status: 'cleared', written: 0 });
    expect(await store.findCustomer('acme', [email])).toEqual({ ...known(), updatedAt: NOW.toISOString() });
  });

  it('says when nobody is known by the identity', async () => {
    const store = new InMemoryCustomerAdmin(hasherFor);

    expect(await clearOverride({ tenant: 'acme', identity: email }, { customers: store, hasherFor, clock: new FixedClock(NOW) })).toEqual({
      status: 'not-found',
    });
  });
});
