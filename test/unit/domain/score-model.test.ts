import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../../shared/domain/errors.js';
import { InfluenceScoreSchema } from '../../../shared/domain/score.js';
import {
  REACH_MODEL_VERSION,
  type ReachInputs,
  ReachInputsSchema,
  computeReachScore,
  toInfluenceScore,
} from '../../../shared/domain/score-model.js';

const YEAR = 365;

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
}

function inputs(overrides: Partial<ReachInputs> = {}): ReachInputs {
  return {
    followers: 48_000,
    following: 1_100,
    engagementPerPost: 350,
    accountAgeDays: 8 * YEAR,
    postCount: 5_200,
    verification: 'paid',
    ...overrides,
  };
}

/**
 * The example table of surveys-influence.md §C.6, column for column. The table has no post
 * count; row F's multiplier 0.42 needs fewer than 10 posts and every other row's 1.0 needs 10 or
 * more, so the post counts here are chosen on that side of the threshold.
 */
const REFERENCE_TABLE = [
  { profile: 'A casual user', F: 150, G: 300, E: 1, age: 5 * YEAR, V: 'none', P: 400, r: 0.31, e: 0.06, q: 0.4, mult: 1, score: 22 },
  { profile: 'B active local', F: 2_500, G: 800, E: 12, age: 3 * YEAR, V: 'none', P: 3_000, r: 0.49, e: 0.22, q: 0.66, mult: 1, score: 40 },
  { profile: 'C niche expert', F: 48_000, G: 1_100, E: 350, age: 8 * YEAR, V: 'paid', P: 5_200, r: 0.67, e: 0.51, q: 1, mult: 1, score: 64 },
  { profile: 'D celebrity/brand', F: 1_200_000, G: 500, E: 9_000, age: 12 * YEAR, V: 'org', P: 20_000, r: 0.87, e: 0.79, q: 1, mult: 1, score: 87 },
  { profile: 'E bought followers', F: 80_000, G: 79_000, E: 3, age: 70, V: 'paid', P: 40, r: 0.7, e: 0.12, q: 0.5, mult: 0.42, score: 18 },
  { profile: 'F brand-new account', F: 40, G: 200, E: 0, age: 20, V: 'none', P: 3, r: 0.23, e: 0, q: 0.27, mult: 0.42, score: 6 },
] as const;

describe('computeReachScore: the reference example table', () => {
  it.each(REFERENCE_TABLE)('scores $profile $score', (row) => {
    // Arrange
    const profile: ReachInputs = {
      followers: row.F,
      following: row.G,
      engagementPerPost: row.E,
      accountAgeDays: row.age,
      postCount: row.P,
      verification: row.V,
    };

    // Act
    const result = computeReachScore(profile);

    // Assert
    expect(result.score).toBe(row.score);
    expect(result.components.r).toBeCloseTo(row.r, 2);
    expect(result.components.e).toBeCloseTo(row.e, 2);
    expect(result.components.q).toBeCloseTo(row.q, 2);
    expect(result.components.mult).toBeCloseTo(row.mult, 2);
    expect(result.modelVersion).toBe(REACH_MODEL_VERSION);
    expect(result.inputs).toEqual(profile);
  });

  it('reads the bought-audience threshold as 0.02 percent, so healthy large accounts are not damped', () => {
    // Arrange: 0.73 % and 0.75 % engagement, the rows a 2 % reading would have penalised
    const expert = inputs();
    const celebrity = inputs({ followers: 1_200_000, following: 500, engagementPerPost: 9_000, verification: 'org' });

    // Act
    const results = [computeReachScore(expert), computeReachScore(celebrity)];

    // Assert
    expect(results.map((r) => r.components.erPenalty)).toEqual([1, 1]);
  });

  it('applies each damping factor exactly as the formula states', () => {
    // Arrange / Act
    const bought = computeReachScore(inputs({ followers: 80_000, following: 79_000, engagementPerPost: 3, accountAgeDays: 70, postCount: 40 }));
    const quiet = computeReachScore(inputs({ postCount: 9 }));
    const newborn = computeReachScore(inputs({ accountAgeDays: 0 }));

    // Assert
    expect(bought.components.erPenalty).toBe(0.7);
    expect(bought.components.ageMult).toBeCloseTo(0.5 + 0.5 * (70 / 365), 12);
    expect(quiet.components.activity).toBe(0.8);
    expect(newborn.components.ageMult).toBe(0.5);
    expect(newborn.score).toBe(32);
  });

  it('gives org checks full weight and paid checks a fifth, worth one point at most', () => {
    // Arrange
    const base = { followers: 48_000, following: 1_100, engagementPerPost: 350 };

    // Act
    const [none, paid, org] = (['none', 'paid', 'org'] as const).map((verification) =>
      computeReachScore(inputs({ ...base, verification })),
    );

    // Assert
    expect([none!.components.v, paid!.components.v, org!.components.v]).toEqual([0, 0.2, 1]);
    expect(paid!.score - none!.score).toBeLessThanOrEqual(1);
    expect(org!.score - none!.score).toBe(5);
  });
});

