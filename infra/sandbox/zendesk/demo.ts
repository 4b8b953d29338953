import * as z from 'zod';
import {
  DEMO_HANDLE_FIELDS,
  DEMO_METRIC_FIELDS,
  DEMO_NETWORK_PEOPLE,
  DEMO_PEOPLE,
  type DemoNetworkPerson,
  KATHERINE_FIELDS_NOW,
} from '../demo-people.js';
import type { SandboxZendesk } from './types.js';
import type { SandboxDemo } from '../sandbox-demo.js';
import { signedTicketCreated } from './deliveries.js';
import { zendeskPart } from './part.js';

/** Local-only credentials of the Zendesk demo tenant. Never use them anywhere else. */
export const ZENDESK_DEMO = {
  tenant: 'demo',
  agentEmail: 'agent@demo.example',
  apiToken: 'demo-api-token',
  signingSecret: 'demo-signing-secret-local-only',
  /** Signs the satisfaction trigger's webhook (the zendesk-csat source). */
  csatSigningSecret: 'demo-zendesk-csat-signing-secret-local-only',
  webhookName: 'Influence Router: tickets (demo)',
} as const;

/** The Zendesk user id of the first demo customer with handles; the others follow. */
export const FIRST_NETWORK_USER = 1005;

/** A ticket as `/sandbox/tickets/{id}` shows it. */
const InspectedTicketSchema = z.object({
  id: z.number(),
  subject: z.string(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable(),
  status: z.string(),
  tags: z.array(z.string()),
  group_id: z.number().nullable(),
  requester_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  via: z.object({ channel: z.string() }),
});

/** The Zendesk demo: tenant `demo`, its event-subscribed `ticket.created` webhook, scored from user fields. */
export const zendeskDemo: SandboxDemo = {
  helpdesk: 'zendesk',
  tenantId: ZENDESK_DEMO.tenant,
  source: 'zendesk',
  part: (limits = {}) => zendeskPart.with({ email: ZENDESK_DEMO.agentEmail, apiToken: ZENDESK_DEMO.apiToken, ...limits }),
  tenant: (sandboxUrl, policy) => ({
    id: ZENDESK_DEMO.tenant,
    name: 'Demo company on Zendesk (local only)',
    helpdesk: {
      kind: 'zendesk',
      // The sandbox mounts its Zendesk API at the root.
      baseUrl: sandboxUrl,
      email: ZENDESK_DEMO.agentEmail,
      apiToken: { value: ZENDESK_DEMO.apiToken },
      userFields: { ...DEMO_METRIC_FIELDS },
      // The sandbox Zendesk allows 700 requests a minute, as the Enterprise plan does.
      requestsPerMinute: 700,
      apiShare: 0.8,
    },
    sources: {
      zendesk: { signingSecrets: [{ value: ZENDESK_DEMO.signingSecret }] },
      // Zendesk's own satisfaction ratings of this helpdesk's tickets, which close the loop.
      'zendesk-csat': { signingSecrets: [{ value: ZENDESK_DEMO.csatSigningSecret }] },
    },
    scoring: { provider: 'helpdesk-metrics' },
    ...(policy ? { policy } : {}),
  }),
  seed: (sandbox) => {
    const zendesk = sandbox.part(zendeskPart);
    for (const [input, key] of Object.entries(DEMO_METRIC_FIELDS)) {
      zendesk.addUserField({
        type: input === 'verification' ? 'text' : input === 'engagementPerPost' ? 'decimal' : 'integer',
        key,
        title: key,
      });
    }
    const { ada, grace, alan, katherine } = DEMO_PEOPLE;
    const user = (id: number, person: { name: string; email: string }, identities: { type: string; value: string }[] = [], fields = {}) =>
      zendesk.createUser({ id, name: person.name, email: person.email, external_id: null, user_fields: fields, identities });
    const adaUser = user(1001, ada, [{ type: 'twitter', value: ada.twitter }]);
    const graceUser = user(1002, grace);
    const alanUser = user(1003, alan);
    // Ada writes through the account's X (Twitter) channel: Zendesk linked her twitter identity
    // itself, so the ticket proves the handle hers (`channel`) and the handle finds her from then on.
    zendesk.createTicket({
      subject: 'Printer on fire',
      description: 'Smoke is coming out of the printer.',
      channel: 'twitter',
      requesterId: adaUser.id,
      priority: 'normal',
      tags: ['printer'],
    });
    zendesk.createTicket({
      subject: 'Cannot log in',
      description: 'Password reset mail never arrives.',
      requesterId: graceUser.id,
      priority: 'normal',
      tags: ['login'],
    });
    zendesk.createTicket({
      subject: 'Invoice question',
      description: 'Why was I charged twice?',
      requesterId: alanUser.id,
      priority: 'low',
      tags: ['billing'],
    });
    const katherineUser = user(1004, katherine, [], KATHERINE_FIELDS_NOW);
    seedNetworkPeople(zendesk, FIRST_NETWORK_USER);
    return { katherineUserId: String(katherineUser.id) };
  },
  delivery: (ticket, options = {}) =>
    signedTicketCreated({
      ticket: InspectedTicketSchema.parse(ticket),
      secret: options.secret ?? ZENDESK_DEMO.signingSecret,
      ...(options.deliveryId ? { eventId: options.deliveryId } : {}),
    }),
  // The demo account's webhook, subscribed to ticket.created, as an admin creates it in Admin Center.
  connect: (sandbox, endpoint) => {
    sandbox.part(zendeskPart).addWebhook({
      name: ZENDESK_DEMO.webhookName,
      status: 'active',
      endpoint,
      http_method: 'POST',
      request_format: 'json',
      subscriptions: ['zen:event-type:ticket.created'],
      signingSecret: ZENDESK_DEMO.signingSecret,
    });
  },
};

/**
 * The demo customers with network handles, as Zendesk users from `firstId` on, without tickets:
 * each handle typed into its network's user field, each email identity verified as the person's
 * `emailVerification` says (`full`: Zendesk verified it), or only flagged `verified` by an agent.
 * The one whose handle comes from a network's channel is the generic demo's.
 */
function seedNetworkPeople(zendesk: SandboxZendesk, firstId: number): void {
  for (const [key, title] of Object.entries(DEMO_HANDLE_FIELDS)) zendesk.addUserField({ type: 'text', key: title, title: `${key} handle` });
  const people: DemoNetworkPerson[] = Object.values(DEMO_NETWORK_PEOPLE).filter((person: DemoNetworkPerson) =>
    person.handles.every((handle) => handle.trust !== 'channel'),
  );
  people.forEach((person, index) => {
    const fields = Object.fromEntries(person.handles.map((handle) => [DEMO_HANDLE_FIELDS[handle.network], handle.handle]));
    zendesk.createUser({
      id: firstId + index,
      name: person.name,
      email: person.email,
      external_id: null,
      user_fields: fields,
      identities: [
        {
          type: 'email',
          value: person.email,
          verification_method: person.emailVerification,
          verified: person.emailVerification === 'full' || person.emailFlaggedVerified === true,
        },
      ],
    });
  });
}
