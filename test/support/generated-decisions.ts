import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { batchWriteAll } from '../../shared/adapters/store/batch.js';
import { decisionIndexAttributes } from '../../shared/adapters/store/decision-items.js';
import { decisionKey } from '../../shared/adapters/store/keys.js';
import type { DecisionRecord } from '../../shared/domain/decision-record.js';
import type { Priority } from '../../shared/domain/priority.js';
import type { Tier } from '../../shared/domain/tiers.js';
import { seeded, weighted } from '../../infra/load/seeded-random.js';

const DAY_MS = 86_400_000;
const TIER_WEIGHTS: readonly (readonly [Tier, number])[] = [
  ['none', 45],
  ['standard', 25],
  ['notable', 15],
  ['high', 10],
  ['top', 5],
];
const STATUS_WEIGHTS: readonly (readonly ['applied' | 'skipped' | 'failed', number])[] = [
  ['applied', 90],
  ['skipped', 7],
  ['failed', 3],
];
const RAISING_RULE: Partial<Record<Tier, string>> = { high: 'reach-high', top: 'reach-top' };

/**
 * Service outcomes to generate with the decisions: a holdout share of the raises, times drawn
 * log-normally (median `firstReplyMedian` minutes to the first reply, `resolutionMedian` to
 * resolution, σ = 1), a planted factor on raised tickets' first reply by tier (0.7: 30 % faster),
 * a share still open, a share solved with no reply, shadow mode before `activeFrom`, a factor on
 * everyone else's first reply from `activeFrom` on, and every `baselineEvery`-th ticket a solved
 * ticket never decided.
 */
export interface GeneratedOutcomes {
  holdout: number;
  raisedFirstReply?: Partial<Record<Tier, number>>;
  firstReplyMedian?: number;
  resolutionMedian?: number;
  openShare?: number;
  noReplyShare?: number;
  activeFrom?: string;
  othersAfterActive?: number;
  baselineEvery?: number;
}

/** The provider failures generated decisions carry, a quarter of the unscored ones. */
const PROVIDER_FAILURES = ['timeout', 'circuit-open', 'unavailable'] as const;

/**
 * `count` ticket decisions of one tenant over `days` UTC days from `from`, seeded so a run can be
 * repeated: customers reused across tickets, tiers skewed towards none, high and top tiers raised
 * one level (notable tagged only), a share skipped or failed, and every `shadowEvery`-th decision
 * made in shadow mode (none by default).
 */
export function generateDecisions(
  tenant: string,
  count: number,
  options: { from?: string; days?: number; seed?: number; shadowEvery?: number; outcomes?: GeneratedOutcomes } = {},
): DecisionRecord[] {
  const records = generateDecisionsOnly(tenant, count, options);
  return options.outcomes ? withOutcomes(records, options.outcomes, (options.seed ?? 20261201) + 1) : records;
}

function generateDecisionsOnly(
  tenant: string,
  count: number,
  options: { from?: string; days?: number; seed?: number; shadowEvery?: number },
): DecisionRecord[] {
  const random = seeded(options.seed ?? 20261201);
  const start = Date.parse(`${options.from ?? '2026-11-01'}T00:00:00Z`);
  const span = (options.days ?? 30) * DAY_MS;
  const customers = Math.max(1, Math.floor(count / 3));
  return Array.from({ length: count }, (_, i) => {
    const decidedAt = new Date(start + Math.floor(random() * span)).toISOString();
    const tier = weighted(random(), TIER_WEIGHTS);
    const shadow = options.shadowEvery !== undefined && i % options.shadowEvery === 0;
    const status = shadow ? 'shadow' : weighted(random(), STATUS_WEIGHTS);
    const rule = RAISING_RULE[tier];
    const uplift = rule && status !== 'skipped' ? 1 : 0;
    const helpdeskPriority: Priority = 'normal';
    const customer = Math.floor(random() * customers);
    // A share of the unscored asked the provider on the ticket path and found it failing.
    const providerFailure = tier === 'none' ? PROVIDER_FAILURES[Math.floor(random() * PROVIDER_FAILURES.length * 4)] : undefined;
    return {
      tenant,
      decisionId: `zendesk:ticket-created:${100_000 + i}`,
      deliveryId: `generated-${i}`,
      source: 'zendesk',
      ticketId: String(100_000 + i),
      customerKey: `customer-${customer}`,
      receivedAt: decidedAt,
      decidedAt,
      status,
      decision: {
        policyVersion: '1',
        mode: shadow ? 'shadow' : 'active',
        tier,
        ...(tier === 'none'
          ? {}
          : { score: { value: 50, source: 'provider', freshness: 'fresh', explanation: 'generated', modelVersion: 'reach-2' } }),
        helpdeskPriority,
        ...(uplift > 0 ? { priority: 'high' as const } : {}),
        uplift,
        requestedUplift: uplift,
        tags: rule ? [`influence_${tier}`] : [],
        matchedRules: rule ? [{ id: rule, reason: 'generated' }] : tier === 'notable' ? [{ id: 'reach-notable', reason: 'generated' }] : [],
        guardrails: tier === 'none' ? [{ id: 'no-score', message: 'generated' }] : [],
        refreshDue: false,
        ...(providerFailure ? { providerFailure } : {}),
      },
      note: 'generated',
      ...(status === 'failed' ? { failedReason: 'PermanentHelpdeskError (403)' } : {}),
      ...(status === 'skipped' ? { skippedReason: 'ticket deleted' } : {}),
    };
  });
}

