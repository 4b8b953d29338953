import type { CustomerProfile } from '../../domain/customer.js';
import type { ProviderContext } from '../../domain/decide.js';
import type { RequesterDetails, TicketCreated } from '../../domain/events.js';
import type { Policy } from '../../domain/policy.js';
import type { Clock, ScoreProvider, ScoreRefreshStore } from '../../domain/ports.js';
import { scoreFreshness } from '../../domain/score.js';
import type { UseCaseLogger } from '../../domain/ports.js';
import { refreshScore } from '../scoring/refresh-score.js';

/** The ports of scoring on the ticket path. */
export interface InlineScoringDeps {
  clock: Clock;
  logger: UseCaseLogger;
  /**
   * The tenant's score provider, asked once on the ticket path for a customer with no usable
   * score; undefined for a tenant whose scores come only from imports and overrides. Without it
   * (or without `scoreRefresh`) no provider is ever called here.
   */
  scoreProviderFor?(tenantId: string): ScoreProvider | undefined | Promise<ScoreProvider | undefined>;
  /** Where a score made on the ticket path is written, and the refresh queue. */
  scoreRefresh?: ScoreRefreshStore;
}

/** Why a requester named only by handles they typed in is not scored, as the note says it. */
const NAMED_BY_TYPED_HANDLES =
  'the requester is named only by handles typed into a form, which identify nobody: no profile is kept and no network is asked';

/** What the ticket path scored, and what the explanation should say about the provider. */
export interface InlineScoring {
  profile?: CustomerProfile;
  provider?: ProviderContext;
}

/**
 * Gives a customer with no usable score (none, or past the maximum age) one chance to be scored
 * before the decision: one provider call, with the requester details this event already fetched.
 * A stale score is used as it is: it is already in the refresh queue. A provider that fails or
 * knows nothing never fails the event: the decision goes ahead without a score, says why, and
 * the customer is left in the refresh queue.
 *
 * @example const { profile, provider } = await scoreInline(event, deps, tenant.policy, loaded)
 */
export async function scoreInline(
  event: TicketCreated,
  deps: InlineScoringDeps,
  policy: Policy,
  loaded: { profile?: CustomerProfile; details?: RequesterDetails },
): Promise<InlineScoring> {
  const { profile } = loaded;
  if (!deps.scoreProviderFor) return profile ? { profile } : {};
  const provider = await deps.scoreProviderFor(event.tenant);
  const context: ProviderContext = provider ? { name: provider.name } : {};
  if (!profile && provider && event.requester.handles.length > 0) {
    // Handles alone and no profile: every one of them was typed in, and such a handle finds nobody.
    return { provider: { ...context, inline: { outcome: 'no-score', reason: NAMED_BY_TYPED_HANDLES } } };
  }
  if (!profile || !provider || !deps.scoreRefresh || !needsScore(profile, policy, deps.clock.now())) {
    return { ...(profile ? { profile } : {}), provider: context };
  }

  const result = await refreshScore(
    {
      profile,
      purpose: 'inline',
      freshness: policy.freshness,
      requester: event.requester,
      ...(loaded.details ? { requesterDetails: loaded.details } : {}),
    },
    { provider, store: deps.scoreRefresh, clock: deps.clock },
  );
  switch (result.outcome) {
    case 'refreshed':
    case 'superseded':
      // A score written by someone else meanwhile is no fresher than this one: decide with it.
      return { profile: { ...profile, score: result.score }, provider: context };
    case 'no-score':
      return { profile, provider: { ...context, inline: { outcome: 'no-score', reason: result.reason } } };
    case 'failed':
      deps.logger.warn('score provider failed on the ticket path; deciding without a score', {
        tenant: event.tenant,
        provider: provider.name,
        kind: result.kind,
      });
      return { profile, provider: { ...context, inline: { outcome: 'failed', reason: result.reason, kind: result.kind } } };
    case 'skipped':
      // Opted out since the profile was read: honour it now.
      return { profile: result.reason === 'opted-out' ? { ...profile, optedOut: true } : profile, provider: context };
  }
}

/** No score, or one past the maximum age, for a customer who has not opted out and has no live override. */
function needsScore(profile: CustomerProfile, policy: Policy, now: Date): boolean {
  if (profile.optedOut) return false;
  const override = profile.override;
  if (override && (!override.expiresAt || Date.parse(override.expiresAt) > now.getTime())) return false;
  return !profile.score || scoreFreshness(profile.score, now, policy.freshness) === 'expired';
}
