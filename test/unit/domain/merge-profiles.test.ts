import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CustomerProfile,
  type ManualOverride,
  mergeProfiles,
  optedInProfile,
  optedOutProfile,
  overrideIsLive,
  survivorOf,
} from '../../../shared/domain/customer.js';
import type { InfluenceScore } from '../../../shared/domain/score.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');

function score(value: number, scoredAt: string): InfluenceScore {
  return {
    value,
    source: 'import',
    modelVersion: 'import-1',
    scoredAt,
    refreshAfter: '2026-12-01T00:00:00.000Z',
    components: {},
    inputs: { followers: value * 1000 },
    explanation: `Imported score ${value}.`,
  };
}

function profile(customerKey: string, extra: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    tenant: 'acme',
    customerKey,
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...extra,
  };
}

const fromZendesk = profile('k-zendesk', {
  identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: [], handles: [{ network: 'twitter', handle: 'ada' }] },
  latestNps: { score: 3, category: 'detractor', answeredAt: '2026-11-21T08:00:00.000Z', responseId: 'r-1' },
  identitiesResolvedAt: '2026-11-21T08:00:00.000Z',
  createdAt: '2026-10-01T00:00:00.000Z',
});
const fromImport = profile('k-email', {
  identities: { helpdeskUserIds: [], emailHashes: ['k-email'], handles: [{ network: 'Twitter', handle: 'Ada' }] },
  score: score(72, '2026-11-20T09:00:00.000Z'),
  createdAt: '2026-11-20T09:00:00.000Z',
});

const boost = (setAt: string, expiresAt?: string): ManualOverride => ({
  kind: 'boost',
  score: 90,
  reason: 'Board member',
  setAt,
  ...(expiresAt ? { expiresAt } : {}),
});
const never = (setAt: string, expiresAt?: string): ManualOverride => ({
  kind: 'never',
  reason: 'Asked not to be prioritised',
  setAt,
  ...(expiresAt ? { expiresAt } : {}),
});

