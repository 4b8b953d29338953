import type { Policy } from '../../domain/policy.js';
import type { Clock, ScoreProvider, ScoreRefreshStore } from '../../domain/ports.js';
import { heldPart, isProviderWideFailure, refreshScore } from './refresh-score.js';

/** A tenant as the refresh sees it. */
export interface RefreshTenant {
  id: string;
  policy: Policy;
}

/** A tenant's provider (which paces its own requests to its rate limit) and the most customers a run takes. */
export interface TenantScoringView {
  provider: ScoreProvider;
  maxPerRun: number;
}

/** Logs the refresh's progress; never given raw personal data. */
export interface RefreshLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

/** Ports for the scheduled refresh. */
export interface RefreshDueScoresDeps {
  /** The enabled tenants (read from the configuration store when deployed). */
  tenants(): RefreshTenant[] | Promise<RefreshTenant[]>;
  /** The tenant's provider, or undefined when its scores come only from imports and overrides. */
  scoringFor(tenantId: string): TenantScoringView | undefined | Promise<TenantScoringView | undefined>;
  store: ScoreRefreshStore;
  clock: Clock;
  logger: RefreshLogger;
}

/** One run's options. */
export interface RefreshDueScoresInput {
  /** Start no refresh at or after this time (the function's timeout, less a margin). */
  deadline?: Date;
  /** Only these tenants (all with a provider when absent). */
  tenantIds?: readonly string[];
}

/** What a run did: profiles taken from the queue, and what became of them. */
export interface RefreshCounts {
  examined: number;
  /** A new score written. */
  refreshed: number;
  /** The provider has no score for the customer; checked again after the refresh interval. */
  unchanged: number;
  /** The provider failed; the customer is retried later (with backoff, unless the provider as a whole was down). */
  failed: number;
  /** Opted out (taken out of the queue), erased, or changed meanwhile by an import, override or another refresh. */
  skipped: number;
}

/** A part of the provider (a network) held back by its own limit during a run, and the customers it left due. */
export interface HeldPart {
  part: string;
  /** Customers left due for when it frees (counted under `failed`, but not pushed back as failures). */
  customers: number;
  /** The first reason it gave ("GitHub's rate limit is used up (no token: 60 requests an hour)"). */
  reason: string;
  /** When the first of them is due again. */
  until?: string;
}

/** One tenant's counts, and why its run ended early if it did. */
export interface TenantRefreshReport extends RefreshCounts {
  tenant: string;
  provider: string;
  stoppedEarly?: 'deadline' | 'provider-unavailable';
  /** Parts held back while the run went on with the others. */
  heldBack?: HeldPart[];
  /** Scores deleted because they held data past a network's terms that could not be renewed (YouTube: 30 days). */
  scoresDeleted?: number;
}

/** The counts over every tenant, and per tenant. */
export interface RefreshDueScoresResult extends RefreshCounts {
  tenants: TenantRefreshReport[];
}

const zero = (): RefreshCounts => ({ examined: 0, refreshed: 0, unchanged: 0, failed: 0, skipped: 0 });

/**
 * The scheduled refresh: for each tenant with a provider, takes at most `maxPerRun` due profiles
 * from the refresh queue (longest due first), and refreshes them one at a time; the provider
 * paces its requests to the tenant's rate limit. Tenants run side by side, each with its own
 * limiter and breaker. A tenant's run stops at the deadline, or when its provider is paused or
 * rate-limited as a whole (the rest stay due for the next run); a part held back by its own limit
 * (one network) leaves its customers due for when it frees and the run goes on with the others
 * (`heldBack` says which part, how many customers and why); one customer's failure only pushes
 * that customer back.
 *
 * @example const counts = await refreshDueScores({ deadline }, deps) // { examined: 12, refreshed: 10, unchanged: 1, failed: 1, skipped: 0, tenants: [...] }
 */
