import type { CustomerProfile } from '../../domain/customer.js';
import type { Requester, RequesterDetails } from '../../domain/events.js';
import type { Clock, ScoreProvider, ScoreRefreshStore } from '../../domain/ports.js';
import type { ScoreFailureKind, ScoreLookup, ScorePurpose } from '../../domain/score-lookup.js';
import type { Freshness, InfluenceScore } from '../../domain/score.js';

/** Ports for refreshing one customer's score. */
export interface RefreshScoreDeps {
  provider: ScoreProvider;
  store: ScoreRefreshStore;
  clock: Clock;
}

/** One customer to refresh. */
export interface RefreshScoreInput {
  profile: CustomerProfile;
  purpose: ScorePurpose;
  freshness: Freshness;
  requester?: Requester;
  requesterDetails?: RequesterDetails;
  /** Failed refreshes in a row before this one (the queue's count). */
  failures?: number;
}

/**
 * What happened: a score written; a score made but not written because the profile changed
 * meanwhile (`superseded`); no score from the provider (checked again later); a provider failure
 * (retried later); or nothing done because the customer opted out or is gone.
 */
export type RefreshScoreResult =
  | { outcome: 'refreshed'; score: InfluenceScore }
  | { outcome: 'superseded'; score: InfluenceScore }
  | { outcome: 'no-score'; reason: string; nextCheckAt: string }
  | { outcome: 'failed'; kind: ScoreFailureKind; reason: string; nextAttemptAt?: string; part?: string; deleted?: string }
  | { outcome: 'skipped'; reason: 'opted-out' | 'gone' | 'not-due' };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** First retry an hour after a failure, doubling per failure in a row, at most a day apart. */
const FIRST_RETRY_MS = HOUR_MS;
const LONGEST_RETRY_MS = 24 * HOUR_MS;

/**
 * How long the scheduled refresh waits after the `failures`-th failure in a row: 1 h, 2 h, 4 h,
 * ... up to 24 h.
 *
 * @example refreshBackoffMs(3) // 14_400_000
 */
