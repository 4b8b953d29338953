import * as z from 'zod';
import { checkServiceUrl } from '../../plugin/outbound-url.js';
import { RotatingSecretsSchema, SecretRefSchema } from '../../plugin/secret-ref.js';
import { ApiShareSchema, defineHelpdesk, defineSource, requestsPerMinuteSchema } from '../../plugin/descriptors.js';
import { GenericHelpdeskClient } from './client.js';
import { genericInbound } from './inbound.js';

/** A helpdesk with no adapter of its own: decisions are POSTed, signed, to the tenant's endpoint. */
export const GenericHelpdeskSchema = z
  .object({
    kind: z.literal('generic'),
    /**
     * Where decisions are POSTed: https, to a public address when deployed (http on loopback in
     * local mode); nothing in a payload changes it.
     */
    decisionsUrl: z.url(),
    /**
     * Where an agent opens a ticket, for the console's link: an https address with `{ticketId}`
     * where the ticket's id goes, e.g. `https://desk.example.com/tickets/{ticketId}`. Never called.
     */
    ticketUrlTemplate: z
      .string()
      .regex(/^https:\/\/[^\s{}]+\{ticketId\}[^\s{}]*$/, 'must be an https address with {ticketId} where the ticket id goes')
      .optional(),
    /** The Standard Webhooks secret (`whsec_...`) decisions are signed with. */
    signingSecret: SecretRefSchema,
    apiShare: ApiShareSchema,
    /** The receiver's limit a minute, unless its answers carry rate-limit headers. */
    requestsPerMinute: requestsPerMinuteSchema(60),
  })
  .strict();
export type GenericHelpdeskConfig = z.infer<typeof GenericHelpdeskSchema>;

/** The documented ticket-created body, signed with Standard Webhooks, for a helpdesk of any kind. */
export const genericSource = defineSource({
  name: 'generic',
  pairs: 'any',
  schema: z.object({ signingSecrets: RotatingSecretsSchema }).strict(),
  bind: (config) => ({ adapter: genericInbound, verificationSecrets: config.signingSecrets, secretsField: 'signingSecrets' }),
});

/**
 * The generic helpdesk: tickets come in as the documented JSON (from the helpdesk itself or an
 * integration platform), and each decision goes out as one signed POST carrying its own
 * idempotency id. It holds no requester fields, so its scores come from imports, overrides or a
 * scoring service.
 *
 * @example registry entry: HELPDESKS = [..., generic]
 */
export const generic = defineHelpdesk({
  name: 'generic',
  schema: GenericHelpdeskSchema,
  userId: z.string().regex(/^[A-Za-z0-9._:@-]{1,64}$/, 'must be 1-64 letters, digits or ._:@-'),
  sources: [genericSource],
  bind: (config) => ({
    urlProblems: (mode) => {
      const problem = checkServiceUrl(config.decisionsUrl, mode, 'decisionsUrl');
      return problem ? [{ path: ['helpdesk', 'decisionsUrl'], message: problem }] : [];
    },
    // Only the processor writes decisions; the scheduled refresh never calls this helpdesk.
    secrets: () => [{ path: ['helpdesk', 'signingSecret'], ref: config.signingSecret, readers: ['process-events'] }],
    createClient: async (context) =>
      new GenericHelpdeskClient({
        url: config.decisionsUrl,
        signingSecret: await context.resolve(config.signingSecret),
        fetch: context.serviceFetch('helpdesk.decisionsUrl'),
        ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
        ...(context.clock ? { clock: context.clock } : {}),
      }),
    metricFields: () => undefined,
    agentTicketUrl: (ticketId) => config.ticketUrlTemplate?.replace('{ticketId}', encodeURIComponent(ticketId)),
  }),
});
