import * as z from 'zod';
import { TrustLevelSchema } from './events.js';
import { HandleScoreSchema } from './network-score.js';

/** Where a score came from. */
export const ScoreSourceSchema = z.enum(['import', 'helpdesk-metrics', 'http', 'override', 'networks']);
export type ScoreSource = z.infer<typeof ScoreSourceSchema>;

/**
 * A customer's influence score with what it was computed from, so every use of it can be
 * explained. `components` and `inputs` are the model's parts; an imported score has none.
 */
export const InfluenceScoreSchema = z.object({
  value: z.number().int().min(1).max(100),
  source: ScoreSourceSchema,
  modelVersion: z.string().min(1),
  scoredAt: z.iso.datetime({ offset: true }),
  /** After this the score is stale: still used, but a refresh is due. */
  refreshAfter: z.iso.datetime({ offset: true }),
  components: z.record(z.string(), z.number()).default({}),
  inputs: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
  /** One line an agent can read, e.g. "Reach 64 (high): 48k followers, ...". */
  explanation: z.string().min(1),
  /** From open networks: every linked handle as last looked up, with its trust and counts. */
  handles: z.array(HandleScoreSchema).optional(),
  /** How far the handle this score came from can be trusted. */
  trust: TrustLevelSchema.optional(),
  /**
   * Set when the score is shown but raises nothing: its handle is less trusted than the tenant
   * asks ("Bluesky handle declared by the customer, not verified: not used for priority ...").
   */
  unusedReason: z.string().min(1).optional(),
});
export type InfluenceScore = z.infer<typeof InfluenceScoreSchema>;

/** Freshness settings: when a score is due for refresh and when it is too old to use. */
export const FreshnessSchema = z.object({
  refreshAfterDays: z.number().positive().default(7),
  maxAgeDays: z.number().positive().default(30),
});
export type Freshness = z.infer<typeof FreshnessSchema>;

/** How usable a score is at a moment in time. */
export type ScoreFreshness = 'fresh' | 'stale' | 'expired';

const DAY_MS = 86_400_000;

/**
 * Classifies a score: fresh until `refreshAfter`, stale (used, refresh due) until the maximum
 * age, expired (not used) after that.
 *
 * @example scoreFreshness(score, new Date(), { refreshAfterDays: 7, maxAgeDays: 30 }) // 'fresh'
 */
export function scoreFreshness(score: InfluenceScore, now: Date, freshness: Freshness): ScoreFreshness {
  const ageMs = now.getTime() - Date.parse(score.scoredAt);
  if (ageMs > freshness.maxAgeDays * DAY_MS) return 'expired';
  if (now.getTime() >= Date.parse(score.refreshAfter)) return 'stale';
  return 'fresh';
}
