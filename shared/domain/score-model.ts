import * as z from 'zod';
import { InvalidPayloadError } from './errors.js';
import type { InfluenceScore, ScoreSource } from './score.js';
import { type Tier, tierForScore } from './tiers.js';

/*
 * The Reach Score model, 1-100, from public profile metrics only (surveys-influence.md §C.6),
 * with the printed bought-audience penalty replaced by an engaged-audience cap.
 *
 * Feff  = min(F, max(10 000, E / 0.0002))             (followers the engagement supports)
 * raw   = 0.45·r + 0.35·e + 0.15·q + 0.05·v          (each component clamped to [0, 1]; r and q use Feff)
 * mult  = ageMult · activity
 * score = clamp(round(100 · raw · mult), 1, 100)
 *
 * How the printed formula is read, checked against the reference's example table (profiles A-D
 * and F give exactly 22, 40, 64, 87, 6; see the unit tests):
 * - "E/F < 0.02 %" is a percentage: the engagement fraction E/F is below 0.0002. Reading it as
 *   the fraction 0.02 would treat the niche expert (0.73 %) and the celebrity (0.75 %) as bought.
 * - round() is round-half-up of the unrounded product; truncating would give B 39, C 63, D 86.
 * - The table has no post-count column: row F's multiplier 0.42 is ageMult 0.527 × activity 0.8,
 *   so that account has fewer than 10 posts; the other rows' 1.0 need 10 or more.
 *
 * Why a cap instead of the printed `erPenalty = 0.7 if F ≥ 10 000 and E/F < 0.02 %`: that step
 * made the score fall as followers grew (9 999 → 10 000 followers at one interaction per post went
 * 43 → 30), so buying followers could move a score either way and the scale was not monotone.
 * The cap keeps the same 0.02 % line but applies it to the audience instead of the result:
 * beyond 10 000, a follower counts only while engagement is at least 0.02 % of the counted
 * audience. Feff is the minimum of F and a bound that grows with E, so it never falls as F or E
 * grows; r, q and e never fall with Feff or E, and mult depends on neither, so the score is
 * non-decreasing in followers and in engagement. Bought followers add nothing past the cap.
 * Row E, whose engagement supports 15 000 of its 80 000 followers, scores 21 instead of 18: the
 * least any monotone model agreeing with the printed one wherever its penalty is off can give it.
 * The floor is 10 000 rather than 9 999: with 9 999, 9 999.5 followers would count more than
 * 10 000 do. For whole follower counts the two floors differ only at exactly 10 000 followers and
 * under 2 interactions, by one follower, worth under 0.001 of a point.
 */

/** Version stamped on every Reach Score; bump it whenever the formula or a constant changes. */
export const REACH_MODEL_VERSION = 'reach-2';

const count = z.number().nonnegative();

/** The public metrics of one linked, consented profile; counts are non-negative and finite. */
export const ReachInputsSchema = z.object({
  followers: count,
  following: count,
  /** Median interactions (likes + replies + reposts + quotes) per post over the last 20 posts. */
  engagementPerPost: count,
  accountAgeDays: count,
  postCount: count,
  /** `org` for business or government checks, `paid` for the subscription check. */
  verification: z.enum(['none', 'paid', 'org']),
});
export type ReachInputs = z.infer<typeof ReachInputsSchema>;

/**
 * The model's parts: the four components, the two damping factors, their product, the weighted
 * sum before damping, and the followers that counted. A type alias, so it fits
 * InfluenceScore's `components` record.
 */
export type ReachComponents = {
  r: number;
  e: number;
  q: number;
  v: number;
  ageMult: number;
  activity: number;
  mult: number;
  raw: number;
  /** Feff: the followers that count towards r and q, at most `followers`. */
  effectiveFollowers: number;
  /** 1 when the engaged-audience cap left some followers uncounted (Feff < F), else 0. */
  engagedAudienceCapped: number;
};

