import { describe, expect, it } from 'vitest';
import { CachedTenants } from '../../../shared/adapters/config/tenant-cache.js';
import { changeTenant, TenantConflictError, UnknownTenantIdError, withSetting } from '../../../shared/adapters/config/tenant-changes.js';
import { DynamoTenantStore, type StoredTenant } from '../../../shared/adapters/store/tenant-store.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { FixedClock } from '../../support/fakes.js';
import { useTestTable } from '../../support/dynamodb-table.js';

const table = useTestTable('tenants');
const clock = new FixedClock(new Date('2026-12-05T10:00:00Z'));

function config(id: string, mode: 'active' | 'shadow' = 'active'): Record<string, unknown> {
  return {
    id,
    helpdesk: {
      kind: 'zendesk',
      baseUrl: `https://${id}.zendesk.com`,
      email: 'ops@example.com',
      apiToken: { secretId: `influence-router/${id}/outbound/zendesk-api` },
    },
    sources: { zendesk: { signingSecrets: [{ secretId: `influence-router/${id}/inbound/zendesk-webhook` }] } },
    policy: { mode },
  };
}

const store = () => new DynamoTenantStore(table.client(), table.tableName);
const add = (id: string, reason = 'onboarding') =>
  changeTenant(store(), 'deployed', { tenantId: id, change: 'add', config: config(id), by: 'arn:aws:iam::1:user/ada', reason }, clock);

describe('tenant versions', () => {
  it('keeps every change as a new version with when, who and why, the current one read with one GetItem', async () => {
    // Arrange
    await add('versioned');

    // Act
    const updated = await changeTenant(
      store(),
      'deployed',
      {
        tenantId: 'versioned',
        change: 'update',
        config: withSetting(config('versioned'), 'policy.mode', 'shadow'),
        by: 'grace',
        reason: 'evaluate first',
      },
      clock,
    );
    table.sent.length = 0;
    const current = await store().current('versioned');

    // Assert
    expect(table.sent).toEqual(['GetItem']);
    expect(updated.status).toBe('written');
    expect(updated.diff).toEqual([{ path: 'policy.mode', before: 'active', after: 'shadow' }]);
    expect(current).toMatchObject({ version: 2, enabled: true, changedBy: 'grace', reason: 'evaluate first', change: 'update' });
    const history = await store().history('versioned');
    expect(history.items.map((v: StoredTenant) => [v.version, v.change, v.changedBy, v.reason])).toEqual([
      [2, 'update', 'grace', 'evaluate first'],
      [1, 'add', 'arn:aws:iam::1:user/ada', 'onboarding'],
    ]);
    expect(JSON.parse(history.items[1]?.config ?? '{}')).toMatchObject({ policy: { mode: 'active' } });
  });

  it('lets only one of two writers of the same version win', async () => {
    // Arrange
    await add('contested');
    const next = (by: string): StoredTenant => ({
      tenantId: 'contested',
      version: 2,
      enabled: true,
      config: JSON.stringify(config('contested')),
      changedAt: clock.now().toISOString(),
      changedBy: by,
      change: 'update',
    });

    // Act
    const outcomes = await Promise.all([store().write(next('a'), 1), store().write(next('b'), 1)]);

    // Assert
    expect(outcomes.sort()).toEqual(['conflict', 'written']);
    expect((await store().history('contested')).items).toHaveLength(2);
  });

  it('refuses to add a tenant twice, and to change one that does not exist', async () => {
    await add('twice');
    await expect(add('twice')).rejects.toBeInstanceOf(TenantConflictError);
    await expect(
      changeTenant(store(), 'deployed', { tenantId: 'nobody', change: 'disable', enabled: false, by: 'ada' }, clock),
    ).rejects.toBeInstanceOf(UnknownTenantIdError);
  });

  it('writes nothing for a change that changes nothing, nor on a dry run', async () => {
    await add('steady');
    const same = await changeTenant(
      store(),
      'deployed',
      { tenantId: 'steady', change: 'update', config: config('steady'), by: 'ada' },
      clock,
    );
    const dry = await changeTenant(
      store(),
      'deployed',
      { tenantId: 'steady', change: 'update', config: config('steady', 'shadow'), by: 'ada', dryRun: true },
      clock,
    );

    expect(same.status).toBe('unchanged');
    expect(dry.status).toBe('dry-run');
    expect(dry.after.version).toBe(2);
    expect((await store().current('steady'))?.version).toBe(1);
  });

  it('validates before writing, refusing a deployed tenant whose secret is outside its own prefix and naming the name to use', async () => {
    const intruder = config('intruder');
    const write = changeTenant(
      store(),
      'deployed',
      {
        tenantId: 'intruder',
        change: 'add',
        config: withSetting(
          intruder,
          'sources.zendesk.signingSecrets',
          JSON.stringify([{ secretId: 'influence-router/victim/inbound/zendesk-webhook' }]),
        ),
        by: 'ada',
      },
      clock,
    );

    await expect(write).rejects.toThrow(ConfigurationError);
    await expect(write).rejects.toThrow(
      'sources.zendesk.signingSecrets.0.secretId: secret "influence-router/victim/inbound/zendesk-webhook" is outside this tenant\'s inbound secrets: name it influence-router/intruder/inbound/zendesk-webhook',
    );
    expect(await store().current('intruder')).toBeUndefined();
  });

  it('lists the tenants from the sparse index, page by page, without a scan', async () => {
    for (const id of ['list-a', 'list-b', 'list-c']) await add(id);
    table.sent.length = 0;

    const first = await store().list({ limit: 2 });
    const all = await store().listAll();

    expect(table.sent).not.toContain('Scan');
    expect(first.items).toHaveLength(2);
    expect(first.cursor).toBeDefined();
    expect(all.map((t) => t.tenantId)).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c', 'versioned']));
  });
});

describe('the per-container tenant cache', () => {
  it('reads a tenant once a minute however many events use it, and sees a change after the minute', async () => {
    // Arrange
    await add('cached');
    const counting = store();
    let reads = 0;
    const cache = new CachedTenants({ current: (id) => ((reads += 1), counting.current(id)) }, { mode: 'deployed', clock });

    // Act
    const first = await cache.get('cached');
    for (let i = 0; i < 50; i += 1) await cache.get('cached');
    await changeTenant(counting, 'deployed', { tenantId: 'cached', change: 'disable', enabled: false, by: 'ada' }, clock);
    const stillCached = await cache.get('cached');
    clock.advance(60_000);
    const afterTtl = await cache.get('cached');

    // Assert
    expect(first?.version).toBe(1);
    expect(stillCached?.version).toBe(1);
    expect(afterTtl).toBeUndefined();
    expect(reads).toBe(2);
  });

  it('caches an unknown id too, and never reads for an id no tenant could have', async () => {
    let reads = 0;
    const cache = new CachedTenants({ current: (id) => ((reads += 1), store().current(id)) }, { mode: 'deployed', clock });

    for (let i = 0; i < 20; i += 1) expect(await cache.get('nobody-here')).toBeUndefined();
    expect(await cache.get('Not#A#Tenant')).toBeUndefined();

    expect(reads).toBe(1);
  });
});
