import { describe, expect, it } from 'vitest';
import { compareCsat, compareNps, newcombeDifference, npsVariance, wilsonInterval } from '../../../shared/domain/survey-comparison.js';

const four = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 10_000) / 10_000);

describe('wilsonInterval', () => {
  it('gives 81/263 the interval 0.2553 to 0.3662 (the reference’s test vector; SciPy binomtest agrees)', () => {
    const interval = wilsonInterval(81, 263);
    expect(four(interval?.low)).toBe(0.2553);
    expect(four(interval?.high)).toBe(0.3662);
  });

  it('keeps 0 of 10 and 10 of 10 inside 0 to 1, and has none for no answers', () => {
    expect(wilsonInterval(0, 10)?.low).toBeCloseTo(0, 12);
    expect(wilsonInterval(10, 10)?.high).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('newcombeDifference', () => {
  it('gives 56/70 against 48/80 the difference 0.2000 with 0.0524 to 0.3339 (Newcombe 1998, method 10)', () => {
    const interval = newcombeDifference(56, 70, 48, 80);
    expect(four(interval?.estimate)).toBe(0.2);
    expect(four(interval?.low)).toBe(0.0524);
    expect(four(interval?.high)).toBe(0.3339);
  });
});

describe('compareCsat', () => {
  it('reports the same example in points, clear of 0, conclusive with 70 and 80 ratings', () => {
    const comparison = compareCsat({ n: 70, satisfied: 56 }, { n: 80, satisfied: 48 });
    expect(comparison.difference?.estimate).toBeCloseTo(20, 10);
    expect(comparison.difference?.low).toBeCloseTo(5.24, 2);
    expect(comparison).toMatchObject({ conclusive: true, clear: true });
  });

  it('is not conclusive with fewer than 30 ratings in a group, and has no difference without ratings', () => {
    expect(compareCsat({ n: 29, satisfied: 29 }, { n: 100, satisfied: 10 }).conclusive).toBe(false);
    expect(compareCsat({ n: 0, satisfied: 0 }, { n: 100, satisfied: 10 })).toMatchObject({ difference: null, clear: false });
  });
});

describe('compareNps', () => {
  // The reference §3.5: p = 0.50, d = 0.20 in both groups: ±15.3 points at 200 a group, ±9.7 at 500, ±6.8 at 1,000.
  it.each([
    { n: 200, half: 15.3 },
    { n: 500, half: 9.7 },
    { n: 1000, half: 6.8 },
  ])('gives a difference of 0 ± $half points with $n answers a group', ({ n, half }) => {
    const group = { n, promoters: n / 2, detractors: n / 5 };
    const comparison = compareNps(group, group);
    expect(comparison.difference?.estimate).toBe(0);
    expect(Math.round((comparison.difference?.high ?? 0) * 10) / 10).toBe(half);
    expect(comparison.clear).toBe(false);
  });

  it('uses Var = [p + d − (p − d)²]/n per group: SE of the difference 0.0781 at 200 a group', () => {
    const group = { n: 200, promoters: 100, detractors: 40 };
    expect(npsVariance(group)).toBeCloseTo(0.00305, 10);
    expect(four(Math.sqrt(2 * npsVariance(group)))).toBe(0.0781);
  });

  it('says a 3-answer group cannot be concluded from, however its interval looks', () => {
    const comparison = compareNps({ n: 3, promoters: 0, detractors: 1 }, { n: 300, promoters: 150, detractors: 60 });
    expect(comparison.conclusive).toBe(false);
  });
});