/** A computed Reach Score with everything needed to explain and store it. */
export interface ReachResult {
  score: number;
  tier: Tier;
  components: ReachComponents;
  inputs: ReachInputs;
  explanation: string;
  modelVersion: string;
}

const WEIGHTS = { r: 0.45, e: 0.35, q: 0.15, v: 0.05 } as const;
const VERIFICATION_VALUE = { none: 0, paid: 0.2, org: 1 } as const;
const FULL_AGE_DAYS = 365;
/** Every audience up to this size counts in full, whatever its engagement. */
const UNCAPPED_AUDIENCE = 10_000;
/** 0.02 % as a fraction: past 10 000, a follower counts only while E is at least this share of the audience. */
const MIN_ENGAGEMENT_RATE = 0.0002;
// 1 / 0.0002, written out so that E × 5000 is exact for whole E where E / 0.0002 is not.
const AUDIENCE_PER_INTERACTION = 5_000;
const LOW_ACTIVITY_POSTS = 10;
const LOW_ACTIVITY_PENALTY = 0.8;
const DAY_MS = 86_400_000;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * Scores one profile with the Reach Score model and explains the result in one line.
 * Throws InvalidPayloadError when an input is negative, not a finite number, or unknown.
 *
 * @example computeReachScore({ followers: 48_000, following: 1_100, engagementPerPost: 350, accountAgeDays: 2_920, postCount: 5_200, verification: 'paid' }).score // 64
 */
export function computeReachScore(inputs: ReachInputs): ReachResult {
  const parsed = ReachInputsSchema.safeParse(inputs);
  if (!parsed.success) {
    throw new InvalidPayloadError(
      'invalid reach score inputs',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      { cause: parsed.error },
    );
  }
  const input = parsed.data;
  const { followers: F, following: G, engagementPerPost: E, accountAgeDays, postCount: P } = input;

  const Feff = Math.min(F, Math.max(UNCAPPED_AUDIENCE, E * AUDIENCE_PER_INTERACTION));
  const capped = Feff < F;

  const r = clamp01(Math.log10(Feff + 1) / 7);
  const e = clamp01(Math.log10(E + 1) / 5);
  const q = clamp01(0.5 + Math.log10((Feff + 1) / (G + 1)) / 3);
  const v = VERIFICATION_VALUE[input.verification];
  const raw = WEIGHTS.r * r + WEIGHTS.e * e + WEIGHTS.q * q + WEIGHTS.v * v;

  const ageMult = 0.5 + 0.5 * Math.min(1, accountAgeDays / FULL_AGE_DAYS);
  const activity = P < LOW_ACTIVITY_POSTS ? LOW_ACTIVITY_PENALTY : 1;
  const mult = ageMult * activity;

  const score = Math.min(100, Math.max(1, Math.round(100 * raw * mult)));
  const tier = tierForScore(score);
  return {
    score,
    tier,
    components: { r, e, q, v, ageMult, activity, mult, raw, effectiveFollowers: Feff, engagedAudienceCapped: capped ? 1 : 0 },
    inputs: { ...input },
    explanation: explain(score, tier, input, { effectiveFollowers: Feff, young: ageMult < 1, lowActivity: activity < 1 }),
    modelVersion: REACH_MODEL_VERSION,
  };
}

/**
 * Wraps a Reach Score as the stored InfluenceScore, with its refresh date.
 *
 * @example toInfluenceScore(result, { source: 'http', scoredAt: new Date(), refreshAfterDays: 7 })
 */
export function toInfluenceScore(
  result: ReachResult,
  opts: { source: ScoreSource; scoredAt: Date; refreshAfterDays: number },
): InfluenceScore {
  if (!Number.isFinite(opts.refreshAfterDays) || opts.refreshAfterDays <= 0) {
    throw new RangeError(`refreshAfterDays must be a positive number, got ${opts.refreshAfterDays}`);
  }
  return {
    value: result.score,
    source: opts.source,
    modelVersion: result.modelVersion,
    scoredAt: opts.scoredAt.toISOString(),
    refreshAfter: new Date(opts.scoredAt.getTime() + opts.refreshAfterDays * DAY_MS).toISOString(),
    components: { ...result.components },
    inputs: { ...result.inputs },
    explanation: result.explanation,
  };
}

