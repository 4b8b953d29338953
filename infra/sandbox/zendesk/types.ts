import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';
import type { SandboxTrigger, SandboxUserField, SandboxWebhook } from './admin-records.js';

/** How to configure the sandbox Zendesk part. */
export interface SandboxZendeskOptions {
  /** The agent email of the API token: requests must authenticate as `{email}/token:{apiToken}`. */
  email: string;
  apiToken: string;
  /** Update limit per ticket; Zendesk allows 30 updates per 10 minutes. */
  rateLimitPerTicket?: { max: number; windowMs: number };
  /**
   * The account's API requests a minute (default 700, the Enterprise plan), counted in clock
   * minutes; every answer carries Zendesk's rate-limit headers, and a request past the limit gets
   * 429 with Retry-After until the minute ends.
   */
  ratePerMinute?: number;
  /** How long each API answer takes, in ms (default 0), as a real account's answers take time. */
  latencyMs?: number;
}

/** Zendesk's ticket priorities. */
export type SandboxPriority = 'low' | 'normal' | 'high' | 'urgent';

/** A ticket as the sandbox holds it, with its comments (public replies and internal notes). */
export interface SandboxTicket {
  id: number;
  subject: string;
  description: string;
  priority: SandboxPriority | null;
  status: string;
  tags: string[];
  group_id: number | null;
  requester_id: number;
  created_at: string;
  updated_at: string;
  via: { channel: string };
  /** Each comment's author: the requester for the description, the API's own user for what it writes. */
  comments: { id: number; author_id: number; body: string; public: boolean; created_at: string }[];
  /** The latest solve, null while open; the first solve; reopens after a solve (its Ticket Metrics). */
  solved_at: string | null;
  first_solved_at: string | null;
  reopens: number;
}

/** An end user, with the identities (email, twitter, facebook, phone_number, ...) Zendesk knows. */
export interface SandboxUser {
  id: number;
  name: string;
  /** The primary email; null for users known only by a social or phone identity. */
  email: string | null;
  external_id: string | null;
  user_fields: Record<string, string | number | boolean | null>;
  identities: SandboxIdentity[];
}

/**
 * One identity of a user. `verification_method` is how Zendesk verified it (`full` or `sso`: the
 * helpdesk itself did; `none` by default); `verified` is the deprecated flag an agent can set
 * (true by default, as the sandbox always showed it).
 */
export interface SandboxIdentity {
  type: string;
  value: string;
  verification_method?: 'none' | 'low' | 'sso' | 'embed' | 'full';
  verified?: boolean;
}

/** What `createTicket` takes: a ticket made in the helpdesk by someone other than the product. */
export interface SandboxTicketInput {
  subject: string;
  description: string;
  requesterId: number;
  priority?: SandboxTicket['priority'];
  tags?: string[];
  groupId?: number;
  channel?: string;
}

/** The sandbox Zendesk's hooks for tests and local mode; its HTTP API is served at the sandbox's root. */
export interface SandboxZendesk {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Adds an end user; an email not already among the identities is added as the primary email identity. */
  createUser(user: Omit<SandboxUser, 'id'> & { id?: number }): SandboxUser;
  createTicket(input: SandboxTicketInput): SandboxTicket;
  /** An agent replies publicly and solves the ticket in the account's UI: no API request, no trigger run. */
  solveTicket(id: number): SandboxTicket;
  /** Moves a ticket's creation (and its description) back to `at`, so its metrics show time passed. */
  backdateTicket(id: number, at: Date): SandboxTicket;
  ticket(id: number): SandboxTicket | undefined;
  tickets(): SandboxTicket[];
  /** Makes the next `count` matching requests fail with `status` (and headers, e.g. {'retry-after': '2'}). */
  failNext(fault: SandboxFault): void;
  /** Fails a random share of the API requests no queued fault claims, from now on; `undefined` stops it. */
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request received: method, path, status answered, time. */
  requests(): SandboxRequest[];
  /** How many requests the account's rate limit refused with 429 (injected faults are not counted). */
  rateLimited(): number;
  /** Called for every new ticket, whether made by createTicket or by `POST /api/v2/tickets`. */
  onTicketCreated(listener: (ticket: SandboxTicket, requester: SandboxUser) => void): void;
  /** Adds a webhook as an admin would in Admin Center; `signingSecret` sets its secret (random otherwise). */
  addWebhook(
    webhook: Omit<SandboxWebhook, 'id' | 'created_at' | 'created_by' | 'signingSecret'> & { signingSecret?: string },
  ): Omit<SandboxWebhook, 'signingSecret'>;
  /** Adds a user field as an admin would. */
  addUserField(field: { type: 'text' | 'integer' | 'decimal'; key: string; title: string }): SandboxUserField;
  /** The account's webhooks (without their secrets), triggers and user fields. */
  webhooks(): Omit<SandboxWebhook, 'signingSecret'>[];
  triggers(): SandboxTrigger[];
  userFields(): SandboxUserField[];
  /** Every webhook request the account sent for a new ticket, with the status it was answered (0 while under way). */
  webhookDeliveries(): WebhookDelivery[];
}

/** One webhook request the sandbox Zendesk sent. */
export interface WebhookDelivery {
  webhookId: string;
  endpoint: string;
  ticketId: number;
  body: string;
  status: number;
  /** Why it was not answered: a network error, or an endpoint off this machine. */
  error?: string;
}
