import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { TenantSchema } from '../../shared/adapters/config/tenants.js';
import { DynamoTenantStore, type StoredTenant } from '../../shared/adapters/store/tenant-store.js';
import type { DynamoTarget } from '../local/dynamodb-target.js';

/** What a command was told about its table, to name it in a message. */
export interface TableTarget {
  client: DocumentClient;
  tableName: string;
  target: DynamoTarget;
}

/** Where a table is, as a person reads it: `influence-router-local (http://127.0.0.1:8000)`. */
export function describeTable({ tableName, target }: Pick<TableTarget, 'tableName' | 'target'>): string {
  return `${tableName} (${'endpoint' in target ? target.endpoint : `AWS ${target.region}`})`;
}

/** A tenant a command was given, checked: its stored configuration, or the line that says why not. */
export type TenantCheck = { ok: true; stored: StoredTenant } | { ok: false; message: string };

/**
 * Checks a tenant id a command was given against the tenants stored in its table (the tenant
 * store the functions read), so a mistyped id never creates data no tenant will read: the message
 * names the tenants that exist and how to add one. A disabled tenant is known (its data can still
 * be exported, erased or reported on); `enabledOnly` refuses it, for commands that act as the
 * tenant (a refresh, a helpdesk connection).
 *
 * @example const checked = await checkTenant(table, values.tenant, 'scores:import'); if (!checked.ok) { output.err(checked.message); return 2 }
 */
export async function checkTenant(
  table: TableTarget,
  tenantId: string | undefined,
  command: string,
  options: { enabledOnly?: boolean } = {},
): Promise<TenantCheck> {
  if (tenantId === undefined) return { ok: false, message: `--tenant is required (see npm run ${command} -- --help)` };
  const id = TenantSchema.shape.id.safeParse(tenantId);
  if (!id.success) {
    return { ok: false, message: `--tenant ${tenantId}: ${id.error.issues[0]?.message ?? 'invalid'} (see npm run ${command} -- --help)` };
  }
  const store = new DynamoTenantStore(table.client, table.tableName);
  const stored = await store.current(id.data);
  if (stored && (stored.enabled || !options.enabledOnly)) return { ok: true, stored };
  if (stored) {
    return { ok: false, message: `Tenant "${tenantId}" is disabled: enable it first (npm run tenants -- enable ${tenantId} --reason ...)` };
  }
  const known = (await store.listAll()).map((tenant) => tenant.tenantId);
  const named = known.length > 0 ? `the tenants are ${known.join(', ')}` : 'it holds no tenant';
  return {
    ok: false,
    message: `No tenant "${tenantId}" in ${describeTable(table)}: ${named} (add one with npm run tenants -- add --file <tenant.json>)`,
  };
}
