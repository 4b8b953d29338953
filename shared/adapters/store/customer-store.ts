import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type CustomerIdentities,
  type CustomerProfile,
  CustomerProfileSchema,
  type Identity,
  normaliseIdentity,
} from '../../domain/customer.js';
import type { CustomerStore, IdentityHasher } from '../../domain/ports.js';
import type { InfluenceScore } from '../../domain/score.js';
import { type BatchRetryOptions, batchGetAll, batchWriteAll, type WriteRequest } from './batch.js';
import { CorruptItemError } from './errors.js';
import { type ItemKey, aliasKey, profileKey, refreshBucketFor } from './keys.js';
import { REFRESH_INDEX, withoutStorageAttributes } from './table.js';

/** One imported score: the identity it was given for, and the score to store. */
export interface ScoreUpsert {
  identity: Identity;
  score: InfluenceScore;
}

const KeyAttributesSchema = z.object({ pk: z.string(), sk: z.string() });
const AliasItemSchema = z.object({ tenant: z.string().min(1), customerKey: z.string().min(1) });

/** Requests in flight during an import; more did not help against DynamoDB Local on 2 vCPUs. */
const IMPORT_CONCURRENCY = 8;

const keyId = (key: ItemKey) => `${key.pk}\n${key.sk}`;

/**
 * The identities lists after adding `identities`: helpdesk user ids as given, emails as their
 * hashes, handles as `{ network, handle }`; every list without duplicates.
 *
 * @example mergeIdentities(profile.identities, [{ kind: 'helpdesk-user', value: 'zendesk:1' }], hasher)
 */
export function mergeIdentities(known: CustomerIdentities, identities: readonly Identity[], hasher: IdentityHasher): CustomerIdentities {
  const helpdeskUserIds = new Set(known.helpdeskUserIds);
  const emailHashes = new Set(known.emailHashes);
  const handles = new Map(known.handles.map((h) => [`${h.network.toLowerCase()}:${h.handle.toLowerCase()}`, h]));
  for (const identity of identities.map(normaliseIdentity)) {
    if (identity.kind === 'helpdesk-user') helpdeskUserIds.add(identity.value);
    if (identity.kind === 'email') emailHashes.add(hasher.hash(identity));
    if (identity.kind === 'handle') {
      // Handle identities are `network:handle` (see handleIdentity); one without a network is
      // still aliased, but it cannot be listed as a SocialHandle.
      const colon = identity.value.indexOf(':');
      const network = identity.value.slice(0, colon);
      const handle = identity.value.slice(colon + 1);
      if (colon > 0 && handle.length > 0 && !handles.has(identity.value)) handles.set(identity.value, { network, handle });
    }
  }
  return { helpdeskUserIds: [...helpdeskUserIds], emailHashes: [...emailHashes], handles: [...handles.values()] };
}

/**
 * The stored item of a profile: its key, its fields, and the refresh-index attributes when it has
 * a score (a profile without one stays out of the sparse index).
 *
 * @example await client.send(new PutCommand({ TableName, Item: profileItem(profile) }));
 */
