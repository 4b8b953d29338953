import * as z from 'zod';
import { checkHelpdeskOrigin } from '../../plugin/outbound-url.js';
import { RotatingSecretsSchema, SecretRefSchema } from '../../plugin/secret-ref.js';
import { MetricFieldsSchema } from '../../plugin/metric-fields.js';
import { HandleFieldsSchema } from '../../plugin/handle-fields.js';
import { ApiShareSchema, defineHelpdesk, defineSource, requestsPerMinuteSchema } from '../../plugin/descriptors.js';
import { FreshdeskClient } from './client.js';
import { freshdeskInbound } from './inbound.js';

/** A tenant's Freshdesk account: where to write back and with which API key. */
export const FreshdeskHelpdeskSchema = z
  .object({
    kind: z.literal('freshdesk'),
    /** `https://{domain}.freshdesk.com`; the only host the product ever calls for this tenant. */
    baseUrl: z.url(),
    /** The API key of the agent the router writes as (Basic auth, `key:X`). */
    apiKey: SecretRefSchema,
    /**
     * The contact fields that hold the Reach inputs: a custom field's name (`cf_followers`) or a
     * built-in read-only field such as `twitter_followers_count`.
     */
    contactFields: MetricFieldsSchema.default({}),
    /** The contact field keys that hold the customer's handle on each open network, read as declared handles. */
    handleFields: HandleFieldsSchema.default({}),
    apiShare: ApiShareSchema,
    /** The plan's limit (Growth 200, Pro 400, Enterprise 700), until the answers' headers say. */
    requestsPerMinute: requestsPerMinuteSchema(200),
  })
  .strict();
export type FreshdeskHelpdeskConfig = z.infer<typeof FreshdeskHelpdeskSchema>;

const FRESHDESK_ORIGIN = { host: /^[a-z0-9][a-z0-9-]*\.freshdesk\.com$/, example: 'https://{domain}.freshdesk.com', localPathPrefix: true };

/**
 * An automation rule's "Trigger Webhook" action. Freshdesk does not sign webhooks, so the tenant's
 * own shared secrets (1-3 during rotation) authenticate it, in a header or as basic auth.
 */
export const freshdeskSource = defineSource({
  name: 'freshdesk',
  pairs: 'own',
  schema: z.object({ sharedSecrets: RotatingSecretsSchema }).strict(),
  bind: (config) => ({ adapter: freshdeskInbound, verificationSecrets: config.sharedSecrets, secretsField: 'sharedSecrets' }),
});

/**
 * Freshdesk (API v2): the automation rule's webhook in; out, a re-read compared on `updated_at`,
 * one PUT of what changes (priority 1-4, group, the ticket's tags merged with ours), then the
 * private note; the requester's contact read once per customer.
 *
 * @example registry entry: HELPDESKS = [..., freshdesk, ...]
 */
export const freshdesk = defineHelpdesk({
  name: 'freshdesk',
  schema: FreshdeskHelpdeskSchema,
  userId: z.string().regex(/^\d{1,20}$/, 'must be a numeric Freshdesk contact id'),
  sources: [freshdeskSource],
  bind: (config) => ({
    urlProblems: (mode) => {
      const problem = checkHelpdeskOrigin(config.baseUrl, mode, FRESHDESK_ORIGIN);
      return problem ? [{ path: ['helpdesk', 'baseUrl'], message: problem }] : [];
    },
    secrets: () => [{ path: ['helpdesk', 'apiKey'], ref: config.apiKey, readers: ['process-events', 'refresh-scores'] }],
    createClient: async (context) =>
      new FreshdeskClient({
        baseUrl: config.baseUrl,
        apiKey: await context.resolve(config.apiKey),
        handleFields: config.handleFields,
        ...(context.fetch ? { fetch: context.fetch } : {}),
        ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
        ...(context.clock ? { clock: context.clock } : {}),
      }),
    metricFields: () => ({ path: ['helpdesk', 'contactFields'], keys: config.contactFields }),
    // Only a real Freshdesk account has an agent interface; the sandbox's address has none.
    agentTicketUrl: (ticketId) =>
      checkHelpdeskOrigin(config.baseUrl, 'deployed', FRESHDESK_ORIGIN) === undefined
        ? `${new URL(config.baseUrl).origin}/a/tickets/${encodeURIComponent(ticketId)}`
        : undefined,
  }),
});
