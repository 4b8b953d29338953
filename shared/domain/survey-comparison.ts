import { canConclude } from './conclusive.js';
import type { Interval } from './service-times.js';

/*
 * Survey outcomes of two groups compared (outcomes reference §3.4-3.5): CSAT's satisfied share
 * with a Wilson interval per group and Newcombe's hybrid score interval (method 10) for the
 * difference; NPS with Var = [p + d − (p − d)²]/n per group and a Wald interval for the
 * difference. Shares are in percentage points.
 */

/** z for a two-sided 95 % interval (the reference's 1.959964). */
const Z = 1.959964;

/** A Wilson score interval for k of n, as shares from 0 to 1. */
export interface ShareInterval {
  share: number;
  low: number;
  high: number;
}

/**
 * Wilson's score interval for a proportion k/n at 95 % (Wilson 1927); null for n = 0.
 *
 * @example wilsonInterval(81, 263) // { share: 0.308, low: 0.2553, high: 0.3662 } (rounded)
 */
export function wilsonInterval(k: number, n: number): ShareInterval | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { share: p, low: centre - half, high: centre + half };
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂ (Newcombe 1998, method 10), as shares; null when
 * a group is empty.
 *
 * @example newcombeDifference(56, 70, 48, 80) // { estimate: 0.2, low: 0.0524, high: 0.3339 } (rounded)
 */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number): Interval | null {
  const one = wilsonInterval(k1, n1);
  const two = wilsonInterval(k2, n2);
  if (!one || !two) return null;
  const estimate = one.share - two.share;
  return {
    estimate,
    low: estimate - Math.sqrt((one.share - one.low) ** 2 + (two.high - two.share) ** 2),
    high: estimate + Math.sqrt((one.high - one.share) ** 2 + (two.share - two.low) ** 2),
  };
}

/** A group's NPS answers by category. */
export interface NpsCounts {
  n: number;
  promoters: number;
  detractors: number;
}

/** A group's CSAT ratings: how many, how many satisfied. */
export interface CsatCounts {
  n: number;
  satisfied: number;
}

/** Two groups' survey figure compared (first − second, in points), with the rule's verdict. */
export interface SurveyComparison<T> {
  first: T;
  second: T;
  /** In points; null when a group has no answers. */
  difference: Interval | null;
  conclusive: boolean;
  /** The interval leaves out 0. */
  clear: boolean;
}

/**
 * Variance of one group's NPS as a share (−1 to 1): [p + d − (p − d)²]/n.
 *
 * @example npsVariance({ n: 200, promoters: 100, detractors: 40 }) // 0.00305
 */
export function npsVariance(counts: NpsCounts): number {
  const p = counts.promoters / counts.n;
  const d = counts.detractors / counts.n;
  return Math.max(0, p + d - (p - d) ** 2) / counts.n;
}

/**
 * NPS of the first group minus the second's, in points, with the Wald interval of the sum of
 * their variances.
 *
 * @example compareNps({ n: 200, promoters: 100, detractors: 40 }, { n: 200, promoters: 100, detractors: 40 }).difference // ±15.3
 */
export function compareNps(first: NpsCounts, second: NpsCounts): SurveyComparison<NpsCounts> {
  const conclusive = canConclude(first.n, second.n);
  if (first.n === 0 || second.n === 0) return { first, second, difference: null, conclusive, clear: false };
  const nps = (counts: NpsCounts) => (counts.promoters - counts.detractors) / counts.n;
  const estimate = nps(first) - nps(second);
  const half = Z * Math.sqrt(npsVariance(first) + npsVariance(second));
  const difference = { estimate: 100 * estimate, low: 100 * (estimate - half), high: 100 * (estimate + half) };
  return { first, second, difference, conclusive, clear: difference.low > 0 || difference.high < 0 };
}

/**
 * Satisfied share of the first group minus the second's, in points, with Newcombe's interval.
 *
 * @example compareCsat({ n: 70, satisfied: 56 }, { n: 80, satisfied: 48 }).difference // { estimate: 20, low: 5.24, high: 33.39 } (rounded)
 */
export function compareCsat(first: CsatCounts, second: CsatCounts): SurveyComparison<CsatCounts> {
  const conclusive = canConclude(first.n, second.n);
  const interval = newcombeDifference(first.satisfied, first.n, second.satisfied, second.n);
  if (!interval) return { first, second, difference: null, conclusive, clear: false };
  const difference = { estimate: 100 * interval.estimate, low: 100 * interval.low, high: 100 * interval.high };
  return { first, second, difference, conclusive, clear: difference.low > 0 || difference.high < 0 };
}
