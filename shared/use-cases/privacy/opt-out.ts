import { type CustomerProfile, type Identity, newCustomerProfile, optedInProfile, optedOutProfile } from '../../domain/customer.js';
import { InvalidPayloadError, TransientError } from '../../domain/errors.js';
import { findsCustomer } from '../../domain/identity-trust.js';
import type { Clock, CustomerAdminStore, IdentityHasher, PrivacyStore } from '../../domain/ports.js';

/** Ports of the customer administration use cases. */
export interface CustomerAdminDeps {
  customers: CustomerAdminStore;
  hasherFor(tenant: string): IdentityHasher;
  clock: Clock;
  /** Reads and guarded writes tried before giving up when the profile keeps changing (default 3). */
  maxAttempts?: number;
}

/** One customer, named by one of their identities. */
export interface CustomerRef {
  tenant: string;
  identity: Identity;
}

/** What a rewrite did: the profiles as they now are, how many it wrote, and whether it created one. */
export interface RewriteOutcome {
  profiles: CustomerProfile[];
  written: number;
  created: boolean;
}

/** A change to one profile; undefined leaves it as it is. */
export type ProfileChange = (profile: CustomerProfile) => CustomerProfile | undefined;

/** JSON with sorted keys, so two profiles compare by content whatever order their fields were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * True when two profiles differ only in `updatedAt`: writing the second would change nothing.
 *
 * @example sameProfile(profile, { ...profile, updatedAt: later }) // true
 */
export function sameProfile(a: CustomerProfile, b: CustomerProfile): boolean {
  return canonical({ ...a, updatedAt: '' }) === canonical({ ...b, updatedAt: '' });
}

/**
 * Applies `change` to every profile the identity reaches, each written only if unchanged since
 * read; a profile that changed meanwhile is read again and changed again. When nobody is known
 * by the identity, `create` (if given) makes the profile, keyed by the identity's hash.
 * Undefined when nobody is known and nothing was created. A change that leaves a profile as it
 * is writes nothing, so running the same change again is harmless.
 *
 * @example await rewriteCustomers({ tenant, identity }, deps, (p) => optedOutProfile(p, now))
 */
export async function rewriteCustomers(
  ref: CustomerRef,
  deps: CustomerAdminDeps,
  change: ProfileChange,
  create: (fresh: CustomerProfile) => CustomerProfile,
): Promise<RewriteOutcome>;
/** Applies `change` to every profile the identity reaches; undefined when nobody is known by it. */
export async function rewriteCustomers(
  ref: CustomerRef,
  deps: CustomerAdminDeps,
  change: ProfileChange,
): Promise<RewriteOutcome | undefined>;
export async function rewriteCustomers(
  ref: CustomerRef,
  deps: CustomerAdminDeps,
  change: ProfileChange,
  create?: (fresh: CustomerProfile) => CustomerProfile,
): Promise<RewriteOutcome | undefined> {
  const attempts = deps.maxAttempts ?? 3;
  let written = 0;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const found = await deps.customers.findCustomers(ref.tenant, [ref.identity]);
    if (found.length === 0) {
      if (!create) return undefined;
      // A profile keyed by a handle nobody verified would be found by whoever types it next.
      if (!findsCustomer(ref.identity))
        throw new InvalidPayloadError(
          'a handle that is not verified finds nobody: name the customer by email, user id, external id or a verified handle',
        );
      const hash = deps.hasherFor(ref.tenant).hash(ref.identity);
      const profile = create(newCustomerProfile(ref.tenant, ref.identity, hash, deps.clock.now()));
      if ((await deps.customers.replaceCustomer(profile, undefined)) === 'written')
        return { profiles: [profile], written: written + 1, created: true };
      continue;
    }
    const profiles: CustomerProfile[] = [];
    let conflicted = false;
    for (const current of found) {
      const next = change(current);
      if (!next || sameProfile(next, current)) {
        profiles.push(current);
        continue;
      }
      if ((await deps.customers.replaceCustomer(next, current.updatedAt)) === 'conflict') {
        conflicted = true;
        break;
      }
      written += 1;
      profiles.push(next);
    }
    if (!conflicted) return { profiles, written, created: false };
  }
  throw new TransientError(`the customer of tenant ${ref.tenant} kept changing during ${attempts} attempts; try again`);
}

/** The outcome of an opt-out. */
export interface OptOutResult {
  status: 'opted-out';
  /** The profiles as now stored: flag and date, identities, no score, no boost. */
  profiles: CustomerProfile[];
  /** True when nobody was known by the identity and an opted-out profile was created for it. */
  created: boolean;
  /** Profiles written; 0 when the customer had already opted out. */
  written: number;
  /** Decisions whose score, NPS answer and note were removed. */
  decisionsRedacted: number;
}

/**
 * Opts a customer out of influence scoring: from now on they get the baseline service, and their
 * score (value, components, inputs, explanation), their place in the refresh index, any boost
 * override and their latest NPS answer are deleted, and so are the score, NPS answer and note
 * quoted in the decisions recorded about them; a "never boost" override stays. An unknown
 * customer gets a profile holding only the opt-out, so it is honoured when they first write in.
 * Running it again changes nothing.
 *
 * @example await optOut({ tenant: 'acme', identity: { kind: 'email', value: 'ada@example.com' } }, deps)
 */
export async function optOut(
  ref: CustomerRef,
  deps: CustomerAdminDeps & { privacy?: Pick<PrivacyStore, 'redactScoreDetails'> },
): Promise<OptOutResult> {
  const now = deps.clock.now();
  const outcome = await rewriteCustomers(
    ref,
    deps,
    (profile) => optedOutProfile(profile, now),
    (fresh) => optedOutProfile(fresh, now),
  );
  // The decisions about the customer quoted their score and NPS answer: those go too.
  let decisionsRedacted = 0;
  if (deps.privacy) {
    for (const profile of outcome.profiles) decisionsRedacted += await deps.privacy.redactScoreDetails(profile);
  }
  return { status: 'opted-out', ...outcome, decisionsRedacted };
}

/** The outcome of opting back in. */
export type OptInResult = { status: 'opted-in'; profiles: CustomerProfile[]; written: number } | { status: 'not-found' };

/**
 * Opts a customer back in: the opt-out flag and date are cleared. They have no score until the
 * next refresh or import, so they stay at the baseline until then.
 *
 * @example await optIn({ tenant: 'acme', identity: { kind: 'helpdesk-user', value: 'zendesk:42' } }, deps)
 */
export async function optIn(ref: CustomerRef, deps: CustomerAdminDeps): Promise<OptInResult> {
  const now = deps.clock.now();
  const outcome = await rewriteCustomers(ref, deps, (profile) => (profile.optedOut ? optedInProfile(profile, now) : undefined));
  if (!outcome) return { status: 'not-found' };
  return { status: 'opted-in', profiles: outcome.profiles, written: outcome.written };
}
