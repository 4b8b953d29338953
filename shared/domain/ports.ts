import type { CustomerProfile, Identity, IdentityKind, SurveyAnswerRecord } from './customer.js';
import type { NpsCategory } from './nps.js';
import type { Decision } from './decide.js';
import type { HelpdeskEvent, Requester, SocialHandle, Source, TicketSnapshot } from './events.js';
import type { Priority } from './priority.js';
import type { InfluenceScore } from './score.js';
import type { Tier } from './tiers.js';

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
  /** The decision this write carries out: the idempotency id of helpdesks that take one. */
  decisionId: string;
  priority?: Priority;
  /** The complete tag list to leave on the ticket: the ticket's tags plus ours. */
  tags: string[];
  /** Our tags alone, for helpdesks with an additive tags call or a read-merge-write. */
  addedTags: string[];
  groupId?: string;
  /** Internal (private) note for the agent; it ends with the decision's marker. */
  note: string;
  /** The ticket's concurrency stamp when read; a ticket changed since then is a ConflictError. */
  updatedStamp?: string;
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

/** Customer profiles and the aliases that point to them. */
export interface CustomerStore {
  /** The customer known by any of these identities, in one round trip on the usual path. */
  findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined>;
  /** Writes the profile and an alias for each identity so any of them finds it again. */
  saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void>;
}

/** Status of a recorded decision. */
export type DecisionStatus = 'pending' | 'failed' | 'applied' | 'shadow' | 'skipped';

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
  /** Why the helpdesk refused the write for good (status `failed`; the event is in the dead-letter queue). */
  failedReason?: string;
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
  claim(record: DecisionRecord & { status: 'pending' }, holder: string, until: Date, now: Date): Promise<'written' | 'already-final' | 'held'>;
  /** Ends `holder`'s claim early, when its write-back failed: the next delivery need not wait for it to expire. */
  release(tenant: string, decisionId: string, holder: string): Promise<void>;
  /** The decisions for a ticket, newest first. */
  listForTicket(tenant: string, ticketId: string): Promise<DecisionRecord[]>;
}

/** What the decisions-by-day index keeps of a decision: enough to list, filter and count it. */
export interface DecisionSummary {
  tier: Tier;
  mode: 'active' | 'shadow';
  uplift: number;
  requestedUplift: number;
  priority?: Priority;
  helpdeskPriority?: Priority;
  /** Ids of the rules that matched. */
  rules: string[];
  /** Ids of the guardrails that spoke. */
  guardrails: string[];
  nps?: NpsCategory;
  score?: { value: number; source: 'override' | 'provider'; freshness: 'fresh' | 'stale' | 'expired' };
  /** How the score provider failed on this ticket's path, when it did. */
  providerFailure?: ScoreFailureKind;
}

/** One decided record as the decisions-by-day index lists it (the note and the explanation stay in the record). */
export interface DecisionListing {
  tenant: string;
  decisionId: string;
  ticketId: string;
  source: Source;
  status: DecisionRecord['status'];
  decidedAt: string;
  customerKey?: string;
  summary: DecisionSummary;
  skippedReason?: string;
  failedReason?: string;
}

/** A page of one day's decisions, newest first, and where the next page starts. */
export interface DecisionDayPage {
  listings: DecisionListing[];
  /** For each listing, the opaque cursor that reads on from just after it. */
  after: string[];
  /** Opaque: reads on after the page; absent on the day's last page. */
  cursor?: string;
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
  enqueue(event: HelpdeskEvent): Promise<void>;
}

/** Why a provider is asked: on the ticket path (one quick attempt) or by the scheduled refresh (retries). */
export type ScorePurpose = 'inline' | 'scheduled';

/** One request to a score provider. */
export interface ScoreRequest {
  tenant: string;
  profile: CustomerProfile;
  /** The requester as the webhook described them, when there is an event. */
  requester?: Requester;
  /** What the helpdesk said about the requester on this event, when it was already fetched: saves a lookup. */
  requesterDetails?: RequesterDetails;
  purpose: ScorePurpose;
  now: Date;
  /** Days until a score made now is due for refresh (the tenant's policy). */
  refreshAfterDays: number;
}

