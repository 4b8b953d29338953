/**
 * The sandbox Zendesk: its part (the Support API subset the product uses, its admin records and
 * webhooks), its demo tenant, its satisfaction ratings, and how the load runs drive it.
 */
import { startSandbox } from '../sandbox.js';
import { zendeskPart } from './part.js';
import type { SandboxZendesk, SandboxZendeskOptions } from './types.js';

export { zendeskCsatSample, zendeskSatisfactionDelivery } from './csat.js';
export { signedTicketCreated, signedZendeskRequest } from './deliveries.js';
export { ZENDESK_DEMO, zendeskDemo } from './demo.js';
export { zendeskLoadTarget } from './load-target.js';
export { zendeskShadowDemo } from './shadow-demo.js';
export { zendeskNetworksDemo } from './networks-demo.js';
export { createZendeskPart, zendeskPart } from './part.js';
export type {
  SandboxIdentity,
  SandboxPriority,
  SandboxTicket,
  SandboxTicketInput,
  SandboxUser,
  SandboxZendesk,
  SandboxZendeskOptions,
  WebhookDelivery,
} from './types.js';

/** A sandbox with only the Zendesk part: its hooks, and `close` for the whole server. */
export type SandboxZendeskServer = SandboxZendesk & { close(): Promise<void> };

/**
 * Starts a sandbox with only the Zendesk part and answers its hooks with `close`, the shape the
 * Zendesk client tests use.
 *
 * @example
 * const zendesk = await startSandboxZendesk({ email: 'bot@acme.test', apiToken: 'token' });
 * const user = zendesk.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
 * zendesk.createTicket({ subject: 'Help', description: 'My printer is on fire', requesterId: user.id });
 * await zendesk.close();
 */
export async function startSandboxZendesk(options: SandboxZendeskOptions & { port?: number }): Promise<SandboxZendeskServer> {
  const { port, ...zendesk } = options;
  const sandbox = await startSandbox({ ...(port === undefined ? {} : { port }), parts: [zendeskPart.with(zendesk)] });
  // Spreading reads the `baseUrl` getter once, now that the port is known.
  return { ...sandbox.part(zendeskPart), close: () => sandbox.close() };
}
