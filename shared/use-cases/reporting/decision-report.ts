import type { DecisionHistory } from '../../domain/ports.js';
import type { DecisionListing } from '../../domain/decision-listing.js';
import type { ScoreFailureKind } from '../../domain/score-lookup.js';
import { TIERS, type Tier } from '../../domain/tiers.js';
import { observeService, type ServiceObservation } from './service-outcomes.js';

/** Which decisions a report covers: a tenant's, over UTC days `from` to `to`, both included. */
export interface DecisionReportRequest {
  tenant: string;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, YYYY-MM-DD. */
  to: string;
}

/** One day's decisions by what became of them (`held-out`: kept at the helpdesk's priority by the holdout). */
export interface DayOutcomes {
  day: string;
  applied: number;
  shadow: number;
  skipped: number;
  failed: number;
  'held-out': number;
}

/** One tier's tickets and customers: who got faster service, and how many did not. */
export interface TierShare {
  tier: Tier;
  /** Ticket decisions of customers in this tier. */
  tickets: number;
  /** Of those, the ones whose priority was raised (or, in shadow mode, would have been). */
  raised: number;
  /** Levels raised, summed. */
  levels: number;
  /**
   * Distinct customers (by customer key) whose latest decision of the period was in this tier, so
   * each customer counts once and the tiers add up to all customers; erased ones are not counted.
   */
  customers: number;
}

/** What a report counts from a tenant's decisions. */
export interface DecisionReport {
  tenant: string;
  from: string;
  to: string;
  /** Decisions counted: every decided record of the period. */
  decisions: number;
  byDay: DayOutcomes[];
  /** Every tier, none to top, with its share of tickets, raises and customers. */
  byTier: TierShare[];
  /** Raises by the rule that matched (a decision with two rules counts for each), most first. */
  raisesByRule: { rule: string; raised: number }[];
  /** Decisions made in shadow mode and what active mode would have changed. */
  shadow: { decisions: number; wouldRaise: number; byTier: { tier: Tier; wouldRaise: number }[] };
  /** Decisions whose provider gave no score or failed (the `no-score` guardrail with a provider asked). */
  decidedWithoutScore: number;
  /**
   * Decisions whose customer had a score from a handle less trusted than the tenant's `minTrust`
   * (the `handle-not-trusted` guardrail): scored and shown to the agent, raised nothing.
   */
  handleNotTrusted: number;
  /**
   * Tickets whose score provider failed when asked on the ticket path, by how it failed, and by
   * day; `circuit-open` ones found the provider's circuit breaker open and did not call it.
   */
  providerFailures: {
    total: number;
    byKind: { kind: ScoreFailureKind; tickets: number }[];
    byDay: { day: string; failed: number; circuitOpen: number }[];
  };
  /** Distinct customers with a decision; erased decisions have no key and are not counted. */
  customers: number;
  /** Solved tickets never decided (`baseline` records): not decisions, counted for service times only. */
  baselineTickets: number;
  /** Each ticket's group, tier and times, for the service figures (serviceOutcomes). */
  service: ServiceObservation[];
  /** Index queries made: one day partition each, never a scan. */
  requests: number;
}

const DAY_MS = 86_400_000;
/** Index entries per query (well under DynamoDB's 1 MB a page). */
const PAGE = 1000;

function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += DAY_MS)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** Whether a decision raised the priority (or would have, in shadow mode). */
const raised = (listing: DecisionListing) => listing.summary.uplift > 0 && (listing.status === 'applied' || listing.status === 'shadow');

/**
 * Counts a tenant's decisions over a period from the decisions-by-day index, one day partition
 * at a time (every page of it), never scanning: outcomes per day, raises by tier and by rule, the
 * fairness view (each tier's share of tickets raised beside its share of customers), and what a
 * tenant in shadow mode would have changed.
 *
 * @example const report = await decisionReport({ tenant: 'acme', from: '2026-11-01', to: '2026-11-30' }, { history });
 */
