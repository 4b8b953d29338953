import { csatSatisfied } from '../../domain/csat.js';
import type { DecisionListing } from '../../domain/decision-listing.js';
import { parseDecisionId } from '../../domain/decision-record.js';
import { npsCategory } from '../../domain/nps.js';
import {
  BOOTSTRAP_RESAMPLES,
  BOOTSTRAP_SEED,
  type BootstrapOptions,
  compareTimes,
  type TimeComparison,
  type TimedTicket,
} from '../../domain/service-times.js';
import type { IndexedAnswer } from '../../domain/survey-answers.js';
import { compareCsat, compareNps, type CsatCounts, type NpsCounts, type SurveyComparison } from '../../domain/survey-comparison.js';
import { TIERS, type Tier } from '../../domain/tiers.js';

/*
 * Does raising help, and whom does it cost: service times of raised and held-out tickets per
 * tier, and of everyone else before and after the tenant went active, from what the
 * decisions-by-day index holds (read once by the decision report; nothing more is read here).
 */

/** Which group a ticket's decision puts it in. */
export type ServiceArm = 'raised' | 'held-out' | 'everyone-else';

/** What the service figures need of one listed ticket: its group, tier, customer, day, age and times. */
export interface ServiceObservation {
  arm: ServiceArm;
  tier: Tier;
  /** The customer, or the ticket itself when unknown or erased: the bootstrap resamples these. */
  cluster: string;
  ticketId: string;
  /** The index day the ticket is filed under (its decision's, or for a baseline record its creation's). */
  day: string;
  decidedAt: string;
  mode: 'active' | 'shadow';
  /** A solved ticket never decided (its mode says nothing of the tenant's). */
  baseline: boolean;
  solvedAt?: string;
  frMin?: number;
  resMin?: number;
}

/**
 * A listed decision's place in the service figures, or undefined when it has none: the raised arm
 * is every ticket decision assigned a raise in active mode, applied or failed (by assignment, as
 * the reference asks); the held-out arm is `held-out`; everyone else is a baseline record or a
 * ticket decision that did not (or, in shadow mode, would not) raise. Follow-ups after a survey
 * answer and skipped tickets (deleted) are left out: a ticket counts once.
 *
 * @example observeService('2026-11-03', listing)?.arm // 'raised'
 */
export function observeService(day: string, listing: DecisionListing): ServiceObservation | undefined {
  const { status, summary } = listing;
  const ticketDecision = parseDecisionId(listing.decisionId)?.event === 'ticket-created';
  let arm: ServiceArm | undefined;
  if (status === 'baseline') arm = 'everyone-else';
  else if (!ticketDecision) arm = undefined;
  else if (status === 'held-out') arm = 'held-out';
  else if (summary.uplift > 0 && summary.mode === 'active' && (status === 'applied' || status === 'failed')) arm = 'raised';
  else if (summary.uplift === 0 && (status === 'applied' || status === 'shadow')) arm = 'everyone-else';
  if (!arm) return undefined;
  return {
    arm,
    tier: summary.tier,
    cluster: listing.customerKey ?? `ticket:${listing.ticketId}`,
    ticketId: listing.ticketId,
    day,
    decidedAt: listing.decidedAt,
    mode: summary.mode,
    baseline: status === 'baseline',
    ...(summary.solvedAt === undefined ? {} : { solvedAt: summary.solvedAt }),
    ...(summary.frMin === undefined ? {} : { frMin: summary.frMin }),
    ...(summary.resMin === undefined ? {} : { resMin: summary.resMin }),
  };
}

/** A group's tickets by state: solved, solved with no reply (not in first-reply times), still open. */
export interface TicketStates {
  tickets: number;
  solved: number;
  solvedWithoutReply: number;
  open: number;
}

