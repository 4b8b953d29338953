import { canConclude, MIN_CONCLUSIVE, tooFewText } from './conclusive.js';
import { csatSatisfied } from './csat.js';
import { npsCategory } from './nps.js';

/** Fewest answers a score is shown as a conclusion from: the one rule of conclusive.ts. */
export const MIN_CONCLUSIVE_ANSWERS = MIN_CONCLUSIVE;

/** z for a two-sided 95 % interval. */
const Z_95 = 1.96;

/** NPS over a set of 0-10 answers, with its standard error and 95 % margin of error in points. */
export interface NpsSummary {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** %promoters − %detractors, from −100 to 100; null without answers. */
  nps: number | null;
  /** Standard error of the NPS, in points; null without answers. */
  standardError: number | null;
  /** 1.96 × the standard error, in points; null without answers. */
  marginOfError95: number | null;
  /** False below MIN_CONCLUSIVE_ANSWERS answers, however small the margin looks. */
  conclusive: boolean;
}

/** CSAT over a set of ratings: the percentage satisfied, with its 95 % margin of error in points. */
export interface CsatSummary {
  n: number;
  satisfied: number;
  /** Percent satisfied (0-100); null without answers. */
  csat: number | null;
  /** 1.96 × √(p(1 − p)/n) × 100, in points; null without answers. */
  marginOfError95: number | null;
  /** False below MIN_CONCLUSIVE_ANSWERS answers. */
  conclusive: boolean;
}

/** One CSAT rating: a score from 1 to its scale. */
export interface CsatAnswer {
  score: number;
  scale: number;
}

/**
 * NPS of a set of 0-10 answers with its margin of error. Each answer counts +1 (promoter), 0
 * (passive) or −1 (detractor), so NPS is their mean × 100 and Var = [p + d − (p − d)²] / n.
 *
 * @example npsSummary([10, 9, 8, 3]).nps // 25
 * @throws RangeError when a score is not a whole number from 0 to 10
 */
export function npsSummary(scores: readonly number[]): NpsSummary {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const score of scores) {
    if (!Number.isInteger(score) || score < 0 || score > 10)
      throw new RangeError(`an NPS answer is a whole number from 0 to 10, got ${score}`);
    const category = npsCategory(score);
    if (category === 'promoter') promoters += 1;
    else if (category === 'passive') passives += 1;
    else detractors += 1;
  }
  const n = scores.length;
  const conclusive = canConclude(n);
  if (n === 0) return { n, promoters, passives, detractors, nps: null, standardError: null, marginOfError95: null, conclusive };

  const p = promoters / n;
  const d = detractors / n;
  // Rounding can leave a hair below zero when every answer is in one category.
  const variance = Math.max(0, p + d - (p - d) ** 2) / n;
  const standardError = Math.sqrt(variance) * 100;
  return {
    n,
    promoters,
    passives,
    detractors,
    // From the counts, not from p − d, so a whole-number NPS comes out whole (30, not 30.000000000000004).
    nps: (100 * (promoters - detractors)) / n,
    standardError,
    marginOfError95: Z_95 * standardError,
    conclusive,
  };
}

/**
 * Percent satisfied over CSAT ratings of any scales (as `csatSatisfied` counts them), with the
 * 95 % margin of error of a proportion.
 *
 * @example csatSummary([{ score: 2, scale: 2 }, { score: 4, scale: 5 }, { score: 1, scale: 3 }]).satisfied // 2
 */
export function csatSummary(answers: readonly CsatAnswer[]): CsatSummary {
  const n = answers.length;
  const satisfied = answers.filter((answer) => csatSatisfied(answer.score, answer.scale)).length;
  const conclusive = canConclude(n);
  if (n === 0) return { n, satisfied, csat: null, marginOfError95: null, conclusive };
  const p = satisfied / n;
  return {
    n,
    satisfied,
    csat: (100 * satisfied) / n,
    marginOfError95: Z_95 * Math.sqrt((p * (1 - p)) / n) * 100,
    conclusive,
  };
}

/**
 * How every page and command shows an NPS: `+25.0 ± 15.3` from the minimum of answers up, else
 * the words of the one rule (conclusive.ts), never a number that looks like a result.
 *
 * @example npsFigure(npsSummary([10, 0, 3])) // 'too few to conclude (3, fewer than 30)'
 */
export function npsFigure(summary: NpsSummary): string {
  if (!summary.conclusive || summary.nps === null || summary.marginOfError95 === null) return tooFewText(summary.n);
  return `${summary.nps > 0 ? '+' : ''}${summary.nps.toFixed(1)} ± ${summary.marginOfError95.toFixed(1)}`;
}

/**
 * How every page and command shows a CSAT: `82.0 % ± 4.1` from the minimum of answers up, else the words of the one rule.
 *
 * @example csatFigure(csatSummary([{ score: 2, scale: 2 }])) // 'too few to conclude (1, fewer than 30)'
 */
export function csatFigure(summary: CsatSummary): string {
  if (!summary.conclusive || summary.csat === null || summary.marginOfError95 === null) return tooFewText(summary.n);
  return `${summary.csat.toFixed(1)} % ± ${summary.marginOfError95.toFixed(1)}`;
}
