import type { CustomerProfile, Identity } from './customer.js';
import type { Decision } from './decide.js';
import type { HelpdeskEvent, Requester, SocialHandle, Source, TicketSnapshot } from './events.js';
import type { Priority } from './priority.js';
import type { InfluenceScore } from './score.js';

/** The current time, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** What a helpdesk knows about a requester, fetched once per customer. */
export interface RequesterDetails {
  helpdeskUserId: string;
  email?: string;
  externalId?: string;
  name?: string;
  handles: SocialHandle[];
  /** Profile fields the helpdesk holds (e.g. a follower count field), for helpdesk-supplied scores. */
  fields: Record<string, string | number | boolean | null>;
}

/** One write-back to a ticket: everything the decision changes, in as few requests as the API allows. */
export interface TicketUpdate {
  ticketId: string;
  priority?: Priority;
  /** The complete tag list to leave on the ticket: the ticket's tags plus ours. */
  tags: string[];
  /** Our tags alone, for helpdesks with an additive tags call. */
  addedTags: string[];
  groupId?: string;
  /** Internal (private) note for the agent. */
  note: string;
  /** The ticket's concurrency stamp when read; a stale stamp makes the helpdesk answer 409. */
  updatedStamp?: string;
}

/**
 * Outbound port to a helpdesk. Errors are domain errors: RateLimitedError (429),
 * ConflictError (409), TransientError (5xx, timeout), TicketNotFoundError (404),
 * PermanentHelpdeskError (other 4xx).
 */
export interface HelpdeskClient {
  getRequester(userId: string): Promise<RequesterDetails>;
  getTicket(ticketId: string): Promise<TicketSnapshot>;
  updateTicket(update: TicketUpdate): Promise<TicketSnapshot>;
}

/** Turns a normalised identity into the keyed hash that stands for it in storage. */
export interface IdentityHasher {
  hash(identity: Identity): string;
}

/** Customer profiles and the aliases that point to them. */
export interface CustomerStore {
  /** The customer known by any of these identities, in one round trip on the usual path. */
  findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined>;
  /** Writes the profile and an alias for each identity so any of them finds it again. */
  saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void>;
}

/** Status of a recorded decision. */
export type DecisionStatus = 'pending' | 'applied' | 'shadow' | 'skipped';

/** The audit record of one decision: what came in, what was decided and why, what was written. */
export interface DecisionRecord {
  tenant: string;
  /** One per ticket event: `zendesk:ticket-created:123`. */
  decisionId: string;
  deliveryId: string;
  source: Source;
  ticketId: string;
  customerKey?: string;
  receivedAt: string;
  decidedAt: string;
  status: DecisionStatus;
  decision: Decision;
  note: string;
  written?: { priority?: Priority; tags: string[]; groupId?: string; at: string };
  skippedReason?: string;
}

/** The audit log, which is also the guard that makes a write-back happen once. */
export interface DecisionLog {
  /** The record for this decision id, if one exists. */
  get(tenant: string, decisionId: string): Promise<DecisionRecord | undefined>;
  /** Writes or replaces the record unless it is already final (applied, shadow or skipped). */
  record(record: DecisionRecord): Promise<'written' | 'already-final'>;
  /** The decisions for a ticket, newest first. */
  listForTicket(tenant: string, ticketId: string): Promise<DecisionRecord[]>;
}

/** Sends a normalised event to the processing queue. */
export interface EventQueue {
  enqueue(event: HelpdeskEvent): Promise<void>;
}

/** Asks a score provider for a fresh score; undefined when the provider has nothing for this customer. */
export interface ScoreProvider {
  readonly name: string;
  score(request: { tenant: string; profile: CustomerProfile; requester?: Requester; requesterDetails?: RequesterDetails }): Promise<InfluenceScore | undefined>;
}
