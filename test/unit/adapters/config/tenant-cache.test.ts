import { describe, expect, it } from 'vitest';
import { CachedTenants } from '../../../../shared/adapters/config/tenant-cache.js';
import type { StoredTenant } from '../../../../shared/adapters/store/tenant-store.js';

const stored = (version: number): StoredTenant => ({
  tenantId: 'acme',
  version,
  enabled: true,
  config: JSON.stringify({
    id: 'acme',
    helpdesk: { kind: 'zendesk', baseUrl: 'http://127.0.0.1:9', email: 'bot@example.test', apiToken: { value: 'unused' } },
    sources: {},
  }),
  changedAt: '2026-12-01T00:00:00.000Z',
  changedBy: 'test',
  change: 'add',
});

/** A store whose reads answer, or fail, as the test says; counting them. */
function store() {
  let failing = false;
  let version = 1;
  const reads: string[] = [];
  return {
    reads,
    fail: (on: boolean) => (failing = on),
    bump: () => (version += 1),
    current: (tenantId: string) => {
      reads.push(tenantId);
      return failing ? Promise.reject(new Error('connection dropped')) : Promise.resolve(tenantId === 'acme' ? stored(version) : undefined);
    },
  };
}

describe('the tenant cache while the table cannot be read', () => {
  it('keeps using the last configuration read, and reads the table again at the next lookup', async () => {
    const table = store();
    let now = 0;
    const tenants = new CachedTenants(table, { mode: 'local', ttlMs: 1000, clock: { now: () => new Date(now) } });

    expect((await tenants.get('acme'))?.version).toBe(1);
    table.fail(true);
    now = 5000;
    expect((await tenants.get('acme'))?.version).toBe(1);
    expect((await tenants.get('acme'))?.version).toBe(1);
    table.fail(false);
    table.bump();
    expect((await tenants.get('acme'))?.version).toBe(2);
    expect(table.reads).toHaveLength(4);
  });

  it('fails for a tenant it never read, rather than calling it unknown', async () => {
    const table = store();
    table.fail(true);
    const tenants = new CachedTenants(table, { mode: 'local' });

    await expect(tenants.get('acme')).rejects.toThrow('connection dropped');
    table.fail(false);
    expect((await tenants.get('acme'))?.version).toBe(1);
  });
});