function explain(
  score: number,
  tier: Tier,
  input: ReachInputs,
  effects: { effectiveFollowers: number; young: boolean; lowActivity: boolean },
): string {
  const { followers: F, following: G, engagementPerPost: E } = input;
  const parts = [counted(F, 'follower'), `median ${counted(E, 'interaction')} per post`, `follower:following ${ratio(F, G)}`];
  // The paid check adds at most one point (0.05 × 0.2), so agents are told not to read much into it.
  if (input.verification === 'paid') parts.push('paid check barely counts');
  if (input.verification === 'org') parts.push('organisation check');

  const capText =
    effects.effectiveFollowers < F
      ? `; only ${countedFollowersOf(effects.effectiveFollowers, F)} count (engagement ${engagementShare(E, F)} of followers)`
      : '';

  const damped: string[] = [];
  if (effects.young) damped.push(`young account (${counted(Math.floor(input.accountAgeDays), 'day')})`);
  if (effects.lowActivity) damped.push(`low activity (${counted(input.postCount, 'post')})`);
  const dampedText = damped.length > 0 ? `; damped for ${damped.join(', ')}` : '';

  return `Reach ${score} (${tier}): ${parts.join(', ')}${capText}${dampedText}.`;
}

/** "48k followers", "1 follower": the noun agrees with the number as displayed. */
function counted(n: number, noun: string): string {
  const shown = humanise(n);
  return `${shown} ${shown === '1' ? noun : `${noun}s`}`;
}

/**
 * "15k of 80k followers"; exact counts when both would round to the same figure, so the line
 * never reads "10k of 10k".
 */
function countedFollowersOf(counting: number, all: number): string {
  if (humanise(counting) !== humanise(all)) return `${humanise(counting)} of ${counted(all, 'follower')}`;
  const exact = (n: number): string => Math.round(n).toLocaleString('en-US');
  return `${exact(counting)} of ${exact(all)} followers`;
}

/**
 * E / F as a percentage to one significant figure, "0.004 %". Only called under the 0.02 % line,
 * so a share that rounds up to it says "just under", and one too small to show says so.
 */
function engagementShare(engagement: number, followers: number): string {
  const percent = (100 * engagement) / followers;
  if (percent === 0) return '0 %';
  if (percent < SMALLEST_SHOWN_PERCENT) return `under ${SMALLEST_SHOWN_PERCENT} %`;
  const shown = Number(percent.toPrecision(1));
  return shown >= 100 * MIN_ENGAGEMENT_RATE ? `just under ${100 * MIN_ENGAGEMENT_RATE} %` : `${shown} %`;
}

/** "44:1" or "1:2"; raw counts when either side is zero, where a ratio means nothing. */
function ratio(followers: number, following: number): string {
  if (followers === 0 || following === 0) return `${humanise(followers)}:${humanise(following)}`;
  return followers >= following ? `${humanise(followers / following)}:1` : `1:${humanise(following / followers)}`;
}

const UNITS = ['', 'k', 'M', 'B', 'T'] as const;
const HUMANISE_LIMIT = 1e15;
const SMALLEST_SHOWN_PERCENT = 0.001;

/** 150, 2.5k, 48k, 1.2M: one decimal below 10 of a unit, none above. */
function humanise(n: number): string {
  // No real profile gets here; exponent notation keeps absurd inputs on one readable line.
  if (n >= HUMANISE_LIMIT) return n.toExponential(1);
  const display = (x: number): number => (x < 10 ? Math.round(x * 10) / 10 : Math.round(x));
  let unit = 0;
  let value = n;
  // Steps up after rounding, so 999,999 reads "1M" rather than "1000k".
  while (unit < UNITS.length - 1 && display(value) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  return `${display(value)}${UNITS[unit] ?? ''}`;
}
