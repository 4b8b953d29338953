import type { CustomerProfile, Identity, SurveyAnswerRecord } from './customer.js';
import type { CustomerRecords, ErasureReport, GuardedWriteOutcome } from './customer-records.js';
import type { DecisionRecord, TicketOutcome } from './decision-record.js';
import type { DecisionDayPage } from './decision-listing.js';
import type { InboundEvent, RequesterDetails, SolvedReading, TicketSnapshot } from './events.js';
import type { ScoreLookup, ScoreRequest } from './score-lookup.js';
import type { DueProfile, ScoreWriteOutcome } from './score-refresh.js';
import type { InfluenceScore } from './score.js';
import type { IndexedAnswer, IndexedPeriod, SurveyAnswerWrite } from './survey-answers.js';
import type { TicketUpdate } from './ticket-update.js';
import type { WebhookRequest } from './webhook-request.js';

/** The current time, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** Where a use case logs what the caller should know about but that does not fail the event. */
export interface UseCaseLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

/**
 * Outbound port to a helpdesk. Errors are domain errors: RateLimitedError (429),
 * ConflictError (the ticket changed since `updatedStamp`), TransientError (5xx, timeout),
 * TicketNotFoundError (the ticket is gone), PermanentHelpdeskError (any other refusal).
 *
 * Every adapter guarantees, for `updateTicket`:
 * 1. At most one note per decision, written last: the note (which carries the decision's
 *    marker) goes after every other change, so a note found by `hasInternalNote` proves the
 *    whole write landed, and a retry that finds it writes nothing again.
 * 2. Tags are merged, never wiped: the ticket keeps every tag it has when the write lands.
 * 3. A change a person made meanwhile is never overwritten: with an `updatedStamp`, a ticket
 *    changed since it was read answers ConflictError instead of being written (each adapter
 *    documents how, and any window that remains).
 */
export interface HelpdeskClient {
  /**
   * The requester's details, read once per customer. Absent for helpdesks with no user API
   * (the generic adapter): the event's own identities are then all there is.
   */
  getRequester?(userId: string): Promise<RequesterDetails>;
  getTicket(ticketId: string): Promise<TicketSnapshot>;
  updateTicket(update: TicketUpdate): Promise<TicketSnapshot>;
  /**
   * Whether the ticket already has an internal note containing `marker`: how a retry tells that
   * an earlier write landed although its answer was lost. A helpdesk that cannot be read back
   * (the generic adapter) answers false and relies on its receiver deduplicating by decision id.
   */
  hasInternalNote(ticketId: string, marker: string): Promise<boolean>;
  /**
   * A solved ticket's outcome read back from the helpdesk (one request): undefined while the
   * helpdesk does not show it solved yet. Absent for helpdesks whose solved event carries it.
   */
  readOutcome?(ticketId: string): Promise<SolvedReading | undefined>;
  /**
   * True when one update carries every change and the note, and an update given the ticket's
   * `updatedStamp` is refused (ConflictError) once the ticket changed: such a write cannot land
   * twice or half, so it needs no claim on the decision record first.
   */
  readonly guardsUpdates?: boolean;
}

/** Turns a normalised identity into the keyed hash that stands for it in storage. */
export interface IdentityHasher {
  hash(identity: Identity): string;
}

/** The holdout's keyed draw: the same number in [0, 1) for a tenant's ticket every time, unguessable without the key. */
export interface HoldoutDraw {
  draw(tenant: string, ticketId: string): number;
}

/** Customer profiles and the aliases that point to them. */
export interface CustomerStore {
  /** The customer known by any of these identities, in one round trip on the usual path. */
  findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined>;
  /** Writes the profile and an alias for each identity so any of them finds it again. */
  saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void>;
}

/** The audit log, which is also the guard that makes a write-back happen once. */
export interface DecisionLog {
  /** The record for this decision id, if one exists. */
  get(tenant: string, decisionId: string): Promise<DecisionRecord | undefined>;
  /** Writes or replaces the record unless it is already final (applied, shadow or skipped). */
  record(record: DecisionRecord): Promise<'written' | 'already-final'>;
  /**
   * Writes a pending record as a claim of the write-back for `holder` (one attempt) until
   * `until`: `held` while another holder's unexpired claim stands, so two deliveries of one
   * decision never write it at the same time; `already-final` as for `record`.
   */
  claim(
    record: DecisionRecord & { status: 'pending' },
    holder: string,
    until: Date,
    now: Date,
  ): Promise<'written' | 'already-final' | 'held'>;
  /** Ends `holder`'s claim early, when its write-back failed: the next delivery need not wait for it to expire. */
  release(tenant: string, decisionId: string, holder: string): Promise<void>;
  /**
   * Stores a solved ticket's outcome on its final record, in the record and its day index
   * summary, if the record's stored outcome is still `read.outcome` (none, or the same solve):
   * `changed` when another write came first, to read again.
   */
  recordOutcome(read: DecisionRecord, outcome: TicketOutcome): Promise<'written' | 'changed'>;
  /** The decisions for a ticket, newest first. */
  listForTicket(tenant: string, ticketId: string): Promise<DecisionRecord[]>;
}

/** A tenant's decisions by UTC day, for the console and the report: bounded reads, never a scan. */
export interface DecisionHistory {
  /** One page (at most `limit`) of the decisions made on `day` (YYYY-MM-DD), newest first. */
  listDay(tenant: string, day: string, options: { limit: number; cursor?: string }): Promise<DecisionDayPage>;
}