describe('computeReachScore: explanation', () => {
  it('explains the niche expert in one line with tier, humanised numbers and the check', () => {
    // Arrange / Act
    const result = computeReachScore(inputs());

    // Assert
    expect(result.explanation).toBe(
      'Reach 64 (high): 48k followers, median 350 interactions per post, follower:following 44:1, paid check barely counts.',
    );
  });

  it('names every damping that applied', () => {
    // Arrange
    const bought = inputs({ followers: 80_000, following: 79_000, engagementPerPost: 3, accountAgeDays: 70, postCount: 40 });
    const brandNew = inputs({ followers: 40, following: 200, engagementPerPost: 0, accountAgeDays: 20, postCount: 3, verification: 'none' });

    // Act
    const explanations = [computeReachScore(bought).explanation, computeReachScore(brandNew).explanation];

    // Assert
    expect(explanations).toEqual([
      'Reach 18 (standard): 80k followers, median 3 interactions per post, follower:following 1:1, paid check barely counts; ' +
        'damped for young account (70 days), suspected bought audience (engagement under 0.02% of followers).',
      'Reach 6 (standard): 40 followers, median 0 interactions per post, follower:following 1:5; ' +
        'damped for young account (20 days), low activity (3 posts).',
    ]);
  });

  it.each([
    { followers: 1, expected: '1 follower,' },
    { followers: 150, expected: '150 followers,' },
    { followers: 2_500, expected: '2.5k followers,' },
    { followers: 48_400, expected: '48k followers,' },
    { followers: 999_999, expected: '1M followers,' },
    { followers: 1_200_000, expected: '1.2M followers,' },
    { followers: 3_400_000_000, expected: '3.4B followers,' },
  ])('humanises $followers followers as "$expected"', ({ followers, expected }) => {
    // Arrange / Act
    const { explanation } = computeReachScore(inputs({ followers }));

    // Assert
    expect(explanation).toContain(`: ${expected}`);
  });

  it.each([
    { followers: 1_200_000, following: 500, expected: 'follower:following 2.4k:1' },
    { followers: 2_500, following: 800, expected: 'follower:following 3.1:1' },
    { followers: 150, following: 300, expected: 'follower:following 1:2' },
    { followers: 0, following: 200, expected: 'follower:following 0:200' },
    { followers: 900, following: 0, expected: 'follower:following 900:0' },
  ])('writes the ratio of $followers to $following as "$expected"', ({ followers, following, expected }) => {
    // Arrange / Act
    const { explanation } = computeReachScore(inputs({ followers, following }));

    // Assert
    expect(explanation).toContain(expected);
  });

  it('mentions an organisation check and says nothing about an absent one', () => {
    // Arrange / Act
    const org = computeReachScore(inputs({ verification: 'org' })).explanation;
    const none = computeReachScore(inputs({ verification: 'none' })).explanation;

    // Assert
    expect(org).toMatch(/, organisation check\.$/);
    expect(none).toMatch(/follower:following 44:1\.$/);
  });
});

describe('computeReachScore: validation', () => {
  it.each([
    ['negative followers', { followers: -1 }],
    ['NaN engagement', { engagementPerPost: Number.NaN }],
    ['infinite following', { following: Number.POSITIVE_INFINITY }],
    ['negative age', { accountAgeDays: -0.5 }],
    ['NaN post count', { postCount: Number.NaN }],
  ])('rejects %s with the field named', (_name, override) => {
    // Arrange
    const bad = inputs(override);
    const field = Object.keys(override)[0];

    // Act
    const act = () => computeReachScore(bad);

    // Assert
    expect(ReachInputsSchema.safeParse(bad).success).toBe(false);
    expect(act).toThrow(InvalidPayloadError);
    expect(thrownBy(act)).toMatchObject({ issues: [{ path: field }] });
  });

  it('rejects an unknown verification kind', () => {
    // Arrange
    const bad = { ...inputs(), verification: 'blue' };

    // Act
    const parsed = ReachInputsSchema.safeParse(bad);

    // Assert
    expect(parsed.success).toBe(false);
  });
});

const anyCount = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 1_000 }),
  fc.integer({ min: 0, max: 2_000_000_000 }),
  fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
);
const anyInputs = fc.record({
  followers: anyCount,
  following: anyCount,
  engagementPerPost: anyCount,
  accountAgeDays: anyCount,
  postCount: anyCount,
  verification: fc.constantFrom('none' as const, 'paid' as const, 'org' as const),
});
const badNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -Number.MIN_VALUE),
  fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
);
const numericFields = ['followers', 'following', 'engagementPerPost', 'accountAgeDays', 'postCount'] as const;

