import { HmacHoldoutDraw } from '../../shared/adapters/identity/hmac-holdout-draw.js';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';
import type { CustomerProfile, Identity } from '../../shared/domain/customer.js';
import { normaliseIdentity } from '../../shared/domain/customer.js';
import { findingIdentities, findingLists, foundThrough } from '../../shared/domain/identity-trust.js';
import { ConflictError, PermanentHelpdeskError, TicketNotFoundError } from '../../shared/domain/errors.js';
import type { InboundEvent, RequesterDetails, TicketSnapshot } from '../../shared/domain/events.js';
import type {
  Clock,
  CustomerAdminStore,
  CustomerStore,
  DecisionHistory,
  DecisionLog,
  EventQueue,
  HelpdeskClient,
  IdentityHasher,
  PrivacyStore,
  ScoreProvider,
  ScoreRefreshStore,
  SurveyAnswerIndex,
  SurveyAnswerStore,
} from '../../shared/domain/ports.js';
import type { CustomerRecords, ErasureReport } from '../../shared/domain/customer-records.js';
import type { DecisionDayPage } from '../../shared/domain/decision-listing.js';
import { type DecisionRecord, isFinal, type TicketOutcome } from '../../shared/domain/decision-record.js';
import type { ScoreLookup, ScoreRequest } from '../../shared/domain/score-lookup.js';
import type { DueProfile, ScoreWriteOutcome } from '../../shared/domain/score-refresh.js';
import type { IndexedAnswer, IndexedPeriod, SurveyAnswerWrite } from '../../shared/domain/survey-answers.js';
import type { TicketUpdate } from '../../shared/domain/ticket-update.js';
import { DecisionListingSchema, decisionIndexAttributes } from '../../shared/adapters/store/decision-items.js';
import type { SurveyAnswerRecord } from '../../shared/domain/customer.js';
import type { InfluenceScore } from '../../shared/domain/score.js';

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A 32-byte key for the holdout's keyed draw in tests. */
export const TEST_HOLDOUT_KEY = 'test-holdout-key-of-thirty-two-bytes';

/** The real keyed holdout draw over the test key. */
export const testHoldoutDraw = new HmacHoldoutDraw(TEST_HOLDOUT_KEY);

/** Identity hasher for tests: HMAC over a fixed key, the same input the real one hashes. */
export class TestHasher implements IdentityHasher {
  constructor(private readonly tenant: string) {}
  hash(identity: Identity): string {
    const n = normaliseIdentity(identity);
    return createHmac('sha256', 'test-key').update(`${this.tenant}\n${n.kind}\n${n.value}`).digest('base64url');
  }
}

/** Customer store in memory, keyed the way the real one is: by the hash of any identity. */
export class InMemoryCustomerStore implements CustomerStore {
  readonly profiles = new Map<string, CustomerProfile>();
  private readonly aliases = new Map<string, string>();
  finds = 0;
  constructor(private readonly hasherFor: (tenant: string) => IdentityHasher) {}

  async findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined> {
    this.finds += 1;
    const hasher = this.hasherFor(tenant);
    for (const identity of findingIdentities(identities).map(normaliseIdentity)) {
      const hash = hasher.hash(identity);
      const key = this.aliases.get(`${tenant}#${hash}`) ?? hash;
      const profile = this.profiles.get(`${tenant}#${key}`);
      if (profile && foundThrough(profile, identity)) return structuredClone(profile);
    }
    return undefined;
  }

  /** Same guard as the real store: unchanged `updatedAt`, or absent when none is expected. */
  async replaceCustomer(profile: CustomerProfile, expectedUpdatedAt: string | undefined): Promise<'written' | 'conflict'> {
    const stored = this.profiles.get(`${profile.tenant}#${profile.customerKey}`);
    if (expectedUpdatedAt === undefined ? stored !== undefined : stored?.updatedAt !== expectedUpdatedAt) return 'conflict';
    const hasher = this.hasherFor(profile.tenant);
    const identities: Identity[] = [
      ...profile.identities.helpdeskUserIds.map((value) => ({ kind: 'helpdesk-user' as const, value })),
      ...findingLists(profile.identities).handles.map((h) => ({ kind: 'handle' as const, value: `${h.network}:${h.handle}` })),
    ];
    this.profiles.set(`${profile.tenant}#${profile.customerKey}`, structuredClone(profile));
    for (const identity of identities) this.aliases.set(`${profile.tenant}#${hasher.hash(identity)}`, profile.customerKey);
    for (const hash of [...profile.identities.emailHashes, ...(profile.identities.externalIdHashes ?? [])])
      this.aliases.set(`${profile.tenant}#${hash}`, profile.customerKey);
    return 'written';
  }

