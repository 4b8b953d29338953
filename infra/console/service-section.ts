import { MIN_CONCLUSIVE, tooFewText } from '../../shared/domain/conclusive.js';
import type { Interval, TimeComparison, TimeSummary } from '../../shared/domain/service-times.js';
import type { SurveyComparison } from '../../shared/domain/survey-comparison.js';
import type { EveryoneElse, ServiceOutcomes, TicketStates, TierService } from '../../shared/use-cases/reporting/service-outcomes.js';
import { html, Html } from './html.js';

/*
 * The service section the report file and the console's report page both show: per tier, raised
 * tickets against held-out ones (first reply, resolution, CSAT, NPS), then everyone else's times
 * before and after the tenant went active. Its figures carry data- attributes for scripts.
 */

/**
 * Minutes as a person reads them: minutes up to 90, hours up to two days, then days.
 *
 * @example duration(135) // '2.3 h'
 */
export function duration(minutes: number | null): string {
  if (minutes === null) return 'not reached';
  const size = Math.abs(minutes);
  if (size < 90) return `${Math.round(minutes)} min`;
  if (size < 2880) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);
const signedDuration = (minutes: number) => signed(duration(minutes), minutes);
const percent = (ratio: number) => `${Math.round((ratio - 1) * 100)} %`;

function summaryCell(summary: TimeSummary): Html {
  return html`<td class="num">
    ${duration(summary.median)} <small>p90 ${duration(summary.p90)}</small><br /><small
      >${summary.tickets} tickets${summary.censored > 0 ? `, ${summary.censored} still waiting` : ''}</small
    >
  </td>`;
}

/** The difference cell: the estimate and its interval, or why there is none. */
function differenceCell(comparison: TimeComparison): Html {
  if (comparison.first.tickets === 0 && comparison.second.tickets === 0) return html`<td class="num">—</td>`;
  if (!comparison.conclusive)
    return html`<td class="num inconclusive">${tooFewText(comparison.first.tickets, comparison.second.tickets)}</td>`;
  if (!comparison.difference) return html`<td class="num">no interval: a median is not reached (more than half still waiting)</td>`;
  const { estimate, low, high } = comparison.difference;
  const ratio = comparison.ratio
    ? html`<br /><small
          >${percent(comparison.ratio.estimate)} (${percent(comparison.ratio.low)} to ${percent(comparison.ratio.high)})</small
        >`
    : '';
  return html`<td class="num ${comparison.clear ? 'clear' : 'unclear'}">
    <b>${signedDuration(estimate)}</b> <small>95 % ${signedDuration(low)} to ${signedDuration(high)}</small>${ratio}<br /><small
      >${comparison.clear ? 'clear of zero' : 'could be no difference'}</small
    >
  </td>`;
}

/** data- attributes of a comparison, for scripts and tests. */
function dataOf(prefix: string, comparison: TimeComparison): Record<string, string> {
  const put = (name: string, interval: Interval | null) =>
    interval
      ? {
          [`${prefix}-${name}`]: String(interval.estimate),
          [`${prefix}-${name}-low`]: String(interval.low),
          [`${prefix}-${name}-high`]: String(interval.high),
        }
      : {};
  return {
    [`${prefix}-conclusive`]: String(comparison.conclusive),
    ...put('difference', comparison.difference),
    ...put('ratio', comparison.ratio),
  };
}

const attributes = (data: Record<string, string>) =>
  new Html(
    Object.entries(data)
      .map(([name, value]) => `data-${name}="${value.replace(/[^0-9a-z.+-]/gi, '')}"`)
      .join(' '),
  );

function statesText(states: TicketStates): string {
  return `${states.tickets} (${states.open} open${states.solvedWithoutReply > 0 ? `, ${states.solvedWithoutReply} solved with no reply` : ''})`;
}