describe('computeReachScore: properties', () => {
  it('always gives an integer from 1 to 100 for any non-negative inputs', () => {
    fc.assert(
      fc.property(anyInputs, (profile) => {
        const { score, tier } = computeReachScore(profile);
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(1);
        expect(score).toBeLessThanOrEqual(100);
        expect(tier).not.toBe('none');
      }),
      { numRuns: 2_000 },
    );
  });

  it('is deterministic: the same inputs give the same result and explanation', () => {
    fc.assert(
      fc.property(anyInputs, (profile) => {
        expect(computeReachScore({ ...profile })).toEqual(computeReachScore({ ...profile }));
      }),
    );
  });

  it('never falls as engagement grows', () => {
    fc.assert(
      fc.property(anyInputs, anyCount, anyCount, (profile, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lower = computeReachScore({ ...profile, engagementPerPost: low });
        const higher = computeReachScore({ ...profile, engagementPerPost: high });
        expect(higher.score).toBeGreaterThanOrEqual(lower.score);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never falls as followers grow while the bought-audience penalty is unchanged', () => {
    fc.assert(
      fc.property(anyInputs, anyCount, anyCount, (profile, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const smaller = computeReachScore({ ...profile, followers: low });
        const larger = computeReachScore({ ...profile, followers: high });
        fc.pre(smaller.components.erPenalty === larger.components.erPenalty);
        expect(larger.score).toBeGreaterThanOrEqual(smaller.score);
      }),
      { numRuns: 2_000 },
    );
  });

  it('switches the penalty on at most once as followers grow, and loses at most 30 % there', () => {
    fc.assert(
      fc.property(anyInputs, anyCount, anyCount, (profile, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const smaller = computeReachScore({ ...profile, followers: low });
        const larger = computeReachScore({ ...profile, followers: high });
        // Once an audience looks bought, a bigger one with the same engagement does too.
        expect(larger.components.erPenalty).toBeLessThanOrEqual(smaller.components.erPenalty);
        expect(larger.components.raw).toBeGreaterThanOrEqual(smaller.components.raw);
        // 0.7 × the unrounded score, less the rounding on both sides.
        expect(larger.score).toBeGreaterThanOrEqual(0.7 * smaller.score - 1);
      }),
      { numRuns: 2_000 },
    );
  });

  it('drops by design where a large audience stops being matched by engagement', () => {
    // Arrange: 1 interaction per post is 0.01 % of 10,000 followers, under the 0.02 % floor
    const below = inputs({ followers: 9_999, following: 300, engagementPerPost: 1, verification: 'none' });
    const at = { ...below, followers: 10_000 };

    // Act
    const [before, after] = [computeReachScore(below), computeReachScore(at)];

    // Assert
    expect([before.score, after.score]).toEqual([43, 30]);
    expect(after.explanation).toContain('suspected bought audience');
  });

  it('rejects any negative, NaN or infinite number in any field', () => {
    fc.assert(
      fc.property(anyInputs, fc.constantFrom(...numericFields), badNumber, (profile, field, value) => {
        const bad = { ...profile, [field]: value };
        expect(ReachInputsSchema.safeParse(bad).success).toBe(false);
        expect(() => computeReachScore(bad)).toThrow(InvalidPayloadError);
      }),
    );
  });
});

describe('toInfluenceScore', () => {
  it('stores the score, its parts and a refresh date the stored schema accepts', () => {
    // Arrange
    const result = computeReachScore(inputs());
    const scoredAt = new Date('2026-11-23T10:00:00.000Z');

    // Act
    const stored = toInfluenceScore(result, { source: 'http', scoredAt, refreshAfterDays: 7 });

    // Assert
    expect(InfluenceScoreSchema.parse(stored)).toEqual(stored);
    expect(stored).toMatchObject({
      value: 64,
      source: 'http',
      modelVersion: 'reach-1',
      scoredAt: '2026-11-23T10:00:00.000Z',
      refreshAfter: '2026-11-30T10:00:00.000Z',
      explanation: result.explanation,
      inputs: { followers: 48_000, following: 1_100, engagementPerPost: 350, verification: 'paid' },
    });
    expect(stored.components).toEqual(result.components);
  });

  it.each([0, -3, Number.NaN])('refuses a refresh period of %s days', (refreshAfterDays) => {
    // Arrange
    const result = computeReachScore(inputs());

    // Act
    const act = () => toInfluenceScore(result, { source: 'http', scoredAt: new Date(), refreshAfterDays });

    // Assert
    expect(act).toThrow(RangeError);
  });
});
