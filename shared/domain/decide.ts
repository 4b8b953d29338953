import type { CustomerProfile } from './customer.js';
import type { TicketSnapshot, TrustLevel } from './events.js';
import type { NpsCategory } from './nps.js';
import type { ScoreFailureKind } from './score-lookup.js';
import type { Policy } from './policy.js';
import { type Priority, priorityRank, raisePriority } from './priority.js';
import { type ScoreFreshness, scoreFreshness } from './score.js';
import { type Tier, tierForScore } from './tiers.js';

/** A guardrail that changed or constrained the decision, with a sentence for the agent. */
export interface GuardrailNote {
  id: 'opted-out' | 'no-score' | 'handle-not-trusted' | 'score-expired' | 'never-boost' | 'uplift-cap' | 'urgent-ceiling';
  message: string;
}

/** Where the effective score came from and how fresh it is. */
export interface ScoreBasis {
  value: number;
  source: 'override' | 'provider';
  freshness: ScoreFreshness;
  explanation: string;
  modelVersion: string;
  /** How far the handle the score came from is trusted to be the customer's (scores from open networks). */
  trust?: TrustLevel;
}

/** The outcome of the policy for one ticket: what to write back and why. */
export interface Decision {
  policyVersion: string;
  mode: 'active' | 'shadow';
  tier: Tier;
  score?: ScoreBasis;
  nps?: { category: NpsCategory; score: number; answeredAt: string };
  /** The priority the helpdesk set, or undefined when it left it empty. */
  helpdeskPriority?: Priority;
  /** The priority to write, or undefined to leave the ticket's priority alone. */
  priority?: Priority;
  /** Levels actually added, after the cap and the urgent ceiling. */
  uplift: number;
  /** Levels the matching rules asked for, before guardrails. */
  requestedUplift: number;
  /** Tags to add; the ticket's own tags are always kept. */
  tags: string[];
  groupId?: string;
  matchedRules: { id: string; reason: string }[];
  guardrails: GuardrailNote[];
  /** True when the score is stale or missing and a refresh should be queued. */
  refreshDue: boolean;
  /**
   * Whether a due refresh is queued for a provider to do: false when the tenant has none, so the
   * note does not promise one; undefined when the caller did not say.
   */
  refreshQueued?: boolean;
  /** How the score provider failed when this ticket asked it for a score (`circuit-open`: its breaker was open). */
  providerFailure?: ScoreFailureKind;
}

/** What the ticket path knows of the tenant's score provider, so the explanation can say it. */
export interface ProviderContext {
  /** The tenant's provider; undefined when its scores come only from imports and overrides. */
  name?: string;
  /** Set when a refresh was tried for this ticket and gave no score: failed, or nothing known. */
  inline?: { outcome: 'failed' | 'no-score'; reason: string; kind?: ScoreFailureKind };
}

/** What the policy needs to decide. */
export interface DecideInput {
  ticket: TicketSnapshot;
  profile?: CustomerProfile;
  policy: Policy;
  now: Date;
  provider?: ProviderContext;
}

const DAY_MS = 86_400_000;

function effectiveScore(profile: CustomerProfile | undefined, policy: Policy, now: Date, guardrails: GuardrailNote[]) {
  if (!profile) {
    guardrails.push({ id: 'no-score', message: 'No influence score is known for this customer: baseline service.' });
    return { basis: undefined, refreshDue: true };
  }
  if (profile.optedOut) {
    guardrails.push({
      id: 'opted-out',
      message: 'The customer opted out of influence scoring: baseline service, no influence tags.',
    });
    return { basis: undefined, refreshDue: false };
  }
  const override = profile.override;
  const overrideLive = override && (!override.expiresAt || Date.parse(override.expiresAt) > now.getTime());
  if (override && overrideLive) {
    if (override.kind === 'never') {
      guardrails.push({ id: 'never-boost', message: `Manual "never boost" override: ${override.reason}.` });
      return { basis: undefined, refreshDue: false };
    }
    if (override.score !== undefined) {
      const until = override.expiresAt ? ` until ${override.expiresAt.slice(0, 10)}` : '';
      const basis: ScoreBasis = {
        value: override.score,
        source: 'override',
        freshness: 'fresh',
        explanation: `Manual override${until}: ${override.reason} (wins over every score provider).`,
        modelVersion: 'override',
      };
      return { basis, refreshDue: false };
    }
  }
  const score = profile.score;
  if (!score) {
    guardrails.push({ id: 'no-score', message: 'No influence score is known for this customer: baseline service.' });
    return { basis: undefined, refreshDue: true };
  }
  const freshness = scoreFreshness(score, now, policy.freshness);
  if (freshness === 'expired') {
    const days = Math.floor((now.getTime() - Date.parse(score.scoredAt)) / DAY_MS);
    guardrails.push({
      id: 'score-expired',
      message: `The score is ${days} days old (limit ${policy.freshness.maxAgeDays}): treated as no score until refreshed.`,
    });
    return { basis: undefined, refreshDue: true };
  }
  if (score.unusedReason !== undefined) {
    // Computed and shown to the agent, but from a handle the tenant does not trust enough to raise on.
    guardrails.push({ id: 'handle-not-trusted', message: `${score.explanation} ${score.unusedReason}` });
    return { basis: undefined, refreshDue: freshness === 'stale' };
  }
  const basis: ScoreBasis = {
    value: score.value,
    source: 'provider',
    freshness,
    explanation: score.explanation,
    modelVersion: score.modelVersion,
    ...(score.trust ? { trust: score.trust } : {}),
  };
  return { basis, refreshDue: freshness === 'stale' };
}