  async saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void> {
    this.profiles.set(`${profile.tenant}#${profile.customerKey}`, structuredClone(profile));
    const hasher = this.hasherFor(profile.tenant);
    for (const identity of findingIdentities(identities))
      this.aliases.set(`${profile.tenant}#${hasher.hash(identity)}`, profile.customerKey);
  }
}

/** Decision log in memory with the same once-guard as the real one. */
export class InMemoryDecisionLog implements DecisionLog, DecisionHistory {
  readonly records = new Map<string, DecisionRecord>();
  async get(tenant: string, decisionId: string): Promise<DecisionRecord | undefined> {
    return this.records.get(`${tenant}#${decisionId}`);
  }
  async record(record: DecisionRecord): Promise<'written' | 'already-final'> {
    const key = `${record.tenant}#${record.decisionId}`;
    const existing = this.records.get(key);
    if (existing && existing.status !== 'pending') return 'already-final';
    this.records.set(key, structuredClone(record));
    return 'written';
  }
  async recordOutcome(read: DecisionRecord, outcome: TicketOutcome): Promise<'written' | 'changed'> {
    const key = `${read.tenant}#${read.decisionId}`;
    const stored = this.records.get(key);
    if (!stored || stored.status !== read.status || stored.outcome?.solvedAt !== read.outcome?.solvedAt) return 'changed';
    this.records.set(key, structuredClone({ ...stored, outcome }));
    return 'written';
  }
  async listForTicket(tenant: string, ticketId: string): Promise<DecisionRecord[]> {
    return [...this.records.values()].filter((r) => r.tenant === tenant && r.ticketId === ticketId);
  }
  private readonly claims = new Map<string, { holder: string; until: number }>();
  async claim(
    record: DecisionRecord & { status: 'pending' },
    holder: string,
    until: Date,
    now: Date,
  ): Promise<'written' | 'already-final' | 'held'> {
    const key = `${record.tenant}#${record.decisionId}`;
    const existing = this.records.get(key);
    if (existing && isFinal(existing.status)) return 'already-final';
    const claim = this.claims.get(key);
    if (claim && claim.holder !== holder && claim.until >= now.getTime()) return 'held';
    this.claims.set(key, { holder, until: until.getTime() });
    this.records.set(key, structuredClone(record));
    return 'written';
  }
  async release(tenant: string, decisionId: string, holder: string): Promise<void> {
    const key = `${tenant}#${decisionId}`;
    if (this.claims.get(key)?.holder === holder) this.claims.delete(key);
  }
  /** The decided records of one day, newest first, summarised as the table's index does; cursors are offsets. */
  async listDay(tenant: string, day: string, options: { limit: number; cursor?: string }): Promise<DecisionDayPage> {
    const ofDay = [...this.records.values()]
      .filter((r) => r.tenant === tenant && r.status !== 'pending' && r.decidedAt.startsWith(day))
      .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt) || b.decisionId.localeCompare(a.decisionId));
    const start = Number(options.cursor ?? 0);
    const page = ofDay.slice(start, start + options.limit);
    return {
      listings: page.map((r) => DecisionListingSchema.parse({ ...r, ...decisionIndexAttributes(r) })),
      after: page.map((_, index) => String(start + index + 1)),
      ...(start + options.limit < ofDay.length ? { cursor: String(start + options.limit) } : {}),
    };
  }
}