/** One tier's raised tickets against its held-out ones. */
export interface TierService {
  tier: Tier;
  raised: TicketStates;
  heldOut: TicketStates;
  /** First − second = raised − held out. */
  firstReply: TimeComparison;
  resolution: TimeComparison;
  csat: SurveyComparison<CsatCounts>;
  nps: SurveyComparison<NpsCounts>;
}

/** Everyone else's times in the weeks after the tenant went active against the weeks before. */
export interface EveryoneElse {
  /** First UTC day with a decision in active mode; null when none in the period. */
  wentActive: string | null;
  /** How `wentActive` was found. */
  basis: string;
  /** The days compared, both included; absent with `missing`. */
  before?: { from: string; to: string };
  after?: { from: string; to: string };
  /** First − second = after − before. */
  firstReply?: TimeComparison;
  resolution?: TimeComparison;
  /** Why there is no comparison, naming what to change. */
  missing?: string;
}

/** The service figures of a report. */
export interface ServiceOutcomes {
  /** The cut-off: a ticket open then is counted as waiting for its age then. */
  cutoff: string;
  byTier: TierService[];
  everyoneElse: EveryoneElse;
  resamples: number;
  seed: number;
}

/** Weeks on either side of going active that the cost to everyone else compares. */
export const COMPARED_WEEKS = 4;
const DAY_MS = 86_400_000;
const minutesBetween = (from: string, to: number) => Math.max(0, (to - Date.parse(from)) / 60_000);
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Counts a group's tickets by state. */
function states(group: readonly ServiceObservation[]): TicketStates {
  const solved = group.filter((ticket) => ticket.solvedAt !== undefined);
  return {
    tickets: group.length,
    solved: solved.length,
    solvedWithoutReply: solved.filter((ticket) => ticket.frMin === undefined).length,
    open: group.length - solved.length,
  };
}

/**
 * Times to the first reply: a reply's minutes; a ticket still open counted as waiting for its
 * age at the cut-off (its first reply is read when it is solved); one solved without any reply
 * is its own outcome, left out of these times and counted apart.
 */
function firstReplies(group: readonly ServiceObservation[], cutoff: number): TimedTicket[] {
  return group.flatMap((ticket): TimedTicket[] => {
    if (ticket.frMin !== undefined) return [{ minutes: ticket.frMin, observed: true, cluster: ticket.cluster }];
    if (ticket.solvedAt !== undefined) return [];
    return [{ minutes: minutesBetween(ticket.decidedAt, cutoff), observed: false, cluster: ticket.cluster }];
  });
}

/** Times to resolution: a solved ticket's minutes; an open one waiting for its age at the cut-off. */
function resolutions(group: readonly ServiceObservation[], cutoff: number): TimedTicket[] {
  return group.flatMap((ticket): TimedTicket[] => {
    if (ticket.resMin !== undefined) return [{ minutes: ticket.resMin, observed: true, cluster: ticket.cluster }];
    if (ticket.solvedAt !== undefined) return [];
    return [{ minutes: minutesBetween(ticket.decidedAt, cutoff), observed: false, cluster: ticket.cluster }];
  });
}

/** NPS and CSAT counts of the answers about a group's tickets. */
function surveyCounts(answers: readonly IndexedAnswer[]): { nps: NpsCounts; csat: CsatCounts } {
  const nps = { n: 0, promoters: 0, detractors: 0 };
  const csat = { n: 0, satisfied: 0 };
  for (const answer of answers) {
    if (answer.kind === 'nps') {
      const category = npsCategory(answer.score);
      nps.n += 1;
      if (category === 'promoter') nps.promoters += 1;
      if (category === 'detractor') nps.detractors += 1;
    } else {
      csat.n += 1;
      if (csatSatisfied(answer.score, answer.scale)) csat.satisfied += 1;
    }
  }
  return { nps, csat };
}

