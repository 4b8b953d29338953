import { type CustomerProfile, type LatestNps, mergeIdentities, newCustomerProfile } from '../domain/customer.js';
import { customerTier, decide } from '../domain/decide.js';
import { ConfigurationError, TicketNotFoundError, UnreadableTicketError } from '../domain/errors.js';
import type { SurveyAnswered, TicketSnapshot } from '../domain/events.js';
import { renderNote } from '../domain/note.js';
import { npsCategory } from '../domain/nps.js';
import { surveyPolicy } from '../domain/policy.js';
import type { DecisionLog, DecisionRecord, HelpdeskClient, SurveyAnswerIndex, SurveyAnswerStore } from '../domain/ports.js';
import { type CustomerLookupDeps, identitiesOf, writeGuarded } from './customer-lookup.js';
import { isFinal, type ProcessOutcome, type RecordBase, recordFinal, type TenantView } from './decision-record.js';
import { landedEarlier, writeDecision } from './write-back.js';

/** Ports for processing a survey answer. */
export interface ProcessSurveyDeps extends CustomerLookupDeps {
  tenant(id: string): TenantView | undefined;
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  decisions: DecisionLog;
  surveyAnswers: SurveyAnswerStore;
  answerIndex: SurveyAnswerIndex;
  maxConflictRetries?: number;
}

/** What happened to a survey answer: stored only, or stored and decided on its ticket. */
export type SurveyOutcome = { status: 'recorded'; responseId: string; customerKey?: string } | ProcessOutcome;

/**
 * The audit id of the decision a survey answer makes on its ticket: one per answer and NPS
 * category, so an edited comment never writes twice, but a customer who changes their mind
 * from promoter to detractor gets the follow-up. It ends with the ticket id, as every decision id.
 *
 * @example surveyDecisionId({ helpdesk: { kind: 'zendesk' } }, 'r-1', 'detractor', '35436') // 'zendesk:survey-answered:r-1:detractor:35436'
 */
export function surveyDecisionId(tenant: Pick<TenantView, 'helpdesk'>, responseId: string, category: string, ticketId: string): string {
  return `${tenant.helpdesk.kind}:survey-answered:${responseId}:${category}:${ticketId}`;
}

/**
 * Stores a survey answer and closes the loop: the answer is upserted by its response id in the
 * customer's partition (with its comment) and in the period index (anonymous, with the
 * customer's tier); an NPS answer becomes the profile's latest when it is the newest, unless the
 * customer opted out (then it counts for NPS only). An NPS answer about a known ticket is decided
 * with the policy's NPS rules (so shadow mode and the guardrails hold, and no influence uplift is
 * applied again) from the priority the helpdesk had set, and written back once with a note that
 * quotes the comment. An answer with no ticket counts on the customer's next ticket.
 *
 * @example await processSurveyAnswered(event, deps)
 */
export async function processSurveyAnswered(event: SurveyAnswered, deps: ProcessSurveyDeps): Promise<SurveyOutcome> {
  const tenant = deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const now = deps.clock.now();
  const answer: LatestNps | undefined =
    event.kind === 'nps' ? { score: event.score, category: npsCategory(event.score), answeredAt: event.answeredAt, responseId: event.responseId } : undefined;

  const profile = await recordOnProfile(event, tenant, answer, deps);
  if (profile) {
    await deps.surveyAnswers.saveSurveyAnswer({
      tenant: event.tenant,
      customerKey: profile.customerKey,
      responseId: event.responseId,
      source: event.source,
      kind: event.kind,
      score: event.score,
      scale: event.scale,
      answeredAt: event.answeredAt,
      ...(event.comment !== undefined ? { comment: event.comment } : {}),
      ...(event.ticketId !== undefined ? { ticketId: event.ticketId } : {}),
    });
  }
  await deps.answerIndex.put({
    tenant: event.tenant,
    responseId: event.responseId,
    source: event.source,
    answeredAt: event.answeredAt,
    kind: event.kind,
    score: event.score,
    scale: event.scale,
    tier: customerTier(profile, tenant.policy, now),
  });

  const recorded: SurveyOutcome = { status: 'recorded', responseId: event.responseId, ...(profile ? { customerKey: profile.customerKey } : {}) };
  // An opted-out customer's answer counts for NPS, never for routing.
  if (!answer || !event.ticketId || !profile || profile.optedOut) return recorded;
  return decideOnTicket(event, event.ticketId, tenant, { ...profile, latestNps: answer }, deps);
}

