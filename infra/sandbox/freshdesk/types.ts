import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';

/** How to build the sandbox Freshdesk. */
export interface SandboxFreshdeskOptions {
  /** Requests must authenticate as HTTP Basic `apiKey:<any password>`. */
  apiKey: string;
  /** account-wide API limit per minute (Growth plan: 200) */
  ratePerMinute?: number;
}

/** Freshdesk's ticket priorities: 1 Low, 2 Medium, 3 High, 4 Urgent. */
export type SandboxFreshdeskPriority = 1 | 2 | 3 | 4;

/** Freshdesk's ticket statuses: 2 Open, 3 Pending, 4 Resolved, 5 Closed. */
export type SandboxFreshdeskStatus = 2 | 3 | 4 | 5;

/** Scalar values, as contact and ticket custom fields hold them. */
export type SandboxFreshdeskFields = Record<string, string | number | boolean | null>;

/** A reply or note on a ticket; notes written through the API are not `incoming`. */
export interface SandboxFreshdeskConversation {
  id: number;
  /** HTML. */
  body: string;
  body_text: string;
  private: boolean;
  incoming: boolean;
  created_at: string;
}

/** A ticket as the sandbox holds it, with its conversations (notes and replies). */
export interface SandboxFreshdeskTicket {
  id: number;
  subject: string;
  /** HTML, as Freshdesk stores it. */
  description: string;
  priority: SandboxFreshdeskPriority;
  status: SandboxFreshdeskStatus;
  source: number;
  tags: string[];
  group_id: number | null;
  requester_id: number;
  responder_id: number | null;
  type: string | null;
  custom_fields: SandboxFreshdeskFields;
  created_at: string;
  updated_at: string;
  conversations: SandboxFreshdeskConversation[];
  /** What `include=stats` answers: when the ticket was first replied to, resolved, closed, last reopened. */
  stats: { first_responded_at: string | null; resolved_at: string | null; closed_at: string | null; reopened_at: string | null };
}

/** A contact (a requester), with the profile fields the API answers. */
export interface SandboxFreshdeskContact {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  twitter_id: string | null;
  unique_external_id: string | null;
  other_emails: string[];
  custom_fields: SandboxFreshdeskFields;
  twitter_followers_count: number | null;
  twitter_profile_status: boolean | null;
  /** Freshdesk's verified contact: the person confirmed the address (read only in the API). */
  active: boolean;
  created_at: string;
  updated_at: string;
}

/** What a contact is made from; ids are given out from 2001 unless one is chosen. */
export interface SandboxFreshdeskContactInput {
  id?: number;
  name: string;
  email: string | null;
  phone?: string | null;
  mobile?: string | null;
  twitter_id?: string | null;
  unique_external_id?: string | null;
  other_emails?: string[];
  custom_fields?: SandboxFreshdeskFields;
  twitter_followers_count?: number | null;
  /** Whether Freshdesk verified the contact (false unless said: a contact made by the API or an email is not). */
  active?: boolean;
}

/** What a ticket is made from; ids are given out from 1. */
export interface SandboxFreshdeskTicketInput {
  subject: string;
  description: string;
  requesterId: number;
  priority?: SandboxFreshdeskPriority;
  tags?: string[];
  groupId?: number | null;
  source?: number;
}

/** The sandbox Freshdesk as tests and local mode drive it. */
export interface SandboxFreshdesk {
  /** `${sandbox}/freshdesk`: what a tenant's helpdesk.baseUrl is in local mode */
  readonly baseUrl: string;
  createContact(input: SandboxFreshdeskContactInput): SandboxFreshdeskContact;
  createTicket(input: SandboxFreshdeskTicketInput): SandboxFreshdeskTicket;
  ticket(id: number): SandboxFreshdeskTicket | undefined;
  tickets(): SandboxFreshdeskTicket[];
  /** A person edits the ticket in the Freshdesk UI: changes fields and bumps updated_at. */
  editTicket(
    id: number,
    change: { tags?: string[]; priority?: SandboxFreshdeskPriority; group_id?: number | null },
  ): SandboxFreshdeskTicket;
  /** Makes the next `count` matching requests fail with `status` (and headers, e.g. {'retry-after': '2'}). */
  failNext(fault: SandboxFault): void;
  /** Fails a random share of the API requests no queued fault claims, from now on; `undefined` stops it. */
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request received: method, path, status answered, time. */
  requests(): SandboxRequest[];
  /** Called for every new ticket, whether made by createTicket or by `POST /api/v2/tickets`. */
  onTicketCreated(listener: (ticket: SandboxFreshdeskTicket, requester: SandboxFreshdeskContact) => void): void;
  /** Called when a ticket's status is set to Resolved (4) through the API, as an automation rule on resolved would send. */
  onTicketResolved(listener: (ticket: SandboxFreshdeskTicket) => void): void;
  /** Moves a ticket's creation back to `at`, so its stats show time passed. */
  backdateTicket(id: number, at: Date): SandboxFreshdeskTicket;
}
