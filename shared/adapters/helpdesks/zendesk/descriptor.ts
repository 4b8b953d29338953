import * as z from 'zod';
import { checkHelpdeskOrigin } from '../../plugin/outbound-url.js';
import { RotatingSecretsSchema, SecretRefSchema } from '../../plugin/secret-ref.js';
import { MetricFieldsSchema } from '../../plugin/metric-fields.js';
import { HandleFieldsSchema } from '../../plugin/handle-fields.js';
import { ApiShareSchema, defineHelpdesk, defineSource, requestsPerMinuteSchema } from '../../plugin/descriptors.js';
import { ZendeskClient } from './client.js';
import { zendeskInbound } from './inbound.js';
import { zendeskSatisfactionInbound } from './satisfaction-inbound.js';

/** A tenant's Zendesk account: where to write back and with which credentials. */
export const ZendeskHelpdeskSchema = z
  .object({
    kind: z.literal('zendesk'),
    /** `https://{subdomain}.zendesk.com`; the only host the product ever calls for this tenant. */
    baseUrl: z.url(),
    /** The agent email of the API token (`{email}/token:{token}`). */
    email: z.email(),
    apiToken: SecretRefSchema,
    /** The user field keys that hold the Reach inputs, for the helpdesk-metrics score provider. */
    userFields: MetricFieldsSchema.default({}),
    /** The user field keys that hold the customer's handle on each open network, read as declared handles. */
    handleFields: HandleFieldsSchema.default({}),
    apiShare: ApiShareSchema,
    /** The plan's limit (Team 200, Growth and Professional 400, Enterprise 700), until the answers' headers say. */
    requestsPerMinute: requestsPerMinuteSchema(200),
  })
  .strict();
export type ZendeskHelpdeskConfig = z.infer<typeof ZendeskHelpdeskSchema>;

const ZENDESK_ORIGIN = { host: /^[a-z0-9][a-z0-9-]*\.zendesk\.com$/, example: 'https://{subdomain}.zendesk.com' };

/** A Zendesk webhook (event-subscribed or trigger-connected), signed with the webhook's signing secrets. */
export const zendeskSource = defineSource({
  name: 'zendesk',
  pairs: 'own',
  schema: z.object({ signingSecrets: RotatingSecretsSchema }).strict(),
  bind: (config) => ({ adapter: zendeskInbound, verificationSecrets: config.signingSecrets, secretsField: 'signingSecrets' }),
});

/**
 * Zendesk satisfaction ratings (CSAT): a trigger-connected webhook on satisfaction changes, signed
 * like every Zendesk webhook; its own signing secrets, as it is usually its own webhook.
 */
export const zendeskSatisfactionSource = defineSource({
  name: 'zendesk-csat',
  pairs: 'own',
  schema: z.object({ signingSecrets: RotatingSecretsSchema }).strict(),
  bind: (config) => ({ adapter: zendeskSatisfactionInbound, verificationSecrets: config.signingSecrets, secretsField: 'signingSecrets' }),
});

/**
 * Zendesk Support: the `ticket.created` webhook in, one guarded `PUT /api/v2/tickets/{id}` out
 * (priority, merged tags, group and the internal note together), requesters read with their
 * identities and user fields.
 *
 * @example registry entry: HELPDESKS = [zendesk, ...]
 */
export const zendesk = defineHelpdesk({
  name: 'zendesk',
  schema: ZendeskHelpdeskSchema,
  userId: z.string().regex(/^\d{1,20}$/, 'must be a numeric Zendesk user id'),
  sources: [zendeskSource, zendeskSatisfactionSource],
  bind: (config) => ({
    urlProblems: (mode) => {
      const problem = checkHelpdeskOrigin(config.baseUrl, mode, ZENDESK_ORIGIN);
      return problem ? [{ path: ['helpdesk', 'baseUrl'], message: problem }] : [];
    },
    secrets: () => [{ path: ['helpdesk', 'apiToken'], ref: config.apiToken, readers: ['process-events', 'refresh-scores'] }],
    createClient: async (context) =>
      new ZendeskClient({
        baseUrl: config.baseUrl,
        email: config.email,
        apiToken: await context.resolve(config.apiToken),
        handleFields: config.handleFields,
        ...(context.fetch ? { fetch: context.fetch } : {}),
        ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
        ...(context.clock ? { clock: context.clock } : {}),
      }),
    metricFields: () => ({ path: ['helpdesk', 'userFields'], keys: config.userFields }),
    // Only a real Zendesk account has an agent interface; the sandbox's address has none.
    agentTicketUrl: (ticketId) =>
      checkHelpdeskOrigin(config.baseUrl, 'deployed', ZENDESK_ORIGIN) === undefined
        ? `${new URL(config.baseUrl).origin}/agent/tickets/${encodeURIComponent(ticketId)}`
        : undefined,
  }),
});
