import { ERASED, REDACTED_FOR_OPT_OUT } from '../../shared/adapters/store/privacy-store.js';
import { type DecisionRecord, parseDecisionId } from '../../shared/domain/decision-record.js';
import { html, type Html } from './html.js';
import { decisionPath, link, time } from './layout.js';

/* The pieces of one decision's page that need more than a field: each says one thing the same way everywhere. */

/** What took a decision's personal details away since it was made, told from what replaced its note. */
export function redactionOf(record: DecisionRecord): 'opt-out' | 'erasure' | undefined {
  if (record.note === REDACTED_FOR_OPT_OUT) return 'opt-out';
  if (record.note === ERASED) return 'erasure';
  return undefined;
}

/** The sentence that says what a redaction removed and what it left, for the top of the page. */
export function redactionNotice(record: DecisionRecord): Html | '' {
  switch (redactionOf(record)) {
    case 'opt-out':
      return html`<p class="redacted" role="note">
        The customer opted out after this decision: the score and the NPS answer it used, and its note, were redacted from this record. The
        tier, the rules and what was written are as decided then. The note already written in the helpdesk is unchanged.
      </p>`;
    case 'erasure':
      return html`<p class="redacted" role="note">
        The customer was erased after this decision: who they were, the score and NPS answer it used, the guardrails' messages and its note
        were removed from this record. What stays is the audit trail: the tier, the rules and what was written.
      </p>`;
    default:
      return '';
  }
}

/** The score a decision used, or why the page cannot show one. */
export function scoreFact(record: DecisionRecord): Html | string {
  const { score } = record.decision;
  if (score)
    return html`${score.value}
      <small>(${score.source}, ${score.freshness}, ${score.modelVersion}${score.trust ? `, handle ${score.trust}` : ''})</small
      ><br />${score.explanation}`;
  switch (redactionOf(record)) {
    case 'opt-out':
      return `redacted by the opt-out (the decision used one: tier ${record.decision.tier})`;
    case 'erasure':
      return 'removed by the erasure';
    default:
      return 'no score';
  }
}

/**
 * The Outcome's priority: what this decision changed. A follow-up (a survey answer's) decides from
 * the priority the helpdesk had set before any raise, while the ticket may already be higher (the
 * ticket's own decision raised it): a follow-up that raises nothing says so, with the priority
 * the ticket kept, so it never contradicts what was written.
 */
export function priorityOutcome(record: DecisionRecord): Html | string {
  const { decision, written } = record;
  const set = decision.helpdeskPriority ?? 'none';
  if (decision.priority && decision.uplift > 0)
    return html`${set} → <strong>${decision.priority}</strong> (+${decision.uplift}; rules asked +${decision.requestedUplift})`;
  const kept = written?.priority;
  if (kept && kept !== decision.helpdeskPriority)
    return `not raised by this decision: the ticket stays ${kept} (the helpdesk had set ${set})`;
  return `${set}, unchanged`;
}

/** "What was written"'s priority: the ticket's priority after the write, saying whether this decision wrote it. */
export function priorityWritten(written: NonNullable<DecisionRecord['written']>, decision: DecisionRecord['decision']): string {
  if (!written.priority) return 'left as it was';
  return decision.priority ? written.priority : `not written: the ticket stays ${written.priority}`;
}

/** The ticket, linked to where an agent opens it in the helpdesk when its address allows. */
export function ticketFact(record: DecisionRecord, ticketUrl: string | undefined): Html | string {
  if (!ticketUrl) return record.ticketId;
  return html`<a href="${ticketUrl}" rel="noreferrer" target="_blank">${record.ticketId} in the helpdesk</a>`;
}

/** What a decision id says happened, as a person reads it: "ticket created", "survey answered (typeform r-1, detractor)". */
export function eventName(decisionId: string): string {
  const parts = parseDecisionId(decisionId);
  if (!parts) return decisionId;
  const [event = parts.event, ...details] = parts.event.split(':');
  const name = event.replace(/-/g, ' ');
  return details.length > 0 ? `${name} (${details.join(' ')})` : name;
}

/** Every decision made on the same ticket, oldest first, this one marked: the ticket's story. */
export function sameTicket(record: DecisionRecord, decisions: readonly DecisionRecord[]): Html | '' {
  if (decisions.length < 2) return '';
  const ordered = [...decisions].sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
  return html`<h2>Decisions on ticket ${record.ticketId}</h2>
    <ol class="same-ticket">
      ${ordered.map(
        (other) =>
          html`<li>
            ${time(other.decidedAt)}
            ${
              other.decisionId === record.decisionId
                ? html`<strong aria-current="page">${eventName(other.decisionId)}</strong> (this one)`
                : link(decisionPath(other.tenant, other.decisionId), eventName(other.decisionId))
            }
            <small>${other.status}</small>
          </li>`,
      )}
    </ol>`;
}
