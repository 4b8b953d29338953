import { type DocumentClient, GetCommand } from '../aws/dynamodb.js';
import {
  type CustomerProfile,
  type Identity,
  type IdentityKind,
  type Retention,
  RetentionSchema,
  type SurveyAnswerRecord,
  SurveyAnswerRecordSchema,
  mergeIdentities,
  normaliseIdentity,
} from '../../domain/customer.js';
import type { CustomerAdminStore, IdentityHasher } from '../../domain/ports.js';
import { findingIdentities, foundThrough } from '../../domain/identity-trust.js';
import type { GuardedWriteOutcome } from '../../domain/customer-records.js';
import type { SurveyAnswerWrite } from '../../domain/survey-answers.js';
import { type BatchRetryOptions, batchGetAll, batchWriteAll, chunk, mapConcurrent, queryPartition } from './batch.js';
import {
  aliasHashesOf,
  aliasItem,
  expirationAfter,
  identityHashesOf,
  KeyAttributesSchema,
  keyId,
  parseAliasItem,
  parseProfileItem,
  profileItem,
} from './customer-items.js';
import { StoreError } from './errors.js';
import { type ItemKey, PROFILE_SK, aliasKey, profileKey, surveyAnswerKey } from './keys.js';
import { putNewestAnswer } from './newest-answer.js';
import { upsertImportedScores, type ScoreUpsert } from './score-import.js';
import { TTL_ATTRIBUTE } from './table.js';
import { TRANSACT_WRITE_LIMIT, type TransactItem, transactWrite, unchangedSince } from './transactions.js';

