import * as z from 'zod';
import type { IdentityHasher } from './ports.js';
import { type SocialHandle, SocialHandleSchema, type TrustLevel } from './events.js';
import { extremeBy } from './extreme-by.js';
import { mergedHandle } from './network-score.js';
import { NpsCategorySchema } from './nps.js';
import { InfluenceScoreSchema } from './score.js';

/**
 * A manual decision about a customer that wins over every score provider: a VIP boost with a
 * fixed score, or "never boost".
 */
export const ManualOverrideSchema = z.object({
  kind: z.enum(['boost', 'never']),
  /** The score to use for a boost. */
  score: z.number().int().min(1).max(100).optional(),
  reason: z.string().min(1),
  setBy: z.string().min(1).optional(),
  /** When it was set; the later of two overrides wins when profiles merge. */
  setAt: z.iso.datetime({ offset: true }).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type ManualOverride = z.infer<typeof ManualOverrideSchema>;

/** The customer's latest NPS answer, kept on the profile so a decision needs no extra read. */
export const LatestNpsSchema = z.object({
  score: z.number().min(0).max(10),
  category: NpsCategorySchema,
  answeredAt: z.iso.datetime({ offset: true }),
  responseId: z.string().min(1),
  /** Which version of the answer this is (`answerRevision`); absent on answers kept before versions were. */
  revision: z.string().min(1).optional(),
});
export type LatestNps = z.infer<typeof LatestNpsSchema>;

/**
 * The identities known for a customer. Emails and external ids are held only as keyed hashes;
 * helpdesk user ids are qualified by source (`zendesk:123`).
 */
export const CustomerIdentitiesSchema = z.object({
  helpdeskUserIds: z.array(z.string()).default([]),
  emailHashes: z.array(z.string()).default([]),
  /** Keyed hashes of the tenant's own ids of the customer (a CRM id); absent until one is known. */
  externalIdHashes: z.array(z.string()).optional(),
  handles: z.array(SocialHandleSchema).default([]),
});
export type CustomerIdentities = z.infer<typeof CustomerIdentitiesSchema>;

/** Everything the product holds about one customer of one tenant. */
export const CustomerProfileSchema = z.object({
  tenant: z.string().min(1),
  customerKey: z.string().min(1),
  identities: CustomerIdentitiesSchema,
  /** When the helpdesk was last asked for this customer's email and social identities. */
  identitiesResolvedAt: z.iso.datetime({ offset: true }).optional(),
  /**
   * When the customer last contacted support (a ticket came in). Retention counts from here, so
   * an active customer is kept and an inactive one expires, however often scores are refreshed
   * or imported.
   */
  lastSeenAt: z.iso.datetime({ offset: true }).optional(),
  score: InfluenceScoreSchema.optional(),
  optedOut: z.boolean().default(false),
  optedOutAt: z.iso.datetime({ offset: true }).optional(),
  override: ManualOverrideSchema.optional(),
  latestNps: LatestNpsSchema.optional(),
  /** Survey tools the customer unsubscribed from, and when (recorded from the tools' webhooks). */
  surveyUnsubscribes: z.array(z.object({ source: z.string().min(1), at: z.iso.datetime({ offset: true }) })).optional(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type CustomerProfile = z.infer<typeof CustomerProfileSchema>;

/**
 * Kinds of identity a customer can be found by. An `external-id` is the tenant's own id of the
 * customer (a CRM id): one per tenant, the same whichever helpdesk or survey tool carries it, so
 * it is not qualified by source as helpdesk user ids are; the kind, part of every hash, keeps it
 * apart from a user id or an email with the same text.
 */
export const IDENTITY_KINDS = ['helpdesk-user', 'email', 'external-id', 'handle'] as const;
/** One of IDENTITY_KINDS. */
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** One identity, normalised, before it is hashed into a key. */
export interface Identity {
  kind: IdentityKind;
  value: string;
  /** For a handle: how far it can be trusted to be the customer's (not part of its key). */
  trust?: TrustLevel;
}

/**
 * Normalises an identity so the same person always hashes to the same key: emails and handles
 * lower-cased and trimmed, a leading `@` dropped from handles. Helpdesk user ids and external ids
 * are only trimmed: some systems' ids differ by case alone (Salesforce's 15-character ids).
 *
 * @example normaliseIdentity({ kind: 'email', value: ' Ada@Example.COM ' }) // { kind: 'email', value: 'ada@example.com' }
 */
export function normaliseIdentity(identity: Identity): Identity {
  const trimmed = identity.value.trim();
  switch (identity.kind) {
    case 'email':
      return { kind: 'email', value: trimmed.toLowerCase() };
    case 'handle':
      return { kind: 'handle', value: trimmed.replace(/^@/, '').toLowerCase(), ...(identity.trust ? { trust: identity.trust } : {}) };
    case 'helpdesk-user':
      return { kind: 'helpdesk-user', value: trimmed };
    case 'external-id':
      return { kind: 'external-id', value: trimmed };
  }
}

/** The key used for a social handle identity: `network:handle`, with the handle's trust beside it. */
export function handleIdentity(network: string, handle: string, trust?: TrustLevel): Identity {
  const value = `${network.trim().toLowerCase()}:${handle.trim().replace(/^@/, '')}`;
  return normaliseIdentity({ kind: 'handle', value, ...(trust !== undefined ? { trust } : {}) });
}

/** How long personal data is kept after the customer was last active, through the table's TTL. */
export const RetentionSchema = z.object({
  /** Days a profile (and its aliases) is kept after its last update (default 730). */
  profileRetentionDays: z.number().int().positive().default(730),
  /** Days a survey answer is kept after it was given (default 730). */
  surveyRetentionDays: z.number().int().positive().default(730),
});
export type Retention = z.infer<typeof RetentionSchema>;

/** One survey answer kept in the customer's partition; the latest NPS one is also on the profile. */
export const SurveyAnswerRecordSchema = z.object({
  tenant: z.string().min(1),
  customerKey: z.string().min(1),
  /** The survey tool's response id: the answer is upserted by it. */
  responseId: z.string().min(1),
  source: z.string().min(1),
  kind: z.enum(['nps', 'csat']),
  score: z.number(),
  scale: z.number().int().positive(),
  answeredAt: z.iso.datetime({ offset: true }),
  comment: z.string().optional(),
  ticketId: z.string().optional(),
  /** Which version of the answer this is (`answerRevision`): an older one never replaces it. */
  revision: z.string().min(1).optional(),
});
export type SurveyAnswerRecord = z.infer<typeof SurveyAnswerRecordSchema>;

/**
 * True while an override applies: it has no expiry, or its expiry is still ahead.
 *
 * @example overrideIsLive({ kind: 'never', reason: 'Press' }, new Date()) // true
 */
export function overrideIsLive(override: ManualOverride, now: Date): boolean {
  return !override.expiresAt || Date.parse(override.expiresAt) > now.getTime();
}

/**
 * The profile after an opt-out: only what honouring it needs is kept (key, identities, the flag
 * and its first date, a "never boost" override); the score with its components, inputs and
 * explanation, any boost and the latest NPS answer are dropped. Opting out again changes nothing
 * but `updatedAt`.
 *
 * @example optedOutProfile(profile, new Date()).score // undefined
 */
export function optedOutProfile(profile: CustomerProfile, now: Date): CustomerProfile {
  return {
    tenant: profile.tenant,
    customerKey: profile.customerKey,
    identities: profile.identities,
    ...(profile.identitiesResolvedAt ? { identitiesResolvedAt: profile.identitiesResolvedAt } : {}),
    optedOut: true,
    optedOutAt: profile.optedOut && profile.optedOutAt ? profile.optedOutAt : now.toISOString(),
    ...(profile.override?.kind === 'never' ? { override: profile.override } : {}),
    createdAt: profile.createdAt,
    updatedAt: now.toISOString(),
  };
}

/**
 * The profile after opting back in: the flag and its date cleared; there is no score until the
 * next refresh or import.
 *
 * @example optedInProfile(optedOutProfile(profile, now), now).optedOut // false
 */
export function optedInProfile(profile: CustomerProfile, now: Date): CustomerProfile {
  const { optedOutAt: _optedOutAt, ...rest } = profile;
  return { ...rest, optedOut: false, updatedAt: now.toISOString() };
}

const identityCount = (p: CustomerProfile) =>
  p.identities.helpdeskUserIds.length +
  p.identities.emailHashes.length +
  (p.identities.externalIdHashes?.length ?? 0) +
  p.identities.handles.length;

/** The identities lists, with `externalIdHashes` only when there is one, so profiles without stay as they were stored. */
function identityLists(lists: {
  helpdeskUserIds: string[];
  emailHashes: string[];
  externalIdHashes: string[];
  handles: SocialHandle[];
}): CustomerIdentities {
  const { externalIdHashes, ...rest } = lists;
  return externalIdHashes.length > 0 ? { ...rest, externalIdHashes } : rest;
}

/**
 * Orders profiles of one customer by how much they hold, the one to keep first: a scored profile
 * before an unscored one, then the older one, then the one with more identities, then by key, so
 * every process picks the same survivor whatever order the profiles were read in.
 */
function survivorOrder(a: CustomerProfile, b: CustomerProfile): number {
  return (
    Number(b.score !== undefined) - Number(a.score !== undefined) ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    identityCount(b) - identityCount(a) ||
    (a.customerKey < b.customerKey ? -1 : a.customerKey > b.customerKey ? 1 : 0)
  );
}

/**
 * The profile whose key survives a merge: the one with a score, else the oldest (see the order above).
 *
 * @example survivorOf([fromZendeskUser, fromImport]).customerKey // fromImport's key when only it has a score
 */
export function survivorOf(profiles: readonly CustomerProfile[]): CustomerProfile {
  const [first] = [...profiles].sort(survivorOrder);
  if (!first) throw new RangeError('survivorOf needs at least one profile');
  return first;
}

/**
 * The override a merged profile keeps: a live "never boost" wins over any boost (the safe
 * choice); otherwise the most recently set live one; otherwise the most recently set one.
 */
function mergedOverride(overrides: readonly ManualOverride[], now: Date): ManualOverride | undefined {
  const live = overrides.filter((o) => overrideIsLive(o, now));
  const liveNever = live.filter((o) => o.kind === 'never');
  const pool = liveNever.length > 0 ? liveNever : live.length > 0 ? live : overrides;
  return extremeBy(pool, (o) => o.setAt);
}

/**
 * Merges profiles found to be one customer, losing nothing: the survivor's key (see
 * `survivorOf`), every identity, the most recently computed score, the most recent NPS answer,
 * the earliest `createdAt`, and an opt-out if any of them opted out (which then drops the score
 * and any boost, as an opt-out does). Order-independent.
 *
 * @example mergeProfiles([fromZendeskUser, fromImport], new Date()).identities.emailHashes
 */
export function mergeProfiles(profiles: readonly CustomerProfile[], now: Date): CustomerProfile {
  const ordered = [...profiles].sort(survivorOrder);
  const survivor = ordered[0];
  if (!survivor) throw new RangeError('mergeProfiles needs at least one profile');
  const other = ordered.find((p) => p.tenant !== survivor.tenant);
  if (other) throw new RangeError(`cannot merge profiles of tenants ${survivor.tenant} and ${other.tenant}`);

  const handles = new Map<string, SocialHandle>();
  for (const p of ordered)
    for (const h of p.identities.handles) {
      const id = `${h.network.toLowerCase()}:${h.handle.toLowerCase()}`;
      const known = handles.get(id);
      handles.set(id, known ? mergedHandle(known, h) : h);
    }
  const identities = identityLists({
    helpdeskUserIds: [...new Set(ordered.flatMap((p) => p.identities.helpdeskUserIds))],
    emailHashes: [...new Set(ordered.flatMap((p) => p.identities.emailHashes))],
    externalIdHashes: [...new Set(ordered.flatMap((p) => p.identities.externalIdHashes ?? []))],
    handles: [...handles.values()],
  });
  const score = extremeBy(
    ordered.flatMap((p) => (p.score ? [p.score] : [])),
    (s) => s.scoredAt,
  );
  const latestNps = extremeBy(
    ordered.flatMap((p) => (p.latestNps ? [p.latestNps] : [])),
    (n) => n.answeredAt,
  );
  const override = mergedOverride(
    ordered.flatMap((p) => (p.override ? [p.override] : [])),
    now,
  );
  const resolved = extremeBy(
    ordered.filter((p) => p.identitiesResolvedAt),
    (p) => p.identitiesResolvedAt,
  )?.identitiesResolvedAt;
  const createdAt = extremeBy(ordered, (p) => p.createdAt, -1)?.createdAt ?? survivor.createdAt;
  const optedOut = ordered.filter((p) => p.optedOut);
  const unsubscribes = new Map<string, { source: string; at: string }>();
  for (const entry of ordered.flatMap((p) => p.surveyUnsubscribes ?? [])) {
    const known = unsubscribes.get(entry.source);
    if (!known || entry.at < known.at) unsubscribes.set(entry.source, entry);
  }

  const merged: CustomerProfile = {
    tenant: survivor.tenant,
    customerKey: survivor.customerKey,
    identities,
    ...(resolved ? { identitiesResolvedAt: resolved } : {}),
    ...(score ? { score } : {}),
    optedOut: false,
    ...(override ? { override } : {}),
    ...(latestNps ? { latestNps } : {}),
    ...(unsubscribes.size > 0 ? { surveyUnsubscribes: [...unsubscribes.values()] } : {}),
    createdAt,
    updatedAt: now.toISOString(),
  };
  if (optedOut.length === 0) return merged;
  const firstOptOut = extremeBy(optedOut, (p) => p.optedOutAt, -1);
  return optedOutProfile({ ...merged, optedOut: true, ...(firstOptOut?.optedOutAt ? { optedOutAt: firstOptOut.optedOutAt } : {}) }, now);
}

/** The identities lists of a customer known by one identity, whose keyed hash is `hash` (emails and external ids are listed only as that hash). */
function listsOfOne(identity: Identity, hash: string): CustomerIdentities {
  const normal = normaliseIdentity(identity);
  const colon = normal.value.indexOf(':');
  return identityLists({
    helpdeskUserIds: normal.kind === 'helpdesk-user' ? [normal.value] : [],
    emailHashes: normal.kind === 'email' ? [hash] : [],
    externalIdHashes: normal.kind === 'external-id' ? [hash] : [],
    handles:
      normal.kind === 'handle' && colon > 0 && colon < normal.value.length - 1
        ? [
            {
              network: normal.value.slice(0, colon),
              handle: normal.value.slice(colon + 1),
              ...(normal.trust ? { trust: normal.trust } : {}),
            },
          ]
        : [],
  });
}

/**
 * A new, empty profile for a customer known by one identity, keyed by that identity's hash.
 *
 * @example newCustomerProfile('acme', { kind: 'email', value: 'ada@example.com' }, hash, new Date())
 */
export function newCustomerProfile(tenant: string, identity: Identity, hash: string, now: Date): CustomerProfile {
  return {
    tenant,
    customerKey: hash,
    identities: listsOfOne(identity, hash),
    optedOut: false,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/**
 * The identities lists after adding `identities`: helpdesk user ids as given, emails and external
 * ids as their hashes, handles as `{ network, handle }`; every list without duplicates.
 *
 * @example mergeIdentities(profile.identities, [{ kind: 'helpdesk-user', value: 'zendesk:1' }], hasher)
 */
export function mergeIdentities(known: CustomerIdentities, identities: readonly Identity[], hasher: IdentityHasher): CustomerIdentities {
  const helpdeskUserIds = new Set(known.helpdeskUserIds);
  const emailHashes = new Set(known.emailHashes);
  const externalIdHashes = new Set(known.externalIdHashes ?? []);
  const handles = new Map(known.handles.map((h) => [`${h.network.toLowerCase()}:${h.handle.toLowerCase()}`, h]));
  for (const identity of identities.map(normaliseIdentity)) {
    if (identity.kind === 'helpdesk-user') helpdeskUserIds.add(identity.value);
    if (identity.kind === 'email') emailHashes.add(hasher.hash(identity));
    if (identity.kind === 'external-id') externalIdHashes.add(hasher.hash(identity));
    if (identity.kind === 'handle') {
      // Handle identities are `network:handle` (see handleIdentity); one without a network is
      // still aliased, but it cannot be listed as a SocialHandle.
      const colon = identity.value.indexOf(':');
      const network = identity.value.slice(0, colon);
      const handle = identity.value.slice(colon + 1);
      const next: SocialHandle = { network, handle, ...(identity.trust !== undefined ? { trust: identity.trust } : {}) };
      const known = handles.get(identity.value);
      // A handle seen again with more evidence (through its channel, verified) keeps the higher trust.
      if (colon > 0 && handle.length > 0) handles.set(identity.value, known ? mergedHandle(known, next) : next);
    }
  }
  return identityLists({
    helpdeskUserIds: [...helpdeskUserIds],
    emailHashes: [...emailHashes],
    externalIdHashes: [...externalIdHashes],
    handles: [...handles.values()],
  });
}

/**
 * The moment a profile's retention counts from: the customer's last contact, or, for a profile
 * that has not contacted support yet (an import, an override), when it was created.
 *
 * @example retentionStart(profile) // '2026-11-23T10:00:00.000Z'
 */
export function retentionStart(profile: Pick<CustomerProfile, 'lastSeenAt' | 'createdAt'>): string {
  return profile.lastSeenAt ?? profile.createdAt;
}