function timesTable(id: string, label: string, rows: readonly TierService[], pick: (tier: TierService) => TimeComparison): Html {
  return html`<table class="data" id="${id}">
    <thead>
      <tr>
        <th>Tier</th>
        <th>Raised: median</th>
        <th>Held out: median</th>
        <th>Raised − held out (${label})</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map((tier) => {
        const comparison = pick(tier);
        return html`<tr data-tier="${tier.tier}" ${attributes(dataOf('time', comparison))}>
          <th scope="row">${tier.tier}</th>
          ${summaryCell(comparison.first)}${summaryCell(comparison.second)}${differenceCell(comparison)}
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function surveyCell<T extends { n: number }>(comparison: SurveyComparison<T>, unit: string): Html {
  if (comparison.first.n === 0 && comparison.second.n === 0) return html`<td class="num">no answers</td>`;
  if (!comparison.conclusive || !comparison.difference)
    return html`<td class="num inconclusive">${tooFewText(comparison.first.n, comparison.second.n)}</td>`;
  const { estimate, low, high } = comparison.difference;
  const points = (value: number) => signed(`${value.toFixed(1)}${unit}`, value);
  return html`<td class="num ${comparison.clear ? 'clear' : 'unclear'}">
    <b>${points(estimate)}</b> <small>95 % ${points(low)} to ${points(high)}</small>
  </td>`;
}

function surveysTable(rows: readonly TierService[]): Html {
  return html`<table class="data" id="service-surveys">
    <thead>
      <tr>
        <th>Tier</th>
        <th>CSAT answers raised / held out</th>
        <th>Satisfied, raised − held out</th>
        <th>NPS answers raised / held out</th>
        <th>NPS, raised − held out</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (tier) =>
          html`<tr data-tier="${tier.tier}">
            <th scope="row">${tier.tier}</th>
            <td class="num">${tier.csat.first.n} / ${tier.csat.second.n}</td>
            ${surveyCell(tier.csat, ' pts')}
            <td class="num">${tier.nps.first.n} / ${tier.nps.second.n}</td>
            ${surveyCell(tier.nps, ' pts')}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function everyoneElseSection(cost: EveryoneElse): Html {
  if (!cost.firstReply || !cost.resolution || !cost.before || !cost.after)
    return html`<p id="everyone-else" data-went-active="${cost.wentActive ?? ''}">${cost.missing ?? ''}</p>
      <p class="small">Went active: ${cost.basis}.</p>`;
  const row = (label: string, comparison: TimeComparison) =>
    html`<tr ${attributes(dataOf('time', comparison))} data-metric="${label}">
      <th scope="row">${label}</th>
      ${summaryCell(comparison.second)}${summaryCell(comparison.first)}${differenceCell(comparison)}
    </tr>`;
  return html`<p id="everyone-else" data-went-active="${cost.wentActive ?? ''}">
      The tenant went active on ${cost.wentActive}. Tickets that were not raised (and would not have been), and solved tickets never
      decided, from ${cost.before.from} to ${cost.before.to} against ${cost.after.from} to ${cost.after.to}:
    </p>
    <table class="data" id="everyone-else-times">
      <thead>
        <tr>
          <th>Time to</th>
          <th>Before: median</th>
          <th>After: median</th>
          <th>After − before</th>
        </tr>
      </thead>
      <tbody>
        ${row('first reply', cost.firstReply)}${row('resolution', cost.resolution)}
      </tbody>
    </table>
    <p class="small">
      Went active: ${cost.basis}. Before and after is not a randomised comparison: the season, the team and the volume change too.
    </p>`;
}

/**
 * The service section: raised against held-out tickets per tier (tiers with neither are left
 * out), CSAT and NPS about those tickets, and the cost to everyone else, with the method stated.
 */
export function serviceSection(outcomes: ServiceOutcomes, headingLevel: 'h2' | 'h3' = 'h2'): Html {
  const rows = outcomes.byTier.filter((tier) => tier.raised.tickets > 0 || tier.heldOut.tickets > 0);
  const heading = (text: string) => (headingLevel === 'h2' ? html`<h2>${text}</h2>` : html`<h3>${text}</h3>`);
  const counts = rows.map((tier) => html`<li>${tier.tier}: raised ${statesText(tier.raised)}; held out ${statesText(tier.heldOut)}</li>`);
  return html`<section id="service" data-cutoff="${outcomes.cutoff}" data-resamples="${outcomes.resamples}" data-seed="${outcomes.seed}">
    ${heading('Service times: raised tickets against held-out ones, by tier')}
    ${
      rows.length === 0
        ? html`<p class="small">No ticket of the period was raised or held out.</p>`
        : html`${timesTable('service-first-reply', 'first reply', rows, (tier) => tier.firstReply)}
            ${timesTable('service-resolution', 'resolution', rows, (tier) => tier.resolution)}
            <ul class="small">
              ${counts}
            </ul>
            ${heading('CSAT and NPS about those tickets')} ${surveysTable(rows)}`
    }
    ${heading('The cost to everyone else: their times before and after the tenant went active')}
    ${everyoneElseSection(outcomes.everyoneElse)}
    <p class="small">
      Medians and 90th percentiles by Kaplan–Meier: a ticket still open at ${outcomes.cutoff} is counted as waiting for its age then, never
      dropped (its first reply is read when it is solved, so an open ticket counts as not replied yet); one solved with no reply is counted
      apart. Intervals: 95 % percentile bootstrap of the difference of medians, ${outcomes.resamples} resamples of customers within each
      group, seed ${outcomes.seed}. CSAT: Newcombe's interval; NPS: Var = [p + d − (p − d)²]/n per group. A group of fewer than
      ${MIN_CONCLUSIVE} tickets or answers is too few to conclude. Several tiers and metrics are compared at once: one clear result among
      many can be chance.
    </p>
  </section>`;
}