/** A log-normal draw with this median and σ = 1 (Box–Muller), in whole minutes of at least 1. */
function logNormal(random: () => number, median: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(1, Math.round(median * Math.exp(z)));
}

/**
 * The records with their service outcomes: raises held out at the share asked (with their draw),
 * shadow mode before `activeFrom`, times drawn with the planted effects, some open, some solved
 * with no reply, and some turned into baseline records (solved, never decided). Its own seeded
 * stream, so the decisions themselves are those generateDecisions makes without outcomes.
 */
function withOutcomes(records: readonly DecisionRecord[], plan: GeneratedOutcomes, seed: number): DecisionRecord[] {
  const random = seeded(seed);
  return records.map((record, i) => {
    const shadowed = plan.activeFrom !== undefined && record.decidedAt < plan.activeFrom;
    const draw = random();
    const raising = record.decision.uplift > 0 && (record.status === 'applied' || record.status === 'failed') && !shadowed;
    const heldOut = raising && draw < plan.holdout;
    const baseline = plan.baselineEvery !== undefined && i % plan.baselineEvery === plan.baselineEvery - 1 && record.decision.uplift === 0;
    let status: DecisionRecord['status'] = record.status;
    if (shadowed && record.status === 'applied') status = 'shadow';
    if (heldOut) status = 'held-out';
    if (baseline) status = 'baseline';
    // A failed write-back raised nothing: it stays in the raised group (by assignment) without the effect.
    const raisedNow = raising && !heldOut && record.status === 'applied';
    const effect = raisedNow ? (plan.raisedFirstReply?.[record.decision.tier] ?? 1) : 1;
    const others = !raising && plan.activeFrom !== undefined && !shadowed ? (plan.othersAfterActive ?? 1) : 1;
    const firstReply = logNormal(random, (plan.firstReplyMedian ?? 120) * effect * others);
    const resolution = firstReply + logNormal(random, plan.resolutionMedian ?? 1440);
    const open = !baseline && random() < (plan.openShare ?? 0);
    const noReply = random() < (plan.noReplyShare ?? 0);
    const solvedAt = new Date(Date.parse(record.decidedAt) + resolution * 60_000).toISOString();
    const decision = shadowed ? { ...record.decision, mode: 'shadow' as const } : record.decision;
    const { written: _written, ...rest } = record;
    return {
      ...rest,
      ...(baseline ? { decisionId: `zendesk:ticket-solved:${record.ticketId}` } : {}),
      status,
      decision,
      ...(raising ? { holdout: { draw, share: plan.holdout } } : {}),
      ...(open
        ? {}
        : {
            outcome: {
              solvedAt,
              ...(noReply ? {} : { firstReplyMinutes: firstReply }),
              resolutionMinutes: resolution,
              reopens: 0,
              readAt: solvedAt,
              source: 'zendesk-metrics' as const,
            },
          }),
    };
  });
}

/** Writes generated decisions as the decision log stores them, 25 a request. */
export async function writeDecisions(client: DocumentClient, tableName: string, records: readonly DecisionRecord[]): Promise<void> {
  await batchWriteAll(
    client,
    tableName,
    records.map((record) => ({
      PutRequest: { Item: { ...record, ...decisionKey(record.tenant, record.decisionId), ...decisionIndexAttributes(record) } },
    })),
    { concurrency: 4 },
  );
}
