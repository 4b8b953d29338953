import { answerRevision, isSuperseded } from '../../domain/answer-revision.js';
import { type CustomerProfile, type Identity, type LatestNps, newCustomerProfile } from '../../domain/customer.js';
import { findingIdentities } from '../../domain/identity-trust.js';
import { customerTier, decide } from '../../domain/decide.js';
import { ConfigurationError, UnreadableTicketError } from '../../domain/errors.js';
import type { SurveyAnswered, TicketSnapshot } from '../../domain/events.js';
import { renderNote } from '../../domain/note.js';
import { npsCategory } from '../../domain/nps.js';
import { surveyPolicy } from '../../domain/policy.js';
import { heldOut } from '../../domain/holdout.js';
import type { DecisionLog, HelpdeskClient, HoldoutDraw, SurveyAnswerIndex, SurveyAnswerStore } from '../../domain/ports.js';
import { type DecisionRecord, surveyDecisionId, ticketCreatedDecisionId } from '../../domain/decision-record.js';
import type { SurveyAnswerWrite } from '../../domain/survey-answers.js';
import { type CustomerLookupDeps, identitiesOf, writeGuarded } from './customer-lookup.js';
import { carryOutDecision, type ProcessOutcome, type RecordBase } from '../decision/ticket-decision.js';
import type { TenantLookup, TenantView } from './tenant-view.js';

/** Ports for processing a survey answer. */
export interface ProcessSurveyDeps extends CustomerLookupDeps {
  tenant: TenantLookup;
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  decisions: DecisionLog;
  /** The same keyed draw the ticket was decided with: a detractor's follow-up falls in the ticket's arm. */
  holdoutDraw: HoldoutDraw;
  surveyAnswers: SurveyAnswerStore;
  answerIndex: SurveyAnswerIndex;
  maxConflictRetries?: number;
}

/**
 * What happened to a survey answer: stored only; or stored and decided on its ticket; or
 * `superseded`, when a newer version of the same answer was stored already: nothing changed.
 */
export type SurveyOutcome = { status: 'recorded' | 'superseded'; responseId: string; customerKey?: string } | ProcessOutcome;

/**
 * Stores a survey answer and closes the loop. The answer is upserted by its response id (kept
 * per source: `<source>:<response id>`) in the customer's partition, with its comment, and in the
 * period index (anonymous, with the customer's tier); an NPS answer becomes the profile's latest
 * when it is the newest, unless the customer opted out (then it counts for NPS only).
 *
 * Versions of one answer (created, then updated) may arrive in any order, and any of them again:
 * each place keeps the newest by `answerRevision` (the answer's own time, else when ingest
 * received it), with a conditional write. An older version changes nothing, decides nothing on
 * the ticket (so it can neither raise a follow-up again nor undo one), and is logged as a warning.
 *
 * Survey answers only ever look customers up: they never merge profiles nor add identities, so
 * a survey link cannot join someone to another customer's score. An answer whose respondent the
 * tool cannot vouch for (Typeform hidden fields) counts for a customer only when the ticket it
 * names was that customer's; otherwise it counts, anonymously, for NPS only.
 *
 * An NPS answer about a ticket this product decided for the same customer is decided with the
 * policy's NPS rules (so shadow mode and the guardrails hold, and no influence uplift is applied
 * again), from the priority the helpdesk had set, and written back once with a note that quotes
 * the comment. An answer with no ticket counts on the customer's next ticket.
 *
 * @example await processSurveyAnswered(event, deps)
 */
export async function processSurveyAnswered(event: SurveyAnswered, deps: ProcessSurveyDeps): Promise<SurveyOutcome> {
  const tenant = await deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const now = deps.clock.now();
  const answerId = `${event.source}:${event.responseId}`;
  const revision = answerRevision(event);
  const answer: LatestNps | undefined =
    event.kind === 'nps'
      ? { score: event.score, category: npsCategory(event.score), answeredAt: event.answeredAt, responseId: answerId, revision }
      : undefined;

  const identities = identitiesOf(tenant.helpdesk.kind, event.respondent);
  const found = identities.length > 0 ? await deps.customers.findCustomer(event.tenant, identities) : undefined;
  const created = event.ticketId
    ? await deps.decisions.get(event.tenant, ticketCreatedDecisionId(tenant.helpdesk.kind, event.ticketId))
    : undefined;
  // The ticket's own decision came from the helpdesk's signed webhook: it says whose ticket it is.
  const ticketIsTheirs = found !== undefined && created?.customerKey === found.customerKey;
  const trusted = event.respondentVerified || ticketIsTheirs;
  if (!trusted) {
    deps.logger.warn('survey answer not matched to a customer: the respondent is not vouched for and the ticket is not theirs', {
      tenant: event.tenant,
      source: event.source,
    });
  }

  const profile = trusted ? await recordOnProfile(event, identities, found, answer, deps) : undefined;
  const writes: SurveyAnswerWrite[] = [];
  if (profile) {
    const write = await deps.surveyAnswers.saveSurveyAnswer({
      tenant: event.tenant,
      customerKey: profile.customerKey,
      responseId: answerId,
      source: event.source,
      kind: event.kind,
      score: event.score,
      scale: event.scale,
      answeredAt: event.answeredAt,
      ...(event.comment !== undefined ? { comment: event.comment } : {}),
      ...(event.ticketId !== undefined ? { ticketId: event.ticketId } : {}),
      revision,
    });
    writes.push(write);
  }
  const indexed = await deps.answerIndex.put({
    tenant: event.tenant,
    responseId: answerId,
    source: event.source,
    answeredAt: event.answeredAt,
    kind: event.kind,
    score: event.score,
    scale: event.scale,
    tier: customerTier(profile, tenant.policy, now),
    revision,
    ...(event.ticketId ? { ticketId: event.ticketId } : {}),
  });
  writes.push(indexed);

  const customer = profile ? { customerKey: profile.customerKey } : {};
  if (writes.includes('superseded')) {
    // A replay or a late delivery of an older version: the ticket is the newer version's to
    // decide on, so deciding here could only repeat a follow-up or undo it.
    deps.logger.warn('survey answer superseded: a newer version of it is stored, so this older one changed nothing', {
      tenant: event.tenant,
      source: event.source,
      deliveryId: event.deliveryId,
      revision,
    });
    return { status: 'superseded', responseId: answerId, ...customer };
  }
  const recorded: SurveyOutcome = { status: 'recorded', responseId: answerId, ...customer };
  // Only a ticket this product decided for this very customer is written; an opted-out
  // customer's answer counts for NPS, never for routing.
  if (!answer || !event.ticketId || !created || !profile || profile.optedOut || created.customerKey !== profile.customerKey)
    return recorded;
  return decideOnTicket(event, event.ticketId, tenant, { ...profile, latestNps: answer }, created, deps);
}