/** A helpdesk in memory that keeps Zendesk's stamp semantics: a stale stamp is a conflict. */
export class InMemoryHelpdesk implements HelpdeskClient {
  readonly tickets = new Map<string, TicketSnapshot & { notes: string[] }>();
  readonly users = new Map<string, RequesterDetails>();
  readonly updates: TicketUpdate[] = [];
  requesterLookups = 0;
  private stamp = 0;
  /** Called before an update is applied, so a test can change the ticket under our feet. */
  beforeUpdate?: (ticketId: string) => void;
  /** Called after an update is applied, so a test can lose its answer (by throwing). */
  afterUpdate?: (ticketId: string) => void;

  addTicket(ticket: TicketSnapshot): void {
    this.tickets.set(ticket.id, { ...ticket, updatedStamp: ticket.updatedStamp ?? this.nextStamp(), notes: [] });
  }
  touch(ticketId: string, change: Partial<TicketSnapshot>): void {
    const ticket = this.tickets.get(ticketId);
    if (ticket) this.tickets.set(ticketId, { ...ticket, ...change, updatedStamp: this.nextStamp() });
  }
  private nextStamp(): string {
    this.stamp += 1;
    return new Date(Date.UTC(2026, 10, 23, 10, 0, this.stamp)).toISOString();
  }
  async getRequester(userId: string): Promise<RequesterDetails> {
    this.requesterLookups += 1;
    const user = this.users.get(userId);
    if (!user) throw new PermanentHelpdeskError(`user ${userId} not found`, 404);
    return user;
  }
  async getTicket(ticketId: string): Promise<TicketSnapshot> {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new TicketNotFoundError(`ticket ${ticketId}`);
    const { notes: _notes, ...snapshot } = ticket;
    return structuredClone(snapshot);
  }
  async hasInternalNote(ticketId: string, marker: string): Promise<boolean> {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new TicketNotFoundError(`ticket ${ticketId}`);
    return ticket.notes.some((note) => note.includes(marker));
  }

  async updateTicket(update: TicketUpdate): Promise<TicketSnapshot> {
    this.beforeUpdate?.(update.ticketId);
    const ticket = this.tickets.get(update.ticketId);
    if (!ticket) throw new TicketNotFoundError(`ticket ${update.ticketId}`);
    if (update.updatedStamp && update.updatedStamp !== ticket.updatedStamp) throw new ConflictError('stale updated_stamp');
    this.updates.push(structuredClone(update));
    const next = {
      ...ticket,
      ...(update.priority ? { priority: update.priority } : {}),
      ...(update.groupId ? { groupId: update.groupId } : {}),
      tags: update.tags,
      notes: [...ticket.notes, update.note],
      updatedStamp: this.nextStamp(),
    };
    this.tickets.set(update.ticketId, next);
    this.afterUpdate?.(update.ticketId);
    const { notes: _notes, ...snapshot } = next;
    return structuredClone(snapshot);
  }
}

/**
 * Survey answers in memory: the customer-partition records and the period index, both upserted by
 * response id with the real stores' condition: a newer version stored stays (`superseded`).
 */
export class InMemorySurveyAnswers implements SurveyAnswerStore, SurveyAnswerIndex {
  readonly records = new Map<string, SurveyAnswerRecord>();
  readonly indexed = new Map<string, IndexedAnswer>();
  async saveSurveyAnswer(answer: SurveyAnswerRecord): Promise<SurveyAnswerWrite> {
    return putNewest(this.records, `${answer.tenant}#${answer.customerKey}#${answer.responseId}`, answer);
  }
  async put(answer: IndexedAnswer): Promise<SurveyAnswerWrite> {
    return putNewest(this.indexed, `${answer.tenant}#${answer.responseId}`, answer);
  }
  async inPeriod(tenant: string, from: Date, to: Date): Promise<IndexedPeriod> {
    const answers = [...this.indexed.values()].filter(
      (a) => a.tenant === tenant && Date.parse(a.answeredAt) >= from.getTime() && Date.parse(a.answeredAt) < to.getTime(),
    );
    const days = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 86_400_000));
    return { answers, partitions: days, requests: days };
  }
}

/** The stores' `attribute_not_exists(revision) OR revision <= :revision`, in memory. */
function putNewest<T extends { revision?: string }>(items: Map<string, T>, key: string, item: T): SurveyAnswerWrite {
  const stored = items.get(key)?.revision;
  if (item.revision !== undefined && stored !== undefined && stored > item.revision) return 'superseded';
  items.set(key, structuredClone(item));
  return 'written';
}

