import * as z from 'zod';
import type { Tenant } from '../../shared/adapters/config/tenants.js';
import { MAX_PERIOD_DAYS } from '../../shared/adapters/store/survey-index.js';
import { npsFigure } from '../../shared/domain/nps-stats.js';
import type { DecisionHistory, SurveyAnswerIndex } from '../../shared/domain/ports.js';
import { TIERS } from '../../shared/domain/tiers.js';
import { decisionReport } from '../../shared/use-cases/reporting/decision-report.js';
import { readNpsReport } from '../../shared/use-cases/reporting/nps-report.js';
import { serviceOutcomes } from '../../shared/use-cases/reporting/service-outcomes.js';
import { html } from './html.js';
import { decisionsPath, layout, link } from './layout.js';
import { serviceSection } from './service-section.js';

/*
 * The console's report page: a tenant's period answered with times (raised against held-out
 * tickets, the cost to everyone else) and its NPS by tier, read as `npm run report` reads them.
 */

const DAY_MS = 86_400_000;
/** Days the page covers when the address names none: the last four weeks, today included. */
const DEFAULT_DAYS = 28;
const Day = z.iso.date({ error: 'must be a day as YYYY-MM-DD' });
const blankIsAbsent = (value: unknown) => (value === '' ? undefined : value);
const PeriodSchema = z
  .object({ from: z.preprocess(blankIsAbsent, Day.optional()), to: z.preprocess(blankIsAbsent, Day.optional()) })
  .strict();

/** The report page of a tenant. */
export const reportPath = (tenant: string) => `/console/report/${encodeURIComponent(tenant)}`;

/** The period a report page's address asks for, or what is wrong with it. */
export type ReportPeriod = { ok: true; from: string; to: string } | { ok: false; message: string };

/**
 * Reads `from` and `to` (UTC days, both included) from a report page's address; without them the last 28 days.
 *
 * @example reportPeriod(new URLSearchParams('to=2026-11-30'), new Date()) // { ok: true, from: '2026-11-03', to: '2026-11-30' }
 */
export function reportPeriod(params: URLSearchParams, now: Date): ReportPeriod {
  const parsed = PeriodSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}` };
  }
  const to = parsed.data.to ?? now.toISOString().slice(0, 10);
  const from = parsed.data.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (from > to) return { ok: false, message: `from: ${from} is after to (${to})` };
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (days > MAX_PERIOD_DAYS)
    return { ok: false, message: `from/to: the period is ${days} days; at most ${MAX_PERIOD_DAYS} are read at once` };
  return { ok: true, from, to };
}

/**
 * The report page: reads the tenant's period from the day indexes (never a scan) and shows its
 * service times and NPS by tier, with the requests it made.
 *
 * @example sendPage(response, 200, await reportPage(tenant, tenants, { from, to }, { history, index }, new Date()))
 */
export async function reportPage(
  tenant: Tenant,
  tenants: readonly Tenant[],
  period: { from: string; to: string },
  deps: { history: DecisionHistory; index: SurveyAnswerIndex },
  now: Date,
): Promise<string> {
  const decisions = await decisionReport({ tenant: tenant.id, ...period }, { history: deps.history });
  const { report: nps, answers } = await readNpsReport(
    { tenant: tenant.id, from: new Date(`${period.from}T00:00:00Z`), to: new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS) },
    { index: deps.index },
  );
  const service = serviceOutcomes({ observations: decisions.service, answers, cutoff: now, ...period });
  const raised = decisions.byTier.reduce((sum, tier) => sum + tier.raised, 0);
  const body = html`<nav class="tenants">
      Tenant: ${tenants.map((other) => link(reportPath(other.id), other.id, other.id === tenant.id))}
    </nav>
    <form method="get" action="${reportPath(tenant.id)}" class="filters">
      <label>From <input type="date" name="from" value="${period.from}" required /></label>
      <label>To <input type="date" name="to" value="${period.to}" required /></label>
      <button type="submit">Show</button>
    </form>
    <p>
      ${decisions.decisions} decisions, ${raised} raised, ${decisions.baselineTickets} solved tickets never decided;
      ${link(`${decisionsPath(tenant.id)}?from=${period.from}&to=${period.to}`, 'the decisions')} · ${decisions.requests + nps.requests}
      index queries, no scan
    </p>
    ${serviceSection(service)}
    <h2>NPS by tier</h2>
    <table class="data" id="nps-by-tier">
      <thead>
        <tr>
          <th>Tier</th>
          <th>Answers</th>
          <th>NPS ± 95 % margin</th>
        </tr>
      </thead>
      <tbody>
        ${[['all', nps.overall] as const, ...TIERS.map((tier) => [tier, nps.byTier[tier]] as const)].map(
          ([label, summary]) =>
            html`<tr data-nps-tier="${label}">
              <th scope="row">${label}</th>
              <td class="num">${summary.n}</td>
              <td class="num">${npsFigure(summary)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  return layout(`Report of ${tenant.id}, ${period.from} to ${period.to}`, 'decisions', body, tenants);
}
