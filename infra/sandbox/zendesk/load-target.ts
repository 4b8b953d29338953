import { DEMO_METRIC_FIELDS } from '../demo-people.js';
import type { LoadTarget, RequesterMetrics } from '../load-target.js';
import { signedTicketCreated } from './deliveries.js';
import { ZENDESK_DEMO } from './demo.js';
import { zendeskPart } from './part.js';

/** The user fields holding a requester's metrics, as the demo tenants name them. */
function userFields(metrics: RequesterMetrics | undefined): Record<string, string | number> {
  if (!metrics) return {};
  return {
    [DEMO_METRIC_FIELDS.followers]: metrics.followers,
    [DEMO_METRIC_FIELDS.following]: metrics.following,
    [DEMO_METRIC_FIELDS.engagementPerPost]: metrics.engagementPerPost,
    [DEMO_METRIC_FIELDS.accountAgeDays]: metrics.accountAgeDays,
    [DEMO_METRIC_FIELDS.postCount]: metrics.postCount,
    [DEMO_METRIC_FIELDS.verification]: metrics.verification,
  };
}

/** The sandbox Zendesk as the load run and the simulation drive it, with the demo's credentials. */
export const zendeskLoadTarget: LoadTarget = {
  helpdesk: 'zendesk',
  part: (limits) => zendeskPart.with({ email: ZENDESK_DEMO.agentEmail, apiToken: ZENDESK_DEMO.apiToken, ...limits }),
  tenant: (settings) => ({
    id: settings.id,
    helpdesk: {
      kind: 'zendesk',
      // The sandbox mounts its Zendesk API at the root.
      baseUrl: settings.sandboxUrl,
      email: ZENDESK_DEMO.agentEmail,
      apiToken: { value: ZENDESK_DEMO.apiToken },
      userFields: { ...DEMO_METRIC_FIELDS },
      requestsPerMinute: settings.requestsPerMinute,
      apiShare: settings.apiShare,
    },
    sources: { zendesk: { signingSecrets: [{ value: settings.secret }] } },
    scoring: { provider: 'helpdesk-metrics' },
  }),
  addRequester: (sandbox, person, metrics) =>
    String(
      sandbox
        .part(zendeskPart)
        .createUser({ name: person.name, email: person.email, external_id: null, user_fields: userFields(metrics), identities: [] }).id,
    ),
  createTicket: (sandbox, input) => {
    const ticket = sandbox.part(zendeskPart).createTicket({
      subject: input.subject,
      description: input.description,
      requesterId: Number(input.requesterId),
      priority: 'normal',
      tags: input.tags,
    });
    return {
      id: ticket.id,
      delivery: (secret) => signedTicketCreated({ ticket, secret }),
      decisionId: `zendesk:ticket-created:${ticket.id}`,
    };
  },
  internalNotes: (sandbox, ticketId) =>
    (sandbox.part(zendeskPart).ticket(Number(ticketId))?.comments ?? []).filter((comment) => !comment.public).length,
  writtenTicket: (request) =>
    request.method === 'PUT' && request.status === 200 ? /^\/api\/v2\/tickets\/(\d+)/.exec(request.path)?.[1] : undefined,
  rateLimited: (sandbox) => sandbox.part(zendeskPart).rateLimited(),
};
