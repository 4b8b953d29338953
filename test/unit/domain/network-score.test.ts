import { describe, expect, it } from 'vitest';
import { mergeIdentities, mergeProfiles, newCustomerProfile } from '../../../shared/domain/customer.js';
import { decide } from '../../../shared/domain/decide.js';
import { combineHandleScores, type HandleScore, meetsTrust } from '../../../shared/domain/network-score.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import type { InfluenceScore } from '../../../shared/domain/score.js';

const LABELS: Record<string, string> = { bluesky: 'Bluesky', github: 'GitHub', mastodon: 'Mastodon' };
const label = (network: string) => LABELS[network] ?? network;
const NOW = new Date('2026-12-05T12:00:00Z');

function handle(network: string, value: number | undefined, trust: HandleScore['trust']): HandleScore {
  return {
    network,
    handle: `${network}-handle`,
    trust,
    fetchedAt: NOW.toISOString(),
    ...(value !== undefined ? { value } : {}),
    explanation: value !== undefined ? `Reach ${value} on ${label(network)} (tier): counts.` : `${label(network)} handle: not found`,
    inputs: {},
    ...(value === undefined ? { noScore: 'not found' } : {}),
  };
}

describe('combineHandleScores', () => {
  it('takes the best score among handles trusted enough, naming it and the others', () => {
    const combined = combineHandleScores(
      [handle('github', 31, 'declared'), handle('bluesky', 64, 'verified'), handle('mastodon', 70, 'declared')],
      'verified',
      label,
    );

    expect(combined.usable).toBe(true);
    expect(combined.best?.network).toBe('bluesky');
    expect(combined.explanation).toBe(
      'Reach 64 on Bluesky (tier): counts. Bluesky handle verified. Also: GitHub 31 (declared, not used for priority); Mastodon 70 (declared, not used for priority).',
    );
  });

  it('shows the best score of less trusted handles with why it raises nothing', () => {
    const combined = combineHandleScores([handle('bluesky', 40, 'declared'), handle('github', undefined, 'channel')], 'verified', label);

    expect(combined.usable).toBe(false);
    expect(combined.unusedReason).toBe(
      'Bluesky handle declared by the customer, not verified: not used for priority (this tenant counts verified handles or better).',
    );
    expect(combined.explanation).toBe('Reach 40 on Bluesky (tier): counts. Also: GitHub no score (not found).');
  });

  it('counts a declared handle when the tenant sets minTrust declared, and orders the levels channel > verified > declared', () => {
    expect(combineHandleScores([handle('bluesky', 40, 'declared')], 'declared', label).usable).toBe(true);
    expect([meetsTrust('channel', 'verified'), meetsTrust('verified', 'channel'), meetsTrust('declared', 'verified')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('a score from a less trusted handle in a decision', () => {
  /** A Bluesky score of 80 on a customer's profile, with what the test says of its handle. */
  const decided = (score: Partial<InfluenceScore>) => {
    const full: InfluenceScore = {
      value: 80,
      source: 'networks',
      modelVersion: 'reach-2',
      scoredAt: NOW.toISOString(),
      refreshAfter: new Date(NOW.getTime() + 86_400_000).toISOString(),
      components: {},
      inputs: {},
      explanation: 'Reach 80 on Bluesky (top): counts.',
      ...score,
    };
    const profile = { ...newCustomerProfile('t', { kind: 'email', value: 'a@b.c' }, 'k', NOW), score: full };
    return decide({ ticket: { id: '1', tags: [], priority: 'normal' }, profile, policy: PolicySchema.parse({}), now: NOW });
  };

  it('is shown in the guardrails and raises nothing', () => {
    const decision = decided({ unusedReason: 'Bluesky handle declared by the customer, not verified: not used for priority.' });

    expect(decision.uplift).toBe(0);
    expect(decision.tier).toBe('none');
    expect(decision.guardrails).toContainEqual({
      id: 'handle-not-trusted',
      message: 'Reach 80 on Bluesky (top): counts. Bluesky handle declared by the customer, not verified: not used for priority.',
    });
  });

  it('carries the trust of the handle a raise came from on the decision', () => {
    const decision = decided({ explanation: 'Reach 80 on Bluesky (top): counts. Bluesky handle verified.', trust: 'verified' });

    expect(decision.score).toMatchObject({ value: 80, trust: 'verified' });
    expect(decision.uplift).toBeGreaterThan(0);
  });
});

describe('trust recorded with every handle', () => {
  const hasher = { hash: () => 'h' };

  it('keeps the higher trust when a handle is seen again, and never lowers it', () => {
    const declared = mergeIdentities(
      { helpdeskUserIds: [], emailHashes: [], handles: [] },
      [{ kind: 'handle', value: 'bluesky:ada.example.com', trust: 'declared' }],
      hasher,
    );
    const verified = mergeIdentities(declared, [{ kind: 'handle', value: 'bluesky:ada.example.com', trust: 'channel' }], hasher);
    const again = mergeIdentities(verified, [{ kind: 'handle', value: 'bluesky:ada.example.com', trust: 'declared' }], hasher);

    expect(declared.handles).toEqual([{ network: 'bluesky', handle: 'ada.example.com', trust: 'declared' }]);
    expect(verified.handles).toEqual([{ network: 'bluesky', handle: 'ada.example.com', trust: 'channel' }]);
    expect(again.handles).toEqual(verified.handles);
  });

  it('merges two profiles holding one handle at its higher trust', () => {
    const one = newCustomerProfile('t', { kind: 'handle', value: 'bluesky:ada.example.com', trust: 'declared' }, 'k1', NOW);
    const two = newCustomerProfile('t', { kind: 'handle', value: 'bluesky:ada.example.com', trust: 'verified' }, 'k2', NOW);

    expect(mergeProfiles([one, two], NOW).identities.handles).toEqual([
      { network: 'bluesky', handle: 'ada.example.com', trust: 'verified' },
    ]);
  });
});
