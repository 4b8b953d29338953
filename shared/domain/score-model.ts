import { z } from 'zod';
import { InvalidPayloadError } from './errors.js';
import type { InfluenceScore, ScoreSource } from './score.js';
import { type Tier, tierForScore } from './tiers.js';

/*
 * The Reach Score model, 1-100, from public profile metrics only (surveys-influence.md §C.6).
 *
 * raw   = 0.45·r + 0.35·e + 0.15·q + 0.05·v          (each component clamped to [0, 1])
 * mult  = ageMult · erPenalty · activity
 * score = clamp(round(100 · raw · mult), 1, 100)
 *
 * How the printed formula is read, checked against the reference's example table (profiles A-F
 * give exactly 22, 40, 64, 87, 18, 6; see the unit tests):
 * - "E/F < 0.02 %" is a percentage: the engagement fraction E/F is below 0.0002. Reading it as
 *   the fraction 0.02 would penalise the niche expert (0.73 %) and the celebrity (0.75 %) down to
 *   45 and 61.
 * - round() is round-half-up of the unrounded product; truncating would give B 39, C 63, D 86.
 * - The table has no post-count column: row F's multiplier 0.42 is ageMult 0.527 × activity 0.8,
 *   so that account has fewer than 10 posts; the other rows' 1.0 need 10 or more.
 *
 * Monotonicity: raw, ageMult and activity never fall as followers grow, but the bought-audience
 * penalty switches on once F reaches 10 000 and E/F drops under 0.02 %, and then stays on. So the
 * score is non-decreasing in engagement everywhere, and in followers except for one drop of at
 * most 30 % at that threshold (row E's neighbours: 21 at 15 000 followers, 15 at 15 001, 18 at
 * 80 000). The drop is kept on purpose: a model monotone in followers that agrees with this one
 * wherever the penalty is off must score row E at least 21, not 18, and cannot penalise a
 * celebrity-like profile (row D, 87) by more than a few points however many followers it adds.
 */

/** Version stamped on every Reach Score; bump it whenever the formula or a constant changes. */
export const REACH_MODEL_VERSION = 'reach-1';

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
 * The model's parts: the four components, the three damping factors, their product and the
 * weighted sum before damping. A type alias, so it fits InfluenceScore's `components` record.
 */
export type ReachComponents = {
  r: number;
  e: number;
  q: number;
  v: number;
  ageMult: number;
  erPenalty: number;
  activity: number;
  mult: number;
  raw: number;
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
const BOUGHT_MIN_FOLLOWERS = 10_000;
/** 0.02 % as a fraction: below this many interactions per follower a large audience looks bought or dead. */
const BOUGHT_MAX_ENGAGEMENT_RATE = 0.0002;
const BOUGHT_PENALTY = 0.7;
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

  const r = clamp01(Math.log10(F + 1) / 7);
  const e = clamp01(Math.log10(E + 1) / 5);
  const q = clamp01(0.5 + Math.log10((F + 1) / (G + 1)) / 3);
  const v = VERIFICATION_VALUE[input.verification];
  const raw = WEIGHTS.r * r + WEIGHTS.e * e + WEIGHTS.q * q + WEIGHTS.v * v;

  const ageMult = 0.5 + 0.5 * Math.min(1, accountAgeDays / FULL_AGE_DAYS);
  const bought = F >= BOUGHT_MIN_FOLLOWERS && E < BOUGHT_MAX_ENGAGEMENT_RATE * F;
  const erPenalty = bought ? BOUGHT_PENALTY : 1;
  const activity = P < LOW_ACTIVITY_POSTS ? LOW_ACTIVITY_PENALTY : 1;
  const mult = ageMult * erPenalty * activity;

  const score = Math.min(100, Math.max(1, Math.round(100 * raw * mult)));
  const tier = tierForScore(score);
  return {
    score,
    tier,
    components: { r, e, q, v, ageMult, erPenalty, activity, mult, raw },
    inputs: { ...input },
    explanation: explain(score, tier, input, { young: ageMult < 1, bought, lowActivity: activity < 1 }),
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
  damping: { young: boolean; bought: boolean; lowActivity: boolean },
): string {
  const { followers: F, following: G, engagementPerPost: E } = input;
  const parts = [
    counted(F, 'follower'),
    `median ${counted(E, 'interaction')} per post`,
    `follower:following ${ratio(F, G)}`,
  ];
  // The paid check adds at most one point (0.05 × 0.2), so agents are told not to read much into it.
  if (input.verification === 'paid') parts.push('paid check barely counts');
  if (input.verification === 'org') parts.push('organisation check');

  const damped: string[] = [];
  if (damping.young) damped.push(`young account (${counted(Math.floor(input.accountAgeDays), 'day')})`);
  if (damping.bought) damped.push('suspected bought audience (engagement under 0.02% of followers)');
  if (damping.lowActivity) damped.push(`low activity (${counted(input.postCount, 'post')})`);
  const dampedText = damped.length > 0 ? `; damped for ${damped.join(', ')}` : '';

  return `Reach ${score} (${tier}): ${parts.join(', ')}${dampedText}.`;
}

/** "48k followers", "1 follower": the noun agrees with the number as displayed. */
function counted(n: number, noun: string): string {
  const shown = humanise(n);
  return `${shown} ${shown === '1' ? noun : `${noun}s`}`;
}

/** "44:1" or "1:2"; raw counts when either side is zero, where a ratio means nothing. */
function ratio(followers: number, following: number): string {
  if (followers === 0 || following === 0) return `${humanise(followers)}:${humanise(following)}`;
  return followers >= following ? `${humanise(followers / following)}:1` : `1:${humanise(following / followers)}`;
}

const UNITS = ['', 'k', 'M', 'B', 'T'] as const;
const HUMANISE_LIMIT = 1e15;

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
