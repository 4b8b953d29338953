import type { IncomingMessage } from 'node:http';
import type { FaultControl, Reply, SandboxPart } from './http.js';

/** The statuses a ticket's calls can be made to answer: refusals for good, and a server error (retried). */
const STATUSES = [400, 403, 404, 422, 500, 503] as const;

/** `/sandbox/{helpdesk}/tickets/{id}/fail|mend`, and `/sandbox/tickets/{id}/...` for the first helpdesk. */
const TICKET_FAULT_PATH = /^\/sandbox\/(?:([a-z0-9-]+)\/)?tickets\/([^/]+)\/(fail|mend)$/;

/** A pattern for one ticket's API paths and no other's: `/api/v2/tickets/1` and below it, never ticket 10. */
function ticketPaths(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:[/.?]|$)`);
}

/**
 * Makes every API call about one sandbox ticket fail (`fail`, with `?status=`, 403 by default)
 * until it is mended (`mend`), so a decision on it lands in the dead-letter queue and its replay
 * can be tried; undefined for a path that is not one of these. A POST from this machine only,
 * never from a web page of another site (its `Origin` is refused).
 *
 * @example curl -X POST http://127.0.0.1:3001/sandbox/zendesk/tickets/1/fail
 */
export function ticketFault(
  mounted: readonly { part: SandboxPart; control: FaultControl }[],
  req: IncomingMessage,
  method: string,
  url: URL,
): Reply | undefined {
  const match = TICKET_FAULT_PATH.exec(url.pathname);
  if (!match) return undefined;
  const [, name, rawId = '', action] = match;
  if (method !== 'POST') return { status: 405, body: { error: 'MethodNotAllowed', description: `POST to ${url.pathname}` } };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)
    return { status: 403, body: { error: 'Forbidden', description: 'Faults are set from this machine, not from another site' } };
  const entry = name === undefined ? mounted[0] : mounted.find((candidate) => candidate.part.name === name);
  if (!entry) return { status: 404, body: { error: 'RecordNotFound', description: `The sandbox has no helpdesk ${name ?? ''}` } };
  const { part, control } = entry;
  const id = decodeURIComponent(rawId);
  if (!part.ticketApiPath)
    return {
      status: 404,
      body: { error: 'InvalidEndpoint', description: `The ${part.name} sandbox's calls name no ticket, so one ticket's cannot be failed` },
    };
  if (part.inspectTicket(id) === undefined)
    return { status: 404, body: { error: 'RecordNotFound', description: `The ${part.name} sandbox has no ticket ${id}` } };
  const path = part.ticketApiPath(id);
  const pattern = ticketPaths(path);
  // A ticket's fault is known by its pattern, so mending removes it and no other fault.
  const removed = control.withdraw((fault) => fault.pathPattern?.source === pattern.source);
  if (action === 'mend') return { status: 200, body: { helpdesk: part.name, ticket: id, failing: false, mended: removed > 0 } };
  const status = Number(url.searchParams.get('status') ?? '403');
  if (!STATUSES.some((allowed) => allowed === status))
    return { status: 400, body: { error: 'InvalidStatus', description: `status must be one of ${STATUSES.join(', ')}` } };
  control.add({ status, count: Number.MAX_SAFE_INTEGER, pathPattern: pattern });
  return { status: 200, body: { helpdesk: part.name, ticket: id, failing: true, status, calls: `${path} and below` } };
}