/** Queue in memory. */
export class InMemoryQueue implements EventQueue {
  readonly events: InboundEvent[] = [];
  async enqueue(event: InboundEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }
}

/**
 * Customer administration and privacy in memory, with the real store's guards: a rewrite or a
 * merge is refused (`conflict`) when a profile's `updatedAt` is not the one read, and
 * `saveCustomer` never undoes an opt-out. `beforeWrite` runs before each guarded write, so a
 * test can change a profile under the use case's feet.
 */
export class InMemoryCustomerAdmin implements CustomerAdminStore, PrivacyStore {
  readonly profiles = new Map<string, CustomerProfile>();
  readonly aliases = new Map<string, { customerKey: string; kind: Identity['kind'] }>();
  /** Survey answers by `tenant#customerKey`. */
  readonly surveyAnswers = new Map<string, Record<string, unknown>[]>();
  /** Decisions by `tenant#decisionId`, and the ids of each customer's decisions by `tenant#customerKey`. */
  readonly decisions = new Map<string, DecisionRecord>();
  readonly decisionRefs = new Map<string, Set<string>>();
  guardedWrites = 0;
  beforeWrite?: () => void;

  constructor(private readonly hasherFor: (tenant: string) => IdentityHasher) {}

  private hashesOf(profile: CustomerProfile): Map<string, Identity['kind']> {
    const hasher = this.hasherFor(profile.tenant);
    const hashes = new Map<string, Identity['kind']>();
    for (const value of profile.identities.helpdeskUserIds) hashes.set(hasher.hash({ kind: 'helpdesk-user', value }), 'helpdesk-user');
    for (const hash of profile.identities.emailHashes) hashes.set(hash, 'email');
    for (const hash of profile.identities.externalIdHashes ?? []) hashes.set(hash, 'external-id');
    for (const h of findingLists(profile.identities).handles)
      hashes.set(hasher.hash({ kind: 'handle', value: `${h.network}:${h.handle}` }), 'handle');
    return hashes;
  }

  async findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined> {
    return (await this.findCustomers(tenant, identities))[0];
  }

  async findCustomers(tenant: string, identities: Identity[]): Promise<CustomerProfile[]> {
    const hasher = this.hasherFor(tenant);
    const reached = new Map<string, Identity[]>();
    const reach = (key: string, identity: Identity) => reached.set(key, [...(reached.get(key) ?? []), identity]);
    for (const identity of findingIdentities(identities).map(normaliseIdentity)) {
      const hash = hasher.hash(identity);
      if (this.profiles.has(`${tenant}#${hash}`)) reach(hash, identity);
      const alias = this.aliases.get(`${tenant}#${hash}`);
      if (alias) reach(alias.customerKey, identity);
    }
    return [...reached].flatMap(([key, by]) => {
      const profile = this.profiles.get(`${tenant}#${key}`);
      return profile && by.some((identity) => foundThrough(profile, identity)) ? [structuredClone(profile)] : [];
    });
  }

  async saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void> {
    const stored = this.profiles.get(`${profile.tenant}#${profile.customerKey}`);
    if (stored?.optedOut && !profile.optedOut) return;
    this.profiles.set(`${profile.tenant}#${profile.customerKey}`, structuredClone(profile));
    const hasher = this.hasherFor(profile.tenant);
    for (const identity of findingIdentities(identities)) {
      const hash = hasher.hash(identity);
      if (hash !== profile.customerKey)
        this.aliases.set(`${profile.tenant}#${hash}`, { customerKey: profile.customerKey, kind: identity.kind });
    }
  }

  async replaceCustomer(profile: CustomerProfile, expectedUpdatedAt: string | undefined): Promise<'written' | 'conflict'> {
    this.beforeWrite?.();
    const stored = this.profiles.get(`${profile.tenant}#${profile.customerKey}`);
    if (stored?.updatedAt !== expectedUpdatedAt) return 'conflict';
    this.guardedWrites += 1;
    this.profiles.set(`${profile.tenant}#${profile.customerKey}`, structuredClone(profile));
    for (const [hash, kind] of this.hashesOf(profile)) {
      if (hash !== profile.customerKey) this.aliases.set(`${profile.tenant}#${hash}`, { customerKey: profile.customerKey, kind });
    }
    return 'written';
  }

