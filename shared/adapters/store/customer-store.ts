import {
  cancellationReasons,
  type DocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '../aws/dynamodb.js';
import * as z from 'zod';
import {
  type CustomerIdentities,
  type CustomerProfile,
  CustomerProfileSchema,
  IDENTITY_KINDS,
  type Identity,
  type IdentityKind,
  type Retention,
  RetentionSchema,
  type SurveyAnswerRecord,
  SurveyAnswerRecordSchema,
  handleIdentity,
  mergeIdentities,
  normaliseIdentity,
  retentionStart,
} from '../../domain/customer.js';
import type { CustomerAdminStore, IdentityHasher } from '../../domain/ports.js';
import type { GuardedWriteOutcome } from '../../domain/customer-records.js';
import type { SurveyAnswerWrite } from '../../domain/survey-answers.js';
import type { InfluenceScore } from '../../domain/score.js';
import { type BatchRetryOptions, batchGetAll, batchWriteAll, chunk, mapConcurrent, queryPartition } from './batch.js';
import { CorruptItemError, StoreError } from './errors.js';
import { type ItemKey, PROFILE_SK, aliasKey, profileKey, refreshBucketFor, surveyAnswerKey } from './keys.js';
import { putNewestAnswer } from './newest-answer.js';
import { REFRESH_INDEX, TTL_ATTRIBUTE, withoutStorageAttributes } from './table.js';

/** One imported score: the identity it was given for, and the score to store. */
export interface ScoreUpsert {
  identity: Identity;
  score: InfluenceScore;
}

/** Options of the customer store: batch retries, and how long data is kept (see `Retention`). */
export interface CustomerStoreOptions extends BatchRetryOptions, Partial<Retention> {}

/** Days a profile is kept after its last update when the store is given no retention. */
export const DEFAULT_PROFILE_RETENTION_DAYS = RetentionSchema.parse({}).profileRetentionDays;

/** Most actions in one TransactWriteItems request. */
export const TRANSACT_WRITE_LIMIT = 100;

/** One action of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const KeyAttributesSchema = z.object({ pk: z.string(), sk: z.string() });
const AliasItemSchema = z.object({
  tenant: z.string().min(1),
  customerKey: z.string().min(1),
  kind: z.enum(IDENTITY_KINDS).optional(),
});
const DAY_SECONDS = 86_400;

/** Requests in flight during an import; more did not help against DynamoDB Local on 2 vCPUs. */
const IMPORT_CONCURRENCY = 8;

/** Times an import re-reads and rewrites entries whose profiles changed under it. */
const IMPORT_WRITE_ROUNDS = 4;

const keyId = (key: ItemKey) => `${key.pk}\n${key.sk}`;

/**
 * The TTL value (epoch seconds) `days` after an ISO date.
 *
 * @example expirationAfter('2026-01-01T00:00:00Z', 1) // 1767312000
 */
export function expirationAfter(at: string, days: number): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new StoreError(`not a date: ${at}`);
  return Math.floor(ms / 1000) + days * DAY_SECONDS;
}

/**
 * The stored item of a profile: its key, its fields, the refresh-index attributes when it has a
 * score (a profile without one stays out of the sparse index), and a TTL `retentionDays` after
 * its last update, so only a customer nobody has touched for that long expires. An opted-out
 * profile has no TTL: it is what keeps the opt-out honoured.
 *
 * @example await client.send(new PutCommand({ TableName, Item: profileItem(profile) }));
 */
export function profileItem(profile: CustomerProfile, retentionDays: number = DEFAULT_PROFILE_RETENTION_DAYS): Record<string, unknown> {
  return {
    ...profileKey(profile.tenant, profile.customerKey),
    ...profile,
    ...(profile.score
      ? {
          [REFRESH_INDEX.partitionKey]: refreshBucketFor(profile.tenant, profile.customerKey),
          // Normalised to UTC so the index sorts by time whatever offset the score was written with.
          [REFRESH_INDEX.sortKey]: new Date(profile.score.refreshAfter).toISOString(),
        }
      : {}),
    ...(profile.optedOut ? {} : { [TTL_ATTRIBUTE]: expirationAfter(retentionStart(profile), retentionDays) }),
  };
}

