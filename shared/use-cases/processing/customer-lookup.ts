import {
  type CustomerProfile,
  handleIdentity,
  type Identity,
  mergeIdentities,
  newCustomerProfile,
  normaliseIdentity,
  retentionStart,
} from '../../domain/customer.js';
import { PermanentHelpdeskError, TransientError } from '../../domain/errors.js';
import { channelCanProve, findingIdentities, withChannelTrust } from '../../domain/identity-trust.js';
import { higherTrust } from '../../domain/network-score.js';
import type { Requester, RequesterDetails } from '../../domain/events.js';
import type { Clock, CustomerAdminStore, CustomerStore, HelpdeskClient, IdentityHasher } from '../../domain/ports.js';
import type { UseCaseLogger } from '../../domain/ports.js';
import type { MergeCustomers } from '../privacy/merge-customers.js';

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
 * The identities a requester is known by, strongest first (helpdesk user id, email, external
 * id, handles): the event's and, when the helpdesk was asked, the user's details, without
 * duplicates. Helpdesk user ids are kept qualified by the helpdesk they belong to
 * (`<kind>:<id>`); an external id is the tenant's own id of the customer, the same whichever
 * system carries it, so it is kept as it is.
 *
 * @example identitiesOf('zendesk', { helpdeskUserId: '1001', email: 'ada@example.com', externalId: 'crm-42', handles: [] })
 */
export function identitiesOf(helpdeskKind: string, requester: Requester, details?: RequesterDetails): Identity[] {
  const candidates: Identity[] = [];
  for (const userId of [details?.helpdeskUserId, requester.helpdeskUserId]) {
    if (userId) candidates.push({ kind: 'helpdesk-user', value: `${helpdeskKind}:${userId}` });
  }
  for (const email of [details?.email, requester.email]) if (email) candidates.push({ kind: 'email', value: email });
  for (const externalId of [details?.externalId, requester.externalId])
    if (externalId) candidates.push({ kind: 'external-id', value: externalId });
  for (const handle of [...requester.handles, ...(details?.handles ?? [])])
    candidates.push(handleIdentity(handle.network, handle.handle, handle.trust));
  const seen = new Map<string, Identity>();
  const kept: Identity[] = [];
  for (const identity of candidates) {
    const { kind, value } = normaliseIdentity(identity);
    const id = `${kind}\n${value}`;
    const first = seen.get(id);
    if (!first) {
      seen.set(id, identity);
      kept.push(identity);
    } else if (identity.trust !== undefined) {
      // The same handle named twice (the event and the helpdesk): the stronger evidence is kept.
      first.trust = higherTrust(first.trust, identity.trust);
    }
  }
  return kept;
}

/** True when `identities` name something the profile does not list yet, or trust a listed handle more. */
function addsIdentities(profile: CustomerProfile, identities: readonly Identity[], hasher: IdentityHasher): boolean {
  const merged = mergeIdentities(profile.identities, identities, hasher);
  const known = profile.identities;
  return (
    merged.helpdeskUserIds.length > known.helpdeskUserIds.length ||
    merged.emailHashes.length > known.emailHashes.length ||
    (merged.externalIdHashes?.length ?? 0) > (known.externalIdHashes?.length ?? 0) ||
    merged.handles.length > known.handles.length ||
    // A known handle now more trusted (seen through its channel, verified by the helpdesk).
    merged.handles.some((handle, i) => handle.trust !== known.handles[i]?.trust)
  );
}

/**
 * Finds the customer and keeps on their profile every identity the event carries, whatever the
 * helpdesk: the next ticket or survey answer that names the customer by any one of them finds
 * them. A helpdesk with a user API is also asked for the requester's email, external id and
 * social identities, once per customer. Identities that reach several profiles fold them into
 * one (`findOrMergeCustomer`). Nothing is written when the event names nobody new and the
 * helpdesk was not asked, except to keep an active customer's retention moving. A ticket that came
 * through a network's channel raises the account the helpdesk linked on that network to
 * `channel` (asking the helpdesk once more when the profile lists that network's handle below it);
 * only verified and channel handles find the customer (see `findsCustomer`).
 *
 * Only a permanent refusal of the lookup (the user is gone, the token may not read users) is
 * decided around, with the event's identities; a transient failure or a 429 fails the event so
 * the queue retries it, because deciding without the email could split one customer into two
 * profiles.
 *
 * @example const { profile, details } = await loadRequester(event, tenant.helpdesk.kind, deps, helpdesk)
 */
