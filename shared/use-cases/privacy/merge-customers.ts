import { type CustomerProfile, type Identity, mergeProfiles } from '../../domain/customer.js';
import { TransientError } from '../../domain/errors.js';
import type { Clock, CustomerAdminStore } from '../../domain/ports.js';

/** Ports for merging customers. */
export interface MergeCustomersDeps {
  customers: CustomerAdminStore;
  clock: Clock;
  /** Reads and merges tried before giving up while the profiles keep changing (default 3). */
  maxAttempts?: number;
}

/** The one profile a customer now has, and the keys of the profiles folded into it. */
export interface MergeResult {
  profile: CustomerProfile;
  /** Keys of the profiles merged away; empty when the identities reached one profile. */
  absorbedKeys: string[];
}

/**
 * Makes sure the identities of one customer lead to one profile: when they reach several
 * (say one created from a Zendesk user id and one from an imported email, and the helpdesk now
 * says that user has that email), folds them into one with `mergeProfiles` (nothing is lost;
 * an opt-out always survives) and moves survey answers, decision pointers and aliases to it.
 * Reaching one profile changes nothing; reaching none gives undefined. Safe to run again, and
 * concurrently: a merge whose profiles changed since read is read and merged again.
 *
 * @example const merged = await mergeCustomers('acme', [zendeskUser, email], deps);
 */
export async function mergeCustomers(tenant: string, identities: Identity[], deps: MergeCustomersDeps): Promise<MergeResult | undefined> {
  const attempts = deps.maxAttempts ?? 3;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const found = await deps.customers.findCustomers(tenant, identities);
    const [only] = found;
    if (!only) return undefined;
    if (found.length === 1) return { profile: only, absorbedKeys: [] };
    const profile = mergeProfiles(found, deps.clock.now());
    if ((await deps.customers.mergeInto(profile, found)) === 'written') {
      return { profile, absorbedKeys: found.map((p) => p.customerKey).filter((key) => key !== profile.customerKey) };
    }
  }
  throw new TransientError(`the profiles to merge for tenant ${tenant} kept changing during ${attempts} attempts`);
}

/** The ticket path's view of merging: the customer's one profile for these identities, if any. */
export type MergeCustomers = (tenant: string, identities: Identity[]) => Promise<CustomerProfile | undefined>;

/**
 * Binds `mergeCustomers` to its ports, for a caller that only has a tenant and identities.
 *
 * @example const merge = customerMerger({ customers, clock }); const profile = await merge('acme', identities);
 */
export function customerMerger(deps: MergeCustomersDeps): MergeCustomers {
  return async (tenant, identities) => (await mergeCustomers(tenant, identities, deps))?.profile;
}