/**
 * The alias item pointing an identity hash at a customer: it holds the identity's kind, never its
 * value, and expires with the profile it was written with (not at all while opted out).
 *
 * @example aliasItem(profile, 'h1', 'email', 730)
 */
export function aliasItem(profile: CustomerProfile, identityHash: string, kind: IdentityKind | undefined, retentionDays: number): Record<string, unknown> {
  return {
    ...aliasKey(profile.tenant, identityHash),
    tenant: profile.tenant,
    customerKey: profile.customerKey,
    ...(kind ? { kind } : {}),
    updatedAt: profile.updatedAt,
    ...(profile.optedOut ? {} : { [TTL_ATTRIBUTE]: expirationAfter(retentionStart(profile), retentionDays) }),
  };
}

/**
 * The hash of every identity a profile lists, with its kind: the keys of its aliases (and of the
 * profile itself for the identity it was created from). Emails and external ids are listed as their hashes already.
 *
 * @example identityHashesOf(profile.identities, hasher).get(profile.customerKey) // 'email'
 */
export function identityHashesOf(identities: CustomerIdentities, hasher: IdentityHasher): Map<string, IdentityKind> {
  const hashes = new Map<string, IdentityKind>();
  for (const id of identities.helpdeskUserIds) hashes.set(hasher.hash({ kind: 'helpdesk-user', value: id }), 'helpdesk-user');
  for (const hash of identities.emailHashes) hashes.set(hash, 'email');
  for (const hash of identities.externalIdHashes ?? []) hashes.set(hash, 'external-id');
  for (const h of identities.handles) hashes.set(hasher.hash(handleIdentity(h.network, h.handle)), 'handle');
  return hashes;
}

/**
 * The cancellation codes of a failed transaction (`ConditionalCheckFailed`, `TransactionConflict`,
 * `None` for the actions that were fine), or undefined for any other error.
 *
 * @example cancellationCodes(error)?.includes('ConditionalCheckFailed')
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  return cancellationReasons(error)?.map((reason) => reason.Code ?? 'None');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Attempts at a transaction that another transaction on the same items keeps cancelling. */
const TRANSACTION_CONFLICT_ATTEMPTS = 5;

/**
 * Runs one TransactWriteItems request; `conflict` when one of its conditions failed (the caller
 * reads again and decides again). A cancellation because another transaction touched the same
 * items is retried here with jittered backoff.
 *
 * @example await transactWrite(client, [{ Put: { TableName, Item } }]) // 'written'
 */
export async function transactWrite(client: DocumentClient, items: readonly TransactItem[]): Promise<GuardedWriteOutcome> {
  if (items.length > TRANSACT_WRITE_LIMIT) throw new StoreError(`a transaction holds at most ${TRANSACT_WRITE_LIMIT} actions, not ${items.length}`);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return 'written';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes('ConditionalCheckFailed')) return 'conflict';
      if (!codes?.includes('TransactionConflict') || attempt >= TRANSACTION_CONFLICT_ATTEMPTS) throw error;
      await sleep(Math.random() * 50 * 2 ** attempt);
    }
  }
}

/** The condition that a stored profile is still the one read: `updatedAt` unchanged, or absent when none was. */
interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

function unchangedSince(expectedUpdatedAt: string | undefined): Condition {
  return expectedUpdatedAt === undefined
    ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }
    : {
        ConditionExpression: '#updatedAt = :expected',
        ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
      };
}

/**
 * Parses a profile item read from the table; a bad item, or one of another tenant, is an error
 * rather than a customer.
 *
 * @example const profile = parseProfileItem(item, 'acme');
 */
