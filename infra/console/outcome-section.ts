import type { DecisionRecord } from '../../shared/domain/decision-record.js';
import { type Html, html } from './html.js';
import { row, time } from './layout.js';

/**
 * A duration in calendar minutes as a person reads it: `42 min`, `5 h 0 min`, `2 d 3 h`.
 *
 * @example minutesText(300) // '5 h 0 min'
 */
export function minutesText(minutes: number): string {
  const whole = Math.round(minutes);
  if (whole < 60) return `${whole} min`;
  if (whole < 24 * 60) return `${Math.floor(whole / 60)} h ${whole % 60} min`;
  return `${Math.floor(whole / (24 * 60))} d ${Math.floor((whole % (24 * 60)) / 60)} h`;
}

/** What would have been done for a held-out ticket, in a sentence. */
function wouldHave(record: DecisionRecord): string {
  const { decision } = record;
  const raise = decision.priority ? `raised ${decision.helpdeskPriority ?? 'none'} → ${decision.priority} (+${decision.uplift})` : '';
  const tags = decision.tags.length > 0 ? `tagged ${decision.tags.join(', ')}` : '';
  return [raise, tags].filter(Boolean).join(', ') || 'nothing';
}

/**
 * The decision page's section on the holdout and on what followed the ticket: its first reply
 * and resolution times, reopens and when it was solved (read back when it was), or that it is
 * not solved yet.
 */
export function outcomeSection(record: DecisionRecord): Html {
  const { outcome, holdout } = record;
  const heldOut =
    record.status === 'held-out' && holdout
      ? html`<p>
          <strong>Held out</strong>: the tenant's holdout (${Math.round(holdout.share * 100)}% of tickets that would be raised) kept this
          ticket at the helpdesk's own priority, draw ${holdout.draw.toFixed(4)}. Nothing was written and no note was posted. It would have
          been: ${wouldHave(record)}.
        </p>`
      : record.status === 'baseline'
        ? html`<p>Never decided: a solved ticket kept as <strong>baseline</strong>, so its times count among everyone's.</p>`
        : '';
  const times = outcome
    ? html`<table class="facts">
        ${row('Solved', time(outcome.solvedAt))}
        ${row('First reply', outcome.firstReplyMinutes !== undefined ? minutesText(outcome.firstReplyMinutes) : 'no reply yet')}
        ${row('Resolution', outcome.resolutionMinutes !== undefined ? minutesText(outcome.resolutionMinutes) : 'not known')}
        ${row('Business hours', outcome.firstReplyBusinessMinutes !== undefined || outcome.resolutionBusinessMinutes !== undefined ? `first reply ${outcome.firstReplyBusinessMinutes !== undefined ? minutesText(outcome.firstReplyBusinessMinutes) : '-'}, resolution ${outcome.resolutionBusinessMinutes !== undefined ? minutesText(outcome.resolutionBusinessMinutes) : '-'}` : undefined)}
        ${row('Reopens', outcome.reopens)} ${row('Read', html`${time(outcome.readAt)} <small>(${outcome.source})</small>`)}
      </table>`
    : html`<p class="empty">Not solved yet: no outcome read back.</p>`;
  return html`<h2>What followed</h2>
    ${heldOut} ${times}`;
}
