import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { signStandardWebhook } from '../../../shared/adapters/webhooks/standard-webhooks.js';
import { DEMO_NETWORK_PEOPLE, DEMO_PEOPLE } from '../demo-people.js';
import type { SandboxDemo, SignedDelivery } from '../sandbox-demo.js';
import { genericPart } from './part.js';

/** Local-only secrets of the generic demo tenant. Never use them anywhere else. */
export const GENERIC_DEMO = {
  tenant: 'demo-generic',
  /** Signs the tickets the sandbox sends in (the integration platform's secret). */
  inboundSecret: 'whsec_ZGVtby1nZW5lcmljLWluYm91bmQtbG9jYWwtb25seQ==',
  /** Signs the decisions the router sends out; the sandbox's receiver verifies them. */
  outboundSecret: 'whsec_ZGVtby1nZW5lcmljLW91dGJvdW5kLWxvY2FsLW9ubHk=',
} as const;

/** A ticket as `/sandbox/generic/tickets/{id}` shows it. */
const InspectedTicketSchema = z.object({
  id: z.string(),
  subject: z.string(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable(),
  tags: z.array(z.string()),
  group_id: z.string().nullable(),
  requester: z.object({
    id: z.string().optional(),
    email: z.string().optional(),
    external_id: z.string().optional(),
    name: z.string().optional(),
    handles: z
      .array(z.object({ network: z.string(), handle: z.string(), source: z.enum(['customer', 'agent', 'channel']).optional() }))
      .optional(),
  }),
  updated_at: z.string(),
});

/** A body signed with Standard Webhooks, as the integration platform sends it. */
function signed(body: string, secret: string, deliveryId: string, now: Date): SignedDelivery {
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-id': deliveryId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signStandardWebhook({ secret, id: deliveryId, timestamp: now, body }),
    },
    body,
  };
}

/** A solved ticket as `/sandbox/generic/tickets/{id}` shows it. */
const SolvedTicketSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  solved_at: z.string(),
  first_replied_at: z.string().nullable(),
  reopens: z.number().int(),
});

/**
 * The documented generic `ticket.solved` body for a solved sandbox ticket, signed with Standard
 * Webhooks: its creation, solve and first reply times and its reopens.
 *
 * @example await fetch(`${url}/webhooks/demo-generic/generic`, { method: 'POST', ...genericSolvedDelivery(ticket) })
 */
export function genericSolvedDelivery(ticket: unknown, options: { secret?: string; deliveryId?: string } = {}): SignedDelivery {
  const solved = SolvedTicketSchema.parse(ticket);
  const body = JSON.stringify({ type: 'ticket.solved', ticket: solved });
  return signed(body, options.secret ?? GENERIC_DEMO.inboundSecret, options.deliveryId ?? `msg_${randomUUID()}`, new Date());
}

/** The documented generic `ticket.created` body for a sandbox ticket, signed with Standard Webhooks. */
function signedDelivery(ticket: z.infer<typeof InspectedTicketSchema>, secret: string, deliveryId: string): SignedDelivery {
  const now = new Date();
  const body = JSON.stringify({
    type: 'ticket.created',
    occurred_at: now.toISOString(),
    ticket: {
      id: ticket.id,
      subject: ticket.subject,
      priority: ticket.priority,
      tags: ticket.tags,
      group_id: ticket.group_id,
      updated_at: ticket.updated_at,
    },
    requester: ticket.requester,
  });
  return signed(body, secret, deliveryId, now);
}

/** The generic demo: tenant `demo-generic`, tickets in as signed JSON, decisions out as signed POSTs. */
export const genericDemo: SandboxDemo = {
  helpdesk: 'generic',
  tenantId: GENERIC_DEMO.tenant,
  source: 'generic',
  // A receiver of decisions: it has no account limit or answer time to set.
  part: () => genericPart.with({ signingSecret: GENERIC_DEMO.outboundSecret }),
  tenant: (sandboxUrl, policy) => ({
    id: GENERIC_DEMO.tenant,
    name: 'Demo company on a helpdesk with no adapter (local only)',
    helpdesk: {
      kind: 'generic',
      decisionsUrl: `${sandboxUrl}/generic/decisions`,
      signingSecret: { value: GENERIC_DEMO.outboundSecret },
      requestsPerMinute: 600,
      apiShare: 1,
    },
    sources: { generic: { signingSecrets: [{ value: GENERIC_DEMO.inboundSecret }] } },
    ...(policy ? { policy } : {}),
  }),
  seed: (sandbox) => {
    const generic = sandbox.part(genericPart);
    const { ada, grace, alan } = DEMO_PEOPLE;
    generic.createTicket({
      subject: 'Printer on fire',
      priority: 'normal',
      tags: ['printer'],
      requester: { id: 'u-1001', email: ada.email, name: ada.name, handles: [{ network: 'twitter', handle: ada.twitter }] },
    });
    generic.createTicket({
      subject: 'Cannot log in',
      priority: 'normal',
      tags: ['login'],
      requester: { id: 'u-1002', email: grace.email, name: grace.name },
    });
    generic.createTicket({
      subject: 'Invoice question',
      priority: 'low',
      tags: ['billing'],
      requester: { id: 'u-1003', email: alan.email, name: alan.name },
    });
    // A ticket that came in through a network's own channel: the integration says so with `source`.
    const { annie } = DEMO_NETWORK_PEOPLE;
    generic.createTicket({
      subject: 'Launch window question',
      priority: 'normal',
      tags: ['orbit'],
      requester: {
        id: 'u-1005',
        email: annie.email,
        name: annie.name,
        handles: annie.handles.map((handle) => ({ network: handle.network, handle: handle.handle, source: 'channel' as const })),
      },
    });
    // The generic contract has no user API to read requester fields from: nobody to refresh.
    return {};
  },
  delivery: (ticket, options = {}) =>
    signedDelivery(
      InspectedTicketSchema.parse(ticket),
      options.secret ?? GENERIC_DEMO.inboundSecret,
      options.deliveryId ?? `msg_${randomUUID()}`,
    ),
  connect: (sandbox, _endpoint, send) => {
    sandbox.part(genericPart).onTicketCreated((ticket) => send(signedDelivery(ticket, GENERIC_DEMO.inboundSecret, `msg_${randomUUID()}`)));
    sandbox.part(genericPart).onTicketSolved((ticket) => send(genericSolvedDelivery(ticket)));
  },
};
