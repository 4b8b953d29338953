import { type CsatSummary, csatFigure, npsFigure, type NpsSummary } from '../../../shared/domain/nps-stats.js';
import { TIERS } from '../../../shared/domain/tiers.js';
import type { DecisionReport } from '../../../shared/use-cases/reporting/decision-report.js';
import type { NpsReport } from '../../../shared/use-cases/reporting/nps-report.js';
import type { ServiceOutcomes } from '../../../shared/use-cases/reporting/service-outcomes.js';
import { html, type Html } from '../../console/html.js';
import { serviceSection } from '../../console/service-section.js';

/** What a report file shows: the decisions' counts, the survey answers' scores, and how they were read. */
export interface ReportContent {
  decisions: DecisionReport;
  nps: NpsReport;
  /** Service times of raised and held-out tickets, and everyone else's. */
  service: ServiceOutcomes;
  generatedAt: string;
  /** DynamoDB requests the report made in all. */
  requests: number;
}

const COLOURS = { applied: '#2e9d5b', shadow: '#7b5cd6', skipped: '#a7afbd', failed: '#d2483c', 'held-out': '#3b8fc4' } as const;
const OUTCOMES = ['applied', 'held-out', 'shadow', 'skipped', 'failed'] as const;
const pct = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
const fmt = (value: number) => value.toLocaleString('en');
const plural = (count: number, one: string, many: string) => `${fmt(count)} ${count === 1 ? one : many}`;

/** Stacked bars of each day's decisions by outcome, as inline SVG. */
function dailyChart(report: DecisionReport): Html {
  const width = 900;
  const height = 220;
  const top = Math.max(1, ...report.byDay.map((day) => OUTCOMES.reduce((sum, outcome) => sum + day[outcome], 0)));
  const slot = width / Math.max(1, report.byDay.length);
  const bar = Math.max(1, slot * 0.8);
  const bars = report.byDay.map((day, index) => {
    let y = height;
    return OUTCOMES.map((outcome) => {
      const h = (day[outcome] / top) * (height - 10);
      y -= h;
      return day[outcome] === 0
        ? ''
        : html`<rect
            x="${(index * slot + (slot - bar) / 2).toFixed(1)}"
            y="${y.toFixed(1)}"
            width="${bar.toFixed(1)}"
            height="${h.toFixed(1)}"
            fill="${COLOURS[outcome]}"
            ><title>${day.day}: ${day[outcome]} ${outcome}</title></rect
          >`;
    });
  });
  const first = report.byDay[0]?.day ?? '';
  const last = report.byDay.at(-1)?.day ?? '';
  return html`<figure>
    <svg viewBox="0 0 ${width} ${height + 24}" role="img" aria-label="Decisions per day by outcome">
      <line x1="0" y1="${height}" x2="${width}" y2="${height}" stroke="#ccd" />
      ${bars}
      <text x="0" y="${height + 18}" class="axis">${first}</text>
      <text x="${width}" y="${height + 18}" class="axis" text-anchor="end">${last}</text>
      <text x="4" y="12" class="axis">${fmt(top)} a day at most</text>
    </svg>
    <figcaption>${OUTCOMES.map((outcome) => html`<span class="key" style="--c:${COLOURS[outcome]}"></span>${outcome} `)}</figcaption>
  </figure>`;
}

/** Horizontal bars, one per row, labelled, scaled to the largest. */
function barRows(rows: readonly { label: string; value: number; note?: string }[], colour: string, unit = ''): Html {
  const top = Math.max(1, ...rows.map((row) => row.value));
  return html`<table class="bars">
    ${rows.map(
      (row) =>
        html`<tr>
          <th scope="row">${row.label}</th>
          <td><span class="bar" style="width:${pct(row.value, top).toFixed(1)}%;background:${colour}"></span></td>
          <td class="num">
            ${unit === '%' ? `${row.value.toFixed(1)} %` : fmt(row.value)}${row.note ? html` <small>${row.note}</small>` : ''}
          </td>
        </tr>`,
    )}
  </table>`;
}

