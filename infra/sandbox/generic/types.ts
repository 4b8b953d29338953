import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';

/** The priorities of the generic helpdesk's decisions. */
export const GENERIC_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** A priority of the generic helpdesk. */
export type SandboxGenericPriority = (typeof GENERIC_PRIORITIES)[number];

/** How to configure the generic helpdesk's receiver. */
export interface SandboxGenericOptions {
  /** The Standard Webhooks secret the router signs decisions with, `whsec_` and base64. */
  signingSecret: string;
}

/** Who asked: whatever identifiers the helpdesk knows of the customer. */
export interface SandboxGenericRequester {
  id?: string;
  email?: string;
  /** The tenant's own id of the customer (a CRM id). */
  external_id?: string;
  name?: string;
  /** `source` says where the handle came from: `channel` when the ticket came in through that network's own channel. */
  handles?: { network: string; handle: string; source?: 'customer' | 'agent' | 'channel' }[];
}

/** A ticket of the generic helpdesk, with the notes the decisions left on it. */
export interface SandboxGenericTicket {
  id: string;
  subject: string;
  priority: SandboxGenericPriority | null;
  tags: string[];
  group_id: string | null;
  requester: SandboxGenericRequester;
  created_at: string;
  updated_at: string;
  notes: { decision_id: string; body: string; at: string }[];
  /** The first public agent reply; null until there is one. */
  first_replied_at: string | null;
  /** The latest solve; null while the ticket is open. */
  solved_at: string | null;
  /** Times the ticket was reopened after a solve. */
  reopens: number;
}

/** What `createTicket` takes. */
export interface SandboxGenericTicketInput {
  subject: string;
  priority?: SandboxGenericPriority | null;
  tags?: string[];
  groupId?: string | null;
  requester: SandboxGenericRequester;
}

/** One delivery the receiver applied (a duplicate `webhook-id` is answered but not listed again). */
export interface SandboxGenericDecision {
  webhook_id: string;
  decision_id: string;
  ticket_id: string;
  /** When it was applied, in ms since the epoch. */
  at: number;
}

/** The generic helpdesk's hooks for tests and local mode; its receiver is `POST {baseUrl}/decisions`. */
export interface SandboxGeneric {
  /** `http://127.0.0.1:<port>/generic` */
  baseUrl: string;
  createTicket(input: SandboxGenericTicketInput): SandboxGenericTicket;
  ticket(id: string): SandboxGenericTicket | undefined;
  tickets(): SandboxGenericTicket[];
  /** A person changes the ticket in the helpdesk: tags replaced, priority set; `updated_at` moves on. */
  editTicket(id: string, changes: { tags?: string[]; priority?: SandboxGenericPriority | null }): SandboxGenericTicket;
  /** An agent replies publicly: the first reply's time is kept. */
  replyToTicket(id: string, at?: Date): SandboxGenericTicket;
  /** The ticket is solved (at `at`, by default now): every `onTicketSolved` listener is called. */
  solveTicket(id: string, at?: Date): SandboxGenericTicket;
  /** The customer writes again on a solved ticket: it is open again, one reopen more. */
  reopenTicket(id: string): SandboxGenericTicket;
  /** Called for every solve, as the helpdesk's own integration would send `ticket.solved`. */
  onTicketSolved(listener: (ticket: SandboxGenericTicket) => void): void;
  /** Every delivery applied, in order. */
  decisions(): SandboxGenericDecision[];
  /** Makes the next `count` matching requests fail with `status`. */
  failNext(fault: SandboxFault): void;
  /** Fails a random share of the API requests no queued fault claims, from now on; `undefined` stops it. */
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request received: method, path below `/generic`, status answered, time. */
  requests(): SandboxRequest[];
  /** Called for every ticket `createTicket` makes, as the helpdesk's own integration would be. */
  onTicketCreated(listener: (ticket: SandboxGenericTicket) => void): void;
}