export async function loadRequester(
  event: { tenant: string; requester: Requester; ticket?: { channel?: string | undefined } },
  helpdeskKind: string,
  deps: CustomerLookupDeps,
  helpdesk: HelpdeskClient,
  /** The profile already read for the event's identities (with the decision record), if it was. */
  read?: { profile?: CustomerProfile },
): Promise<{ profile?: CustomerProfile; details?: RequesterDetails }> {
  // A requester named only by handles they typed in is nobody the product can find again.
  const known = findingIdentities(identitiesOf(helpdeskKind, event.requester));
  if (known.length === 0) return {};
  const now = deps.clock.now();
  const hasher = deps.hasherFor(event.tenant);
  const profile = read ? read.profile : await deps.customers.findCustomer(event.tenant, known);
  const details = await requesterDetails(event, deps, helpdesk, profile);
  const identities = identitiesOf(helpdeskKind, event.requester, details);
  if (!details && profile && !addsIdentities(profile, identities, hasher)) {
    if (now.getTime() - Date.parse(retentionStart(profile)) > PROFILE_TOUCH_AFTER_MS) {
      // Keeps the retention of an active customer moving. Guarded: on a conflict the next ticket tries again.
      await deps.customers.replaceCustomer({ ...profile, lastSeenAt: now.toISOString(), updatedAt: now.toISOString() }, profile.updatedAt);
    }
    return { profile };
  }

  const find = (identitiesToFind: Identity[]) =>
    deps.findOrMergeCustomer
      ? deps.findOrMergeCustomer(event.tenant, identitiesToFind)
      : deps.customers.findCustomer(event.tenant, identitiesToFind);
  const [first] = findingIdentities(identities);
  // Read again (and merged) only when the helpdesk was asked or the event names someone new:
  // the profile read before a slow lookup may be stale, and new identities may reach another profile.
  const resolved = await writeGuarded(
    deps,
    await find(identities),
    () => find(identities),
    (base) => ({
      ...base,
      identities: mergeIdentities(base.identities, identities, hasher),
      ...(details ? { identitiesResolvedAt: now.toISOString() } : {}),
      lastSeenAt: now.toISOString(),
      updatedAt: now.toISOString(),
    }),
    () => (first ? newCustomerProfile(event.tenant, first, hasher.hash(first), now) : undefined),
  );
  return { ...(resolved ? { profile: resolved } : {}), ...(details ? { details } : {}) };
}

/**
 * The requester's details from a helpdesk with a user API, asked once per customer; undefined
 * when there is no user API (the generic helpdesk has told us all it will in the event), no user
 * id, the customer's identities were already resolved, or the helpdesk refused for good.
 */
async function requesterDetails(
  event: { tenant: string; requester: Requester; ticket?: { channel?: string | undefined } },
  deps: CustomerLookupDeps,
  helpdesk: HelpdeskClient,
  profile: CustomerProfile | undefined,
): Promise<RequesterDetails | undefined> {
  const userId = event.requester.helpdeskUserId;
  const getRequester = helpdesk.getRequester?.bind(helpdesk);
  const channel = event.ticket?.channel;
  if (!userId || !getRequester) return undefined;
  if (profile?.identitiesResolvedAt && !channelCanProve(profile, channel)) return undefined;
  try {
    return withChannelTrust(await getRequester(userId), channel);
  } catch (error) {
    if (!(error instanceof PermanentHelpdeskError)) throw error;
    deps.logger.warn('requester lookup refused; deciding with the identities the webhook carried', {
      tenant: event.tenant,
      status: error.status,
    });
    return undefined;
  }
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
