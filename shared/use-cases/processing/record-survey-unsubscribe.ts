import { type CustomerProfile, mergeIdentities, newCustomerProfile } from '../../domain/customer.js';
import { findingIdentities } from '../../domain/identity-trust.js';
import { ConfigurationError } from '../../domain/errors.js';
import type { SurveyUnsubscribed } from '../../domain/events.js';
import { type CustomerLookupDeps, identitiesOf, writeGuarded } from './customer-lookup.js';
import type { TenantLookup } from './tenant-view.js';

/** Ports for recording an unsubscribe. */
export interface RecordUnsubscribeDeps extends CustomerLookupDeps {
  tenant: TenantLookup;
}

/** What was recorded: on which profile, or nothing when the event named nobody. */
export type UnsubscribeOutcome = { status: 'recorded'; customerKey: string } | { status: 'ignored'; reason: string };

/**
 * Records that a customer unsubscribed from a survey tool's surveys, on their profile (created
 * for a customer not seen yet, so it holds when they first write in), keeping the first date per
 * tool; repeatable. It is exported with the profile and erased with it.
 *
 * @example await recordSurveyUnsubscribe(event, deps)
 */
export async function recordSurveyUnsubscribe(event: SurveyUnsubscribed, deps: RecordUnsubscribeDeps): Promise<UnsubscribeOutcome> {
  const tenant = await deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const identities = identitiesOf(tenant.helpdesk.kind, event.respondent);
  const [first] = findingIdentities(identities);
  if (!first) return { status: 'ignored', reason: 'the unsubscribe named no email, user id, external id or verified handle' };
  const now = deps.clock.now();
  const hasher = deps.hasherFor(event.tenant);
  const find = () => deps.customers.findCustomer(event.tenant, identities);
  const profile = await writeGuarded(
    deps,
    await find(),
    find,
    (base): CustomerProfile => {
      const known = base.surveyUnsubscribes ?? [];
      const entries = known.some((entry) => entry.source === event.source)
        ? known
        : [...known, { source: event.source, at: event.occurredAt }];
      return {
        ...base,
        identities: mergeIdentities(base.identities, identities, hasher),
        surveyUnsubscribes: entries,
        updatedAt: now.toISOString(),
      };
    },
    () => newCustomerProfile(event.tenant, first, hasher.hash(first), now),
  );
  return profile ? { status: 'recorded', customerKey: profile.customerKey } : { status: 'ignored', reason: 'no profile could be written' };
}
