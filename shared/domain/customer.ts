import { z } from 'zod';
import { SocialHandleSchema } from './events.js';
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
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type ManualOverride = z.infer<typeof ManualOverrideSchema>;

/** The customer's latest NPS answer, kept on the profile so a decision needs no extra read. */
export const LatestNpsSchema = z.object({
  score: z.number().min(0).max(10),
  category: NpsCategorySchema,
  answeredAt: z.iso.datetime({ offset: true }),
  responseId: z.string().min(1),
});
export type LatestNps = z.infer<typeof LatestNpsSchema>;

/**
 * The identities known for a customer. Emails are held only as keyed hashes; helpdesk user ids
 * are qualified by source (`zendesk:123`).
 */
export const CustomerIdentitiesSchema = z.object({
  helpdeskUserIds: z.array(z.string()).default([]),
  emailHashes: z.array(z.string()).default([]),
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
  score: InfluenceScoreSchema.optional(),
  optedOut: z.boolean().default(false),
  optedOutAt: z.iso.datetime({ offset: true }).optional(),
  override: ManualOverrideSchema.optional(),
  latestNps: LatestNpsSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type CustomerProfile = z.infer<typeof CustomerProfileSchema>;

/** Kinds of identity a customer can be found by. */
export type IdentityKind = 'helpdesk-user' | 'email' | 'handle';

/** One identity, normalised, before it is hashed into a key. */
export interface Identity {
  kind: IdentityKind;
  value: string;
}

/**
 * Normalises an identity so the same person always hashes to the same key: emails and handles
 * lower-cased and trimmed, a leading `@` dropped from handles.
 *
 * @example normaliseIdentity({ kind: 'email', value: ' Ada@Example.COM ' }) // { kind: 'email', value: 'ada@example.com' }
 */
export function normaliseIdentity(identity: Identity): Identity {
  const trimmed = identity.value.trim();
  switch (identity.kind) {
    case 'email':
      return { kind: 'email', value: trimmed.toLowerCase() };
    case 'handle':
      return { kind: 'handle', value: trimmed.replace(/^@/, '').toLowerCase() };
    case 'helpdesk-user':
      return { kind: 'helpdesk-user', value: trimmed };
  }
}

/** The key used for a social handle identity: `network:handle`. */
export function handleIdentity(network: string, handle: string): Identity {
  return normaliseIdentity({ kind: 'handle', value: `${network.trim().toLowerCase()}:${handle.trim().replace(/^@/, '')}` });
}