export function parseProfileItem(item: Record<string, unknown>, tenant: string): CustomerProfile {
  const key = KeyAttributesSchema.safeParse(item);
  const where = key.success ? key.data : { pk: '?', sk: '?' };
  const parsed = CustomerProfileSchema.safeParse(withoutStorageAttributes(item));
  if (!parsed.success) {
    throw new CorruptItemError(`profile item failed validation: ${z.prettifyError(parsed.error)}`, where, { cause: parsed.error });
  }
  if (parsed.data.tenant !== tenant) throw new CorruptItemError('profile item belongs to another tenant', where);
  return parsed.data;
}

function parseAliasItem(item: Record<string, unknown>, key: ItemKey, tenant: string): string {
  return parseAlias(item, key, tenant).customerKey;
}

/**
 * Parses an alias item read from the table: the customer it points to and the identity's kind.
 *
 * @example parseAlias(item, aliasKey('acme', hash), 'acme').customerKey
 */
export function parseAlias(item: Record<string, unknown>, key: ItemKey, tenant: string): { customerKey: string; kind?: IdentityKind } {
  const parsed = AliasItemSchema.safeParse(item);
  if (!parsed.success) throw new CorruptItemError(`alias item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
  if (parsed.data.tenant !== tenant) throw new CorruptItemError('alias item belongs to another tenant', key);
  return { customerKey: parsed.data.customerKey, ...(parsed.data.kind ? { kind: parsed.data.kind } : {}) };
}

/**
 * Customer profiles and identity aliases in the single table. A customer's key is the hash of the
 * identity it was first seen with; every other identity gets an alias item pointing to that key.
 * Profiles and aliases expire `profileRetentionDays` (730 by default) after their last write,
 * unless the customer opted out; profiles found to be one customer are merged with `mergeInto`.
 *
 * @example const store = new DynamoCustomerStore(documentClient, tableName, hmacIdentityHashers(secret), { profileRetentionDays: 730 });
 */
export class DynamoCustomerStore implements CustomerAdminStore {
  private readonly retry: BatchRetryOptions;
  private readonly retention: Retention;
  /** Where aliases pointed when last read (`tenant` newline identity hash to customer key), newest last. */
  private readonly aliasTargets = new Map<string, string>();

  /** Keeps an alias's target as a hint for the next lookup; the oldest go past 10,000. */
  private rememberAlias(alias: string, customerKey: string): void {
    this.aliasTargets.delete(alias);
    this.aliasTargets.set(alias, customerKey);
    if (this.aliasTargets.size > 10_000) this.aliasTargets.delete(this.aliasTargets.keys().next().value ?? alias);
  }

  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly hasher: (tenant: string) => IdentityHasher,
    options: CustomerStoreOptions = {},
  ) {
    const { profileRetentionDays, surveyRetentionDays, ...retry } = options;
    this.retry = retry;
    this.retention = RetentionSchema.parse({ profileRetentionDays, surveyRetentionDays });
  }

  /**
   * One BatchGetItem asks, for every identity, for the profile created from it and for its alias;
   * a profile wins; only an alias-only hit costs a second read (a GetItem of its profile).
   */
  async findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined> {
    return (await this.findCustomerWith(tenant, identities, [])).profile;
  }

  /**
   * `findCustomer`, with other items of the table read in the same BatchGetItem (strongly
   * consistent when there are any), returned by key (`pk` newline `sk`) when they exist.
   */
  async findCustomerWith(
    tenant: string,
    identities: Identity[],
    others: readonly ItemKey[],
  ): Promise<{ profile?: CustomerProfile; others: Map<string, Record<string, unknown>> }> {
    const hasher = this.hasher(tenant);
    const hashes = [...new Set(identities.map((identity) => hasher.hash(identity)))];
    // The profiles these identities' aliases pointed to last time, read in the same request: the
    // alias, read alongside, still decides, so a stale hint costs only the second read it saves.
    const hinted = [...new Set(hashes.flatMap((hash) => this.aliasTargets.get(`${tenant}\n${hash}`) ?? []))];
    // batchGetAll asks for a key named twice once, so a hint that is an identity's own profile costs nothing.
    const keys = [...hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]), ...hinted.map((target) => profileKey(tenant, target)), ...others];
    if (keys.length === 0) return { others: new Map() };
    const consistentRead = others.length > 0;
    const items = await batchGetAll(this.client, this.tableName, keys, { ...this.retry, consistentRead });
    const byKey = new Map(items.map((item) => [keyId(KeyAttributesSchema.parse(item)), item]));
    const found = new Map(others.flatMap((key) => { const item = byKey.get(keyId(key)); return item ? [[keyId(key), item] as const] : []; }));

    // Identities are tried in the order given, so the caller's strongest identity decides.
    for (const hash of hashes) {
      const item = byKey.get(keyId(profileKey(tenant, hash)));
      if (item) return { profile: parseProfileItem(item, tenant), others: found };
    }
    for (const hash of hashes) {
      const key = aliasKey(tenant, hash);
      const item = byKey.get(keyId(key));
      if (!item) continue;
      const targetKey = parseAliasItem(item, key, tenant);
      this.rememberAlias(`${tenant}\n${hash}`, targetKey);
      const target = profileKey(tenant, targetKey);
      const prefetched = byKey.get(keyId(target));
      if (prefetched) return { profile: parseProfileItem(prefetched, tenant), others: found };
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: target, ...(consistentRead ? { ConsistentRead: true } : {}) }));
      if (Item) return { profile: parseProfileItem(Item, tenant), others: found };
    }
    return { others: found };
  }

  /**
   * Writes the profile and an alias for every identity not already its key, in one transaction,
   * except that it never undoes an opt-out: a profile that is not opted out does not replace a
   * stored one that is (the write is dropped, the opt-out stands; opting back in is `optIn`).
   */
  async saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void> {
    const hasher = this.hasher(profile.tenant);
    const merged: CustomerProfile = { ...profile, identities: mergeIdentities(profile.identities, identities, hasher) };
    const aliases = new Map<string, IdentityKind>();
    for (const identity of identities) {
      const hash = hasher.hash(identity);
      if (hash !== profile.customerKey) aliases.set(hash, normaliseIdentity(identity).kind);
    }
    const guard = merged.optedOut
      ? {}
      : {
          ConditionExpression: 'attribute_not_exists(#pk) OR attribute_not_exists(#optedOut) OR #optedOut = :false',
          ExpressionAttributeNames: { '#pk': 'pk', '#optedOut': 'optedOut' },
          ExpressionAttributeValues: { ':false': false },
        };
    const outcome = await this.writeWithAliases(
      { Put: { TableName: this.tableName, Item: profileItem(merged, this.retention.profileRetentionDays), ...guard } },
      [...aliases].map(([hash, kind]) => aliasItem(merged, hash, kind, this.retention.profileRetentionDays)),
    );
    // Only the opt-out guard can fail: the stored opt-out stands, and so the write is dropped.
    if (outcome === 'conflict') return;
  }

  /** Rewrites the whole profile and re-points the aliases of all its identities, guarded on `updatedAt`. */
  async replaceCustomer(profile: CustomerProfile, expectedUpdatedAt: string | undefined): Promise<GuardedWriteOutcome> {
    const hasher = this.hasher(profile.tenant);
    const aliases = [...identityHashesOf(profile.identities, hasher)]
      .filter(([hash]) => hash !== profile.customerKey)
      .map(([hash, kind]) => aliasItem(profile, hash, kind, this.retention.profileRetentionDays));
    return this.writeWithAliases(
      { Put: { TableName: this.tableName, Item: profileItem(profile, this.retention.profileRetentionDays), ...unchangedSince(expectedUpdatedAt) } },
      aliases,
    );
  }

  /**
   * Every distinct profile the identities reach: one BatchGetItem for each identity's profile and
   * alias, and one more for the profiles reached only through aliases.
   */
  async findCustomers(tenant: string, identities: Identity[]): Promise<CustomerProfile[]> {
    const hasher = this.hasher(tenant);
    const hashes = [...new Set(identities.map((identity) => hasher.hash(identity)))];
    if (hashes.length === 0) return [];
    const items = await batchGetAll(this.client, this.tableName, hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]), this.retry);
    const byKey = new Map(items.map((item) => [keyId(KeyAttributesSchema.parse(item)), item]));
    const profiles = new Map<string, CustomerProfile | undefined>();
    for (const hash of hashes) {
      const item = byKey.get(keyId(profileKey(tenant, hash)));
      if (item) profiles.set(hash, parseProfileItem(item, tenant));
      const key = aliasKey(tenant, hash);
      const alias = byKey.get(keyId(key));
      if (alias) {
        const target = parseAliasItem(alias, key, tenant);
        if (!profiles.has(target)) profiles.set(target, undefined);
      }
    }
    const missing = [...profiles].filter(([, profile]) => !profile).map(([customerKey]) => profileKey(tenant, customerKey));
    if (missing.length > 0) {
      for (const item of await batchGetAll(this.client, this.tableName, missing, this.retry)) {
        const profile = parseProfileItem(item, tenant);
        profiles.set(profile.customerKey, profile);
      }
    }
    // An alias whose profile is gone reaches nobody.
    return [...profiles.values()].filter((profile): profile is CustomerProfile => profile !== undefined);
  }

  /**
   * Merges the profiles `read` into `merged`. First moves the other profiles' partition items
   * (survey answers, decision pointers) to the survivor, 50 moves (a put and a delete each) per
   * transaction; then, in one transaction, puts the survivor, deletes the others and points
   * their keys and every identity at the survivor, each guarded on the profile being unchanged
   * since read. Moves are idempotent, so after a conflict the caller reads again and retries.
   * When the aliases do not fit in that transaction with the rest, the ones that are not the
   * others' own keys are written just before it.
   */
  async mergeInto(merged: CustomerProfile, read: readonly CustomerProfile[]): Promise<GuardedWriteOutcome> {
    const tenant = merged.tenant;
    const survivor = read.find((profile) => profile.customerKey === merged.customerKey);
    if (!survivor) throw new StoreError('the merged profile must keep the key of one of the profiles read');
    const losers = read.filter((profile) => profile.customerKey !== merged.customerKey);
    const fixed = 1 + losers.length;
    if (fixed + losers.length > TRANSACT_WRITE_LIMIT) throw new StoreError(`cannot merge ${read.length} profiles in one transaction`);

    for (const loser of losers) await this.movePartition(tenant, loser.customerKey, merged.customerKey);

    const retentionDays = this.retention.profileRetentionDays;
    const identityHashes = identityHashesOf(merged.identities, this.hasher(tenant));
    const loserKeys = new Set(losers.map((loser) => loser.customerKey));
    const switchAliases = losers.map((loser) => aliasItem(merged, loser.customerKey, identityHashes.get(loser.customerKey), retentionDays));
    const otherAliases = [...identityHashes]
      .filter(([hash]) => hash !== merged.customerKey && !loserKeys.has(hash))
      .map(([hash, kind]) => aliasItem(merged, hash, kind, retentionDays));
    const together = fixed + switchAliases.length + otherAliases.length <= TRANSACT_WRITE_LIMIT;
    if (!together) {
      await batchWriteAll(this.client, this.tableName, otherAliases.map((Item) => ({ PutRequest: { Item } })), this.retry);
    }
    return transactWrite(this.client, [
      { Put: { TableName: this.tableName, Item: profileItem(merged, retentionDays), ...unchangedSince(survivor.updatedAt) } },
      ...losers.map((loser) => ({
        Delete: { TableName: this.tableName, Key: profileKey(tenant, loser.customerKey), ...unchangedSince(loser.updatedAt) },
      })),
      ...[...switchAliases, ...(together ? otherAliases : [])].map((Item) => ({ Put: { TableName: this.tableName, Item } })),
    ]);
  }

  /**
   * Stores one survey answer in the customer's partition, expiring `surveyRetentionDays` after
   * it was given, unless a newer version of it is stored (`superseded`: that one stays).
   *
   * @example await store.saveSurveyAnswer({ tenant, customerKey, responseId, source: 'delighted', kind: 'nps', score: 9, scale: 10, answeredAt, revision })
   */
  async saveSurveyAnswer(answer: SurveyAnswerRecord): Promise<SurveyAnswerWrite> {
    const parsed = SurveyAnswerRecordSchema.parse(answer);
    return putNewestAnswer(this.client, this.tableName, {
      ...surveyAnswerKey(parsed.tenant, parsed.customerKey, parsed.responseId),
      ...parsed,
      [TTL_ATTRIBUTE]: expirationAfter(parsed.answeredAt, this.retention.surveyRetentionDays),
    });
  }

  /** Moves every item but the profile from one customer's partition to another's, keeping sort keys. */
  private async movePartition(tenant: string, fromKey: string, toKey: string): Promise<void> {
    const from = profileKey(tenant, fromKey).pk;
    const to = profileKey(tenant, toKey).pk;
    const moves: TransactItem[][] = [];
    for (const item of await queryPartition(this.client, this.tableName, from)) {
      const { sk } = KeyAttributesSchema.parse(item);
      if (sk === PROFILE_SK) continue;
      const moved = { ...item, pk: to, ...(typeof item.customerKey === 'string' ? { customerKey: toKey } : {}) };
      moves.push([{ Put: { TableName: this.tableName, Item: moved } }, { Delete: { TableName: this.tableName, Key: { pk: from, sk } } }]);
    }
    // Unconditional actions: the transaction can only fail for good, never with a conflict.
    await mapConcurrent(chunk(moves, TRANSACT_WRITE_LIMIT / 2), this.retry.concurrency ?? 4, (pairs) => transactWrite(this.client, pairs.flat()));
  }

  /**
   * One transaction with the profile action and its aliases when they fit; otherwise the aliases
   * that do not fit are written first, so the profile never points at identities nobody can find.
   */
  private async writeWithAliases(profileAction: TransactItem, aliases: Record<string, unknown>[]): Promise<GuardedWriteOutcome> {
    const room = TRANSACT_WRITE_LIMIT - 1;
    const early = aliases.slice(room);
    if (early.length > 0) await batchWriteAll(this.client, this.tableName, early.map((Item) => ({ PutRequest: { Item } })), this.retry);
    return transactWrite(this.client, [profileAction, ...aliases.slice(0, room).map((Item) => ({ Put: { TableName: this.tableName, Item } }))]);
  }

  /**
   * Sets imported scores, leaving every other field of a known customer as it is and creating a
   * profile (keyed by the identity's hash) for identities nobody knows yet. Later entries win over
   * earlier ones for the same customer; the same entries always leave the same items.
   *
   * Reads whole profiles (strongly consistent BatchGetItem, 100 keys) and writes them back in
   * transactions of up to 100 puts, each guarded on the profile being unchanged since the read
   * (or still absent): an opt-out, an erasure or any other write that lands in between wins, and
   * the entries of a cancelled transaction are read and written again. A customer who opted out
   * is never scored.
   * Runs 8 requests at once unless the store was given another concurrency.
   */
  async upsertScores(tenant: string, entries: readonly ScoreUpsert[], updatedAt: string): Promise<{ optedOut: number[] }> {
    const hasher = this.hasher(tenant);
    const byHash = new Map<string, ScoreUpsert>();
    const indexesByHash = new Map<string, number[]>();
    entries.forEach((entry, index) => {
      const hash = hasher.hash(entry.identity);
      // Delete first so a repeated identity moves to the end: the last entry wins.
      byHash.delete(hash);
      byHash.set(hash, entry);
      indexesByHash.set(hash, [...(indexesByHash.get(hash) ?? []), index]);
    });
    const optedOut: number[] = [];
    let pending = [...byHash.keys()];
    for (let round = 1; pending.length > 0; round += 1) {
      if (round > IMPORT_WRITE_ROUNDS) {
        throw new StoreError(`${pending.length} imported profiles kept changing during ${IMPORT_WRITE_ROUNDS} guarded writes`);
      }
      const existing = await this.loadForImport(tenant, pending);
      const writes = new Map<string, { action: TransactItem; hashes: string[] }>();
      for (const hash of pending) {
        const entry = byHash.get(hash);
        if (!entry) continue;
        const found = existing.get(hash);
        // An opt-out deleted this customer's score inputs; an import must not bring a score back.
        if (found?.profile.optedOut) {
          optedOut.push(...(indexesByHash.get(hash) ?? []));
          continue;
        }
        const profile: CustomerProfile = found
          ? { ...found.profile, score: entry.score, updatedAt }
          : {
              tenant,
              customerKey: hash,
              identities: mergeIdentities({ helpdeskUserIds: [], emailHashes: [], handles: [] }, [entry.identity], hasher),
              optedOut: false,
              createdAt: updatedAt,
              updatedAt,
              score: entry.score,
            };
        // Guarded like every rewrite: an opt-out, erasure or any write since the read wins, and
        // the entry is read and written again. Unknown attributes (newer code) are carried over.
        const action: TransactItem = {
          Put: {
            TableName: this.tableName,
            Item: { ...found?.item, ...profileItem(profile, this.retention.profileRetentionDays) },
            ...unchangedSince(found?.profile.updatedAt),
          },
        };
        const hashes = [...(writes.get(profile.customerKey)?.hashes ?? []), hash];
        writes.delete(profile.customerKey);
        writes.set(profile.customerKey, { action, hashes });
      }
      const conflicted: string[] = [];
      await mapConcurrent(chunk([...writes.values()], TRANSACT_WRITE_LIMIT), this.importRetry().concurrency ?? IMPORT_CONCURRENCY, async (group) => {
        if ((await transactWrite(this.client, group.map((write) => write.action))) === 'conflict') {
          conflicted.push(...group.flatMap((write) => write.hashes));
        }
      });
      pending = conflicted;
    }
    return { optedOut: optedOut.sort((a, b) => a - b) };
  }

  private importRetry(): BatchRetryOptions {
    return { concurrency: IMPORT_CONCURRENCY, ...this.retry };
  }

  /** The existing profile of each hash: created from it, or reached through its alias. */
  private async loadForImport(
    tenant: string,
    hashes: readonly string[],
  ): Promise<Map<string, { profile: CustomerProfile; item: Record<string, unknown> }>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]),
      { ...this.importRetry(), consistentRead: true },
    );
    const byKey = new Map(items.map((item) => [keyId(KeyAttributesSchema.parse(item)), item]));
    const found = new Map<string, { profile: CustomerProfile; item: Record<string, unknown> }>();
    const aliasTargets = new Map<string, string>();
    for (const hash of hashes) {
      const item = byKey.get(keyId(profileKey(tenant, hash)));
      if (item) {
        found.set(hash, { profile: parseProfileItem(item, tenant), item });
        continue;
      }
      const key = aliasKey(tenant, hash);
      const alias = byKey.get(keyId(key));
      if (alias) aliasTargets.set(hash, parseAliasItem(alias, key, tenant));
    }
    if (aliasTargets.size === 0) return found;
    const targets = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(aliasTargets.values())].map((customerKey) => profileKey(tenant, customerKey)),
      { ...this.importRetry(), consistentRead: true },
    );
    const byCustomerKey = new Map(
      targets.map((item) => {
        const profile = parseProfileItem(item, tenant);
        return [profile.customerKey, { profile, item }] as const;
      }),
    );
    for (const [hash, customerKey] of aliasTargets) {
      const target = byCustomerKey.get(customerKey);
      // An alias whose profile is gone: the identity gets a new profile of its own.
      if (target) found.set(hash, target);
    }
    return found;
  }
}
