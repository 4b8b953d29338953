import * as z from 'zod';

/** Influence tiers, from no influence signal to the top of the scale. */
export const TIERS = ['none', 'standard', 'notable', 'high', 'top'] as const;

/** An influence tier; `none` always means exactly the baseline service. */
export const TierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof TierSchema>;

/** Lowest score of each tier above `none`; the default is standard 1-39, notable 40-59, high 60-79, top 80-100. */
export const TierThresholdsSchema = z
  .object({
    standard: z.number().int().min(1).max(100).default(1),
    notable: z.number().int().min(1).max(100).default(40),
    high: z.number().int().min(1).max(100).default(60),
    top: z.number().int().min(1).max(100).default(80),
  })
  .refine((t) => t.standard < t.notable && t.notable < t.high && t.high < t.top, {
    message: 'tier thresholds must increase: standard < notable < high < top',
  });
export type TierThresholds = z.infer<typeof TierThresholdsSchema>;

/** The default tier thresholds. */
export const DEFAULT_TIER_THRESHOLDS: TierThresholds = { standard: 1, notable: 40, high: 60, top: 80 };

/**
 * The tier a score falls in; no score means `none`.
 *
 * @example tierForScore(64) // 'high'
 */
export function tierForScore(score: number | undefined, thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS): Tier {
  if (score === undefined || !Number.isFinite(score)) return 'none';
  if (score >= thresholds.top) return 'top';
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.notable) return 'notable';
  if (score >= thresholds.standard) return 'standard';
  return 'none';
}
