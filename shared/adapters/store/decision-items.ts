import * as z from 'zod';
import type { Decision } from '../../domain/decide.js';
import type { DecisionListing, DecisionSummary } from '../../domain/decision-listing.js';
import type { DecisionRecord, TicketOutcome } from '../../domain/decision-record.js';
import { SourceSchema, TrustLevelSchema } from '../../domain/events.js';
import { NpsCategorySchema } from '../../domain/nps.js';
import { PrioritySchema } from '../../domain/priority.js';
import type { ScoreFailureKind } from '../../domain/score-lookup.js';
import { TierSchema } from '../../domain/tiers.js';
import { CorruptItemError } from './errors.js';
import { decisionDayPk, type ItemKey } from './keys.js';
import { DECISIONS_INDEX, withoutStorageAttributes } from './table.js';

/*
 * The items a decision is stored as, and their checks: the record's schema, the summary the
 * decisions-by-day index projects, and the parse of a stored item back into a record.
 */

const ScoreFailureKindSchema = z.enum([
  'timeout',
  'unavailable',
  'rate-limited',
  'malformed',
  'rejected',
  'circuit-open',
]) satisfies z.ZodType<ScoreFailureKind>;

/** Schema of a stored Decision (the domain declares it as an interface). */
export const DecisionSchema = z.object({
  policyVersion: z.string(),
  mode: z.enum(['active', 'shadow']),
  tier: TierSchema,
  score: z
    .object({
      value: z.number(),
      source: z.enum(['override', 'provider']),
      freshness: z.enum(['fresh', 'stale', 'expired']),
      explanation: z.string(),
      modelVersion: z.string(),
      trust: TrustLevelSchema.optional(),
    })
    .optional(),
  nps: z.object({ category: NpsCategorySchema, score: z.number(), answeredAt: z.string() }).optional(),
  helpdeskPriority: PrioritySchema.optional(),
  priority: PrioritySchema.optional(),
  uplift: z.number().int(),
  requestedUplift: z.number().int(),
  tags: z.array(z.string()),
  groupId: z.string().optional(),
  matchedRules: z.array(z.object({ id: z.string(), reason: z.string() })),
  guardrails: z.array(
    z.object({
      id: z.enum(['opted-out', 'no-score', 'handle-not-trusted', 'score-expired', 'never-boost', 'uplift-cap', 'urgent-ceiling']),
      message: z.string(),
    }),
  ),
  refreshDue: z.boolean(),
  providerFailure: ScoreFailureKindSchema.optional(),
}) satisfies z.ZodType<Decision>;

const MinutesSchema = z.number().min(0);

/** Schema of a stored ticket outcome: what followed, read back when the ticket was solved. */
export const TicketOutcomeSchema = z.object({
  solvedAt: z.string(),
  firstReplyMinutes: MinutesSchema.optional(),
  resolutionMinutes: MinutesSchema.optional(),
  firstReplyBusinessMinutes: MinutesSchema.optional(),
  resolutionBusinessMinutes: MinutesSchema.optional(),
  reopens: z.number().int().min(0),
  readAt: z.string(),
  source: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
}) satisfies z.ZodType<TicketOutcome>;

/** Schema of a stored DecisionRecord. */
export const DecisionRecordSchema = z.object({
  tenant: z.string().min(1),
  decisionId: z.string().min(1),
  deliveryId: z.string().min(1),
  source: SourceSchema,
  ticketId: z.string().min(1),
  customerKey: z.string().min(1).optional(),
  receivedAt: z.string(),
  decidedAt: z.string(),
  configVersion: z.number().int().min(1).optional(),
  status: z.enum(['pending', 'failed', 'applied', 'shadow', 'skipped', 'held-out', 'baseline']),
  decision: DecisionSchema,
  note: z.string(),
  written: z
    .object({ priority: PrioritySchema.optional(), tags: z.array(z.string()), groupId: z.string().optional(), at: z.string() })
    .optional(),
  skippedReason: z.string().optional(),
  failedReason: z.string().optional(),
  holdout: z.object({ draw: z.number().min(0).lt(1), share: z.number().min(0).max(0.5) }).optional(),
  outcome: TicketOutcomeSchema.optional(),
}) satisfies z.ZodType<DecisionRecord>;