/** The latest NPS answer while it still counts: a detractor's for `detractorWindowDays`, any other for `npsWindowDays`. */
function recentNps(profile: CustomerProfile | undefined, policy: Policy, now: Date) {
  const latest = profile?.latestNps;
  if (!latest || profile?.optedOut) return undefined;
  const ageMs = now.getTime() - Date.parse(latest.answeredAt);
  const windowDays = latest.category === 'detractor' ? Math.min(policy.detractorWindowDays, policy.npsWindowDays) : policy.npsWindowDays;
  return ageMs <= windowDays * DAY_MS ? latest : undefined;
}

/**
 * The customer's influence tier as a decision made now would see it: `none` without a usable
 * score, when opted out, or for an unknown customer.
 *
 * @example customerTier(profile, policy, new Date()) // 'high'
 */
export function customerTier(profile: CustomerProfile | undefined, policy: Policy, now: Date): Tier {
  if (profile?.optedOut) return 'none';
  return tierForScore(effectiveScore(profile, policy, now, []).basis?.value, policy.tiers);
}

/**
 * Applies a tenant's policy and the guardrails that always hold: influence only raises
 * priority, by at most `maxUplift` levels (1 by default, 2 at most), never above urgent; opted-out,
 * unscored or expired customers get exactly the baseline; every choice carries a reason.
 *
 * @example decide({ ticket, profile, policy: PolicySchema.parse({}), now: new Date() })
 */
export function decide({ ticket, profile, policy, now, provider }: DecideInput): Decision {
  const guardrails: GuardrailNote[] = [];
  const { basis, refreshDue } = effectiveScore(profile, policy, now, guardrails);
  const inline = basis ? undefined : provider?.inline;
  if (inline) {
    const who = provider?.name ? `Score provider ${provider.name}` : 'The score provider';
    // Reported under `no-score`: its effect is exactly that, and stored decisions keep their ids.
    guardrails.push({
      id: 'no-score',
      message:
        inline.outcome === 'failed'
          ? `${who} unavailable (${inline.reason}): decided without a score; a refresh is queued.`
          : `${who} has no score for this customer (${inline.reason}).`,
    });
  }
  const tier = tierForScore(basis?.value, policy.tiers);
  const nps = recentNps(profile, policy, now);

  // An opted-out customer gets exactly the baseline: no rule applies, not even one for tier none.
  const optedOut = profile?.optedOut === true;
  const matched = policy.rules.filter(
    (rule) =>
      !optedOut &&
      (rule.tiers === undefined || rule.tiers.includes(tier)) &&
      (rule.nps === undefined || (nps !== undefined && rule.nps.includes(nps.category))),
  );

  const requestedUplift = matched.reduce((max, rule) => Math.max(max, rule.uplift), 0);
  const cap = Math.min(policy.maxUplift, 2);
  // Tier none is exactly the baseline priority: a rule for every tier (a detractor's follow-up,
  // say) still tags and routes such a customer's ticket, but never raises it.
  let uplift = tier === 'none' ? 0 : Math.min(requestedUplift, cap);
  if (tier !== 'none' && requestedUplift > cap) {
    guardrails.push({
      id: 'uplift-cap',
      message: `Rules asked for +${requestedUplift} levels; capped at +${cap}.`,
    });
  }

  const baseline = ticket.priority ?? policy.defaultPriority;
  const raised = raisePriority(baseline, uplift);
  const achieved = priorityRank(raised) - priorityRank(baseline);
  if (achieved < uplift) {
    guardrails.push({ id: 'urgent-ceiling', message: `Priority is already ${baseline}; it cannot go above urgent.` });
    uplift = achieved;
  }

  const tags = [...new Set(matched.flatMap((rule) => rule.tags))].filter((tag) => !ticket.tags.includes(tag));
  const groupId = matched.find((rule) => rule.groupId !== undefined)?.groupId;

  return {
    policyVersion: policy.version,
    mode: policy.mode,
    tier,
    ...(basis ? { score: basis } : {}),
    ...(nps ? { nps: { category: nps.category, score: nps.score, answeredAt: nps.answeredAt } } : {}),
    ...(ticket.priority ? { helpdeskPriority: ticket.priority } : {}),
    ...(uplift > 0 ? { priority: raised } : {}),
    uplift,
    requestedUplift,
    tags,
    ...(groupId ? { groupId } : {}),
    matchedRules: matched.map((rule) => ({ id: rule.id, reason: rule.reason })),
    guardrails,
    refreshDue,
    ...(provider ? { refreshQueued: refreshDue && provider.name !== undefined } : {}),
    ...(inline?.outcome === 'failed' ? { providerFailure: inline.kind ?? 'unavailable' } : {}),
  };
}
