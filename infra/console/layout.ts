import type { Tenant } from '../../shared/adapters/config/tenants.js';
import { html, type Html } from './html.js';

/* What every console page shares: its frame, its links and its small pieces. */

/** A link of the console, marked as the current page when it is. */
export const link = (path: string, text: string | Html, current = false) =>
  html`<a href="${path}" ${current ? html` aria-current="page"` : ''}>${text}</a>`;
/** The decisions list of a tenant. */
export const decisionsPath = (tenant: string) => `/console/decisions/${encodeURIComponent(tenant)}`;
/** One decision's page. */
export const decisionPath = (tenant: string, decisionId: string) => `${decisionsPath(tenant)}/${encodeURIComponent(decisionId)}`;
const READABLE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
/** A time as a person reads it ("5 Dec 2026, 21:32:12 UTC"), with its ISO value as the element's datetime and title. */
export const time = (iso: string) => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? html`${iso}` : html`<time datetime="${iso}" title="${iso}">${READABLE.format(at)} UTC</time>`;
};
/** A small coloured label (a status, a tier). */
export const badge = (kind: string, text: string) => html`<span class="badge ${kind}">${text}</span>`;

/** The page around every console view: title, navigation, the view. */
export function layout(title: string, section: 'home' | 'decisions' | 'queue' | 'tenants', body: Html, tenants: readonly Tenant[]): string {
  const first = tenants[0]?.id;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Influence Router</title>
        <link rel="stylesheet" href="/console/console.css" />
        <link rel="icon" href="/console/icon.svg" type="image/svg+xml" />
      </head>
      <body>
        <header>
          <a class="brand" href="/console">Influence Router <small>console</small></a>
          <nav>
            ${first ? link(decisionsPath(first), 'Decisions', section === 'decisions') : ''}
            ${link('/console/queue', 'Queue', section === 'queue')}
            ${link('/console/tenants', 'Tenants and policies', section === 'tenants')}
          </nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `.text;
}

/** One row of a details table; nothing when the value is missing. */
export const row = (label: string, value: Html | string | number | undefined) =>
  value === undefined || value === ''
    ? ''
    : html`<tr>
        <th scope="row">${label}</th>
        <td>${value}</td>
      </tr>`;

/** A console page for a mistake in the address: what to change. */
export function problemPage(title: string, message: string, tenants: readonly Tenant[]): string {
  return layout(
    title,
    'home',
    html`<p class="problem">${message}</p>
      <p>${link('/console', 'Back to the console')}</p>`,
    tenants,
  );
}