function fairness(report: DecisionReport): Html {
  const tickets = report.byTier.reduce((sum, tier) => sum + tier.tickets, 0);
  const raisedAll = report.byTier.reduce((sum, tier) => sum + tier.raised, 0);
  return html`<table class="data" id="fairness">
      <thead>
        <tr>
          <th>Tier</th>
          <th>Customers (by their latest tier)</th>
          <th>Share of customers</th>
          <th>Tickets</th>
          <th>Raised</th>
          <th>Share of the tier's tickets raised</th>
          <th>Share of all raises</th>
          <th>Not raised</th>
        </tr>
      </thead>
      <tbody>
        ${report.byTier.map(
          (tier) =>
            html`<tr
              data-tier="${tier.tier}"
              data-tickets="${tier.tickets}"
              data-raised="${tier.raised}"
              data-customers="${tier.customers}"
            >
              <th scope="row">${tier.tier}</th>
              <td class="num">${fmt(tier.customers)}</td>
              <td class="num">${pct(tier.customers, report.customers).toFixed(1)} %</td>
              <td class="num">${fmt(tier.tickets)}</td>
              <td class="num">${fmt(tier.raised)}</td>
              <td class="num">${pct(tier.raised, tier.tickets).toFixed(1)} %</td>
              <td class="num">${pct(tier.raised, raisedAll).toFixed(1)} %</td>
              <td class="num">${fmt(tier.tickets - tier.raised)}</td>
            </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">all</th>
          <td class="num">${fmt(report.customers)}</td>
          <td></td>
          <td class="num">${fmt(tickets)}</td>
          <td class="num">${fmt(raisedAll)}</td>
          <td class="num">${pct(raisedAll, tickets).toFixed(1)} %</td>
          <td></td>
          <td class="num">${fmt(tickets - raisedAll)}</td>
        </tr>
      </tfoot>
    </table>
    <p class="small">
      Each customer counts once, in the tier of their latest decision of the period, so the shares of customers add up to 100 %; erased
      customers have no key and are not counted as customers. A held-out ticket (kept at the helpdesk's priority by the holdout) is not
      raised. Tier <code>none</code> (no score, opted out, too stale) is never raised.
    </p>`;
}

function npsRow(label: string, summary: NpsSummary): Html {
  return html`<tr data-nps-tier="${label}" data-n="${summary.n}">
    <th scope="row">${label}</th>
    <td class="num">${fmt(summary.n)}</td>
    <td class="num">${summary.promoters}</td>
    <td class="num">${summary.passives}</td>
    <td class="num">${summary.detractors}</td>
    <td class="num">${npsFigure(summary)}</td>
  </tr>`;
}

function csatRow(label: string, summary: CsatSummary): Html {
  return html`<tr>
    <th scope="row">${label}</th>
    <td class="num">${fmt(summary.n)}</td>
    <td class="num">${summary.satisfied}</td>
    <td class="num">${csatFigure(summary)}</td>
  </tr>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0 auto;max-width:64rem;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-top:1px solid #dde1e8;padding-top:1rem}
.small,small,figcaption,.meta{color:#5b6474;font-size:.85rem}svg{width:100%;height:auto}.axis{font-size:12px;fill:#5b6474}
table{border-collapse:collapse}table.data{width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #eef0f4}
thead th{font-size:.78rem;text-transform:uppercase;color:#5b6474}.num{text-align:right;font-variant-numeric:tabular-nums}
table.bars{width:100%}table.bars td:nth-child(2){width:65%}.bar{display:inline-block;height:.9rem;border-radius:2px;min-width:1px}
.key{display:inline-block;width:.8rem;height:.8rem;background:var(--c);margin:0 .3rem 0 .8rem;border-radius:2px;vertical-align:-1px}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{flex:1 1 10rem;background:#f6f7f9;border-radius:6px;padding:.6rem .9rem}.card b{display:block;font-size:1.4rem}
`;

/** Tickets whose provider failed when asked for a score, by kind, and per day; empty days left out. */
function providerFailures(report: DecisionReport): Html {
  const { total, byKind, byDay } = report.providerFailures;
  if (total === 0)
    return html`<p class="small" id="provider-failures" data-failed="0" data-circuit-open="0">
      The score provider never failed on a ticket's path in the period (or the tenant's scores come from imports and overrides only).
    </p>`;
  const circuitOpen = byDay.reduce((sum, day) => sum + day.circuitOpen, 0);
  const days = byDay.filter((day) => day.failed > 0);
  return html`<p id="provider-failures" data-failed="${total}" data-circuit-open="${circuitOpen}">
      ${fmt(total)} tickets were decided without a score because the provider failed when asked (${pct(total, report.decisions).toFixed(1)}
      % of decisions); ${fmt(circuitOpen)} of them found its circuit breaker open and did not call it. Each is queued for a refresh.
    </p>
    ${barRows(
      byKind.map((entry) => ({ label: entry.kind, value: entry.tickets })),
      '#c0392b',
    )}
    <table class="data">
      <thead>
        <tr>
          <th>Day</th>
          <th>Failed</th>
          <th>Breaker open</th>
        </tr>
      </thead>
      <tbody>
        ${days.map(
          (day) =>
            html`<tr>
              <td>${day.day}</td>
              <td class="num">${fmt(day.failed)}</td>
              <td class="num">${fmt(day.circuitOpen)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no request to
 * anywhere, so it opens anywhere with no network. Its numbers carry `data-` attributes, so a
 * script (or a test) can read them back.
 */
export function renderReport(content: ReportContent): string {
  const { decisions: report, nps } = content;
  const raisedAll = report.byTier.reduce((sum, tier) => sum + tier.raised, 0);
  const shadowMode = report.shadow.decisions > 0;
  const byTierRows = report.byTier.map((tier) => ({ label: tier.tier, value: tier.raised, note: plural(tier.levels, 'level', 'levels') }));
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:" />
        <title>Influence Router report: ${report.tenant}, ${report.from} to ${report.to}</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body data-decisions="${report.decisions}" data-requests="${content.requests}">
        <h1>Influence Router report: ${report.tenant}</h1>
        <p class="meta">
          UTC days ${report.from} to ${report.to}, both included · generated ${content.generatedAt} · ${fmt(content.requests)} DynamoDB
          requests, no scan${shadowMode ? ` · ${fmt(report.shadow.decisions)} decisions in shadow mode` : ''}
        </p>
        <div class="cards">
          <div class="card"><b id="decisions">${fmt(report.decisions)}</b>decisions</div>
          <div class="card"><b id="raised">${fmt(raisedAll)}</b>tickets raised${shadowMode ? ' (or would be, in shadow mode)' : ''}</div>
          <div class="card"><b>${fmt(report.customers)}</b>customers</div>
          <div class="card"><b>${fmt(report.decidedWithoutScore)}</b>decided without a score</div>
          ${
            report.handleNotTrusted > 0
              ? html`<div class="card"><b>${fmt(report.handleNotTrusted)}</b>scored, but from a handle not trusted enough to raise</div>`
              : ''
          }
          <div class="card" id="nps-card" data-conclusive="${nps.overall.conclusive}">
            <b>${npsFigure(nps.overall)}</b>NPS, ${plural(nps.overall.n, 'answer', 'answers')}
          </div>
        </div>

        <h2>Decisions per day, by outcome</h2>
        ${dailyChart(report)} ${serviceSection(content.service)}

        <h2>Who was raised: raises by tier beside customers by tier</h2>
        ${fairness(report)}

        <h2>Raises by tier</h2>
        ${barRows(byTierRows, '#e0a030')}

        <h2>Raises by rule</h2>
        ${
          report.raisesByRule.length === 0
            ? html`<p class="small">No rule raised a priority in the period.</p>`
            : barRows(
                report.raisesByRule.map((rule) => ({ label: rule.rule, value: rule.raised })),
                '#2f5bd3',
              )
        }

        <h2>Shadow mode: what active mode would have changed</h2>
        ${
          report.shadow.decisions === 0
            ? html`<p class="small">No decision of the period was made in shadow mode.</p>`
            : html`<p id="shadow" data-shadow="${report.shadow.decisions}" data-would-raise="${report.shadow.wouldRaise}">
                  ${fmt(report.shadow.decisions)} decisions were made in shadow mode: active mode would have raised
                  ${fmt(report.shadow.wouldRaise)} tickets (${pct(report.shadow.wouldRaise, report.shadow.decisions).toFixed(1)} %), and
                  left the rest as they were.
                </p>
                ${barRows(
                  report.shadow.byTier.map((tier) => ({ label: tier.tier, value: tier.wouldRaise })),
                  COLOURS.shadow,
                )}`
        }

        <h2>Score provider on the ticket path: failures and its open circuit breaker</h2>
        ${providerFailures(report)}

        <h2>NPS by tier, with the 95 % margin of error</h2>
        <table class="data">
          <thead>
            <tr>
              <th>Tier</th>
              <th>Answers</th>
              <th>Promoters</th>
              <th>Passives</th>
              <th>Detractors</th>
              <th>NPS ± margin</th>
            </tr>
          </thead>
          <tbody>
            ${npsRow('all', nps.overall)}${TIERS.map((tier) => npsRow(tier, nps.byTier[tier]))}
          </tbody>
        </table>

        <h2>CSAT by tier, with the 95 % margin of error</h2>
        <table class="data">
          <thead>
            <tr>
              <th>Tier</th>
              <th>Answers</th>
              <th>Satisfied</th>
              <th>CSAT ± margin</th>
            </tr>
          </thead>
          <tbody>
            ${csatRow('all', nps.csat)}${TIERS.map((tier) => csatRow(tier, nps.csatByTier[tier]))}
          </tbody>
        </table>
        <p class="small">
          Margins: NPS 1.96 × √((p + d − (p − d)²)/n) × 100 points; CSAT 1.96 × √(p(1 − p)/n) × 100. A group of fewer than 30 answers is too
          few to conclude: no figure is shown for it, here, on the card above, in the console or in npm run nps.
        </p>
      </body>
    </html> `.text;
}