/** What the decisions-by-day index keeps of a decision: enough to list, filter and count it. */
export const DecisionSummarySchema = z.object({
  tier: TierSchema,
  mode: z.enum(['active', 'shadow']),
  uplift: z.number().int(),
  requestedUplift: z.number().int(),
  priority: PrioritySchema.optional(),
  helpdeskPriority: PrioritySchema.optional(),
  rules: z.array(z.string()),
  guardrails: z.array(z.string()),
  nps: NpsCategorySchema.optional(),
  score: DecisionSchema.shape.score.unwrap().pick({ value: true, source: true, freshness: true, trust: true }).optional(),
  providerFailure: ScoreFailureKindSchema.optional(),
  solvedAt: z.string().optional(),
  frMin: MinutesSchema.optional(),
  resMin: MinutesSchema.optional(),
  reopens: z.number().int().min(0).optional(),
  configVersion: z.number().int().min(1).optional(),
}) satisfies z.ZodType<DecisionSummary>;

/** One decision as the decisions-by-day index lists it (the note and the full explanation are in the record). */
export const DecisionListingSchema = DecisionRecordSchema.pick({
  tenant: true,
  decisionId: true,
  ticketId: true,
  source: true,
  status: true,
  decidedAt: true,
  customerKey: true,
  skippedReason: true,
  failedReason: true,
}).extend({ summary: DecisionSummarySchema }) satisfies z.ZodType<DecisionListing>;

/**
 * The attributes that put a record in the decisions-by-day index: none for a pending claim
 * (not decided yet), else its tenant and UTC day's partition, its time and id as the sort key,
 * and its summary. Every write of a decided record carries them, redactions included, so a
 * redacted decision stays counted with what is left of it.
 *
 * @example decisionIndexAttributes(record).decisionDay // 'T#acme#DECISIONS#2026-11-23'
 */
export function decisionIndexAttributes(record: DecisionRecord): Record<string, unknown> {
  if (record.status === 'pending') return {};
  const { decision } = record;
  const summary: DecisionSummary = {
    tier: decision.tier,
    mode: decision.mode,
    uplift: decision.uplift,
    requestedUplift: decision.requestedUplift,
    ...(decision.priority ? { priority: decision.priority } : {}),
    ...(decision.helpdeskPriority ? { helpdeskPriority: decision.helpdeskPriority } : {}),
    rules: decision.matchedRules.map((rule) => rule.id),
    guardrails: decision.guardrails.map((guardrail) => guardrail.id),
    ...(decision.nps ? { nps: decision.nps.category } : {}),
    ...(decision.score
      ? {
          score: {
            value: decision.score.value,
            source: decision.score.source,
            freshness: decision.score.freshness,
            ...(decision.score.trust ? { trust: decision.score.trust } : {}),
          },
        }
      : {}),
    ...(decision.providerFailure ? { providerFailure: decision.providerFailure } : {}),
    ...(record.outcome ? outcomeSummary(record.outcome) : {}),
    ...(record.configVersion !== undefined ? { configVersion: record.configVersion } : {}),
  };
  return {
    [DECISIONS_INDEX.partitionKey]: decisionDayPk(record.tenant, new Date(record.decidedAt).toISOString().slice(0, 10)),
    [DECISIONS_INDEX.sortKey]: `${record.decidedAt}#${record.decisionId}`,
    summary,
  };
}

/**
 * What the day index's summary keeps of an outcome: the solve time, first reply and resolution in
 * calendar minutes (absent: not happened yet), and the reopens.
 *
 * @example outcomeSummary(outcome) // { solvedAt: '2026-11-23T12:00:00Z', frMin: 42, resMin: 120, reopens: 0 }
 */
export function outcomeSummary(outcome: TicketOutcome): Pick<DecisionSummary, 'solvedAt' | 'frMin' | 'resMin' | 'reopens'> {
  return {
    solvedAt: outcome.solvedAt,
    ...(outcome.firstReplyMinutes !== undefined ? { frMin: outcome.firstReplyMinutes } : {}),
    ...(outcome.resolutionMinutes !== undefined ? { resMin: outcome.resolutionMinutes } : {}),
    reopens: outcome.reopens,
  };
}

/**
 * A stored decision item as a record, checked against its schema and its tenant.
 *
 * @example const record = parseDecisionItem(item, decisionKey(tenant, decisionId), tenant)
 */
export function parseDecisionItem(item: Record<string, unknown>, key: ItemKey, tenant: string): DecisionRecord {
  const parsed = DecisionRecordSchema.safeParse(withoutStorageAttributes(item));
  if (!parsed.success) {
    throw new CorruptItemError(`decision item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
  }
  if (parsed.data.tenant !== tenant) throw new CorruptItemError('decision item belongs to another tenant', key);
  return parsed.data;
}