describe('survivorOf', () => {
  it('keeps the scored profile even when the other is older', () => {
    expect(survivorOf([fromZendesk, fromImport]).customerKey).toBe('k-email');
  });

  it('keeps the older profile when neither or both have a score', () => {
    const older = profile('k-b', { createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = profile('k-a', { createdAt: '2026-02-01T00:00:00.000Z' });

    expect(survivorOf([newer, older]).customerKey).toBe('k-b');
    expect(
      survivorOf([
        { ...newer, score: fromImport.score },
        { ...older, score: fromImport.score },
      ]).customerKey,
    ).toBe('k-b');
  });

  it('breaks a full tie by key, so every process picks the same survivor', () => {
    expect(survivorOf([profile('k-2'), profile('k-1')]).customerKey).toBe('k-1');
    expect(survivorOf([profile('k-1'), profile('k-2')]).customerKey).toBe('k-1');
  });
});

describe('mergeProfiles', () => {
  it('unions identities, keeps the score, the NPS answer and the earliest creation date', () => {
    // Act
    const merged = mergeProfiles([fromZendesk, fromImport], NOW);

    // Assert
    expect(merged).toEqual({
      tenant: 'acme',
      customerKey: 'k-email',
      identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: ['k-email'], handles: [{ network: 'Twitter', handle: 'Ada' }] },
      identitiesResolvedAt: '2026-11-21T08:00:00.000Z',
      score: fromImport.score,
      optedOut: false,
      latestNps: fromZendesk.latestNps,
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: NOW.toISOString(),
    });
  });

  it('keeps the most recently computed score and the most recent NPS answer', () => {
    // Arrange
    const a = profile('k-a', {
      score: score(40, '2026-11-10T00:00:00.000Z'),
      latestNps: { score: 9, category: 'promoter', answeredAt: '2026-11-22T00:00:00.000Z', responseId: 'r-a' },
    });
    const b = profile('k-b', {
      score: score(80, '2026-11-15T00:00:00.000Z'),
      latestNps: { score: 2, category: 'detractor', answeredAt: '2026-11-12T00:00:00.000Z', responseId: 'r-b' },
    });

    // Act
    const merged = mergeProfiles([a, b], NOW);

    // Assert
    expect(merged.score?.value).toBe(80);
    expect(merged.latestNps?.responseId).toBe('r-a');
  });

  it('keeps an opt-out from either side and drops the score and any boost, as an opt-out does', () => {
    // Arrange
    const optedOut = profile('k-out', { optedOut: true, optedOutAt: '2026-11-05T00:00:00.000Z' });
    const scored = profile('k-in', { score: score(90, '2026-11-20T00:00:00.000Z'), override: boost('2026-11-21T00:00:00.000Z') });

    // Act
    const merged = mergeProfiles([scored, optedOut], NOW);

    // Assert
    expect(merged.optedOut).toBe(true);
    expect(merged.optedOutAt).toBe('2026-11-05T00:00:00.000Z');
    expect(merged.score).toBeUndefined();
    expect(merged.override).toBeUndefined();
    expect(merged.customerKey).toBe('k-in');
  });

  it('keeps the first opt-out date when both opted out', () => {
    const a = profile('k-a', { optedOut: true, optedOutAt: '2026-11-09T00:00:00.000Z' });
    const b = profile('k-b', { optedOut: true, optedOutAt: '2026-11-03T00:00:00.000Z' });

    expect(mergeProfiles([a, b], NOW).optedOutAt).toBe('2026-11-03T00:00:00.000Z');
  });

  it('lets a live "never boost" win over a later boost', () => {
    const a = profile('k-a', { override: never('2026-11-01T00:00:00.000Z') });
    const b = profile('k-b', { override: boost('2026-11-20T00:00:00.000Z') });

    expect(mergeProfiles([a, b], NOW).override?.kind).toBe('never');
    expect(mergeProfiles([b, a], NOW).override?.kind).toBe('never');
  });

  it('lets a boost win over an expired "never boost", and the later of two boosts win', () => {
    const expiredNever = profile('k-a', { override: never('2026-11-01T00:00:00.000Z', '2026-11-10T00:00:00.000Z') });
    const older = profile('k-b', { override: { ...boost('2026-11-02T00:00:00.000Z'), score: 70 } });
    const later = profile('k-c', { override: { ...boost('2026-11-20T00:00:00.000Z'), score: 95 } });

    expect(mergeProfiles([expiredNever, older], NOW).override?.kind).toBe('boost');
    expect(mergeProfiles([older, later, expiredNever], NOW).override?.score).toBe(95);
  });

  it('refuses to merge profiles of two tenants', () => {
    expect(() => mergeProfiles([profile('k-a'), { ...profile('k-b'), tenant: 'globex' }], NOW)).toThrow(/tenants acme and globex/);
  });

  it('gives the same profile whatever order the profiles come in, and never loses an identity or an opt-out', () => {
    const iso = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 10, 22) }).map((ms) => new Date(ms).toISOString());
    const arbitraryProfile = fc
      .record({
        key: fc.constantFrom('k-1', 'k-2', 'k-3', 'k-4'),
        createdAt: iso,
        scoredAt: fc.option(iso, { nil: undefined }),
        optedOut: fc.boolean(),
        userIds: fc.subarray(['zendesk:1', 'zendesk:2', 'zendesk:3']),
        override: fc.option(fc.tuple(fc.constantFrom('boost', 'never'), iso, fc.option(iso, { nil: undefined })), { nil: undefined }),
      })
      .map(({ key, createdAt, scoredAt, optedOut, userIds, override }) =>
        profile(key, {
          createdAt,
          optedOut,
          ...(optedOut ? { optedOutAt: createdAt } : {}),
          identities: { helpdeskUserIds: userIds, emailHashes: [key], handles: [] },
          ...(scoredAt ? { score: score(50, scoredAt) } : {}),
          ...(override ? { override: override[0] === 'boost' ? boost(override[1], override[2]) : never(override[1], override[2]) } : {}),
        }),
      );
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryProfile, { minLength: 1, maxLength: 4, selector: (p) => p.customerKey }), (profiles) => {
        const merged = mergeProfiles(profiles, NOW);
        const reversed = mergeProfiles([...profiles].reverse(), NOW);
        const sortById = (p: CustomerProfile) => ({
          ...p,
          identities: {
            ...p.identities,
            helpdeskUserIds: [...p.identities.helpdeskUserIds].sort(),
            emailHashes: [...p.identities.emailHashes].sort(),
          },
        });
        expect(sortById(reversed)).toEqual(sortById(merged));
        expect(new Set(merged.identities.emailHashes)).toEqual(new Set(profiles.map((p) => p.customerKey)));
        expect(merged.optedOut).toBe(profiles.some((p) => p.optedOut));
        if (merged.optedOut) expect(merged.score).toBeUndefined();
        const liveNever = profiles.some((p) => p.override?.kind === 'never' && overrideIsLive(p.override, NOW));
        if (liveNever) expect(merged.override?.kind).toBe('never');
      }),
    );
  });
});

describe('optedOutProfile and optedInProfile', () => {
  it('keeps only what honouring the opt-out needs, and a "never boost"', () => {
    // Arrange
    const full = profile('k-1', {
      ...fromImport,
      override: never('2026-11-01T00:00:00.000Z'),
      latestNps: fromZendesk.latestNps,
      identitiesResolvedAt: '2026-11-02T00:00:00.000Z',
    });

    // Act
    const out = optedOutProfile(full, NOW);

    // Assert
    expect(out).toEqual({
      tenant: 'acme',
      customerKey: 'k-email',
      identities: fromImport.identities,
      identitiesResolvedAt: '2026-11-02T00:00:00.000Z',
      optedOut: true,
      optedOutAt: NOW.toISOString(),
      override: full.override,
      createdAt: fromImport.createdAt,
      updatedAt: NOW.toISOString(),
    });
  });

  it('drops a boost, and keeps the first opt-out date when run again', () => {
    const first = optedOutProfile(profile('k-1', { override: boost('2026-11-01T00:00:00.000Z') }), NOW);
    const again = optedOutProfile(first, new Date('2026-12-01T00:00:00.000Z'));

    expect(first.override).toBeUndefined();
    expect(again.optedOutAt).toBe(NOW.toISOString());
  });

  it('opting back in clears the flag and the date, and brings no score back', () => {
    const back = optedInProfile(optedOutProfile(fromImport, NOW), NOW);

    expect(back.optedOut).toBe(false);
    expect(back).not.toHaveProperty('optedOutAt');
    expect(back.score).toBeUndefined();
  });
});
