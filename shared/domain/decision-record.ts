import type { Decision } from './decide.js';
import type { Source } from './events.js';
import type { Priority } from './priority.js';

/**
 * Status of a recorded decision. `held-out`: it would have raised the ticket, and the tenant's
 * holdout kept the ticket at its baseline (nothing was written). `baseline`: a ticket solved that
 * was never decided, kept so its service times count among everyone's.
 */
export type DecisionStatus = 'pending' | 'failed' | 'applied' | 'shadow' | 'skipped' | 'held-out' | 'baseline';

/**
 * Where a ticket's outcome was read, named by the helpdesk adapter that read it: its metrics API,
 * its ticket stats, or the solved event itself (each adapter's descriptor documents its value).
 */
export type OutcomeSource = string;

/**
 * What followed a ticket, read back when it was solved. Times are calendar minutes from the
 * ticket's creation; an absent time has not happened yet (never 0 in its place).
 */
export interface TicketOutcome {
  /** When the ticket was (last) solved, ISO-8601. */
  solvedAt: string;
  firstReplyMinutes?: number;
  resolutionMinutes?: number;
  /** Zendesk's business-hours figures, when it gave them. */
  firstReplyBusinessMinutes?: number;
  resolutionBusinessMinutes?: number;
  /** Times the ticket was reopened after a solve. */
  reopens: number;
  /** When the outcome was read back. */
  readAt: string;
  source: OutcomeSource;
}

/** The holdout draw that kept a ticket at its baseline: the keyed draw in [0, 1) and the tenant's share then. */
export interface HoldoutDrawRecord {
  draw: number;
  share: number;
}

/** The audit record of one decision: what came in, what was decided and why, what was written. */
export interface DecisionRecord {
  tenant: string;
  /** One per ticket event: `zendesk:ticket-created:123`. */
  decisionId: string;
  deliveryId: string;
  source: Source;
  ticketId: string;
  customerKey?: string;
  receivedAt: string;
  /**
   * When it was decided. A `baseline` record (never decided) holds the time it is filed under in
   * the day index instead: the ticket's creation if known, else its solve.
   */
  decidedAt: string;
  /** The version of the tenant's configuration the decision was made with (absent on decisions made before versions). */
  configVersion?: number;
  status: DecisionStatus;
  decision: Decision;
  note: string;
  written?: { priority?: Priority; tags: string[]; groupId?: string; at: string };
  skippedReason?: string;
  /** Why the helpdesk refused the write for good (status `failed`; the event is in the dead-letter queue). */
  failedReason?: string;
  /** On a `held-out` record: the draw that held it out (its `decision` is what would have been done). */
  holdout?: HoldoutDrawRecord;
  /** What followed, once the ticket was solved. */
  outcome?: TicketOutcome;
}

/**
 * Whether a decision is settled: applied, recorded in shadow mode, skipped, held out, or a
 * baseline record. A pending one may
 * have landed partly; a failed one was refused and waits in the dead-letter queue for a replay.
 * A settled record is never replaced.
 *
 * @example if (previous && isFinal(previous.status)) return { status: 'duplicate', record: previous }
 */
export function isFinal(status: DecisionStatus): boolean {
  return status !== 'pending' && status !== 'failed';
}

/*
 * Decision ids are built and read back here only: `<helpdesk>:<event>:<ticketId>`. They end with
 * the ticket id, so the store files a decision under its ticket from the id alone; the helpdesk
 * is the tenant's (whichever source carried the event), so one ticket has one id per event.
 */

/** The parts of a decision id: `<helpdesk>:<event>:<ticketId>`. */
export interface DecisionIdParts {
  source: string;
  event: string;
  ticketId: string;
}

/**
 * The audit id of a ticket-created decision: one per ticket of the tenant's helpdesk, whatever
 * the delivery and whichever source carried it.
 *
 * @example ticketCreatedDecisionId('zendesk', '35436') // 'zendesk:ticket-created:35436'
 */
export function ticketCreatedDecisionId(helpdeskKind: string, ticketId: string): string {
  return `${helpdeskKind}:ticket-created:${ticketId}`;
}

/**
 * The audit id of the decision a survey answer makes on its ticket: one per answer and NPS
 * category, so an edited comment never writes twice, but a customer who changes their mind
 * from promoter to detractor gets the follow-up.
 *
 * @example surveyDecisionId('zendesk', 'typeform:r-1', 'detractor', '35436') // 'zendesk:survey-answered:typeform:r-1:detractor:35436'
 */
export function surveyDecisionId(helpdeskKind: string, responseId: string, category: string, ticketId: string): string {
  return `${helpdeskKind}:survey-answered:${responseId}:${category}:${ticketId}`;
}

/**
 * Splits a decision id such as `zendesk:ticket-created:123`; the ticket id is what follows the
 * last colon. Undefined for a string no decision id could be.
 *
 * @example parseDecisionId('zendesk:ticket-created:123') // { source: 'zendesk', event: 'ticket-created', ticketId: '123' }
 */
export function parseDecisionId(decisionId: string): DecisionIdParts | undefined {
  const first = decisionId.indexOf(':');
  const last = decisionId.lastIndexOf(':');
  const source = decisionId.slice(0, first);
  const event = decisionId.slice(first + 1, last);
  const ticketId = decisionId.slice(last + 1);
  if (first <= 0 || last === first || event.length === 0 || ticketId.length === 0) return undefined;
  return { source, event, ticketId };
}