/**
 * What processing a ticket reads first: the ticket's decision record (strongly consistent: it
 * guards the write-back) and the requester's profile, together, so the usual path costs one
 * round trip before the write.
 */
export interface TicketContextReader {
  read(tenant: string, decisionId: string, identities: Identity[]): Promise<{ previous?: DecisionRecord; profile?: CustomerProfile }>;
}

/** Sends a normalised event to the processing queue. */
export interface EventQueue {
  enqueue(event: InboundEvent): Promise<void>;
}

/** Asks a score provider for a fresh score. */
export interface ScoreProvider {
  readonly name: string;
  score(request: ScoreRequest): Promise<ScoreLookup>;
  /** The scheduled refresh hands over every customer of a run first, for providers that fetch in batches. */
  prepare?(requests: readonly ScoreRequest[]): Promise<void>;
}

/**
 * The refresh queue over customer profiles, and writes that never overwrite a newer score nor
 * score an opted-out customer. `read` is always the profile as it was read.
 */
export interface ScoreRefreshStore {
  /** Up to `limit` profiles of the tenant due at `now`, longest due first. */
  findDue(tenant: string, now: Date, limit: number): Promise<DueProfile[]>;
  /** Writes a refreshed score, next due at its `refreshAfter`, and clears the failure count. */
  saveScore(read: CustomerProfile, score: InfluenceScore, at: Date): Promise<ScoreWriteOutcome>;
  /** Moves the profile's next refresh to `at` and records `failures` in a row. */
  reschedule(read: CustomerProfile, at: Date, failures: number): Promise<ScoreWriteOutcome>;
  /**
   * Deletes the profile's score (kept past what a network's terms allow and not refreshed), the
   * profile staying in the queue, due at `dueAt` with `failures` in a row.
   */
  dropScore(read: CustomerProfile, next: { dueAt: Date; failures: number; at: Date }): Promise<ScoreWriteOutcome>;
  /** Puts the profile in the queue, due at `at`, unless it is already queued. */
  ensureQueued(read: CustomerProfile, at: Date): Promise<ScoreWriteOutcome | 'already-queued'>;
  /** Takes an opted-out customer out of the queue; does nothing to a customer who has not opted out. */
  dequeue(read: CustomerProfile): Promise<void>;
  /** The profile as stored now (strongly consistent), or undefined when it is gone. */
  current(read: CustomerProfile): Promise<CustomerProfile | undefined>;
}

/** Spaces out calls to an outside service: `acquire` resolves when the next call may start. */
export interface RateLimiter {
  acquire(): Promise<void>;
}

/** Customer operations beyond the ticket path: every profile an identity reaches, guarded rewrites, merges. */
export interface CustomerAdminStore extends CustomerStore {
  /** Every distinct profile the identities reach, directly or through an alias, in the order of the identities. */
  findCustomers(tenant: string, identities: Identity[]): Promise<CustomerProfile[]>;
  /**
   * Writes the whole profile (attributes it no longer has are gone) and re-points an alias of
   * each of its identities to it, if the stored profile still has `expectedUpdatedAt`, or, when
   * that is undefined, if there is none yet.
   */
  replaceCustomer(profile: CustomerProfile, expectedUpdatedAt: string | undefined): Promise<GuardedWriteOutcome>;
  /**
   * Folds the profiles as `read` into `merged` (whose key is one of theirs): moves the others'
   * survey answers and decision pointers, points every alias and the others' keys at the
   * survivor, deletes the others; the switch-over is one transaction guarded on every profile
   * being unchanged since read. Running it again after success changes nothing.
   */
  mergeInto(merged: CustomerProfile, read: readonly CustomerProfile[]): Promise<GuardedWriteOutcome>;
}

/** Reads and erases everything held about a customer. */
export interface PrivacyStore {
  /** Everything held about the profile: aliases, survey answers and the decisions about them. */
  records(profile: CustomerProfile): Promise<CustomerRecords>;
  /**
   * Deletes the profile, its aliases, survey answers and decision pointers, and redacts the
   * personal fields of its decisions; `identities` are the ones the customer was found by,
   * whose aliases go last with the profile so that a failed erasure can be run again.
   */
  erase(profile: CustomerProfile, identities: readonly Identity[], erasedAt: string): Promise<ErasureReport>;
  /** Removes the score, NPS answer and note from every decision about the customer (after an opt-out); returns how many. */
  redactScoreDetails(profile: CustomerProfile): Promise<number>;
}

/**
 * How one source authenticates and normalises its webhooks. Verification always runs on the
 * raw bytes, before any parsing.
 */
export interface InboundSource {
  /** Content types the source sends (compared without parameters such as charset). */
  readonly contentTypes: readonly string[];
  /** Throws AuthenticationError unless the request is authentic for one of the secrets. */
  verify(request: WebhookRequest, secrets: readonly string[]): void;
  /** Throws InvalidPayloadError unless the body is a supported event. */
  normalise(request: WebhookRequest): InboundEvent;
}

/** Survey answers by the day they were given, for reports over a period. */
export interface SurveyAnswerIndex {
  /** Writes the answer in its day's partition, replacing the one with the same response id unless that one is a newer version. */
  put(answer: IndexedAnswer): Promise<SurveyAnswerWrite>;
  /** Every answer of the tenant given in [from, to), read day partition by day partition. */
  inPeriod(tenant: string, from: Date, to: Date): Promise<IndexedPeriod>;
}

/** Survey answers in the customer's partition (with their comments), upserted by response id, never by an older version. */
export interface SurveyAnswerStore {
  saveSurveyAnswer(answer: SurveyAnswerRecord): Promise<SurveyAnswerWrite>;
}
