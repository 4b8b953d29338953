import { describe, expect, it } from 'vitest';
import {
  compareTimes,
  kaplanMeierQuantile,
  quantileOfSorted,
  seededRandom,
  summariseTimes,
  type TimedTicket,
} from '../../../shared/domain/service-times.js';

const done = (minutes: readonly number[], prefix = 't'): TimedTicket[] =>
  minutes.map((value, i) => ({ minutes: value, observed: true, cluster: `${prefix}${i}` }));
const waiting = (minutes: readonly number[], prefix = 'w'): TimedTicket[] =>
  minutes.map((value, i) => ({ minutes: value, observed: false, cluster: `${prefix}${i}` }));

// Freireich et al. (1963), the 6-MP arm of the leukaemia trial, the textbook Kaplan–Meier example:
// weeks of remission, 9 relapses and 12 still in remission (censored). Its curve falls to 0.8571
// at 6, 0.8067 at 7, 0.7529 at 10, 0.6902 at 13, 0.6275 at 16, 0.5378 at 22, 0.4482 at 23
// (SciPy 1.17 stats.ecdf on right-censored data gives the same), so the median is 23 and the
// 90th percentile is never reached. The placebo arm relapsed throughout: median 8, 90th 17.
const SIX_MP = [...done([6, 6, 6, 7, 10, 13, 16, 22, 23]), ...waiting([6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35])];
const PLACEBO = done([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]);

describe('Kaplan–Meier quantiles', () => {
  it('gives the 6-MP arm median 23 and no 90th percentile: 12 of 21 still waiting are counted, not dropped', () => {
    // Act
    const summary = summariseTimes(SIX_MP);

    // Assert
    expect(summary).toEqual({ tickets: 21, observed: 9, censored: 12, median: 23, p90: null });
    // Dropping the waiting ones would have claimed a median of 10.
    expect(summariseTimes(done([6, 6, 6, 7, 10, 13, 16, 22, 23])).median).toBe(10);
  });

  it('gives the placebo arm, nothing censored, the ordinary median 8 and 90th percentile 17', () => {
    expect(summariseTimes(PLACEBO)).toMatchObject({ median: 8, p90: 17, censored: 0 });
  });

  it('takes the mean of the two middle values of an even count, as numpy.median and R do', () => {
    expect(kaplanMeierQuantile(done([4, 1, 3, 10]), 0.5)).toBe(3.5);
    expect(kaplanMeierQuantile(done([2, 2, 2, 2]), 0.5)).toBe(2);
  });

  it('says not reached (null) when fewer than half have had the event', () => {
    expect(kaplanMeierQuantile([...done([5]), ...waiting([6, 7])], 0.5)).toBeNull();
    expect(summariseTimes([])).toEqual({ tickets: 0, observed: 0, censored: 0, median: null, p90: null });
  });

  it('counts an event before a censoring at the same minute', () => {
    // One event at 5 among 2 at risk (the censored one is still at risk then): S(5) = 0.5, median 5 then 7's midpoint.
    expect(kaplanMeierQuantile([...done([5, 9]), ...waiting([5])], 0.5)).toBe(9);
    expect(kaplanMeierQuantile([...done([5]), ...waiting([5])], 0.5)).toBe(5);
  });
});

describe('quantileOfSorted (type 7, as NumPy and SciPy)', () => {
  it.each([
    { values: [1, 2, 3, 4], p: 0.9, expected: 3.7 },
    { values: [1, 2, 3, 4], p: 0.025, expected: 1.075 },
    { values: [7], p: 0.975, expected: 7 },
  ])('gives $expected for p=$p of $values', ({ values, p, expected }) => {
    expect(quantileOfSorted(values, p)).toBeCloseTo(expected, 10);
  });
});

describe('compareTimes', () => {
  const x = Array.from({ length: 41 }, (_, i) => ((i * 37) % 90) + 10);
  const y = Array.from({ length: 45 }, (_, i) => ((i * 53) % 120) + 30);

  it('agrees with SciPy’s percentile bootstrap of the difference of medians within Monte Carlo error', () => {
    // SciPy 1.17: bootstrap((x, y), median(x) − median(y), n_resamples=9999, method='percentile')
    // gives −36 with [−57, −14] (seeds 1 and 2 alike). Each ticket its own customer: SciPy's resampling.
    const comparison = compareTimes(done(x, 'x'), done(y, 'y'), { seed: 7 });

    expect(comparison.difference?.estimate).toBe(-36);
    expect(comparison.difference?.low).toBeGreaterThanOrEqual(-61);
    expect(comparison.difference?.low).toBeLessThanOrEqual(-53);
    expect(comparison.difference?.high).toBeGreaterThanOrEqual(-18);
    expect(comparison.difference?.high).toBeLessThanOrEqual(-10);
    expect(comparison.ratio?.estimate).toBeCloseTo(52 / 88, 10);
    expect(comparison).toMatchObject({ conclusive: true, clear: true, resamples: 9999, seed: 7 });
  });

  it('gives the same interval for the same seed, and states both', () => {
    const one = compareTimes(done(x), done(y), { seed: 3, resamples: 999 });
    const two = compareTimes(done(x), done(y), { seed: 3, resamples: 999 });
    expect(two).toEqual(one);
    expect(one.resamples).toBe(999);
  });

  it('resamples customers, not tickets: one customer’s many tickets widen the interval', () => {
    // The same 60 times, once as 60 customers and once as 6 customers of 10 alike tickets each.
    const random = seededRandom(11);
    const times = Array.from({ length: 60 }, () => Math.round(20 + random() * 100)).sort((a, b) => a - b);
    const others = Array.from({ length: 60 }, () => Math.round(40 + random() * 100)).sort((a, b) => a - b);
    const single = (values: number[], tag: string) => values.map((minutes, i) => ({ minutes, observed: true, cluster: `${tag}${i}` }));
    const grouped = (values: number[], tag: string) =>
      values.map((minutes, i) => ({ minutes, observed: true, cluster: `${tag}${Math.floor(i / 10)}` }));
    const width = (c: ReturnType<typeof compareTimes>) => (c.difference ? c.difference.high - c.difference.low : 0);

    expect(width(compareTimes(grouped(times, 'a'), grouped(others, 'b'), { resamples: 1999 }))).toBeGreaterThan(
      width(compareTimes(single(times, 'a'), single(others, 'b'), { resamples: 1999 })),
    );
  });

  it('has no interval when a median is not reached, and no conclusion below the minimum of tickets', () => {
    const open = compareTimes(waiting(Array<number>(40).fill(60)), done(Array<number>(40).fill(30)), { resamples: 99 });
    expect(open).toMatchObject({ difference: null, ratio: null, clear: false, conclusive: true });

    const thin = compareTimes(done([1, 2, 3]), done([4, 5, 6]), { resamples: 99 });
    expect(thin.conclusive).toBe(false);
    expect(thin.difference?.estimate).toBe(-3);
  });

  it('finds no clear difference between two draws of the same times', () => {
    const random = seededRandom(5);
    const draw = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ minutes: Math.round(-60 * Math.log(1 - random())), observed: true, cluster: `${tag}${i}` }));
    const comparison = compareTimes(draw(300, 'a'), draw(300, 'b'));
    expect(comparison.clear).toBe(false);
    expect(comparison.ratio?.low).toBeLessThan(1);
    expect(comparison.ratio?.high).toBeGreaterThan(1);
  });
});