/** Finds (or creates) the respondent's profile and keeps the answer on it when it is their newest NPS answer. */
async function recordOnProfile(
  event: SurveyAnswered,
  tenant: TenantView,
  answer: LatestNps | undefined,
  deps: ProcessSurveyDeps,
): Promise<CustomerProfile | undefined> {
  const identities = identitiesOf(tenant.helpdesk.kind, event.respondent);
  const [first] = identities;
  if (!first) return undefined;
  const now = deps.clock.now();
  const hasher = deps.hasherFor(event.tenant);
  const find = () => (deps.findOrMergeCustomer ? deps.findOrMergeCustomer(event.tenant, identities) : deps.customers.findCustomer(event.tenant, identities));
  return writeGuarded(
    deps,
    await find(),
    find,
    (base) => {
      const newer =
        answer &&
        !base.optedOut &&
        (!base.latestNps || base.latestNps.responseId === answer.responseId || Date.parse(base.latestNps.answeredAt) <= Date.parse(answer.answeredAt));
      return {
        ...base,
        identities: mergeIdentities(base.identities, identities, hasher),
        ...(newer ? { latestNps: answer } : {}),
        updatedAt: now.toISOString(),
      };
    },
    () => newCustomerProfile(event.tenant, first, hasher.hash(first), now),
  );
}

async function decideOnTicket(
  event: SurveyAnswered,
  ticketId: string,
  tenant: TenantView,
  profile: CustomerProfile & { latestNps: LatestNps },
  deps: ProcessSurveyDeps,
): Promise<ProcessOutcome> {
  const base: RecordBase = {
    tenant: event.tenant,
    decisionId: surveyDecisionId(tenant, event.responseId, profile.latestNps.category, ticketId),
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId,
    customerKey: profile.customerKey,
    receivedAt: event.receivedAt,
  };
  const previous = await deps.decisions.get(event.tenant, base.decisionId);
  if (previous && isFinal(previous.status)) return { status: 'duplicate', record: previous };

  // The ticket's own decision says what the helpdesk had set before this product raised anything:
  // the survey's uplift counts from there, so the cap holds over both decisions.
  const created = await deps.decisions.get(event.tenant, `${tenant.helpdesk.kind}:ticket-created:${ticketId}`);
  const baseline = created?.decision.helpdeskPriority;
  const startedFrom = (ticket: TicketSnapshot): TicketSnapshot => {
    if (!created) return ticket;
    const { priority: _current, ...rest } = ticket;
    return baseline ? { ...rest, priority: baseline } : rest;
  };
  const policy = surveyPolicy(tenant.policy);

  try {
    const helpdesk = await deps.helpdeskFor(event.tenant);
    const landed = await landedEarlier(previous, helpdesk, ticketId, deps);
    if (landed) return landed;
    const ticket = await currentTicket(helpdesk, ticketId, created);
    return await writeDecision(
      {
        helpdesk,
        base,
        ticket,
        originalGroupId: ticket.groupId,
        decideOn: (current, now) => {
          const decision = decide({ ticket: startedFrom(current), profile, policy, now });
          return { decision, note: renderNote(decision, event.comment !== undefined ? { surveyComment: event.comment } : {}) };
        },
      },
      deps,
    );
  } catch (error) {
    if (!(error instanceof TicketNotFoundError)) throw error;
    const now = deps.clock.now();
    const decision = decide({ ticket: { id: ticketId, tags: [] }, profile, policy, now });
    const record: DecisionRecord = { ...base, decidedAt: now.toISOString(), status: 'skipped', decision, note: renderNote(decision) };
    return recordFinal({ ...record, status: 'skipped', skippedReason: 'the ticket no longer exists in the helpdesk' }, deps);
  }
}

/**
 * The ticket as it is now; for a helpdesk that cannot be read back, what the ticket's own decision
 * wrote (or an empty ticket): the write merges with whatever the receiver holds.
 */
async function currentTicket(helpdesk: HelpdeskClient, ticketId: string, created: DecisionRecord | undefined): Promise<TicketSnapshot> {
  try {
    return await helpdesk.getTicket(ticketId);
  } catch (error) {
    if (!(error instanceof UnreadableTicketError)) throw error;
    const written = created?.written;
    return {
      id: ticketId,
      tags: written?.tags ?? [],
      ...(written?.priority ? { priority: written.priority } : created?.decision.helpdeskPriority ? { priority: created.decision.helpdeskPriority } : {}),
      ...(written?.groupId ? { groupId: written.groupId } : {}),
    };
  }
}