export async function refreshDueScores(input: RefreshDueScoresInput, deps: RefreshDueScoresDeps): Promise<RefreshDueScoresResult> {
  const wanted = input.tenantIds ? new Set(input.tenantIds) : undefined;
  const runs: Promise<TenantRefreshReport>[] = [];
  for (const tenant of await deps.tenants()) {
    if (wanted && !wanted.has(tenant.id)) continue;
    const scoring = await deps.scoringFor(tenant.id);
    if (scoring) runs.push(refreshTenant(tenant, scoring, input, deps));
  }
  const reports = await Promise.all(runs);
  const total = zero();
  for (const report of reports) {
    for (const key of Object.keys(total) as (keyof RefreshCounts)[]) total[key] += report[key];
  }
  return { ...total, tenants: reports };
}

async function refreshTenant(
  tenant: RefreshTenant,
  scoring: TenantScoringView,
  input: RefreshDueScoresInput,
  deps: RefreshDueScoresDeps,
): Promise<TenantRefreshReport> {
  const report: TenantRefreshReport = { tenant: tenant.id, provider: scoring.provider.name, ...zero() };
  const due = await deps.store.findDue(tenant.id, deps.clock.now(), scoring.maxPerRun);
  if (scoring.provider.prepare && due.length > 0) {
    const now = deps.clock.now();
    const requests = due
      .filter((entry) => !entry.profile.optedOut)
      .map((entry) => ({
        tenant: tenant.id,
        profile: entry.profile,
        purpose: 'scheduled' as const,
        now,
        refreshAfterDays: tenant.policy.freshness.refreshAfterDays,
      }));
    // A provider that fetches in batches (Bluesky's 25 profiles a call) does so once for the run.
    await scoring.provider.prepare(requests).catch((error: unknown) =>
      deps.logger.warn('score refresh batch failed; customers are looked up one by one', {
        tenant: tenant.id,
        error: error instanceof Error ? error.name : 'unknown',
      }),
    );
  }
  for (const entry of due) {
    if (input.deadline !== undefined && deps.clock.now().getTime() >= input.deadline.getTime()) {
      report.stoppedEarly = 'deadline';
      break;
    }
    const result = await refreshScore(
      { profile: entry.profile, purpose: 'scheduled', freshness: tenant.policy.freshness, failures: entry.failures },
      { provider: scoring.provider, store: deps.store, clock: deps.clock },
    );
    report.examined += 1;
    switch (result.outcome) {
      case 'refreshed':
        report.refreshed += 1;
        break;
      case 'no-score':
        report.unchanged += 1;
        break;
      case 'failed':
        report.failed += 1;
        if (result.deleted) report.scoresDeleted = (report.scoresDeleted ?? 0) + 1;
        deps.logger.warn('score refresh failed', {
          tenant: tenant.id,
          provider: scoring.provider.name,
          customerKey: entry.profile.customerKey,
          kind: result.kind,
          reason: result.reason,
          ...(result.deleted ? { scoreDeleted: result.deleted } : {}),
          failuresInARow: isProviderWideFailure(result) ? entry.failures : entry.failures + 1,
          ...(result.nextAttemptAt ? { nextAttemptAt: result.nextAttemptAt } : {}),
        });
        break;
      case 'superseded':
      case 'skipped':
        report.skipped += 1;
        break;
    }
    const part = heldPart(result);
    if (part !== undefined && result.outcome === 'failed') {
      const held = (report.heldBack ??= []).find((entry) => entry.part === part);
      if (held) held.customers += 1;
      else
        report.heldBack.push({
          part,
          customers: 1,
          reason: result.reason,
          ...(result.nextAttemptAt ? { until: result.nextAttemptAt } : {}),
        });
    }
    if (isProviderWideFailure(result)) {
      report.stoppedEarly = 'provider-unavailable';
      break;
    }
  }
  deps.logger.info('score refresh run', { ...report });
  return report;
}
