import { type IncomingMessage, STATUS_CODES } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import * as z from 'zod';
import {
  escapeHtml,
  fail,
  type FaultControl,
  type HttpFailure,
  mediaType,
  nextStamp,
  type PartRequest,
  type Reply,
  type SandboxPart,
  stamp,
  uniqueTags,
} from '../http.js';
import {
  GENERIC_PRIORITIES,
  type SandboxGeneric,
  type SandboxGenericDecision,
  type SandboxGenericOptions,
  type SandboxGenericTicket,
} from './types.js';
import { SandboxPlugin } from '../sandbox.js';

/** The body of `POST /generic/decisions`: one routing decision for one ticket. */
const DecisionSchema = z
  .object({
    type: z.literal('decision.created'),
    decision_id: z.string().min(1),
    ticket_id: z.string().min(1),
    priority: z.enum(GENERIC_PRIORITIES).nullable(),
    tags: z.array(z.string()),
    added_tags: z.array(z.string()),
    group_id: z.string().min(1).nullable(),
    note: z.string(),
    // Checked for shape only: a receiver that merges tags has no stale write to refuse.
    updated_stamp: z.string().nullable(),
  })
  // Strict, so a misspelt field fails the sender's test instead of being dropped here.
  .strict();
type Decision = z.infer<typeof DecisionSchema>;

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

const invalidSignature = (): HttpFailure => fail(401, { error: 'invalid_signature' });

/**
 * The sandbox's generic helpdesk: tickets of a helpdesk the router has no adapter for, and the
 * receiver of the decisions it delivers as Standard Webhooks. The receiver checks the signature on
 * the raw body, applies a `webhook-id` once, and merges tags as a careful receiver would, so a
 * person's edit made meanwhile survives. Mount it at `/generic`.
 *
 * @example
 * const { part, api } = createGenericPart({ signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, new FaultControl(), () => baseUrl);
 * const ticket = api.createTicket({ subject: 'Help', requester: { email: 'ada@example.com' } });
 */