/** Options of the customer store: batch retries, and how long data is kept (see `Retention`). */
export interface CustomerStoreOptions extends BatchRetryOptions, Partial<Retention> {}

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
    const identityOf = this.hashedFinding(tenant, identities);
    const hashes = [...identityOf.keys()];
    // The profiles these identities' aliases pointed to last time, read in the same request: the
    // alias, read alongside, still decides, so a stale hint costs only the second read it saves.
    const hinted = [...new Set(hashes.flatMap((hash) => this.aliasTargets.get(`${tenant}\n${hash}`) ?? []))];
    // batchGetAll asks for a key named twice once, so a hint that is an identity's own profile costs nothing.
    const keys = [
      ...hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]),
      ...hinted.map((target) => profileKey(tenant, target)),
      ...others,
    ];
    if (keys.length === 0) return { others: new Map() };
    const consistentRead = others.length > 0;
    const items = await batchGetAll(this.client, this.tableName, keys, { ...this.retry, consistentRead });
    const byKey = new Map(items.map((item) => [keyId(KeyAttributesSchema.parse(item)), item]));
    const found = new Map(
      others.flatMap((key) => {
        const item = byKey.get(keyId(key));
        return item ? [[keyId(key), item] as const] : [];
      }),
    );

    // Identities are tried in the order given, so the caller's strongest identity decides.
    // A profile reached through a handle counts only when it holds that handle as one that finds it.
    const reached = (item: Record<string, unknown> | undefined, hash: string) => {
      const profile = item ? parseProfileItem(item, tenant) : undefined;
      const identity = identityOf.get(hash);
      return profile && identity && foundThrough(profile, identity) ? profile : undefined;
    };
    for (const hash of hashes) {
      const profile = reached(byKey.get(keyId(profileKey(tenant, hash))), hash);
      if (profile) return { profile, others: found };
    }
    for (const hash of hashes) {
      const key = aliasKey(tenant, hash);
      const item = byKey.get(keyId(key));
      if (!item) continue;
      const targetKey = parseAliasItem(item, key, tenant);
      this.rememberAlias(`${tenant}\n${hash}`, targetKey);
      const target = profileKey(tenant, targetKey);
      const prefetched = byKey.get(keyId(target));
      const profile = reached(
        prefetched ??
          (
            await this.client.send(
              new GetCommand({ TableName: this.tableName, Key: target, ...(consistentRead ? { ConsistentRead: true } : {}) }),
            )
          ).Item,
        hash,
      );
      if (profile) return { profile, others: found };
    }
    return { others: found };
  }

  /** The identities that may find a customer (see `findsCustomer`), by their hash, first named first. */
  private hashedFinding(tenant: string, identities: readonly Identity[]): Map<string, Identity> {
    const hasher = this.hasher(tenant);
    const byHash = new Map<string, Identity>();
    for (const identity of findingIdentities(identities)) {
      const hash = hasher.hash(identity);
      if (!byHash.has(hash)) byHash.set(hash, normaliseIdentity(identity));
    }
    return byHash;
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
    for (const identity of findingIdentities(identities)) {
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
    const aliases = [...aliasHashesOf(profile.identities, hasher)]
      .filter(([hash]) => hash !== profile.customerKey)
      .map(([hash, kind]) => aliasItem(profile, hash, kind, this.retention.profileRetentionDays));
    return this.writeWithAliases(
      {
        Put: {
          TableName: this.tableName,
          Item: profileItem(profile, this.retention.profileRetentionDays),
          ...unchangedSince(expectedUpdatedAt),
        },
      },
      aliases,
    );
  }

  /**
   * Every distinct profile the identities reach: one BatchGetItem for each identity's profile and
   * alias, and one more for the profiles reached only through aliases.
   */
  async findCustomers(tenant: string, identities: Identity[]): Promise<CustomerProfile[]> {
    const identityOf = this.hashedFinding(tenant, identities);
    const hashes = [...identityOf.keys()];
    if (hashes.length === 0) return [];
    const items = await batchGetAll(
      this.client,
      this.tableName,
      hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]),
      this.retry,
    );
    const byKey = new Map(items.map((item) => [keyId(KeyAttributesSchema.parse(item)), item]));
    const profiles = new Map<string, CustomerProfile>();
    // The profiles reached, each with the identities that reached it.
    const reachedBy = new Map<string, Identity[]>();
    const reach = (customerKey: string, hash: string) => {
      const identity = identityOf.get(hash);
      if (identity) reachedBy.set(customerKey, [...(reachedBy.get(customerKey) ?? []), identity]);
    };
    for (const hash of hashes) {
      const item = byKey.get(keyId(profileKey(tenant, hash)));
      if (item) {
        profiles.set(hash, parseProfileItem(item, tenant));
        reach(hash, hash);
      }
      const key = aliasKey(tenant, hash);
      const alias = byKey.get(keyId(key));
      if (alias) reach(parseAliasItem(alias, key, tenant), hash);
    }
    const missing = [...reachedBy.keys()]
      .filter((customerKey) => !profiles.has(customerKey))
      .map((customerKey) => profileKey(tenant, customerKey));
    if (missing.length > 0) {
      for (const item of await batchGetAll(this.client, this.tableName, missing, this.retry)) {
        const profile = parseProfileItem(item, tenant);
        profiles.set(profile.customerKey, profile);
      }
    }
    // An alias whose profile is gone reaches nobody; a profile reached only through a handle it does not hold as finding it, neither.
    return [...reachedBy].flatMap(([customerKey, by]) => {
      const profile = profiles.get(customerKey);
      return profile && by.some((identity) => foundThrough(profile, identity)) ? [profile] : [];
    });
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
    const otherAliases = [...aliasHashesOf(merged.identities, this.hasher(tenant))]
      .filter(([hash]) => hash !== merged.customerKey && !loserKeys.has(hash))
      .map(([hash, kind]) => aliasItem(merged, hash, kind, retentionDays));
    const together = fixed + switchAliases.length + otherAliases.length <= TRANSACT_WRITE_LIMIT;
    if (!together) {
      await batchWriteAll(
        this.client,
        this.tableName,
        otherAliases.map((Item) => ({ PutRequest: { Item } })),
        this.retry,
      );
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
    await mapConcurrent(chunk(moves, TRANSACT_WRITE_LIMIT / 2), this.retry.concurrency ?? 4, (pairs) =>
      transactWrite(this.client, pairs.flat()),
    );
  }

  /**
   * One transaction with the profile action and its aliases when they fit; otherwise the aliases
   * that do not fit are written first, so the profile never points at identities nobody can find.
   */
  private async writeWithAliases(profileAction: TransactItem, aliases: Record<string, unknown>[]): Promise<GuardedWriteOutcome> {
    const room = TRANSACT_WRITE_LIMIT - 1;
    const early = aliases.slice(room);
    if (early.length > 0)
      await batchWriteAll(
        this.client,
        this.tableName,
        early.map((Item) => ({ PutRequest: { Item } })),
        this.retry,
      );
    return transactWrite(this.client, [
      profileAction,
      ...aliases.slice(0, room).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
    ]);
  }

  /**
   * Sets imported scores, leaving every other field of a known customer as it is and creating a
   * profile for identities nobody knows yet; a customer who opted out is never scored (see
   * `upsertImportedScores`, which does the work).
   */
  async upsertScores(tenant: string, entries: readonly ScoreUpsert[], updatedAt: string): Promise<{ optedOut: number[] }> {
    return upsertImportedScores(
      {
        client: this.client,
        tableName: this.tableName,
        hasher: this.hasher(tenant),
        retry: this.retry,
        retentionDays: this.retention.profileRetentionDays,
      },
      tenant,
      entries,
      updatedAt,
    );
  }
}
