import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';
import { changeTenant } from '../../shared/adapters/config/tenant-changes.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';

/**
 * Stores a minimal local-mode tenant in a table, as `npm start` or `npm run tenants -- add`
 * would, so the commands that check a tenant exists find it.
 *
 * @example await storeTenant(client, tableName, 'acme')
 */
export async function storeTenant(client: DocumentClient, tableName: string, id: string): Promise<void> {
  const config = {
    id,
    helpdesk: { kind: 'zendesk', baseUrl: 'http://127.0.0.1:9', email: 'bot@example.test', apiToken: { value: 'unused' } },
    sources: {},
  };
  await changeTenant(
    new DynamoTenantStore(client, tableName),
    'local',
    { tenantId: id, change: 'import', config, by: 'test' },
    systemClock,
  );
}
