import type { ErasureReport } from '../../domain/customer-records.js';
import type { PrivacyDeps } from './export-customer.js';
import type { CustomerRef } from './opt-out.js';

/** What an erasure did. */
export type EraseResult = { status: 'erased'; erasedAt: string; reports: ErasureReport[] } | { status: 'not-found' };

/**
 * Erases a customer: every profile the identity reaches, with its aliases, survey answers and
 * decision pointers, is deleted, and the decisions about them keep only their non-personal audit
 * facts (ticket, times, policy version, tier, rules, what was written, status). The opt-out goes
 * too: the customer is forgotten. Running it again finds nobody (`not-found`); a run that failed
 * half-way can be run again and finishes the job.
 *
 * @example await eraseCustomer({ tenant: 'acme', identity: { kind: 'email', value: 'ada@example.com' } }, deps)
 */
export async function eraseCustomer(ref: CustomerRef, deps: PrivacyDeps): Promise<EraseResult> {
  const profiles = await deps.customers.findCustomers(ref.tenant, [ref.identity]);
  if (profiles.length === 0) return { status: 'not-found' };
  const erasedAt = deps.clock.now().toISOString();
  const reports: ErasureReport[] = [];
  for (const profile of profiles) reports.push(await deps.privacy.erase(profile, [ref.identity], erasedAt));
  return { status: 'erased', erasedAt, reports };
}