function everyoneElse(
  observations: readonly ServiceObservation[],
  period: { from: string; to: string },
  cutoff: number,
  bootstrap: BootstrapOptions,
): EveryoneElse {
  const basis = 'the first decision in active mode in the period (the tenant’s configuration history is not kept)';
  const firstActive = observations
    .filter((ticket) => ticket.mode === 'active' && !ticket.baseline)
    .map((ticket) => ticket.day)
    .sort()[0];
  if (firstActive === undefined)
    return { wentActive: null, basis, missing: 'No decision of the period was made in active mode: the tenant has not gone active in it.' };
  if (firstActive <= period.from)
    return {
      wentActive: firstActive,
      basis,
      missing: `The tenant was active from the period's first day: give --from a day in the ${COMPARED_WEEKS} weeks before it went active (in shadow mode or before).`,
    };
  const earliest = addDays(firstActive, -7 * COMPARED_WEEKS);
  const before = { from: earliest > period.from ? earliest : period.from, to: addDays(firstActive, -1) };
  const latest = addDays(firstActive, 7 * COMPARED_WEEKS - 1);
  const after = { from: firstActive, to: latest < period.to ? latest : period.to };
  const others = observations.filter((ticket) => ticket.arm === 'everyone-else');
  const inDays = (days: { from: string; to: string }) => others.filter((ticket) => ticket.day >= days.from && ticket.day <= days.to);
  return {
    wentActive: firstActive,
    basis,
    before,
    after,
    firstReply: compareTimes(firstReplies(inDays(after), cutoff), firstReplies(inDays(before), cutoff), bootstrap),
    resolution: compareTimes(resolutions(inDays(after), cutoff), resolutions(inDays(before), cutoff), bootstrap),
  };
}

/**
 * The service figures of a period: per tier, raised against held-out tickets (first reply and
 * resolution times with their medians, 90th percentiles and the difference's 95 % interval; CSAT
 * and NPS of the answers about those tickets), and everyone else's times after the tenant went
 * active against before. Pure: it reads nothing.
 *
 * @example serviceOutcomes({ observations, answers, cutoff: new Date(), from: '2026-11-01', to: '2026-11-30' }).byTier
 */
export function serviceOutcomes(input: {
  observations: readonly ServiceObservation[];
  answers: readonly IndexedAnswer[];
  cutoff: Date;
  from: string;
  to: string;
  bootstrap?: BootstrapOptions;
}): ServiceOutcomes {
  const cutoff = input.cutoff.getTime();
  const bootstrap = input.bootstrap ?? {};
  const armOf = new Map<string, ServiceObservation>();
  for (const ticket of input.observations) if (ticket.arm !== 'everyone-else') armOf.set(ticket.ticketId, ticket);
  const byTier = TIERS.map((tier): TierService => {
    const raised = input.observations.filter((ticket) => ticket.tier === tier && ticket.arm === 'raised');
    const heldOut = input.observations.filter((ticket) => ticket.tier === tier && ticket.arm === 'held-out');
    const about = (arm: ServiceArm) =>
      surveyCounts(
        input.answers.filter((answer) => {
          const ticket = answer.ticketId === undefined ? undefined : armOf.get(answer.ticketId);
          return ticket?.tier === tier && ticket.arm === arm;
        }),
      );
    const surveyRaised = about('raised');
    const surveyHeldOut = about('held-out');
    return {
      tier,
      raised: states(raised),
      heldOut: states(heldOut),
      firstReply: compareTimes(firstReplies(raised, cutoff), firstReplies(heldOut, cutoff), bootstrap),
      resolution: compareTimes(resolutions(raised, cutoff), resolutions(heldOut, cutoff), bootstrap),
      csat: compareCsat(surveyRaised.csat, surveyHeldOut.csat),
      nps: compareNps(surveyRaised.nps, surveyHeldOut.nps),
    };
  });
  return {
    cutoff: input.cutoff.toISOString(),
    byTier,
    everyoneElse: everyoneElse(input.observations, input, cutoff, bootstrap),
    resamples: bootstrap.resamples ?? BOOTSTRAP_RESAMPLES,
    seed: bootstrap.seed ?? BOOTSTRAP_SEED,
  };
}
