import type { Tenant } from '../../shared/adapters/config/tenants.js';
import { outcomeSection } from './outcome-section.js';
import type { DecisionListing } from '../../shared/domain/decision-listing.js';
import type { DecisionRecord } from '../../shared/domain/decision-record.js';
import { TIERS } from '../../shared/domain/tiers.js';
import { html, type Html } from './html.js';
import { badge, decisionPath, decisionsPath, layout, link, row, time } from './layout.js';
import { priorityOutcome, priorityWritten, redactionNotice, sameTicket, scoreFact, ticketFact } from './decision-parts.js';
import { reportPath } from './report-page.js';

/** The filters of the decision list, as the page's form holds them. */
export interface DecisionFilters {
  status?: string;
  tier?: string;
  rule?: string;
  from: string;
  to: string;
  limit: number;
}

/** Statuses a decided record can have in the list (a pending claim is not listed). */
export const LISTED_STATUSES = ['applied', 'held-out', 'shadow', 'skipped', 'failed', 'baseline'] as const;

/** The console's first page: each tenant with its decisions and report, and the queue at a glance (when this console sees it). */
export function homePage(tenants: readonly Tenant[], queue: { pending: number; deadLetters: number } | string): string {
  const body = html` <p>What the router decides, for every tenant this server runs, from the same table the functions write.</p>
    <table>
      <thead>
        <tr>
          <th>Tenant</th>
          <th>Helpdesk</th>
          <th>Mode</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${tenants.map(
          (tenant) =>
            html`<tr>
              <td>${tenant.id}${tenant.name ? html` <small>${tenant.name}</small>` : ''}</td>
              <td>${tenant.helpdesk.kind}</td>
              <td>${badge(tenant.policy.mode, tenant.policy.mode)}</td>
              <td>${link(decisionsPath(tenant.id), 'Decisions')} · ${link(reportPath(tenant.id), 'Report')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p>
      ${typeof queue === 'string' ? queue : html`Queue: ${queue.pending} waiting, ${link('/console/queue', `${queue.deadLetters} in the dead-letter queue`)}.`}
    </p>`;
  return layout('Console', 'home', body, tenants);
}

function select(name: string, label: string, options: readonly string[], chosen: string | undefined): Html {
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">any</option>
      ${options.map((option) => html`<option value="${option}" ${option === chosen ? html` selected` : ''}>${option}</option>`)}
    </select></label
  >`;
}

function priorityCell(listing: DecisionListing): Html {
  const { helpdeskPriority, priority, uplift } = listing.summary;
  if (priority && uplift > 0) return html`${helpdeskPriority ?? 'none'} → <strong>${priority}</strong> <small>+${uplift}</small>`;
  return html`${helpdeskPriority ?? '—'}`;
}

/** A tenant's decisions, newest first, with the filter form and the next page's link. */
export function decisionsPage(
  tenant: Tenant,
  tenants: readonly Tenant[],
  filters: DecisionFilters,
  page: { decisions: DecisionListing[]; cursor?: string; requests: number },
): string {
  const rules = tenant.policy.rules.map((rule) => rule.id);
  const query = (extra: Record<string, string>) =>
    new URLSearchParams(
      Object.entries({ ...filters, limit: String(filters.limit), ...extra }).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
      ),
    ).toString();
  const body = html` <nav class="tenants">
      Tenant: ${tenants.map((other) => link(decisionsPath(other.id), other.id, other.id === tenant.id))}
    </nav>
    <form method="get" action="${decisionsPath(tenant.id)}" class="filters">
      ${select('status', 'Status', LISTED_STATUSES, filters.status)} ${select('tier', 'Tier', TIERS, filters.tier)}
      ${select('rule', 'Rule', rules, filters.rule)}
      <label>From <input type="date" name="from" value="${filters.from}" required /></label>
      <label>To <input type="date" name="to" value="${filters.to}" required /></label>
      <input type="hidden" name="limit" value="${filters.limit}" />
      <button type="submit">Show</button>
    </form>
    ${
      page.decisions.length === 0
        ? html`<p class="empty">No decisions match, from ${filters.from} to ${filters.to}.</p>`
        : html`<table class="decisions">
            <thead>
              <tr>
                <th>Decided</th>
                <th>Ticket</th>
                <th>Event</th>
                <th>Status</th>
                <th>Tier</th>
                <th>Priority</th>
                <th>Rules</th>
                <th>Guardrails</th>
              </tr>
            </thead>
            <tbody>
              ${page.decisions.map(
                (listing) =>
                  html`<tr>
                    <td>${time(listing.decidedAt)}</td>
                    <td>${link(decisionPath(tenant.id, listing.decisionId), `#${listing.ticketId}`)}</td>
                    <td>${listing.decisionId.split(':').slice(1, -1).join(' ')}</td>
                    <td>
                      ${badge(listing.status, listing.status)}${listing.summary.mode === 'shadow' ? html` <small>shadow</small>` : ''}
                    </td>
                    <td>
                      ${badge(`tier-${listing.summary.tier}`, listing.summary.tier)}${listing.summary.score ? html` <small>${listing.summary.score.value}</small>` : ''}
                    </td>
                    <td>${priorityCell(listing)}</td>
                    <td>${listing.summary.rules.join(', ')}</td>
                    <td>${[...new Set(listing.summary.guardrails)].join(', ')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p class="paging">
      ${page.decisions.length}
      shown${page.cursor ? html` · ${link(`${decisionsPath(tenant.id)}?${query({ cursor: page.cursor })}`, 'Older decisions →')}` : ' · the end of the period'}
      · ${page.requests} index ${page.requests === 1 ? 'query' : 'queries'}, no scan
    </p>`;
  return layout(`Decisions of ${tenant.id}`, 'decisions', body, tenants);
}

/** What a decision's page shows beside the record: the other decisions of its ticket, and where the helpdesk shows the ticket. */
export interface DecisionContext {
  /** Every decision of the same ticket, this one included. */
  sameTicket: readonly DecisionRecord[];
  ticketUrl?: string;
}

/** One decision with everything it recorded: why, what held it back, what was written, the note. */
export function decisionPage(record: DecisionRecord, tenants: readonly Tenant[], context: DecisionContext = { sameTicket: [] }): string {
  const { decision } = record;
  const body = html` <p>${link(decisionsPath(record.tenant), `← All decisions of ${record.tenant}`)}</p>
    ${redactionNotice(record)}
    <section class="cards">
      <div class="card">
        <h2>Outcome</h2>
        <table class="facts">
          ${row('Status', badge(record.status, record.status))} ${row('Mode', decision.mode)}
          ${row('Tier', badge(`tier-${decision.tier}`, decision.tier))} ${row('Priority', priorityOutcome(record))}
          ${row('Tags', decision.tags.join(', ') || 'none')}
          ${row('Routing hint', decision.groupId ? `group ${decision.groupId}` : undefined)} ${row('Skipped because', record.skippedReason)}
          ${row('Failed because', record.failedReason)}
        </table>
      </div>
      <div class="card">
        <h2>Event</h2>
        <table class="facts">
          ${row('Ticket', ticketFact(record, context.ticketUrl))} ${row('Decision', record.decisionId)} ${row('Source', record.source)}
          ${row('Delivery', record.deliveryId)} ${row('Received', time(record.receivedAt))} ${row('Decided', time(record.decidedAt))}
          ${row('Policy version', decision.policyVersion)}
          ${row('Tenant configuration', record.configVersion !== undefined ? link('/console/tenants#' + encodeURIComponent(record.tenant), `version ${record.configVersion}`) : undefined)}
          ${row('Customer key', record.customerKey ?? 'none (erased or unknown)')}
        </table>
      </div>
    </section>
    ${outcomeSection(record)}
    <h2>Why</h2>
    <table class="facts">
      ${row('Score', scoreFact(record))}
      ${row('NPS', decision.nps ? `${decision.nps.category} (${decision.nps.score}, answered ${decision.nps.answeredAt})` : undefined)}
    </table>
    <h3>Rules that matched</h3>
    ${
      decision.matchedRules.length === 0
        ? html`<p class="empty">None.</p>`
        : html`<ul>
            ${decision.matchedRules.map((rule) => html`<li><code>${rule.id}</code>: ${rule.reason}</li>`)}
          </ul>`
    }
    <h3>Guardrails</h3>
    ${
      decision.guardrails.length === 0
        ? html`<p class="empty">None spoke.</p>`
        : html`<ul>
            ${decision.guardrails.map((guardrail) => html`<li><code>${guardrail.id}</code>: ${guardrail.message}</li>`)}
          </ul>`
    }
    <h2>What was written</h2>
    ${
      record.written
        ? html`<table class="facts">
            ${row('Priority', priorityWritten(record.written, decision))}${row('Tags on the ticket', record.written.tags.join(', ') || 'none')}${row('Routing hint', record.written.groupId)}${row('At', time(record.written.at))}
          </table>`
        : html`<p class="empty">
            Nothing was written to the
            helpdesk${record.status === 'shadow' ? ' (shadow mode)' : record.status === 'held-out' ? ' (held out)' : ''}.
          </p>`
    }
    <h3>${record.status === 'held-out' ? 'Internal note (never posted: held out)' : 'Internal note'}</h3>
    <pre class="note">${record.note}</pre>
    ${sameTicket(record, context.sameTicket)}`;
  return layout(`Ticket ${record.ticketId}: ${record.decisionId.split(':').slice(1, -1).join(' ')}`, 'decisions', body, tenants);
}
