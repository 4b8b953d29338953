import type { Identity } from '../../domain/customer.js';
import type { TicketContextReader } from '../../domain/ports.js';
import type { DynamoCustomerStore } from './customer-store.js';
import { parseDecisionItem } from './decision-items.js';
import { decisionKey } from './keys.js';

/**
 * The ticket's decision record and the requester's profile in one strongly consistent
 * BatchGetItem (the profile's keys and its aliases', and the decision's), so the usual ticket
 * costs one read request before its write-back.
 *
 * @example const context = new DynamoTicketContext(customers); await context.read('acme', decisionId, identities)
 */
export class DynamoTicketContext implements TicketContextReader {
  constructor(private readonly customers: Pick<DynamoCustomerStore, 'findCustomerWith'>) {}

  async read(tenant: string, decisionId: string, identities: Identity[]) {
    const key = decisionKey(tenant, decisionId);
    const { profile, others } = await this.customers.findCustomerWith(tenant, identities, [key]);
    const item = others.get(`${key.pk}\n${key.sk}`);
    const previous = item ? parseDecisionItem(item, key, tenant) : undefined;
    return { ...(previous ? { previous } : {}), ...(profile ? { profile } : {}) };
  }
}