  async mergeInto(merged: CustomerProfile, read: readonly CustomerProfile[]): Promise<'written' | 'conflict'> {
    this.beforeWrite?.();
    const t = merged.tenant;
    if (read.some((p) => this.profiles.get(`${t}#${p.customerKey}`)?.updatedAt !== p.updatedAt)) return 'conflict';
    this.guardedWrites += 1;
    for (const loser of read.filter((p) => p.customerKey !== merged.customerKey)) {
      const answers = this.surveyAnswers.get(`${t}#${loser.customerKey}`) ?? [];
      this.surveyAnswers.set(`${t}#${merged.customerKey}`, [...(this.surveyAnswers.get(`${t}#${merged.customerKey}`) ?? []), ...answers]);
      this.surveyAnswers.delete(`${t}#${loser.customerKey}`);
      const refs = this.decisionRefs.get(`${t}#${loser.customerKey}`) ?? new Set<string>();
      this.decisionRefs.set(
        `${t}#${merged.customerKey}`,
        new Set([...(this.decisionRefs.get(`${t}#${merged.customerKey}`) ?? []), ...refs]),
      );
      this.decisionRefs.delete(`${t}#${loser.customerKey}`);
      this.profiles.delete(`${t}#${loser.customerKey}`);
      this.aliases.set(`${t}#${loser.customerKey}`, {
        customerKey: merged.customerKey,
        kind: this.hashesOf(merged).get(loser.customerKey) ?? 'email',
      });
    }
    this.profiles.set(`${t}#${merged.customerKey}`, structuredClone(merged));
    for (const [hash, kind] of this.hashesOf(merged)) {
      if (hash !== merged.customerKey) this.aliases.set(`${t}#${hash}`, { customerKey: merged.customerKey, kind });
    }
    return 'written';
  }

  /** Records a decision about a customer the way the decision log does: the record and a pointer. */
  addDecision(record: DecisionRecord): void {
    this.decisions.set(`${record.tenant}#${record.decisionId}`, structuredClone(record));
    if (!record.customerKey) return;
    const key = `${record.tenant}#${record.customerKey}`;
    this.decisionRefs.set(key, new Set([...(this.decisionRefs.get(key) ?? []), record.decisionId]));
  }

  async records(profile: CustomerProfile): Promise<CustomerRecords> {
    const key = `${profile.tenant}#${profile.customerKey}`;
    const aliases = [...this.aliases]
      .filter(([aliasKey, alias]) => aliasKey.startsWith(`${profile.tenant}#`) && alias.customerKey === profile.customerKey)
      .map(([aliasKey, alias]) => ({ identityHash: aliasKey.slice(profile.tenant.length + 1), kind: alias.kind }));
    const decisions = [...(this.decisionRefs.get(key) ?? [])].flatMap((id) => {
      const record = this.decisions.get(`${profile.tenant}#${id}`);
      return record ? [structuredClone(record)] : [];
    });
    return { profile, aliases, surveyAnswers: structuredClone(this.surveyAnswers.get(key) ?? []), decisions };
  }

  async erase(profile: CustomerProfile, _identities: readonly Identity[], _erasedAt: string): Promise<ErasureReport> {
    const key = `${profile.tenant}#${profile.customerKey}`;
    const held = await this.records(profile);
    for (const alias of held.aliases) this.aliases.delete(`${profile.tenant}#${alias.identityHash}`);
    for (const record of held.decisions) {
      const { customerKey: _customerKey, ...rest } = record;
      this.decisions.set(`${record.tenant}#${record.decisionId}`, { ...rest, note: 'erased' });
    }
    const refs = this.decisionRefs.get(key)?.size ?? 0;
    this.surveyAnswers.delete(key);
    this.decisionRefs.delete(key);
    return {
      customerKey: profile.customerKey,
      profileDeleted: this.profiles.delete(key),
      aliasesDeleted: held.aliases.length,
      surveyAnswersDeleted: held.surveyAnswers.length,
      decisionPointersDeleted: refs,
      decisionsRedacted: held.decisions.length,
    };
  }

