import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runTenants } from '../../infra/commands/tenants.js';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { configuredTenant } from '../../shared/adapters/config/tenant-cache.js';
import { secretUsesOf } from '../../shared/adapters/config/tenants.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { useTestTable } from '../support/dynamodb-table.js';

const table = useTestTable('tenants-upgrade');

/** A tenants file as deployments had it before secrets were granted by pattern: influence-router/<tenant>/<name>. */
function oldTenantsFile(): string {
  const text = readFileSync(join(REPO_ROOT, 'docs/examples/tenants.example.json'), 'utf8').replace(
    /influence-router\/([a-z]+)\/(?:inbound|outbound)\//g,
    'influence-router/$1/',
  );
  const file = join(mkdtempSync(join(tmpdir(), 'tenants-upgrade-')), 'tenants.json');
  writeFileSync(file, text);
  return file;
}

describe('upgrading a deployment made from a tenants file', () => {
  it('imports the file with its secrets moved under each tenant prefix, each rename printed, and every tenant valid for deployment', async () => {
    // Arrange
    const file = oldTenantsFile();
    const out: string[] = [];
    const err: string[] = [];

    // Act
    const code = await runTenants(
      ['import', '--file', file, '--rename-secrets', '--reason', 'upgrade'],
      { DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'), TABLE_NAME: table.tableName },
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );

    // Assert
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toContain(
      '  rename in Secrets Manager: influence-router/acme/zendesk-webhook -> influence-router/acme/inbound/zendesk-webhook',
    );
    expect(out).toContain('  rename in Secrets Manager: influence-router/acme/zendesk-api -> influence-router/acme/outbound/zendesk-api');
    const stored = await new DynamoTenantStore(table.client(), table.tableName).listAll();
    expect(stored.map((tenant) => tenant.tenantId)).toEqual(['acme', 'globex', 'initech', 'umbrella']);
    for (const tenant of stored) {
      const configured = configuredTenant(tenant, 'deployed');
      expect(configured?.version).toBe(1);
      for (const use of secretUsesOf(configured!.tenant))
        expect(JSON.stringify(use.ref)).toMatch(/influence-router\/[a-z]+\/(inbound|outbound)\//);
    }
  });

  it('refuses the old file without --rename-secrets against a deployed table, naming the new secret name', async () => {
    const { parseTenant } = await import('../../shared/adapters/config/tenants.js');
    const old = JSON.parse(readFileSync(oldTenantsFile(), 'utf8')).tenants[0];

    expect(() => parseTenant(old, 'deployed', 'tenant acme')).toThrow('name it influence-router/acme/outbound/zendesk-api');
  });
});
