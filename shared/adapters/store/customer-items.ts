import * as z from 'zod';
import {
  type CustomerIdentities,
  type CustomerProfile,
  CustomerProfileSchema,
  IDENTITY_KINDS,
  type IdentityKind,
  RetentionSchema,
  handleIdentity,
  retentionStart,
} from '../../domain/customer.js';
import type { IdentityHasher } from '../../domain/ports.js';
import { findingLists } from '../../domain/identity-trust.js';
import { CorruptItemError, StoreError } from './errors.js';
import { type ItemKey, aliasKey, profileKey, refreshBucketFor } from './keys.js';
import { REFRESH_INDEX, TTL_ATTRIBUTE, withoutStorageAttributes } from './table.js';

/*
 * The items a customer is stored as (a profile, and an alias per identity), written and read back
 * here: their attributes, their expiry, and the checks an item read from the table must pass.
 */

/** Days a profile is kept after its last update when the store is given no retention. */
export const DEFAULT_PROFILE_RETENTION_DAYS = RetentionSchema.parse({}).profileRetentionDays;

/** The key attributes every item has. */
export const KeyAttributesSchema = z.object({ pk: z.string(), sk: z.string() });

const AliasItemSchema = z.object({
  tenant: z.string().min(1),
  customerKey: z.string().min(1),
  kind: z.enum(IDENTITY_KINDS).optional(),
});
const DAY_SECONDS = 86_400;

/**
 * A key as one string (`pk` newline `sk`), for maps of items read in a batch.
 *
 * @example keyId(profileKey('acme', 'k1')) // 'T#acme#C#k1\nPROFILE'
 */
export const keyId = (key: ItemKey): string => `${key.pk}\n${key.sk}`;

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
export function aliasItem(
  profile: CustomerProfile,
  identityHash: string,
  kind: IdentityKind | undefined,
  retentionDays: number,
): Record<string, unknown> {
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
 * The hashes aliases are written for: every identity of `identityHashesOf` except handles that
 * find nobody (declared ones, see `findsCustomer`), so a typed-in handle never points at a profile.
 *
 * @example aliasHashesOf(profile.identities, hasher)
 */
export function aliasHashesOf(identities: CustomerIdentities, hasher: IdentityHasher): Map<string, IdentityKind> {
  return identityHashesOf(findingLists(identities), hasher);
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

/**
 * The customer an alias item points to.
 *
 * @example parseAliasItem(item, aliasKey('acme', hash), 'acme') // 'k1'
 */
export function parseAliasItem(item: Record<string, unknown>, key: ItemKey, tenant: string): string {
  return parseAlias(item, key, tenant).customerKey;
}

/**
 * Parses an alias item read from the table: the customer it points to and the identity's kind.
 *
 * @example parseAlias(item, aliasKey('acme', hash), 'acme').customerKey
 */
export function parseAlias(item: Record<string, unknown>, key: ItemKey, tenant: string): { customerKey: string; kind?: IdentityKind } {
  const parsed = AliasItemSchema.safeParse(item);
  if (!parsed.success)
    throw new CorruptItemError(`alias item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
  if (parsed.data.tenant !== tenant) throw new CorruptItemError('alias item belongs to another tenant', key);
  return { customerKey: parsed.data.customerKey, ...(parsed.data.kind ? { kind: parsed.data.kind } : {}) };
}
