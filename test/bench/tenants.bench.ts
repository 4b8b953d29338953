import { percentile } from '../../infra/commands/stats.js';
import { BatchWriteCommand } from '../../shared/adapters/aws/dynamodb.js';
import { CachedTenants } from '../../shared/adapters/config/tenant-cache.js';
import { TENANT_LIST_PARTITION, tenantCurrentKey, tenantVersionKey } from '../../shared/adapters/store/keys.js';
import { TENANTS_INDEX, createTable } from '../../shared/adapters/store/table.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoTenantStore, type StoredTenant } from '../../shared/adapters/store/tenant-store.js';

function stored(id: string): StoredTenant {
  const config = {
    id,
    helpdesk: {
      kind: 'zendesk',
      baseUrl: `https://${id}.zendesk.com`,
      email: 'ops@example.com',
      apiToken: { secretId: `influence-router/${id}/outbound/zendesk-api` },
    },
    sources: { zendesk: { signingSecrets: [{ secretId: `influence-router/${id}/inbound/zendesk-webhook` }] } },
  };
  return {
    tenantId: id,
    version: 1,
    enabled: true,
    config: JSON.stringify(config),
    changedAt: '2026-12-05T00:00:00Z',
    changedBy: 'bench',
    change: 'import',
  };
}

/** Synthesises the app (no bundling) and measures the service template and its IAM policies. */
async function template(): Promise<{ bytes: number; policies: number; statements: number }> {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { App } = await import('aws-cdk-lib');
  const { addInfluenceRouter } = await import('../../infra/cdk/stacks/influence-router.js');
  const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'bench-synth-')),
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
  });
  const { service } = addInfluenceRouter(app);
  const assembly = app.synth();
  const text = JSON.stringify(assembly.getStackByName(service.stackName).template);
  const policies = [...text.matchAll(/"Type":"AWS::IAM::(?:Policy|ManagedPolicy)"/g)].length;
  const statements = [...text.matchAll(/"Effect":"Allow"/g)].length;
  return { bytes: text.length, policies, statements };
}

/**
 * With 10 and with 10,000 tenants stored (current item and first version each), what a function
 * pays for a tenant: a cold read (one GetItem, p50 and p90 over 200 tenants) and the requests a
 * warm container makes per event (through the per-container cache); and the service template's
 * size and IAM policies, which no tenant count enters.
 *
 * @example const lines = await benchTenants(endpoint)
 */
export async function benchTenants(dynamoEndpoint: string): Promise<string[]> {
  const lines = ['tenants stored in the table: what a function pays per tenant, and the template:'];
  for (const count of [10, 10_000]) {
    let requests = 0;
    const client = createDocumentClient({ endpoint: dynamoEndpoint, onCall: () => (requests += 1) });
    const tableName = `bench-tenants-${count}-${Date.now()}`;
    await createTable(client, tableName);
    const items = Array.from({ length: count }, (_, i) => stored(`tenant-${String(i).padStart(5, '0')}`)).flatMap((tenant) => [
      { ...tenantCurrentKey(tenant.tenantId), [TENANTS_INDEX.partitionKey]: TENANT_LIST_PARTITION, ...tenant },
      { ...tenantVersionKey(tenant.tenantId, 1), ...tenant },
    ]);
    for (let i = 0; i < items.length; i += 25) {
      await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
    const store = new DynamoTenantStore(client, tableName);
    const sample = Array.from({ length: 200 }, (_, i) => `tenant-${String(Math.floor((i * count) / 200)).padStart(5, '0')}`);
    const cold: number[] = [];
    for (const id of sample) {
      const cache = new CachedTenants(store, { mode: 'deployed' });
      const started = performance.now();
      await cache.get(id);
      cold.push(performance.now() - started);
    }
    const warm = new CachedTenants(store, { mode: 'deployed' });
    await warm.get('tenant-00001');
    requests = 0;
    for (let i = 0; i < 1000; i += 1) await warm.get('tenant-00001');
    lines.push(
      `  ${String(count).padStart(6)} tenants: cold tenant read (one GetItem and parse) p50 ${percentile(cold, 50).toFixed(2)} ms, p90 ${percentile(cold, 90).toFixed(2)} ms; warm: ${requests / 1000} DynamoDB requests per event`,
    );
  }
  const { bytes, policies, statements } = await template();
  lines.push(
    `  service template ${(bytes / 1024).toFixed(0)} KB, ${policies} IAM policies, ${statements} allow statements: the same for any number of tenants (none is in it)`,
  );
  return lines;
}
