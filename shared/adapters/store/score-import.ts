import type { DocumentClient } from '../aws/dynamodb.js';
import { type CustomerProfile, type Identity, mergeIdentities } from '../../domain/customer.js';
import type { IdentityHasher } from '../../domain/ports.js';
import type { InfluenceScore } from '../../domain/score.js';
import { type BatchRetryOptions, batchGetAll, chunk, mapConcurrent } from './batch.js';
import { KeyAttributesSchema, keyId, parseAliasItem, parseProfileItem, profileItem } from './customer-items.js';
import { StoreError } from './errors.js';
import { aliasKey, profileKey } from './keys.js';
import { TRANSACT_WRITE_LIMIT, type TransactItem, transactWrite, unchangedSince } from './transactions.js';

/** One imported score: the identity it was given for, and the score to store. */
export interface ScoreUpsert {
  identity: Identity;
  score: InfluenceScore;
}

/** Where an import writes: the table, the tenant's identity hasher, and the customer store's settings. */
export interface ImportTarget {
  client: DocumentClient;
  tableName: string;
  hasher: IdentityHasher;
  retry: BatchRetryOptions;
  /** Days a profile is kept after its last update. */
  retentionDays: number;
}

/** Requests in flight during an import; more did not help against DynamoDB Local on 2 vCPUs. */
const IMPORT_CONCURRENCY = 8;

/** Times an import re-reads and rewrites entries whose profiles changed under it. */
const IMPORT_WRITE_ROUNDS = 4;

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
 *
 * @example await upsertImportedScores({ client, tableName, hasher, retry: {}, retentionDays: 730 }, 'acme', entries, new Date().toISOString())
 */
export async function upsertImportedScores(
  store: ImportTarget,
  tenant: string,
  entries: readonly ScoreUpsert[],
  updatedAt: string,
): Promise<{ optedOut: number[] }> {
  const { hasher } = store;
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
    const existing = await loadForImport(store, tenant, pending);
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
          TableName: store.tableName,
          Item: { ...found?.item, ...profileItem(profile, store.retentionDays) },
          ...unchangedSince(found?.profile.updatedAt),
        },
      };
      const hashes = [...(writes.get(profile.customerKey)?.hashes ?? []), hash];
      writes.delete(profile.customerKey);
      writes.set(profile.customerKey, { action, hashes });
    }
    const conflicted: string[] = [];
    await mapConcurrent(
      chunk([...writes.values()], TRANSACT_WRITE_LIMIT),
      importRetry(store).concurrency ?? IMPORT_CONCURRENCY,
      async (group) => {
        if (
          (await transactWrite(
            store.client,
            group.map((write) => write.action),
          )) === 'conflict'
        ) {
          conflicted.push(...group.flatMap((write) => write.hashes));
        }
      },
    );
    pending = conflicted;
  }
  return { optedOut: optedOut.sort((a, b) => a - b) };
}

function importRetry(store: ImportTarget): BatchRetryOptions {
  return { concurrency: IMPORT_CONCURRENCY, ...store.retry };
}

/** The existing profile of each hash: created from it, or reached through its alias. */
async function loadForImport(
  store: ImportTarget,
  tenant: string,
  hashes: readonly string[],
): Promise<Map<string, { profile: CustomerProfile; item: Record<string, unknown> }>> {
  const items = await batchGetAll(
    store.client,
    store.tableName,
    hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]),
    { ...importRetry(store), consistentRead: true },
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
    store.client,
    store.tableName,
    [...new Set(aliasTargets.values())].map((customerKey) => profileKey(tenant, customerKey)),
    { ...importRetry(store), consistentRead: true },
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