export function refreshBackoffMs(failures: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

/** Failures that say nothing about this customer: the run stops and the customer stays due as it is. */
const PROVIDER_WIDE: ReadonlySet<ScoreFailureKind> = new Set(['circuit-open', 'rate-limited']);

/**
 * Asks the provider for one customer's score and keeps the queue right whatever it answers. A
 * score is written only if the profile still holds the score it was read with and the customer
 * has not opted out. No score: checked again after the policy's refresh interval. A failure on the
 * ticket path leaves the customer due now, for the scheduled refresh; on the scheduled refresh it
 * pushes the customer back by `refreshBackoffMs`, except a paused or rate-limited provider, which
 * is not the customer's doing. A provider that throws counts as failed: nothing here fails the
 * caller for a provider's sake.
 *
 * @example await refreshScore({ profile, purpose: 'scheduled', freshness: policy.freshness, failures: 0 }, { provider, store, clock })
 */
export async function refreshScore(request: RefreshScoreInput, deps: RefreshScoreDeps): Promise<RefreshScoreResult> {
  // A scheduled refresh found the profile in an index that may lag behind the table: read it
  // again before anything about the customer leaves for a provider (an opt-out or erasure wins).
  const profile = request.purpose === 'scheduled' ? await deps.store.current(request.profile) : request.profile;
  if (!profile) return { outcome: 'skipped', reason: 'gone' };
  if (request.purpose === 'scheduled' && profile.score && Date.parse(profile.score.refreshAfter) > deps.clock.now().getTime()) {
    // Scored meanwhile (an import, a ticket): nothing to refresh yet.
    return { outcome: 'skipped', reason: 'not-due' };
  }
  const input: RefreshScoreInput = { ...request, profile };
  if (profile.optedOut) {
    await deps.store.dequeue(profile);
    return { outcome: 'skipped', reason: 'opted-out' };
  }
  const lookup = await ask(input, deps, deps.clock.now());
  // The provider may have waited for its rate limiter or retried: the queue is kept from now on.
  const now = deps.clock.now();

  if (lookup.outcome === 'scored') {
    const written = await deps.store.saveScore(profile, lookup.score, now);
    if (written === 'written') return { outcome: 'refreshed', score: lookup.score };
    if (written === 'changed') return { outcome: 'superseded', score: lookup.score };
    if (written === 'opted-out') await deps.store.dequeue(profile);
    return { outcome: 'skipped', reason: written };
  }

  if (lookup.outcome === 'no-score') {
    const nextCheck = new Date(now.getTime() + input.freshness.refreshAfterDays * DAY_MS);
    const written = await deps.store.reschedule(profile, nextCheck, 0);
    if (written === 'opted-out' || written === 'gone') return { outcome: 'skipped', reason: written };
    return { outcome: 'no-score', reason: lookup.reason, nextCheckAt: nextCheck.toISOString() };
  }

  const failure = { outcome: 'failed', kind: lookup.kind, reason: lookup.reason, ...(lookup.part ? { part: lookup.part } : {}) } as const;
  if (input.purpose === 'inline') {
    const queued = await deps.store.ensureQueued(profile, now);
    return queued === 'written' ? { ...failure, nextAttemptAt: now.toISOString() } : failure;
  }
  // One part held back (a network's limit) is due again when it frees, not counted as the
  // customer's failure, and moved behind the customers the run can still serve; a provider paused
  // or rate-limited as a whole leaves the customer due as it is; any other failure backs off.
  const onePartHeld = PROVIDER_WIDE.has(lookup.kind) && lookup.part !== undefined && lookup.retryAfterMs !== undefined;
  // The score holds data a network's terms let us keep no longer and it could not be renewed: deleted now.
  const deleting = lookup.deleteStored !== undefined && profile.score !== undefined;
  if (PROVIDER_WIDE.has(lookup.kind) && !onePartHeld && !deleting) return failure;
  const failures = onePartHeld ? (input.failures ?? 0) : (input.failures ?? 0) + 1;
  const wait = onePartHeld ? (lookup.retryAfterMs ?? 0) : Math.max(refreshBackoffMs(failures), lookup.retryAfterMs ?? 0);
  const next = new Date(now.getTime() + wait);
  const written = deleting
    ? await deps.store.dropScore(profile, { dueAt: next, failures, at: now })
    : await deps.store.reschedule(profile, next, failures);
  if (written !== 'written') return failure;
  return { ...failure, ...(deleting ? { deleted: lookup.deleteStored } : {}), nextAttemptAt: next.toISOString() };
}

/** True when a failure is the provider's as a whole (paused, rate-limited): the rest of a run would fail the same way. */
export function isProviderWideFailure(result: RefreshScoreResult): boolean {
  return result.outcome === 'failed' && PROVIDER_WIDE.has(result.kind) && result.part === undefined;
}

/**
 * The part of the provider held back by its own limit (a network), when only that part is: the
 * run goes on with the customers who need other parts.
 *
 * @example heldPart({ outcome: 'failed', kind: 'rate-limited', reason: '...', part: 'GitHub' }) // 'GitHub'
 */
export function heldPart(result: RefreshScoreResult): string | undefined {
  return result.outcome === 'failed' && PROVIDER_WIDE.has(result.kind) ? result.part : undefined;
}

async function ask(input: RefreshScoreInput, deps: RefreshScoreDeps, now: Date): Promise<ScoreLookup> {
  try {
    return await deps.provider.score({
      tenant: input.profile.tenant,
      profile: input.profile,
      purpose: input.purpose,
      now,
      refreshAfterDays: input.freshness.refreshAfterDays,
      ...(input.requester ? { requester: input.requester } : {}),
      ...(input.requesterDetails ? { requesterDetails: input.requesterDetails } : {}),
    });
  } catch (error) {
    // Providers report failures as results; a throw is a defect, still never the caller's failure.
    return { outcome: 'failed', kind: 'unavailable', reason: `provider error (${error instanceof Error ? error.name : 'unknown'})` };
  }
}
