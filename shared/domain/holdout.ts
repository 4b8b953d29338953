import type { Decision } from './decide.js';
import type { HoldoutDrawRecord } from './decision-record.js';
import type { Policy } from './policy.js';

/*
 * The randomised holdout: of the tickets a decision would raise, the tenant's share is kept at the
 * helpdesk's own priority, so their service can be compared with the raised ones'. Which ticket
 * is kept is told by a keyed draw of the tenant and the ticket (the `HoldoutDraw` port): the same
 * ticket always draws the same number, and nobody without the deployment's key can tell it.
 */

/**
 * Whether the decision follows up a recent detractor: a rule with a detractor condition matched
 * and the customer's recent answer is a detractor's.
 */
export function isDetractorFollowUp(decision: Decision, policy: Policy): boolean {
  if (decision.nps?.category !== 'detractor') return false;
  const matched = new Set(decision.matchedRules.map((rule) => rule.id));
  return policy.rules.some((rule) => matched.has(rule.id) && rule.nps?.includes('detractor') === true);
}

/**
 * Whether the holdout may keep this ticket: the decision would raise it in active mode (shadow
 * mode writes nothing for anyone, so holds nobody out), and it is not a detractor's follow-up
 * unless the tenant allows those to be held out.
 */
export function holdoutEligible(decision: Decision, policy: Policy): boolean {
  if (decision.mode !== 'active' || decision.uplift <= 0 || decision.priority === undefined) return false;
  return policy.holdoutDetractors || !isDetractorFollowUp(decision, policy);
}

/**
 * The holdout that keeps this ticket at its baseline, or undefined when the ticket is written as
 * decided: eligible, and its draw below the tenant's share.
 *
 * @example heldOut(decision, policy, 0.03) // { draw: 0.03, share: 0.1 } with policy.holdout 0.1
 */
export function heldOut(decision: Decision, policy: Policy, draw: number): HoldoutDrawRecord | undefined {
  if (policy.holdout <= 0 || !holdoutEligible(decision, policy)) return undefined;
  return draw < policy.holdout ? { draw, share: policy.holdout } : undefined;
}
