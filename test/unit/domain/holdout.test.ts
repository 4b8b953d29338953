import { describe, expect, it } from 'vitest';
import { HmacHoldoutDraw } from '../../../shared/adapters/identity/hmac-holdout-draw.js';
import { decide } from '../../../shared/domain/decide.js';
import type { CustomerProfile } from '../../../shared/domain/customer.js';
import { heldOut, holdoutEligible } from '../../../shared/domain/holdout.js';
import { PolicySchema, type PolicyInput } from '../../../shared/domain/policy.js';

const KEY = 'a-deployment-key-of-at-least-thirty-two-bytes';
const NOW = new Date('2026-11-23T10:00:00Z');

function profile(score: number | undefined, nps?: 'detractor' | 'promoter'): CustomerProfile {
  return {
    tenant: 'acme',
    customerKey: 'k1',
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    optedOut: false,
    ...(score !== undefined
      ? {
          score: {
            value: score,
            source: 'import' as const,
            modelVersion: 'import-1',
            scoredAt: '2026-11-22T00:00:00Z',
            refreshAfter: '2026-11-29T00:00:00Z',
            components: {},
            inputs: {},
            explanation: `Imported score ${score}.`,
          },
        }
      : {}),
    ...(nps
      ? {
          latestNps: {
            score: nps === 'detractor' ? 2 : 10,
            category: nps,
            answeredAt: '2026-11-20T00:00:00Z',
            responseId: 'typeform:r1',
          },
        }
      : {}),
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
  };
}

function decision(policyInput: PolicyInput, score: number | undefined, nps?: 'detractor' | 'promoter') {
  const policy = PolicySchema.parse(policyInput);
  return {
    policy,
    decision: decide({ ticket: { id: '1', priority: 'normal', tags: [] }, profile: profile(score, nps), policy, now: NOW }),
  };
}

/** z for a two-sided 1-in-a-million band: a correct draw leaves it about once in a million runs. */
const Z = 4.89;

function binomialBounds(n: number, p: number): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [Math.ceil(n * p - Z * sd), Math.floor(n * p + Z * sd)];
}

describe('the holdout policy settings', () => {
  it('default to no holdout and never holding out detractors', () => {
    const policy = PolicySchema.parse({});
    expect(policy.holdout).toBe(0);
    expect(policy.holdoutDetractors).toBe(false);
  });

  it('refuse a share above one half or below zero, naming the setting', () => {
    for (const holdout of [0.51, -0.1, 1]) {
      const parsed = PolicySchema.safeParse({ holdout });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['holdout']);
    }
    expect(PolicySchema.parse({ holdout: 0.5 }).holdout).toBe(0.5);
  });
});

describe('heldOut', () => {
  it('keeps a ticket that would be raised when its draw is below the share, with the draw and the share', () => {
    const { policy, decision: raised } = decision({ holdout: 0.2 }, 72);
    expect(raised.priority).toBe('high');
    expect(heldOut(raised, policy, 0.19999)).toEqual({ draw: 0.19999, share: 0.2 });
    expect(heldOut(raised, policy, 0.2)).toBeUndefined();
    expect(heldOut(raised, policy, 0.9)).toBeUndefined();
  });

  it('never keeps a ticket with no holdout set, whatever its draw', () => {
    const { policy, decision: raised } = decision({}, 72);
    expect(heldOut(raised, policy, 0)).toBeUndefined();
  });

  it('never keeps a ticket that would not be raised: tags alone or no score are not in the experiment', () => {
    const notable = decision({ holdout: 0.5 }, 40);
    expect(notable.decision.tags).toEqual(['influence_notable']);
    expect(heldOut(notable.decision, notable.policy, 0)).toBeUndefined();
    const none = decision({ holdout: 0.5 }, undefined);
    expect(heldOut(none.decision, none.policy, 0)).toBeUndefined();
  });

  it('holds nobody out in shadow mode, where nothing is written for anyone', () => {
    const { policy, decision: shadow } = decision({ holdout: 0.5, mode: 'shadow' }, 72);
    expect(holdoutEligible(shadow, policy)).toBe(false);
    expect(heldOut(shadow, policy, 0)).toBeUndefined();
  });

  it("never holds out a detractor's follow-up unless the tenant allows it", () => {
    const never = decision({ holdout: 0.5 }, 72, 'detractor');
    expect(never.decision.matchedRules.map((rule) => rule.id)).toContain('nps-detractor');
    expect(heldOut(never.decision, never.policy, 0.1)).toBeUndefined();
    const allowed = decision({ holdout: 0.5, holdoutDetractors: true }, 72, 'detractor');
    expect(heldOut(allowed.decision, allowed.policy, 0.1)).toEqual({ draw: 0.1, share: 0.5 });
    // A promoter with a raise is not a detractor follow-up: held out as anyone else.
    const promoter = decision({ holdout: 0.5 }, 72, 'promoter');
    expect(heldOut(promoter.decision, promoter.policy, 0.1)).toEqual({ draw: 0.1, share: 0.5 });
  });
});

describe('HmacHoldoutDraw', () => {
  const draws = new HmacHoldoutDraw(KEY);

  it('gives the same ticket the same draw every time, and from a new instance', () => {
    const first = draws.draw('acme', '35436');
    expect(draws.draw('acme', '35436')).toBe(first);
    expect(new HmacHoldoutDraw(KEY).draw('acme', '35436')).toBe(first);
  });

  it("depends on the tenant, the ticket and the key, so another tenant's or deployment's draw says nothing", () => {
    const first = draws.draw('acme', '35436');
    expect(draws.draw('globex', '35436')).not.toBe(first);
    expect(draws.draw('acme', '35437')).not.toBe(first);
    expect(new HmacHoldoutDraw(`${KEY}-rotated`).draw('acme', '35436')).not.toBe(first);
    expect(draws.draw('ac', 'me35436')).not.toBe(draws.draw('acme', '35436'));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new HmacHoldoutDraw('short')).toThrow(/at least 32 bytes/);
  });

  it.each([0.05, 0.1, 0.25, 0.5])('holds out a share of %s of 10,000 raised tickets within its binomial bounds', (share) => {
    const { policy, decision: raised } = decision({ holdout: share }, 72);
    let kept = 0;
    for (let ticket = 1; ticket <= 10_000; ticket += 1) {
      const draw = draws.draw('acme', String(100_000 + ticket));
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(1);
      if (heldOut(raised, policy, draw)) kept += 1;
    }
    const [low, high] = binomialBounds(10_000, share);
    expect(kept).toBeGreaterThanOrEqual(low);
    expect(kept).toBeLessThanOrEqual(high);
  });

  it('spreads 10,000 draws evenly over ten bands (each within its binomial bounds)', () => {
    const bands = Array.from({ length: 10 }, () => 0);
    for (let ticket = 1; ticket <= 10_000; ticket += 1) {
      const band = Math.floor(draws.draw('globex', `T-${ticket}`) * 10);
      bands[band] = (bands[band] ?? 0) + 1;
    }
    const [low, high] = binomialBounds(10_000, 0.1);
    for (const count of bands) {
      expect(count).toBeGreaterThanOrEqual(low);
      expect(count).toBeLessThanOrEqual(high);
    }
  });
});