  async redactScoreDetails(profile: CustomerProfile): Promise<number> {
    const held = await this.records(profile);
    for (const record of held.decisions) {
      const { score: _score, nps: _nps, ...decision } = record.decision;
      this.decisions.set(`${record.tenant}#${record.decisionId}`, { ...record, note: 'redacted', decision });
    }
    return held.decisions.length;
  }
}

/** The refresh queue in memory over an InMemoryCustomerStore, with the Dynamo store's guarded-write semantics. */
export class InMemoryScoreRefreshStore implements ScoreRefreshStore {
  /** Queue position and failures in a row, by `tenant#customerKey`. */
  readonly queue = new Map<string, { dueAt: string; failures: number }>();
  constructor(private readonly customers: InMemoryCustomerStore) {}

  async findDue(tenant: string, now: Date, limit: number): Promise<DueProfile[]> {
    const due: DueProfile[] = [];
    for (const [key, entry] of this.queue) {
      const profile = this.customers.profiles.get(key);
      if (profile?.tenant === tenant && entry.dueAt <= now.toISOString())
        due.push({ profile: structuredClone(profile), dueAt: entry.dueAt, failures: entry.failures });
    }
    return due.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0)).slice(0, limit);
  }

  async saveScore(read: CustomerProfile, score: InfluenceScore, at: Date): Promise<ScoreWriteOutcome> {
    const refused = this.refusal(read);
    if (refused) return refused;
    const key = `${read.tenant}#${read.customerKey}`;
    const current = this.customers.profiles.get(key);
    if (current) this.customers.profiles.set(key, { ...current, score: structuredClone(score), updatedAt: at.toISOString() });
    this.queue.set(key, { dueAt: new Date(score.refreshAfter).toISOString(), failures: 0 });
    return 'written';
  }

  async reschedule(read: CustomerProfile, at: Date, failures: number): Promise<ScoreWriteOutcome> {
    const refused = this.refusal(read);
    if (refused) return refused;
    this.queue.set(`${read.tenant}#${read.customerKey}`, { dueAt: at.toISOString(), failures });
    return 'written';
  }

  async dropScore(read: CustomerProfile, next: { dueAt: Date; failures: number; at: Date }): Promise<ScoreWriteOutcome> {
    const refused = this.refusal(read);
    if (refused) return refused;
    const key = `${read.tenant}#${read.customerKey}`;
    const current = this.customers.profiles.get(key);
    if (current) {
      const { score: _dropped, ...rest } = current;
      this.customers.profiles.set(key, { ...rest, updatedAt: next.at.toISOString() });
    }
    this.queue.set(key, { dueAt: next.dueAt.toISOString(), failures: next.failures });
    return 'written';
  }

  async ensureQueued(read: CustomerProfile, at: Date): Promise<ScoreWriteOutcome | 'already-queued'> {
    const refused = this.refusal(read);
    if (refused) return refused;
    const key = `${read.tenant}#${read.customerKey}`;
    if (this.queue.has(key)) return 'already-queued';
    this.queue.set(key, { dueAt: at.toISOString(), failures: 0 });
    return 'written';
  }

  async current(read: CustomerProfile): Promise<CustomerProfile | undefined> {
    const profile = this.customers.profiles.get(`${read.tenant}#${read.customerKey}`);
    return profile ? structuredClone(profile) : undefined;
  }

  async dequeue(read: CustomerProfile): Promise<void> {
    const key = `${read.tenant}#${read.customerKey}`;
    if (this.customers.profiles.get(key)?.optedOut) this.queue.delete(key);
  }

  private refusal(read: CustomerProfile): ScoreWriteOutcome | undefined {
    const current = this.customers.profiles.get(`${read.tenant}#${read.customerKey}`);
    if (!current) return 'gone';
    if (current.optedOut) return 'opted-out';
    if (current.score?.scoredAt !== read.score?.scoredAt) return 'changed';
    return undefined;
  }
}

