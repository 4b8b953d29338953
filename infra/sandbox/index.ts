import type { SandboxDemo } from './demo-people.js';
import type { SandboxZendeskOptions } from './zendesk/types.js';
import { FRESHDESK_DEMO, freshdeskDemo } from './freshdesk/demo.js';
import { GENERIC_DEMO, genericDemo } from './generic/demo.js';
import { ZENDESK_DEMO, zendeskDemo } from './zendesk/demo.js';

/** The demo tenants of local mode, one per helpdesk the sandbox speaks; the first is the default. */
export const DEMOS: readonly SandboxDemo[] = [zendeskDemo, freshdeskDemo, genericDemo];

/**
 * The demo of a helpdesk, by its adapter's name.
 *
 * @example demoFor('freshdesk')?.tenantId // 'demo-freshdesk'
 */
export function demoFor(helpdesk: string): SandboxDemo | undefined {
  return DEMOS.find((demo) => demo.helpdesk === helpdesk);
}

/**
 * Local-only credentials of the default demo tenant (`demo`) and the identity hash key of local
 * mode. Never use them anywhere else.
 */
export const DEMO = { ...ZENDESK_DEMO, identityKey: 'local-development-identity-key-not-for-production' } as const;

/** What the sandbox of local mode is started with: the credentials the demo tenants use. */
export const SANDBOX_CREDENTIALS = {
  zendesk: { email: ZENDESK_DEMO.agentEmail, apiToken: ZENDESK_DEMO.apiToken },
  freshdesk: { apiKey: FRESHDESK_DEMO.apiKey },
  generic: { signingSecret: GENERIC_DEMO.outboundSecret },
} as const;

/** The sandbox's account limit and answer time, for runs that set their own. */
export type SandboxLimits = Pick<SandboxZendeskOptions, 'ratePerMinute' | 'latencyMs'>;

/**
 * The local sandbox's options: the demo credentials, with the account limits given.
 *
 * @example startSandbox({ port: 0, ...sandboxSettings({ ratePerMinute: 100_000 }) })
 */
export function sandboxSettings(limits: SandboxLimits = {}) {
  return { ...SANDBOX_CREDENTIALS, zendesk: { ...SANDBOX_CREDENTIALS.zendesk, ...limits } };
}
