import * as z from 'zod';
import {
  DEMO_HANDLE_FIELDS,
  DEMO_METRIC_FIELDS,
  DEMO_NETWORK_PEOPLE,
  DEMO_PEOPLE,
  type DemoNetworkPerson,
  KATHERINE_FIELDS_NOW,
} from '../demo-people.js';
import type { SandboxDemo, SignedDelivery } from '../sandbox-demo.js';
import { freshdeskPart } from './part.js';

/** Local-only credentials of the Freshdesk demo tenant. Never use them anywhere else. */
export const FRESHDESK_DEMO = {
  tenant: 'demo-freshdesk',
  apiKey: 'demo-freshdesk-api-key',
  sharedSecret: 'demo-freshdesk-shared-secret-local-only',
} as const;

/**
 * The demo customers with handles on the sandbox Freshdesk, each handle in its network's contact
 * field: Dorothy, Radia and Evelyn typed theirs into the contact form (declared, whatever the
 * network; Evelyn's Mastodon profile asks not to be indexed); Mary's Bluesky handle is on the
 * domain of her email, which Freshdesk verified (an active contact) and the networks' fakes prove both ways.
 */
export const FRESHDESK_NETWORK_CONTACTS: readonly { id: number; person: DemoNetworkPerson }[] = [
  { id: 2005, person: DEMO_NETWORK_PEOPLE.dorothy },
  { id: 2006, person: DEMO_NETWORK_PEOPLE.radia },
  { id: 2007, person: DEMO_NETWORK_PEOPLE.mary },
  { id: 2008, person: DEMO_NETWORK_PEOPLE.evelyn },
];

const PRIORITY_NAMES = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' } as const;

/** A ticket as `/sandbox/freshdesk/tickets/{id}` shows it. */
const InspectedTicketSchema = z.object({
  id: z.number(),
  priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  tags: z.array(z.string()),
  group_id: z.number().nullable(),
  source: z.number(),
  requester_id: z.number(),
  updated_at: z.string(),
});

/** What the contact placeholders render to. */
interface Requester {
  id: number;
  email: string | null;
}

/**
 * The body the README's automation rule sends, rendered as Freshdesk renders placeholders (text:
 * the priority by name, tags comma-separated), authenticated by the tenant's shared secret.
 */
function ruleDelivery(ticket: z.infer<typeof InspectedTicketSchema>, requester: Requester | undefined, secret: string): SignedDelivery {
  const body = JSON.stringify({
    event: 'ticket_created',
    ticket: {
      id: String(ticket.id),
      priority: PRIORITY_NAMES[ticket.priority],
      tags: ticket.tags.join(','),
      group_id: ticket.group_id === null ? '' : String(ticket.group_id),
      source: String(ticket.source),
      updated_at: ticket.updated_at,
    },
    requester: { id: String(requester?.id ?? ticket.requester_id), email: requester?.email ?? '' },
  });
  return { headers: { 'content-type': 'application/json', 'x-influence-router-token': secret }, body };
}

/**
 * What the "ticket resolved" automation rule sends, as docs/helpdesks.md documents it: the
 * ticket's id, with the tenant's shared secret.
 */
export function resolvedRuleDelivery(ticketId: number, secret: string = FRESHDESK_DEMO.sharedSecret): SignedDelivery {
  const body = JSON.stringify({ event: 'ticket_resolved', ticket: { id: String(ticketId) } });
  return { headers: { 'content-type': 'application/json', 'x-influence-router-token': secret }, body };
}

/** The Freshdesk demo: tenant `demo-freshdesk`, an automation rule's webhook, scored from contact fields. */
export const freshdeskDemo: SandboxDemo = {
  helpdesk: 'freshdesk',
  tenantId: FRESHDESK_DEMO.tenant,
  source: 'freshdesk',
  // Its account limit is the Growth plan's unless a run sets one; it models no answer time.
  part: (limits = {}) =>
    freshdeskPart.with({
      apiKey: FRESHDESK_DEMO.apiKey,
      ...(limits.ratePerMinute === undefined ? {} : { ratePerMinute: limits.ratePerMinute }),
    }),
  tenant: (sandboxUrl, policy) => ({
    id: FRESHDESK_DEMO.tenant,
    name: 'Demo company on Freshdesk (local only)',
    helpdesk: {
      kind: 'freshdesk',
      baseUrl: `${sandboxUrl}/freshdesk`,
      apiKey: { value: FRESHDESK_DEMO.apiKey },
      contactFields: { ...DEMO_METRIC_FIELDS },
      // The sandbox Freshdesk allows 200 requests a minute, as the Growth plan does.
      requestsPerMinute: 200,
      apiShare: 0.8,
    },
    sources: { freshdesk: { sharedSecrets: [{ value: FRESHDESK_DEMO.sharedSecret }] } },
    scoring: { provider: 'helpdesk-metrics' },
    ...(policy ? { policy } : {}),
  }),
  seed: (sandbox) => {
    const freshdesk = sandbox.part(freshdeskPart);
    const { ada, grace, alan, katherine } = DEMO_PEOPLE;
    const adaContact = freshdesk.createContact({ id: 2001, name: ada.name, email: ada.email, twitter_id: ada.twitter });
    const graceContact = freshdesk.createContact({ id: 2002, name: grace.name, email: grace.email });
    const alanContact = freshdesk.createContact({ id: 2003, name: alan.name, email: alan.email });
    // Through the Twitter channel (source 5), as on the Zendesk demo: her twitter_id is proven hers.
    freshdesk.createTicket({
      subject: 'Printer on fire',
      description: 'Smoke is coming out of the printer.',
      source: 5,
      requesterId: adaContact.id,
      priority: 2,
      tags: ['printer'],
    });
    freshdesk.createTicket({
      subject: 'Cannot log in',
      description: 'Password reset mail never arrives.',
      requesterId: graceContact.id,
      priority: 2,
      tags: ['login'],
    });
    freshdesk.createTicket({
      subject: 'Invoice question',
      description: 'Why was I charged twice?',
      requesterId: alanContact.id,
      priority: 1,
      tags: ['billing'],
    });
    const katherineContact = freshdesk.createContact({
      id: 2004,
      name: katherine.name,
      email: katherine.email,
      custom_fields: KATHERINE_FIELDS_NOW,
    });
    for (const { id, person } of FRESHDESK_NETWORK_CONTACTS) {
      freshdesk.createContact({
        id,
        name: person.name,
        email: person.email,
        // Mary confirmed her address (a verified contact), so her email's domain can prove her handle.
        active: person.emailVerification === 'full',
        custom_fields: Object.fromEntries(person.handles.map((handle) => [DEMO_HANDLE_FIELDS[handle.network], handle.handle])),
      });
    }
    return { katherineUserId: String(katherineContact.id) };
  },
  // Freshdesk sends no delivery id; retries of one rule run carry the same ticket.
  delivery: (ticket, options = {}) =>
    ruleDelivery(InspectedTicketSchema.parse(ticket), undefined, options.secret ?? FRESHDESK_DEMO.sharedSecret),
  connect: (sandbox, _endpoint, send) => {
    sandbox.part(freshdeskPart).onTicketCreated((ticket, requester) => send(ruleDelivery(ticket, requester, FRESHDESK_DEMO.sharedSecret)));
    sandbox.part(freshdeskPart).onTicketResolved((ticket) => send(resolvedRuleDelivery(ticket.id)));
  },
};
