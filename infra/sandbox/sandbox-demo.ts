import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import type { PolicyInput } from '../../shared/domain/policy.js';
import type { PartMount, Sandbox } from './sandbox.js';

/** A signed webhook delivery, ready to POST. */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** An account limit and answer time, for runs that set their own (the load run, the simulation). */
export interface SandboxLimits {
  /** The account's API requests a minute. */
  ratePerMinute?: number;
  /** How long each API answer takes, in ms. */
  latencyMs?: number;
}

/** What a demo left in its sandbox that the table's demo data refers to. */
export interface DemoSeeded {
  /** Katherine's user id in the helpdesk, when it holds the requester fields a refresh scores from. */
  katherineUserId?: string;
}

/**
 * One helpdesk of local mode: its sandbox part, its demo tenant on the sandbox, the demo data in
 * the sandbox, and the signed webhook that helpdesk would send for one of its sandbox tickets.
 * A helpdesk's folder under `infra/sandbox/` exports one, and the list in `index.ts` names it.
 */
export interface SandboxDemo {
  /** The helpdesk adapter's name, as in the registry; also its part's name in the sandbox. */
  readonly helpdesk: string;
  /** The demo tenant's id. */
  readonly tenantId: string;
  /** The source its webhooks come in on: `POST /webhooks/{tenantId}/{source}`. */
  readonly source: string;
  /** Its sandbox part, with the credentials of the demo tenant; `limits` apply where the part models them. */
  part(limits?: SandboxLimits): PartMount;
  /** The demo tenant, pointed at the sandbox at `sandboxUrl` (`http://127.0.0.1:<port>`; local-mode rules). */
  tenant(sandboxUrl: string, policy?: PolicyInput): TenantInput;
  /**
   * Creates the demo people, and one ticket each for Ada, Grace and Alan, in that order; then the
   * demo customers with network handles where the helpdesk keeps people or handles (after those
   * three tickets, so their ids stay 1 to 3).
   */
  seed(sandbox: Sandbox): DemoSeeded;
  /**
   * The webhook for a ticket as the sandbox's inspection JSON shows it
   * (`/sandbox/{helpdesk}/tickets/{id}`): how the helpdesk would send it, signed or authenticated
   * with the demo tenant's secret, or with `secret` when given.
   */
  delivery(ticket: unknown, options?: { secret?: string; deliveryId?: string }): SignedDelivery;
  /**
   * Has the sandbox send the delivery of every ticket it creates from now on to `endpoint`, as
   * the helpdesk would once connected: through `send`, or through the helpdesk's own webhook
   * records where the sandbox keeps them.
   */
  connect(sandbox: Sandbox, endpoint: string, send: (delivery: SignedDelivery) => void): void;
}
