import type { Decision } from './decide.js';
import type { Source } from './events.js';
import type { Priority } from './priority.js';

/** Status of a recorded decision. */
export type DecisionStatus = 'pending' | 'failed' | 'applied' | 'shadow' | 'skipped';

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
}

/**
 * Whether a decision is settled: applied, recorded in shadow mode, or skipped. A pending one may
 * have landed partly; a failed one was refused and waits in the dead-letter queue for a replay.
 * A settled record is never replaced.
 *
 * @example if (previous && isFinal(previous.status)) return { status: 'duplicate', record: previous }
 */
export function isFinal(status: DecisionStatus): boolean {
  return status === 'applied' || status === 'shadow' || status === 'skipped';
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
