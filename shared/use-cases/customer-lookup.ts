import { type CustomerProfile, handleIdentity, type Identity, mergeIdentities, newCustomerProfile, retentionStart } from '../domain/customer.js';
import { PermanentHelpdeskError, TransientError } from '../domain/errors.js';
import type { Requester } from '../domain/events.js';
import type { Clock, CustomerAdminStore, CustomerStore, HelpdeskClient, IdentityHasher, RequesterDetails } from '../domain/ports.js';
import type { UseCaseLogger } from './decision-record.js';
import type { MergeCustomers } from './merge-customers.js';

/** The ports that find, create and update customers. */
export interface CustomerLookupDeps {
  /** Finds customers, and rewrites a profile only if it is unchanged since it was read. */
  customers: CustomerStore & Pick<CustomerAdminStore, 'replaceCustomer'>;
  hasherFor(tenantId: string): IdentityHasher;
  clock: Clock;
  logger: UseCaseLogger;
  /**
   * Finds the customer once the helpdesk has named all their identities, folding profiles that
   * turn out to be one person into one (nothing lost, an opt-out kept). Without it the first
   * profile found is used.
   */
  findOrMergeCustomer?: MergeCustomers;
}

/** A customer seen again after this long has their profile written again, so its retention keeps moving while they are active. */
const PROFILE_TOUCH_AFTER_MS = 30 * 86_400_000;

const MAX_PROFILE_WRITE_ATTEMPTS = 3;

/**
 * The identities a requester is known by; helpdesk user ids are kept qualified by the helpdesk
 * they belong to (`<kind>:<id>`).
 *
 * @example identitiesOf('zendesk', { helpdeskUserId: '1001', email: 'ada@example.com', handles: [] })
 */
export function identitiesOf(helpdeskKind: string, requester: Requester, details?: RequesterDetails): Identity[] {
  const identities: Identity[] = [];
  const userId = details?.helpdeskUserId ?? requester.helpdeskUserId;
  if (userId) identities.push({ kind: 'helpdesk-user', value: `${helpdeskKind}:${userId}` });
  const email = details?.email ?? requester.email;
  if (email) identities.push({ kind: 'email', value: email });
  for (const handle of [...requester.handles, ...(details?.handles ?? [])]) {
    identities.push(handleIdentity(handle.network, handle.handle));
  }
  return identities;
}

/**
 * Finds the customer, resolving their email and social identities through the helpdesk once
 * per customer, and keeps what it learnt on the profile. Only a permanent refusal of the lookup
 * (the user is gone, the token may not read users) is decided around; a transient failure or a
 * 429 fails the event so the queue retries it, because deciding without the email could split
 * one customer into two profiles.
 *
 * @example const { profile, details } = await loadRequester(event, tenant.helpdesk.kind, deps, helpdesk)
 */
export async function loadRequester(
  event: { tenant: string; requester: Requester },
  helpdeskKind: string,
  deps: CustomerLookupDeps,
  helpdesk: HelpdeskClient,
  /** The profile already read for the event's identities (with the decision record), if it was. */
  read?: { profile?: CustomerProfile },
): Promise<{ profile?: CustomerProfile; details?: RequesterDetails }> {
  const known = identitiesOf(helpdeskKind, event.requester);
  if (known.length === 0) return {};
  const now = deps.clock.now();
  const profile = read ? read.profile : await deps.customers.findCustomer(event.tenant, known);
  const userId = event.requester.helpdeskUserId;
  // A helpdesk with no user API (the generic one) has told us all it will in the event.
  const getRequester = helpdesk.getRequester?.bind(helpdesk);
  if (!userId || !getRequester || profile?.identitiesResolvedAt) {
    if (profile && now.getTime() - Date.parse(retentionStart(profile)) > PROFILE_TOUCH_AFTER_MS) {
      // Keeps the retention of an active customer moving. Guarded: on a conflict the next ticket tries again.
      await deps.customers.replaceCustomer({ ...profile, lastSeenAt: now.toISOString(), updatedAt: now.toISOString() }, profile.updatedAt);
    }
    return profile ? { profile } : {};
  }

  let details: RequesterDetails;
  try {
    details = await getRequester(userId);
  } catch (error) {
    if (!(error instanceof PermanentHelpdeskError)) throw error;
    deps.logger.warn('requester lookup refused; deciding with the identities the webhook carried', {
      tenant: event.tenant,
      status: error.status,
    });
    return profile ? { profile } : {};
  }
  const identities = identitiesOf(helpdeskKind, event.requester, details);
  const find = (identitiesToFind: Identity[]) =>
    deps.findOrMergeCustomer ? deps.findOrMergeCustomer(event.tenant, identitiesToFind) : deps.customers.findCustomer(event.tenant, identitiesToFind);
  const hasher = deps.hasherFor(event.tenant);
  const [first] = identities;
  const resolved = await writeGuarded(deps, await find(identities), () => find(identities), (base) => ({
    ...base,
    identities: mergeIdentities(base.identities, identities, hasher),
    identitiesResolvedAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }), () => (first ? newCustomerProfile(event.tenant, first, hasher.hash(first), now) : undefined));
  return { ...(resolved ? { profile: resolved } : {}), details };
}

/**
 * Writes a change to a profile only if nobody wrote it since it was read (or, for a new one, only
 * if it still does not exist), reading again and re-applying the change on a conflict: a profile
 * read before a slow helpdesk call must never overwrite an opt-out, an erasure, a new score or an
 * override that landed meanwhile.
 *
 * @example await writeGuarded(deps, read, () => reread(), (base) => ({ ...base, latestNps }), () => undefined)
 */
export async function writeGuarded(
  deps: Pick<CustomerLookupDeps, 'customers'>,
  read: CustomerProfile | undefined,
  reread: () => Promise<CustomerProfile | undefined>,
  change: (base: CustomerProfile) => CustomerProfile,
  create: () => CustomerProfile | undefined,
): Promise<CustomerProfile | undefined> {
  let current = read;
  for (let attempt = 0; attempt < MAX_PROFILE_WRITE_ATTEMPTS; attempt += 1) {
    const base = current ?? create();
    if (!base) return undefined;
    const next = change(base);
    if ((await deps.customers.replaceCustomer(next, current?.updatedAt)) === 'written') return next;
    current = await reread();
  }
  throw new TransientError(`the customer profile kept changing during ${MAX_PROFILE_WRITE_ATTEMPTS} guarded writes`);
}

