import { STATUS_CODES } from 'node:http';
import { escapeHtml, type FaultControl, nextStamp, type SandboxPart, stamp, uniqueTags, withHeaders } from '../http.js';
import { SandboxPlugin } from '../sandbox.js';
import { routeApi } from './api.js';
import { AccountLimit } from './rate-limit.js';
import { RATE_LIMIT_BODY } from './schemas.js';
import { FreshdeskState } from './state.js';
import type { SandboxFreshdesk, SandboxFreshdeskOptions, SandboxFreshdeskPriority, SandboxFreshdeskTicket } from './types.js';

export type {
  SandboxFreshdesk,
  SandboxFreshdeskContact,
  SandboxFreshdeskContactInput,
  SandboxFreshdeskOptions,
  SandboxFreshdeskPriority,
  SandboxFreshdeskTicket,
  SandboxFreshdeskTicketInput,
} from './types.js';

const MOUNT = '/freshdesk';
const PRIORITY_NAMES: Record<SandboxFreshdeskPriority, string> = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };

/**
 * The Freshdesk API v2 part of the sandbox, mounted at `/freshdesk`, enforcing the contract the
 * product relies on: Basic auth with the API key as username, flat JSON bodies of known fields
 * and values (400 `Validation failed` otherwise), `tags` replaced by the ticket PUT, private notes
 * as a separate POST, empty 404s, and the account-wide per-minute rate limit with its headers.
 *
 * @example
 * const { part, api } = createFreshdeskPart({ apiKey: 'key' }, new FaultControl(), () => sandboxOrigin);
 * const contact = api.createContact({ name: 'Ada', email: 'ada@example.com' });
 * api.createTicket({ subject: 'Help', description: 'My printer is on fire', requesterId: contact.id });
 */
export function createFreshdeskPart(
  options: SandboxFreshdeskOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxFreshdesk } {
  const account = new AccountLimit(options.ratePerMinute ?? 200);
  const state = new FreshdeskState();

  const part: SandboxPart = {
    name: 'freshdesk',
    mount: MOUNT,
    route(request) {
      return withHeaders(account.take(), () => routeApi(state, request, `${baseUrl()}${MOUNT}`));
    },
    authenticated(request) {
      const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
      if (match?.[1] === undefined) return false;
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 && decoded.slice(0, colon) === options.apiKey;
    },
    unauthorized() {
      // Not charged to the account's budget: the sandbox cannot tell whose request it was.
      return {
        status: 401,
        body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' },
        headers: account.headers(account.remaining()),
      };
    },
    faultBody(status) {
      if (status === 429) return RATE_LIMIT_BODY;
      const code = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
      return { code, message: 'Injected by the sandbox' };
    },
    inspectTickets: () => structuredClone([...state.tickets.values()]),
    ticketApiPath: (id) => `/api/v2/tickets/${encodeURIComponent(id)}`,
    inspectTicket(id) {
      const ticket = /^\d+$/.test(id) ? state.tickets.get(Number(id)) : undefined;
      return ticket ? structuredClone(ticket) : undefined;
    },
    renderSection: () => renderSection([...state.tickets.values()]),
  };

  const api: SandboxFreshdesk = {
    get baseUrl() {
      return `${baseUrl()}${MOUNT}`;
    },
    createContact: (input) => state.addContact(input),
    createTicket: (input) => state.addTicket(input),
    ticket: (id) => {
      const ticket = state.tickets.get(id);
      return ticket ? structuredClone(ticket) : undefined;
    },
    tickets: () => structuredClone([...state.tickets.values()]),
    editTicket(id, change) {
      const ticket = state.tickets.get(id);
      if (!ticket) throw new Error(`sandbox freshdesk: ticket ${id} does not exist`);
      if (change.tags !== undefined) ticket.tags = uniqueTags(change.tags);
      if (change.priority !== undefined) ticket.priority = change.priority;
      if (change.group_id !== undefined) ticket.group_id = change.group_id;
      ticket.updated_at = nextStamp(ticket.updated_at);
      return structuredClone(ticket);
    },
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    onTicketCreated: (listener) => state.onTicketCreated(listener),
    onTicketResolved: (listener) => state.onTicketResolved(listener),
    backdateTicket(id, at) {
      const ticket = state.tickets.get(id);
      if (!ticket) throw new Error(`sandbox freshdesk: ticket ${id} does not exist`);
      ticket.created_at = stamp(at.getTime());
      return structuredClone(ticket);
    },
  };

  return { part, api };
}

/** The sandbox Freshdesk, at `/freshdesk`: `startSandbox({ parts: [freshdeskPart.with(options)] })`, then `sandbox.part(freshdeskPart)`. */
export const freshdeskPart = new SandboxPlugin('freshdesk', createFreshdeskPart);

function renderSection(tickets: SandboxFreshdeskTicket[]): string {
  const rows = tickets
    .map((ticket) => {
      const notes = ticket.conversations
        .filter((conversation) => conversation.private)
        .map((conversation) => `<pre>${escapeHtml(conversation.body_text)}</pre>`)
        .join('');
      const cells = [
        String(ticket.id),
        ticket.subject,
        PRIORITY_NAMES[ticket.priority],
        ticket.tags.join(', ') || '-',
        ticket.group_id === null ? '-' : String(ticket.group_id),
      ];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}<td>${notes || '-'}</td></tr>`;
    })
    .join('\n');
  return `<section id="freshdesk"><h2>Sandbox Freshdesk: ${tickets.length} ticket(s)</h2>
<table><thead><tr><th>Id</th><th>Subject</th><th>Priority</th><th>Tags</th><th>Group</th><th>Private notes</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>
`;
}
