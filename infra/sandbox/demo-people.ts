import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import type { PolicyInput } from '../../shared/domain/policy.js';
import type { SandboxFreshdesk } from './freshdesk/part.js';
import type { SandboxGeneric } from './generic/types.js';
import type { Sandbox } from './sandbox.js';

/** A signed webhook delivery, ready to POST. */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** The sandbox of local mode, with every helpdesk it speaks. */
export type FullSandbox = Sandbox & { freshdesk: SandboxFreshdesk; generic: SandboxGeneric };

/**
 * The demo customers every demo helpdesk knows: Ada has a Reach score (high tier), Grace has none
 * (baseline), Alan has a top score but opted out (baseline, and the note says why). Katherine has
 * no ticket and a score ten days old: due for the scheduled refresh, which re-scores her from the
 * fields her helpdesk holds today (where the helpdesk holds requester fields).
 */
export const DEMO_PEOPLE = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.com', twitter: 'ada_codes' },
  grace: { name: 'Grace Hopper', email: 'grace@example.com' },
  alan: { name: 'Alan Turing', email: 'alan@example.com' },
  katherine: { name: 'Katherine Johnson', email: 'katherine@example.com' },
} as const;

/** Katherine's public metrics when she was last scored, ten days before `npm start`. */
export const KATHERINE_LAST_SCORED = {
  followers: 8_000,
  following: 600,
  engagementPerPost: 40,
  accountAgeDays: 1_790,
  postCount: 950,
  verification: 'none',
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

/** Katherine's requester fields as her helpdesk holds them today: her audience has grown since she was scored. */
export const KATHERINE_FIELDS_NOW: Record<string, string | number> = {
  [DEMO_METRIC_FIELDS.followers]: 12_000,
  [DEMO_METRIC_FIELDS.following]: 620,
  [DEMO_METRIC_FIELDS.engagementPerPost]: 90,
  [DEMO_METRIC_FIELDS.accountAgeDays]: KATHERINE_LAST_SCORED.accountAgeDays + 10,
  [DEMO_METRIC_FIELDS.postCount]: 990,
  [DEMO_METRIC_FIELDS.verification]: 'none',
};

/** What a demo left in its sandbox that the table's demo data refers to. */
export interface DemoSeeded {
  /** Katherine's user id in the helpdesk, when it holds the requester fields a refresh scores from. */
  katherineUserId?: string;
}

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
  /** Creates the demo people, and one ticket each for Ada, Grace and Alan, in that order. */
  seed(sandbox: FullSandbox): DemoSeeded;
  /**
   * The webhook for a ticket as the sandbox's inspection JSON shows it
   * (`/sandbox/{helpdesk}/tickets/{id}`): how the helpdesk would send it, signed or authenticated
   * with the demo tenant's secret, or with `secret` when given.
   */
  delivery(ticket: unknown, options?: { secret?: string; deliveryId?: string }): SignedDelivery;
  /**
   * Has the sandbox send the delivery of every ticket it creates from now on to `endpoint`, as
   * the helpdesk would once connected: through `send`, or through the helpdesk's own webhook
   * records where the sandbox keeps them (Zendesk's Webhooks API).
   */
  connect(sandbox: FullSandbox, endpoint: string, send: (delivery: SignedDelivery) => void): void;
}
