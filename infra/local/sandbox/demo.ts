import type { TenantInput } from '../../../shared/adapters/config/tenants.js';
import type { PolicyInput } from '../../../shared/domain/policy.js';
import type { SandboxFreshdesk } from './freshdesk.js';
import type { SandboxGeneric } from './generic-types.js';
import type { Sandbox } from './index.js';

/** A signed webhook delivery, ready to POST. */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** The sandbox of local mode, with every helpdesk it speaks. */
export type FullSandbox = Sandbox & { freshdesk: SandboxFreshdesk; generic: SandboxGeneric };

/**
 * The demo customers every demo helpdesk knows: Ada has a Reach score (high tier), Grace has none
 * (baseline), Alan has a top score but opted out (baseline, and the note says why).
 */
export const DEMO_PEOPLE = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.com', twitter: 'ada_codes' },
  grace: { name: 'Grace Hopper', email: 'grace@example.com' },
  alan: { name: 'Alan Turing', email: 'alan@example.com' },
} as const;

/** The user fields the demo tenants score from (helpdesk-metrics), where the helpdesk holds fields. */
export const DEMO_METRIC_FIELDS = {
  followers: 'social_followers',
  following: 'social_following',
  engagementPerPost: 'social_engagement_per_post',
  accountAgeDays: 'social_account_age_days',
  postCount: 'social_post_count',
  verification: 'social_verification',
} as const;

/**
 * One helpdesk of local mode: its demo tenant on the sandbox, the demo data in the sandbox, and
 * the signed webhook that helpdesk would send for one of its sandbox tickets.
 */
export interface SandboxDemo {
  /** The helpdesk adapter's name, as in the registry. */
  readonly helpdesk: string;
  /** The demo tenant's id. */
  readonly tenantId: string;
  /** The source its webhooks come in on: `POST /webhooks/{tenantId}/{source}`. */
  readonly source: string;
  /** The demo tenant, pointed at the sandbox at `sandboxUrl` (`http://127.0.0.1:<port>`; local-mode rules). */
  tenant(sandboxUrl: string, policy?: PolicyInput): TenantInput;
  /** Creates the demo people and one ticket each (Ada's, Grace's, Alan's, in that order). */
  seed(sandbox: FullSandbox): void;
  /**
   * The webhook for a ticket as the sandbox's inspection JSON shows it
   * (`/sandbox/{helpdesk}/tickets/{id}`): how the helpdesk would send it, signed or authenticated
   * with the demo tenant's secret, or with `secret` when given.
   */
  delivery(ticket: unknown, options?: { secret?: string; deliveryId?: string }): SignedDelivery;
  /** Calls `send` with the delivery of every ticket the sandbox creates from now on. */
  onTicketCreated(sandbox: FullSandbox, send: (delivery: SignedDelivery) => void): void;
}