export function profileItem(profile: CustomerProfile): Record<string, unknown> {
  return {
    ...profileKey(profile.tenant, profile.customerKey),
    ...profile,
    ...(profile.score
      ? {
          [REFRESH_INDEX.partitionKey]: refreshBucketFor(profile.customerKey),
          // Normalised to UTC so the index sorts by time whatever offset the score was written with.
          [REFRESH_INDEX.sortKey]: new Date(profile.score.refreshAfter).toISOString(),
        }
      : {}),
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
  const parsed = AliasItemSchema.safeParse(item);
  if (!parsed.success) throw new CorruptItemError(`alias item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
  if (parsed.data.tenant !== tenant) throw new CorruptItemError('alias item belongs to another tenant', key);
  return parsed.data.customerKey;
}

/**
 * Customer profiles and identity aliases in the single table. A customer's key is the hash of the
 * identity it was first seen with; every other identity gets an alias item pointing to that key.
 *
 * @example const store = new DynamoCustomerStore(documentClient, tableName, hmacIdentityHashers(secret));
 */
export class DynamoCustomerStore implements CustomerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly hasher: (tenant: string) => IdentityHasher,
    private readonly retry: BatchRetryOptions = {},
  ) {}

  /**
   * One BatchGetItem asks, for every identity, for the profile created from it and for its alias;
   * a profile wins; only an alias-only hit costs a second read (a GetItem of its profile).
   */
  async findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined> {
    const hasher = this.hasher(tenant);
    const hashes = [...new Set(identities.map((identity) => hasher.hash(identity)))];
    if (hashes.length === 0) return undefined;
    const keys = hashes.flatMap((hash) => [profileKey(tenant, hash), aliasKey(tenant, hash)]);
    const items = await batchGetAll(this.client, this.tableName, keys, this.retry);
    const byKey = new Map(items.map((item) => [keyId(KeyAttributesSchema.parse(item)), item]));

    // Identities are tried in the order given, so the caller's strongest identity decides.
    for (const hash of hashes) {
      const item = byKey.get(keyId(profileKey(tenant, hash)));
      if (item) return parseProfileItem(item, tenant);
    }
    for (const hash of hashes) {
      const key = aliasKey(tenant, hash);
      const item = byKey.get(keyId(key));
      if (!item) continue;
      const target = profileKey(tenant, parseAliasItem(item, key, tenant));
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: target }));
      if (Item) return parseProfileItem(Item, tenant);
    }
    return undefined;
  }

  /** Writes the profile and an alias for every identity not already its key, in one BatchWriteItem. */
  async saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void> {
    const hasher = this.hasher(profile.tenant);
    const merged: CustomerProfile = { ...profile, identities: mergeIdentities(profile.identities, identities, hasher) };
    const aliases = new Map<string, Identity>();
    for (const identity of identities) {
      const hash = hasher.hash(identity);
      if (hash !== profile.customerKey) aliases.set(hash, normaliseIdentity(identity));
    }
    const requests: WriteRequest[] = [
      { PutRequest: { Item: profileItem(merged) } },
      ...[...aliases].map(([hash, identity]) => ({
        PutRequest: {
          Item: {
            ...aliasKey(profile.tenant, hash),
            tenant: profile.tenant,
            customerKey: profile.customerKey,
            // The kind only, never the value: the item must not hold a raw email.
            kind: identity.kind,
            updatedAt: profile.updatedAt,
          },
        },
      })),
    ];
    await batchWriteAll(this.client, this.tableName, requests, this.retry);
  }

  /**
   * Sets imported scores, leaving every other field of a known customer as it is and creating a
   * profile (keyed by the identity's hash) for identities nobody knows yet. Later entries win over
   * earlier ones for the same customer; the same entries always leave the same items.
   *
   * Reads whole profiles (BatchGetItem, 100 keys) and writes them back (BatchWriteItem, 25 items):
   * against DynamoDB Local this ran about 3.5 times faster than one UpdateItem per row. The price
   * is that a profile written by another process between the read and the write (milliseconds)
   * loses that write; imports are an operator's batch job, so that window is accepted.
   * Runs 8 requests at once unless the store was given another concurrency.
   */
  async upsertScores(tenant: string, entries: readonly ScoreUpsert[], updatedAt: string): Promise<void> {
    const hasher = this.hasher(tenant);
    const byHash = new Map<string, ScoreUpsert>();
    for (const entry of entries) {
      const hash = hasher.hash(entry.identity);
      // Delete first so a repeated identity moves to the end: the last entry wins.
      byHash.delete(hash);
      byHash.set(hash, entry);
    }
    const existing = await this.loadForImport(tenant, [...byHash.keys()]);
    const writes = new Map<string, Record<string, unknown>>();
    for (const [hash, entry] of byHash) {
      const found = existing.get(hash);
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
      // Attributes the profile schema does not know (written by newer code) are carried over.
      writes.delete(profile.customerKey);
      writes.set(profile.customerKey, { ...found?.item, ...profileItem(profile) });
    }
    const requests = [...writes.values()].map((Item) => ({ PutRequest: { Item } }));
    await batchWriteAll(this.client, this.tableName, requests, this.importRetry());
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
      this.importRetry(),
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
      this.importRetry(),
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
