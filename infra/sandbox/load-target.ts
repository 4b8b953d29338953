import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import type { SandboxRequest } from './http.js';
import type { PartMount, Sandbox } from './sandbox.js';
import type { SandboxLimits, SignedDelivery } from './sandbox-demo.js';

/** A requester's public metrics, as the helpdesk-metrics scoring reads them from the requester's fields. */
export interface RequesterMetrics {
  followers: number;
  following: number;
  engagementPerPost: number;
  accountAgeDays: number;
  postCount: number;
  verification: string;
}

/** A ticket a load run made in the helpdesk: what it sends about it, and the decision it expects. */
export interface LoadTicket {
  /** Its id, as the helpdesk writes it (a number or a string). */
  id: string | number;
  /** The webhook the helpdesk would send for it, signed with the tenant's secret. */
  delivery(secret: string): SignedDelivery;
  /** The decision the ticket's event makes, e.g. `<helpdesk>:ticket-created:<id>`. */
  decisionId: string;
}

/** What a load tenant of the helpdesk is made of: its id, where its helpdesk is, its secret and its pace. */
export interface LoadTenantSettings {
  id: string;
  /** The sandbox's URL, `http://127.0.0.1:<port>`; the part is at its own mount below it. */
  sandboxUrl: string;
  /** Signs the tenant's webhooks. */
  secret: string;
  requestsPerMinute: number;
  apiShare: number;
}

/**
 * A sandbox helpdesk as the load run and the simulation drive it: its part with their limits,
 * tenants scored from requester fields, requesters, tickets and their deliveries, and how to read
 * back what reached it. The list in `index.ts` names the one they drive.
 */
export interface LoadTarget {
  /** The helpdesk adapter's name: the source its tickets come in on, and its part's name. */
  readonly helpdesk: string;
  /** Its part, with the demo's credentials and these limits. */
  part(limits: SandboxLimits): PartMount;
  /** A tenant on this helpdesk, scored from its requesters' fields (helpdesk-metrics). */
  tenant(settings: LoadTenantSettings): TenantInput;
  /** Adds a requester, with these metrics in the fields the tenant scores from (none: left unscored); answers its id. */
  addRequester(sandbox: Sandbox, person: { name: string; email: string }, metrics?: RequesterMetrics): string;
  /** Makes a ticket as a person would in the helpdesk. */
  createTicket(sandbox: Sandbox, ticket: { subject: string; description: string; requesterId: string; tags: string[] }): LoadTicket;
  /** How many internal notes the ticket holds. */
  internalNotes(sandbox: Sandbox, ticketId: string | number): number;
  /** The ticket a request wrote to, when it was an update the helpdesk accepted: when a decision reached it. */
  writtenTicket(request: SandboxRequest): string | undefined;
  /** How many requests the helpdesk's own account limit refused (injected faults are not counted). */
  rateLimited(sandbox: Sandbox): number;
}
