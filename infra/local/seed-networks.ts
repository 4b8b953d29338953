import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { DynamoScoreRefreshStore } from '../../shared/adapters/store/score-refresh-store.js';
import type { CustomerProfile, Identity } from '../../shared/domain/customer.js';
import { NETWORKS_DEMOS } from '../sandbox/index.js';

/**
 * The open networks demos' customers in the table, for each such tenant (on Zendesk, on
 * Freshdesk): known by their helpdesk user or contact id, with no score, and queued for the
 * scheduled refresh now, as a customer is whose score could not be had on the ticket path:
 * `npm run scores:refresh` scores them from their handles.
 *
 * @example await seedNetworksDemo(documentClient, tableName, identityKey, new Date())
 */
export async function seedNetworksDemo(client: DocumentClient, tableName: string, identityKey: string, now: Date): Promise<void> {
  const hashers = hmacIdentityHashers(identityKey);
  const customers = new DynamoCustomerStore(client, tableName, hashers);
  const queue = new DynamoScoreRefreshStore(client, tableName);
  for (const demo of NETWORKS_DEMOS) {
    const tenant = demo.tenantId;
    for (const userId of demo.userIds()) {
      const identity: Identity = { kind: 'helpdesk-user', value: `${demo.helpdesk}:${userId}` };
      const profile: CustomerProfile = {
        tenant,
        customerKey: hashers(tenant).hash(identity),
        identities: { helpdeskUserIds: [identity.value], emailHashes: [], handles: [] },
        optedOut: false,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      await customers.saveCustomer(profile, [identity]);
      await queue.ensureQueued(profile, now);
    }
  }
}
