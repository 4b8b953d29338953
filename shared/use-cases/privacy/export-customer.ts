import type { Clock, CustomerAdminStore, PrivacyStore } from '../../domain/ports.js';
import type { CustomerRecords } from '../../domain/customer-records.js';
import type { CustomerRef } from './opt-out.js';

/** Ports for exporting a customer's data. */
export interface PrivacyDeps {
  customers: CustomerAdminStore;
  privacy: PrivacyStore;
  clock: Clock;
}

/** Format name and version of the export document, so a reader can tell what it holds. */
export const CUSTOMER_EXPORT_FORMAT = 'influence-router.customer-export.v1';

/** Everything held about a customer, as one JSON document. */
export interface CustomerExport {
  format: typeof CUSTOMER_EXPORT_FORMAT;
  tenant: string;
  exportedAt: string;
  /** How to read the document: what is hashed and why, what the dates mean. */
  notes: string[];
  /** One entry per profile the identity reaches (more than one only until they are merged). */
  customers: CustomerRecords[];
}

/** What the export says about how the data is held. */
export const EXPORT_NOTES = [
  'Email addresses are never stored. An email is held only as a keyed hash (HMAC-SHA256 with a secret of this deployment), in profile.identities.emailHashes and as the identityHash of an alias; it cannot be read back from the hash.',
  "External ids (the company's own id of the customer, e.g. a CRM id) are held the same way: only as a keyed hash, in profile.identities.externalIdHashes and as the identityHash of an alias.",
  'An alias maps one identity (helpdesk user id, email, external id or social handle) to the profile. It holds the kind of identity and its keyed hash, never the identity itself.',
  'Social handles are listed in profile.identities.handles with their trust (channel: the ticket came through that network; verified; declared: typed in). A score from open networks lists in profile.score.handles what each network showed for each handle: counts only (followers, following, posts, median interactions per post, account age) and when they were read, never a post.',
  'Survey answers and decisions are the ones recorded about this customer. Decisions are the audit trail of what was written to their tickets and why.',
  'retainedUntil is when the data is deleted automatically unless the customer is active again; an opted-out profile is kept, without a score, so that the opt-out is honoured.',
];

/**
 * Everything held about the customer an identity names, as one JSON document: the profile
 * (identities as stored, i.e. hashes), aliases, survey answers and decisions. Undefined when
 * nobody is known by the identity. Reads only.
 *
 * @example const document = await exportCustomer({ tenant: 'acme', identity }, deps); JSON.stringify(document, null, 2)
 */
export async function exportCustomer(ref: CustomerRef, deps: PrivacyDeps): Promise<CustomerExport | undefined> {
  const profiles = await deps.customers.findCustomers(ref.tenant, [ref.identity]);
  if (profiles.length === 0) return undefined;
  const customers = await Promise.all(profiles.map((profile) => deps.privacy.records(profile)));
  return {
    format: CUSTOMER_EXPORT_FORMAT,
    tenant: ref.tenant,
    exportedAt: deps.clock.now().toISOString(),
    notes: EXPORT_NOTES,
    customers,
  };
}