export async function decisionReport(request: DecisionReportRequest, deps: { history: DecisionHistory }): Promise<DecisionReport> {
  let requests = 0;
  const byDay: DayOutcomes[] = [];
  const tiers = new Map<Tier, TierShare>(TIERS.map((tier) => [tier, { tier, tickets: 0, raised: 0, levels: 0, customers: 0 }]));
  // Each customer's latest decision of the period: the tier they count in.
  const latest = new Map<string, { tier: Tier; at: string }>();
  const rules = new Map<string, number>();
  const shadowByTier = new Map<Tier, number>(TIERS.map((tier) => [tier, 0]));
  const customers = new Set<string>();
  let decisions = 0;
  let shadowDecisions = 0;
  let decidedWithoutScore = 0;
  let handleNotTrusted = 0;
  const failureKinds = new Map<ScoreFailureKind, number>();
  const failureDays: DecisionReport['providerFailures']['byDay'] = [];
  const service: ServiceObservation[] = [];
  let baselineTickets = 0;

  for (const day of daysOf(request.from, request.to)) {
    const outcomes: DayOutcomes = { day, applied: 0, shadow: 0, skipped: 0, failed: 0, 'held-out': 0 };
    const failures = { day, failed: 0, circuitOpen: 0 };
    let cursor: string | undefined;
    do {
      const page = await deps.history.listDay(request.tenant, day, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      requests += 1;
      for (const listing of page.listings) {
        const observed = observeService(day, listing);
        if (observed) service.push(observed);
        if (listing.status === 'baseline') {
          baselineTickets += 1;
          continue;
        }
        decisions += 1;
        if (listing.status !== 'pending' && listing.status !== 'held-out') outcomes[listing.status] += 1;
        const { summary } = listing;
        const share = tiers.get(summary.tier);
        if (share) {
          share.tickets += 1;
          if (raised(listing)) {
            share.raised += 1;
            share.levels += summary.uplift;
          }
        }
        const seen = listing.customerKey ? latest.get(listing.customerKey) : undefined;
        if (listing.customerKey && (!seen || seen.at <= listing.decidedAt))
          latest.set(listing.customerKey, { tier: summary.tier, at: listing.decidedAt });
        if (listing.customerKey) customers.add(listing.customerKey);
        if (raised(listing)) for (const rule of summary.rules) rules.set(rule, (rules.get(rule) ?? 0) + 1);
        if (summary.mode === 'shadow') {
          shadowDecisions += 1;
          if (summary.uplift > 0) shadowByTier.set(summary.tier, (shadowByTier.get(summary.tier) ?? 0) + 1);
        }
        if (summary.guardrails.includes('no-score') && summary.score === undefined) decidedWithoutScore += 1;
        if (summary.guardrails.includes('handle-not-trusted')) handleNotTrusted += 1;
        if (summary.providerFailure) {
          failureKinds.set(summary.providerFailure, (failureKinds.get(summary.providerFailure) ?? 0) + 1);
          failures.failed += 1;
          if (summary.providerFailure === 'circuit-open') failures.circuitOpen += 1;
        }
      }
      cursor = page.cursor;
    } while (cursor);
    byDay.push(outcomes);
    failureDays.push(failures);
  }

  const shadowTiers = TIERS.map((tier) => ({ tier, wouldRaise: shadowByTier.get(tier) ?? 0 }));
  return {
    tenant: request.tenant,
    from: request.from,
    to: request.to,
    decisions,
    byDay,
    byTier: TIERS.map((tier) => ({
      ...(tiers.get(tier) ?? { tier, tickets: 0, raised: 0, levels: 0 }),
      customers: [...latest.values()].filter((customer) => customer.tier === tier).length,
    })),
    raisesByRule: [...rules]
      .map(([rule, count]) => ({ rule, raised: count }))
      .sort((a, b) => b.raised - a.raised || a.rule.localeCompare(b.rule)),
    shadow: { decisions: shadowDecisions, wouldRaise: shadowTiers.reduce((sum, tier) => sum + tier.wouldRaise, 0), byTier: shadowTiers },
    decidedWithoutScore,
    handleNotTrusted,
    providerFailures: {
      total: failureDays.reduce((sum, day) => sum + day.failed, 0),
      byKind: [...failureKinds]
        .map(([kind, tickets]) => ({ kind, tickets }))
        .sort((a, b) => b.tickets - a.tickets || a.kind.localeCompare(b.kind)),
      byDay: failureDays,
    },
    customers: customers.size,
    baselineTickets,
    service,
    requests,
  };
}