export function createGenericPart(
  options: SandboxGenericOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxGeneric } {
  // Built once, so a malformed secret fails when the sandbox starts rather than at the first delivery.
  const webhook = new Webhook(options.signingSecret);
  const tickets = new Map<string, SandboxGenericTicket>();
  const applied = new Set<string>();
  const decisions: SandboxGenericDecision[] = [];
  let nextTicketId = 1;

  function verifiedWebhookId(request: PartRequest): string {
    const headers = signatureHeaders(request.headers);
    try {
      webhook.verify(request.raw.toString('utf8'), headers, { jsonParse: false });
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw invalidSignature();
      throw error;
    }
    const id = headers['webhook-id'];
    // verify() refuses a delivery without a webhook-id; this only tells the compiler so.
    if (id === undefined) throw invalidSignature();
    return id;
  }

  function apply(ticket: SandboxGenericTicket, decision: Decision): void {
    // `priority` is a floor: a receiver raises the ticket to it, and never lowers what a person set.
    if (
      decision.priority !== null &&
      (ticket.priority === null || GENERIC_PRIORITIES.indexOf(decision.priority) > GENERIC_PRIORITIES.indexOf(ticket.priority))
    ) {
      ticket.priority = decision.priority;
    }
    // Only the added tags count: the full list was computed from an older copy of the ticket and
    // would undo whatever a person changed since.
    ticket.tags = uniqueTags([...ticket.tags, ...decision.added_tags]);
    if (decision.group_id !== null) ticket.group_id = decision.group_id;
    ticket.updated_at = nextStamp(ticket.updated_at);
    ticket.notes.push({ decision_id: decision.decision_id, body: decision.note, at: ticket.updated_at });
  }

  function route(request: PartRequest): Reply {
    if (request.pathname !== '/decisions') throw fail(404, { error: 'not_found' });
    if (request.method !== 'POST') throw fail(405, { error: 'method_not_allowed' }, { allow: 'POST' });
    const webhookId = verifiedWebhookId(request);
    if (mediaType(request.headers) !== 'application/json') throw fail(415, { error: 'unsupported_media_type' });
    const decision = parseDecision(request.raw);
    if (applied.has(webhookId)) return { status: 200, body: { status: 'duplicate' } };
    const ticket = tickets.get(decision.ticket_id);
    if (!ticket) throw fail(404, { error: 'ticket_not_found' });
    apply(ticket, decision);
    applied.add(webhookId);
    decisions.push({ webhook_id: webhookId, decision_id: decision.decision_id, ticket_id: ticket.id, at: Date.now() });
    return { status: 200, body: { status: 'applied' } };
  }

  function copyOf(id: string): SandboxGenericTicket | undefined {
    const ticket = tickets.get(id);
    return ticket ? structuredClone(ticket) : undefined;
  }

  function existing(id: string): SandboxGenericTicket {
    const ticket = tickets.get(id);
    if (!ticket) throw new Error(`sandbox generic: ticket ${id} does not exist`);
    return ticket;
  }

  const part: SandboxPart = {
    name: 'generic',
    mount: '/generic',
    route,
    // Deliveries carry no credentials but a signature over the body, which the route checks.
    authenticated: () => true,
    unauthorized: () => invalidSignature().reply,
    faultBody: (status) => ({ error: (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/\W+/g, '_') }),
    inspectTickets: () => structuredClone([...tickets.values()]),
    inspectTicket: (id) => copyOf(id),
    renderSection: () => renderSection([...tickets.values()]),
  };

  const listeners: ((ticket: SandboxGenericTicket) => void)[] = [];
  const solvedListeners: ((ticket: SandboxGenericTicket) => void)[] = [];
  const api: SandboxGeneric = {
    get baseUrl() {
      return `${baseUrl()}/generic`;
    },
    createTicket: (input) => {
      const { requester } = input;
      if (!requester.id && !requester.email && !requester.external_id && !requester.handles?.length) {
        throw new Error('sandbox generic: a requester needs an id, an email, an external_id or a handle');
      }
      const now = stamp(Date.now());
      const ticket: SandboxGenericTicket = {
        id: String(nextTicketId++),
        subject: input.subject,
        priority: input.priority ?? null,
        tags: uniqueTags(input.tags ?? []),
        group_id: input.groupId ?? null,
        requester: structuredClone(requester),
        created_at: now,
        updated_at: now,
        notes: [],
        first_replied_at: null,
        solved_at: null,
        reopens: 0,
      };
      tickets.set(ticket.id, ticket);
      for (const listener of listeners) {
        try {
          listener(structuredClone(ticket));
        } catch (error) {
          // A failing listener (local mode's webhook sender) must not fail the ticket's creation.
          console.error('sandbox generic: onTicketCreated listener failed', error);
        }
      }
      return structuredClone(ticket);
    },
    ticket: (id) => copyOf(id),
    tickets: () => structuredClone([...tickets.values()]),
    editTicket: (id, changes) => {
      const ticket = existing(id);
      if (changes.tags !== undefined) ticket.tags = uniqueTags(changes.tags);
      if (changes.priority !== undefined) ticket.priority = changes.priority;
      ticket.updated_at = nextStamp(ticket.updated_at);
      return structuredClone(ticket);
    },
    replyToTicket: (id, at = new Date()) => {
      const ticket = existing(id);
      ticket.first_replied_at ??= stamp(at.getTime());
      ticket.updated_at = nextStamp(ticket.updated_at);
      return structuredClone(ticket);
    },
    solveTicket: (id, at = new Date()) => {
      const ticket = existing(id);
      ticket.solved_at = stamp(at.getTime());
      ticket.updated_at = nextStamp(ticket.updated_at);
      for (const listener of solvedListeners) {
        try {
          listener(structuredClone(ticket));
        } catch (error) {
          console.error('sandbox generic: onTicketSolved listener failed', error);
        }
      }
      return structuredClone(ticket);
    },
    reopenTicket: (id) => {
      const ticket = existing(id);
      if (ticket.solved_at === null) throw new Error(`sandbox generic: ticket ${id} is not solved`);
      ticket.solved_at = null;
      ticket.reopens += 1;
      ticket.updated_at = nextStamp(ticket.updated_at);
      return structuredClone(ticket);
    },
    onTicketSolved: (listener) => {
      solvedListeners.push(listener);
    },
    decisions: () => decisions.map((decision) => ({ ...decision })),
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    onTicketCreated: (listener) => {
      listeners.push(listener);
    },
  };

  return { part, api };
}

/** The generic helpdesk's receiver, at `/generic`: `startSandbox({ parts: [genericPart.with(options)] })`, then `sandbox.part(genericPart)`. */
export const genericPart = new SandboxPlugin('generic', createGenericPart);

/** The Standard Webhooks headers of a request, as the verifier takes them. */
function signatureHeaders(headers: IncomingMessage['headers']): Partial<Record<(typeof SIGNATURE_HEADERS)[number], string>> {
  const picked: Partial<Record<(typeof SIGNATURE_HEADERS)[number], string>> = {};
  for (const name of SIGNATURE_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

function parseDecision(raw: Buffer): Decision {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw fail(400, { error: 'invalid_body', issues: [{ path: '', message: 'The body is not valid JSON' }] });
  }
  const result = DecisionSchema.safeParse(json);
  if (result.success) return result.data;
  throw fail(400, {
    error: 'invalid_body',
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}

function renderSection(tickets: SandboxGenericTicket[]): string {
  const rows = tickets
    .map((ticket) => {
      const requester =
        ticket.requester.email ?? ticket.requester.name ?? ticket.requester.id ?? ticket.requester.handles?.[0]?.handle ?? '-';
      const notes = ticket.notes.map((note) => `<pre>${escapeHtml(`${note.body}\n(${note.decision_id})`)}</pre>`).join('');
      const cells = [ticket.id, ticket.subject, requester, ticket.priority ?? '-', ticket.tags.join(' '), ticket.group_id ?? '-'];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}<td>${notes || '-'}</td></tr>`;
    })
    .join('\n');
  return `<section id="generic"><h2>Generic helpdesk: ${tickets.length} ticket(s)</h2>
<table><thead><tr><th>Id</th><th>Subject</th><th>Requester</th><th>Priority</th><th>Tags</th><th>Group</th><th>Decision notes</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}