/** Why a provider call failed. `circuit-open` failed fast without calling the provider. */
export type ScoreFailureKind = 'timeout' | 'unavailable' | 'rate-limited' | 'malformed' | 'rejected' | 'circuit-open';

/**
 * What a score provider answered: a score; no score for this customer, and why; or a failure,
 * and why. Providers answer failures instead of throwing them, so no caller can forget one.
 */
export type ScoreLookup =
  | { outcome: 'scored'; score: InfluenceScore }
  | { outcome: 'no-score'; reason: string }
  | { outcome: 'failed'; kind: ScoreFailureKind; reason: string; retryAfterMs?: number };

/** Asks a score provider for a fresh score. */
export interface ScoreProvider {
  readonly name: string;
  score(request: ScoreRequest): Promise<ScoreLookup>;
}

/** A profile the refresh queue holds as due, with the queue's bookkeeping. */
export interface DueProfile {
  profile: CustomerProfile;
  /** When it became due: its place in the queue. */
  dueAt: string;
  /** Failed refreshes in a row since the last good answer. */
  failures: number;
}

/**
 * What a conditional write to a profile did: `changed` when its score is no longer the one read
 * (an import, an override or another refresh got there first), `opted-out`, or `gone` (erased).
 */
export type ScoreWriteOutcome = 'written' | 'changed' | 'opted-out' | 'gone';

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

/** Whether a guarded write went through, or the item changed since it was read. */
export type GuardedWriteOutcome = 'written' | 'conflict';

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

/** An alias as held: which kind of identity, and its keyed hash (never the identity itself). */
export interface HeldAlias {
  identityHash: string;
  kind?: IdentityKind;
}

/** Everything held about one customer profile. */
export interface CustomerRecords {
  profile: CustomerProfile;
  /** When the table's TTL deletes the profile if nothing updates it; undefined while opted out. */
  retainedUntil?: string;
  aliases: HeldAlias[];
  /** Survey answers as stored, with every attribute they have. */
  surveyAnswers: Record<string, unknown>[];
  decisions: DecisionRecord[];
}

/** What an erasure removed or redacted. */
export interface ErasureReport {
  customerKey: string;
  profileDeleted: boolean;
  aliasesDeleted: number;
  surveyAnswersDeleted: number;
  decisionPointersDeleted: number;
  decisionsRedacted: number;
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

/** A webhook as it arrived: the raw bytes and lower-cased headers, before anything is trusted. */
export interface WebhookRequest {
  tenant: string;
  source: string;
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Uint8Array;
  receivedAt: Date;
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
  normalise(request: WebhookRequest): HelpdeskEvent;
}

/**
 * One survey answer as the period index holds it: what the NPS and CSAT report needs, and nothing
 * personal (no customer key, no identity, no comment), so it needs no erasure.
 */
export interface IndexedAnswer {
  tenant: string;
  responseId: string;
  source: string;
  answeredAt: string;
  kind: 'nps' | 'csat';
  score: number;
  scale: number;
  /** The customer's influence tier when they answered (`none` without a usable score or when opted out). */
  tier: Tier;
  /** Which version of the answer this is (`answerRevision`): an older one never replaces it. */
  revision?: string;
}

/** What reading a period of the index took: the answers, and the partitions and requests it read. */
export interface IndexedPeriod {
  answers: IndexedAnswer[];
  /** Day partitions read: one per day of the period, never a scan. */
  partitions: number;
  /** DynamoDB requests made (a query per page of each day). */
  requests: number;
}

/**
 * What writing a version of a survey answer did: `written`, or `superseded` when a newer version
 * of the same answer was stored already and was kept (the write changed nothing).
 */
export type SurveyAnswerWrite = 'written' | 'superseded';

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