/** A score provider that answers what the test scripted, and records what it was asked. */
export class ScriptedScoreProvider implements ScoreProvider {
  readonly requests: ScoreRequest[] = [];
  private readonly answers: (ScoreLookup | Error)[] = [];
  constructor(
    readonly name: string,
    private readonly fallback: ScoreLookup | Error = { outcome: 'no-score', reason: 'unknown customer' },
  ) {}
  /** Answers, in order, for the next calls; then the fallback. */
  answer(...answers: (ScoreLookup | Error)[]): void {
    this.answers.push(...answers);
  }
  async score(request: ScoreRequest): Promise<ScoreLookup> {
    this.requests.push(request);
    const next = this.answers.shift() ?? this.fallback;
    if (next instanceof Error) throw next;
    return structuredClone(next);
  }
}

/** The request body the scoring service contract allows: nothing more (no email, no name). */
export const ScoringServiceRequestSchema = z
  .object({
    tenant: z.string().min(1),
    customer: z
      .object({
        key: z.string().min(1),
        handles: z.array(z.object({ network: z.string().min(1), handle: z.string().min(1) }).strict()),
        helpdeskUserIds: z.array(z.string().regex(/^[a-z]+:\d+$/)),
      })
      .strict(),
  })
  .strict();
export type ScoringServiceRequest = z.infer<typeof ScoringServiceRequestSchema>;

/** One scripted answer of the loopback scoring service. */
export interface ScoringServiceAnswer {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, instead of `body` (e.g. broken JSON). */
  raw?: string;
  headers?: Record<string, string>;
  /** Hold the answer this long (a client with a shorter timeout gives up first). */
  delayMs?: number;
}

/** A request the loopback scoring service accepted. */
export interface ScoringServiceCall {
  body: ScoringServiceRequest;
  /** When it arrived, by the service's clock. */
  at: number;
}

/**
 * A company scoring service on loopback that enforces the HTTP provider's contract: `POST` to
 * its path, `authorization: Bearer <apiKey>`, a JSON body of exactly the documented shape with no
 * email anywhere. A request that breaks the contract gets a 4xx and is counted in `violations`.
 * Answers come from the script, then from `byCustomer`, then 404.
 */
export class LoopbackScoringService {
  readonly calls: ScoringServiceCall[] = [];
  readonly violations: string[] = [];
  /** Standing answers by customer key, used once the script is empty. */
  readonly byCustomer = new Map<string, ScoringServiceAnswer>();
  private readonly scripted: ScoringServiceAnswer[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts the service on 127.0.0.1 at a free port. */
  static async start(options: { apiKey: string; path?: string; now?: () => number }): Promise<LoopbackScoringService> {
    const path = options.path ?? '/v1/score';
    const now = options.now ?? Date.now;
    const started: { service?: LoopbackScoringService } = {};
    const server = createServer((req, res) => {
      if (started.service) void started.service.handle(req, res, options.apiKey, path, now);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const service = new LoopbackScoringService(server, `http://127.0.0.1:${port}${path}`);
    started.service = service;
    return service;
  }

  /** Answers for the next requests, in order. */
  script(...answers: ScoringServiceAnswer[]): void {
    this.scripted.push(...answers);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, apiKey: string, path: string, now: () => number): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const text = Buffer.concat(chunks).toString('utf8');
    const refuse = (status: number, why: string) => {
      this.violations.push(why);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: why }));
    };
    if (req.method !== 'POST') return refuse(405, `method ${req.method}`);
    if (req.url !== path) return refuse(404, `path ${req.url}`);
    if (req.headers.authorization !== `Bearer ${apiKey}`) return refuse(401, 'bad or missing bearer token');
    if (!req.headers['content-type']?.startsWith('application/json')) return refuse(415, `content-type ${req.headers['content-type']}`);
    if (/[^\s"@]+@[^\s"@]+\.[a-z]{2,}/i.test(text)) return refuse(400, 'the body carries an email address');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refuse(400, 'body is not JSON');
    }
    const parsed = ScoringServiceRequestSchema.safeParse(json);
    if (!parsed.success) return refuse(400, `body: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    this.calls.push({ body: parsed.data, at: now() });

    const answer = this.scripted.shift() ??
      this.byCustomer.get(parsed.data.customer.key) ?? { status: 404, body: { error: 'unknown customer' } };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (res.destroyed) return;
    const body = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(body);
  }
}
