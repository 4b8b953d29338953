import { ConfigurationError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import type { ConfigMode } from '../plugin/outbound-url.js';
import type { DynamoTenantStore, StoredTenant, TenantChange } from '../store/tenant-store.js';
import { diffConfigs, type SettingChange } from './tenant-diff.js';
import { parseTenant, type Tenant } from './tenants.js';

/** A change to one tenant, as the tenants command and local mode's seeding ask for it. */
export interface TenantChangeRequest {
  tenantId: string;
  change: TenantChange;
  /** The whole new configuration (add, update, import); the current one is kept when absent. */
  config?: unknown;
  /** Whether the tenant is enabled after the change (disable, enable); unchanged when absent. */
  enabled?: boolean;
  /** Who changes it: the AWS caller identity, or the local user. */
  by: string;
  reason?: string;
  dryRun?: boolean;
}

/** What a change did: nothing (`unchanged`), what it would do (`dry-run`), or a new version (`written`). */
export interface TenantChangeResult {
  status: 'written' | 'unchanged' | 'dry-run';
  /** The parsed configuration; absent only for a disabled tenant whose stored one no longer validates. */
  tenant?: Tenant;
  before?: StoredTenant;
  /** The version written, or that would be written. */
  after: StoredTenant;
  diff: SettingChange[];
}

/** The tenant asked for does not exist (update, disable, enable, show, history). */
export class UnknownTenantIdError extends ConfigurationError {}

/** The tenant to add exists already, or another writer changed it between the read and the write. */
export class TenantConflictError extends ConfigurationError {}

/**
 * Validates and writes one change to a tenant's configuration as a new version: the whole
 * configuration is checked with the tenants schema and the mode's rules first (deployed: the same
 * rules synth applied to a tenants file, and secrets under the tenant's own prefix), then written
 * on the condition that the version read is still current. A change that changes nothing writes
 * nothing; a dry run writes nothing and says what would change.
 *
 * @example await changeTenant(store, 'deployed', { tenantId: 'acme', change: 'update', config, by, reason }, clock)
 * @throws ConfigurationError (the bad field), UnknownTenantIdError, TenantConflictError
 */
export async function changeTenant(
  store: DynamoTenantStore,
  mode: ConfigMode,
  request: TenantChangeRequest,
  clock: Clock,
): Promise<TenantChangeResult> {
  const before = await store.current(request.tenantId, { consistent: true });
  if (request.change === 'add' && before) {
    throw new TenantConflictError(
      `Tenant "${request.tenantId}" exists already (version ${before.version}): change it with update, or pick another id`,
    );
  }
  if (!before && request.change !== 'add' && request.change !== 'import') {
    throw new UnknownTenantIdError(`No tenant "${request.tenantId}": add it first (npm run tenants -- add --file <tenant.json>)`);
  }
  const beforeConfig: unknown = before ? JSON.parse(before.config) : undefined;
  const config: unknown = request.config ?? beforeConfig;
  const enabled = request.enabled ?? before?.enabled ?? true;
  // A tenant can always be disabled, even one whose stored configuration a newer schema refuses.
  const tenant =
    enabled || request.config !== undefined ? parseTenant(config, mode, `tenant ${request.tenantId}`) : parseOrNot(config, mode);
  if (tenant && tenant.id !== request.tenantId) {
    throw new ConfigurationError(`The configuration's id is "${tenant.id}", not "${request.tenantId}": a tenant's id cannot change`);
  }
  const diff = diffConfigs(beforeConfig, config);
  if (before && before.enabled !== enabled) diff.unshift({ path: '(enabled)', before: before.enabled, after: enabled });
  const after: StoredTenant = {
    tenantId: request.tenantId,
    version: (before?.version ?? 0) + 1,
    enabled,
    config: JSON.stringify(config),
    changedAt: clock.now().toISOString(),
    changedBy: request.by,
    change: request.change,
    ...(request.reason ? { reason: request.reason } : {}),
  };
  const parsed = tenant ? { tenant } : {};
  if (before && diff.length === 0) return { status: 'unchanged', ...parsed, before, after: before, diff };
  const base = { ...parsed, ...(before ? { before } : {}), after, diff };
  if (request.dryRun) return { status: 'dry-run', ...base };
  const outcome = await store.write(after, before?.version ?? 0);
  // A write whose answer was lost and retried finds its own version there: that is not a conflict.
  if (outcome === 'conflict' && !sameVersion(await store.current(request.tenantId, { consistent: true }), after)) {
    throw new TenantConflictError(
      `Tenant "${request.tenantId}" was changed by someone else while this change was made: nothing was written; run it again to apply it to the new version`,
    );
  }
  return { status: 'written', ...base };
}

function sameVersion(stored: StoredTenant | undefined, written: StoredTenant): boolean {
  return (
    stored !== undefined &&
    stored.version === written.version &&
    stored.config === written.config &&
    stored.enabled === written.enabled &&
    stored.changedAt === written.changedAt &&
    stored.changedBy === written.changedBy
  );
}

function parseOrNot(config: unknown, mode: ConfigMode): Tenant | undefined {
  try {
    return parseTenant(config, mode);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets one setting of a configuration by its dotted path (`policy.mode=active`): the value is
 * read as JSON when it parses (numbers, booleans, objects), else as a string.
 *
 * @example withSetting(config, 'policy.mode', 'active')
 * @throws ConfigurationError when the path crosses a value that is not an object
 */
export function withSetting(config: unknown, path: string, raw: string): unknown {
  const steps = path.split('.');
  if (steps.some((step) => step.length === 0)) throw new ConfigurationError(`"${path}" is not a setting's path: write it as policy.mode`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const copy: unknown = structuredClone(config);
  let holder: unknown = copy;
  for (const [index, step] of steps.entries()) {
    if (!isRecord(holder)) throw new ConfigurationError(`"${steps.slice(0, index).join('.')}" is not an object, so ${path} cannot be set`);
    if (index === steps.length - 1) holder[step] = value;
    else holder = holder[step] ??= {};
  }
  return copy;
}

/**
 * Imports tenants as written in a tenants file, each as a change of its own: a new tenant is
 * added, a changed one gets a new version, an identical one is left as it is. Every tenant is
 * validated before any is written, so a file with one bad tenant writes nothing.
 *
 * @example await importTenants(store, 'local', written, { by: 'ada (npm start)', reason: 'seeded' }, clock)
 */
export async function importTenants(
  store: DynamoTenantStore,
  mode: ConfigMode,
  written: readonly unknown[],
  who: { by: string; reason?: string; dryRun?: boolean },
  clock: Clock,
): Promise<TenantChangeResult[]> {
  const tenants = written.map((config, index) => ({ config, tenant: parseTenant(config, mode, `tenant ${index}`) }));
  const results: TenantChangeResult[] = [];
  for (const { config, tenant } of tenants) {
    results.push(await changeTenant(store, mode, { tenantId: tenant.id, change: 'import', config, ...who }, clock));
  }
  return results;
}