/** Keeps the answer on the respondent's profile (created from one identity if there is none) when it is their newest NPS answer. */
async function recordOnProfile(
  event: SurveyAnswered,
  identities: Identity[],
  found: CustomerProfile | undefined,
  answer: LatestNps | undefined,
  deps: ProcessSurveyDeps,
): Promise<CustomerProfile | undefined> {
  // A profile is keyed by an identity that finds it again, never by a handle the respondent typed in.
  const [first] = findingIdentities(identities);
  if (!first) return undefined;
  const now = deps.clock.now();
  const hasher = deps.hasherFor(event.tenant);
  // Another response counts by when it was first given; another version of the same response by its revision.
  const newer = (base: CustomerProfile): boolean =>
    answer !== undefined &&
    !base.optedOut &&
    (!base.latestNps ||
      (base.latestNps.responseId === answer.responseId
        ? !isSuperseded(base.latestNps.revision, answerRevision(event))
        : Date.parse(base.latestNps.answeredAt) <= Date.parse(answer.answeredAt)));
  if (found && !newer(found)) return found;
  return writeGuarded(
    deps,
    found,
    () => deps.customers.findCustomer(event.tenant, identities),
    (base) => (newer(base) ? { ...base, latestNps: answer, updatedAt: now.toISOString() } : base),
    () => newCustomerProfile(event.tenant, first, hasher.hash(first), now),
  );
}

async function decideOnTicket(
  event: SurveyAnswered,
  ticketId: string,
  tenant: TenantView,
  profile: CustomerProfile & { latestNps: LatestNps },
  created: DecisionRecord,
  deps: ProcessSurveyDeps,
): Promise<ProcessOutcome> {
  const base: RecordBase = {
    tenant: event.tenant,
    decisionId: surveyDecisionId(tenant.helpdesk.kind, profile.latestNps.responseId, profile.latestNps.category, ticketId),
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId,
    customerKey: profile.customerKey,
    receivedAt: event.receivedAt,
    ...(tenant.configVersion !== undefined ? { configVersion: tenant.configVersion } : {}),
  };
  const previous = await deps.decisions.get(event.tenant, base.decisionId);

  // The ticket's own decision says what the helpdesk had set before this product raised anything:
  // the survey's uplift counts from there, so the cap holds over both decisions (and a retry
  // after a partial write never raises again).
  const baseline = created.decision.helpdeskPriority;
  const startedFrom = (ticket: TicketSnapshot): TicketSnapshot => {
    const { priority: _current, ...rest } = ticket;
    return baseline ? { ...rest, priority: baseline } : rest;
  };
  const policy = surveyPolicy(tenant.policy);

  return carryOutDecision(
    {
      base,
      previous,
      helpdesk: () => deps.helpdeskFor(event.tenant),
      plan: async (helpdesk) => {
        const ticket = await currentTicket(helpdesk, ticketId, created);
        return {
          ticket,
          originalGroupId: ticket.groupId,
          decideOn: (current, now) => {
            const decision = decide({ ticket: startedFrom(current), profile, policy, now });
            const note = renderNote(decision, event.comment !== undefined ? { surveyComment: event.comment } : {});
            // A follow-up is held out only where the tenant allows detractors to be (see heldOut).
            const holdout = previous ? undefined : heldOut(decision, tenant.policy, deps.holdoutDraw.draw(event.tenant, ticketId));
            return { decision, note, ...(holdout ? { holdout } : {}) };
          },
        };
      },
      whenGone: (now) => decide({ ticket: { id: ticketId, tags: [] }, profile, policy, now }),
    },
    deps,
  );
}

/**
 * The ticket as it is now; for a helpdesk that cannot be read back, what the ticket's own decision
 * wrote (or an empty ticket): the write merges with whatever the receiver holds.
 */
async function currentTicket(helpdesk: HelpdeskClient, ticketId: string, created: DecisionRecord): Promise<TicketSnapshot> {
  try {
    return await helpdesk.getTicket(ticketId);
  } catch (error) {
    if (!(error instanceof UnreadableTicketError)) throw error;
    const written = created.written;
    return {
      id: ticketId,
      tags: written?.tags ?? [],
      ...(written?.priority
        ? { priority: written.priority }
        : created.decision.helpdeskPriority
          ? { priority: created.decision.helpdeskPriority }
          : {}),
      ...(written?.groupId ? { groupId: written.groupId } : {}),
    };
  }
}
