import * as z from 'zod';
import { NpsCategorySchema } from './nps.js';
import { PrioritySchema } from './priority.js';
import { FreshnessSchema } from './score.js';
import { DEFAULT_TIER_THRESHOLDS, TierSchema, TierThresholdsSchema } from './tiers.js';

/** Tags must be valid in every supported helpdesk: lower-case letters, digits, `_`, `-`, `:`. */
const TagSchema = z.string().regex(/^[a-z0-9_:-]{1,80}$/, 'tags are 1-80 characters of a-z, 0-9, _, - or :');

/**
 * One policy rule. It matches when the customer's tier is in `tiers` (if given) and their recent
 * NPS category is in `nps` (if given); a rule with neither matches nobody.
 */
export const PolicyRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'rule ids are 1-64 characters of a-z, 0-9, _ or -'),
    tiers: z.array(TierSchema).min(1).optional(),
    nps: z.array(NpsCategorySchema).min(1).optional(),
    /** Priority levels to add; the policy's cap still applies. */
    uplift: z.number().int().min(0).max(2).default(0),
    tags: z.array(TagSchema).default([]),
    /** Routing hint: the helpdesk group to route to. */
    groupId: z.string().min(1).optional(),
    /** Why the rule exists, shown to agents. */
    reason: z.string().min(1),
  })
  .refine((rule) => rule.tiers !== undefined || rule.nps !== undefined, {
    message: 'a rule needs a "tiers" or an "nps" condition',
  })
  .refine((rule) => !rule.tiers?.includes('none') || rule.uplift === 0, {
    message: 'a rule for tier "none" cannot raise priority: tier none gets exactly the baseline',
  });
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

/** The default rules: a one-level uplift for high and top reach, and detractor follow-up. */
export const DEFAULT_RULES: PolicyRule[] = [
  { id: 'reach-top', tiers: ['top'], uplift: 1, tags: ['influence_top'], reason: 'very large engaged audience' },
  { id: 'reach-high', tiers: ['high'], uplift: 1, tags: ['influence_high'], reason: 'large engaged audience' },
  { id: 'reach-notable', tiers: ['notable'], uplift: 0, tags: ['influence_notable'], reason: 'notable audience' },
  {
    id: 'nps-detractor',
    nps: ['detractor'],
    uplift: 1,
    tags: ['nps_detractor'],
    reason: 'recent detractor: follow up quickly',
  },
  { id: 'nps-promoter', nps: ['promoter'], uplift: 0, tags: ['nps_promoter'], reason: 'recent promoter' },
  {
    id: 'nps-advocate',
    tiers: ['high', 'top'],
    nps: ['promoter'],
    uplift: 0,
    tags: ['influence_advocate'],
    reason: 'influential promoter: an advocate worth knowing',
  },
];

/**
 * A tenant's routing policy: data, validated once, with safe defaults. The guardrails in
 * `decide` apply whatever the policy says.
 *
 * @example PolicySchema.parse({}) // the defaults: active, cap 1, default tiers and rules
 */
export const PolicySchema = z.object({
  version: z.string().min(1).default('1'),
  /** `shadow` decides and records but never writes back. */
  mode: z.enum(['active', 'shadow']).default('active'),
  /** Most priority levels any decision may add: 1 by default, 2 at most. */
  maxUplift: z.number().int().min(0).max(2).default(1),
  /** The priority assumed when the helpdesk left the ticket's priority empty. */
  defaultPriority: PrioritySchema.default('normal'),
  tiers: TierThresholdsSchema.default(DEFAULT_TIER_THRESHOLDS),
  freshness: FreshnessSchema.default({ refreshAfterDays: 7, maxAgeDays: 30 }),
  /** How long an NPS answer counts as the customer's current sentiment. */
  npsWindowDays: z.number().int().positive().max(730).default(180),
  /**
   * How long a detractor answer makes the customer a recent detractor, whose next ticket carries
   * the detractor rules' hint and uplift (at most `npsWindowDays`).
   */
  detractorWindowDays: z.number().int().positive().max(730).default(30),
  rules: z.array(PolicyRuleSchema).default(DEFAULT_RULES),
  /**
   * The share (0 to 0.5) of the tickets that would be raised which are kept at the helpdesk's own
   * priority instead, chosen by a keyed draw per ticket, so raised and held-out tickets' service
   * can be compared. Nothing is written on a held-out ticket.
   */
  holdout: z.number().min(0).max(0.5).default(0),
  /** Whether a detractor's follow-up may be held out too; by default it never is. */
  holdoutDetractors: z.boolean().default(false),
});
export type Policy = z.infer<typeof PolicySchema>;

/**
 * The policy a survey answer is decided with: only the rules with an NPS condition, so an answer
 * can add its NPS tags, uplift and routing, but never re-apply an influence uplift the ticket
 * already had.
 *
 * @example decide({ ticket, profile, policy: surveyPolicy(policy), now })
 */
export function surveyPolicy(policy: Policy): Policy {
  return { ...policy, rules: policy.rules.filter((rule) => rule.nps !== undefined) };
}
export type PolicyInput = z.input<typeof PolicySchema>;
