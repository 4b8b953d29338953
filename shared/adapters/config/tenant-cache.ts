import type { Clock } from '../../domain/ports.js';
import { systemClock } from '../clock/system-clock.js';
import type { ConfigMode } from '../plugin/outbound-url.js';
import type { StoredTenant } from '../store/tenant-store.js';
import { parseTenant, type Tenant, TenantSchema } from './tenants.js';

/** A tenant as the functions use it: its parsed configuration and the version it came from. */
export interface ConfiguredTenant {
  tenant: Tenant;
  version: number;
}

/** Where the functions find a tenant: undefined for an unknown or disabled one. */
export interface TenantSource {
  get(tenantId: string): Promise<ConfiguredTenant | undefined>;
}

/** The one read the cache makes: a tenant's current configuration (a GetItem). */
export interface CurrentTenantReader {
  current(tenantId: string): Promise<StoredTenant | undefined>;
}

/** How long a tenant read is reused: a change takes effect in every container within this. */
export const TENANT_CACHE_TTL_MS = 60_000;

/** Entries kept before expired ones are dropped (unknown ids sent at the API's rate stay bounded). */
const MAX_ENTRIES = 20_000;

const TENANT_ID = TenantSchema.shape.id;

/**
 * A stored version as the functions use it, or undefined for a disabled tenant; a configuration
 * the schema refuses throws ConfigurationError naming the tenant, version and field.
 *
 * @example configuredTenant(stored, 'deployed') // { tenant, version: 3 }
 */
export function configuredTenant(stored: StoredTenant, mode: ConfigMode): ConfiguredTenant | undefined {
  if (!stored.enabled) return undefined;
  const tenant = parseTenant(JSON.parse(stored.config), mode, `stored tenant ${stored.tenantId} (version ${stored.version})`);
  return { tenant, version: stored.version };
}

/**
 * The per-container cache in front of the tenant store: a tenant is read once, then reused for
 * `ttlMs` (a minute by default), so a warm function makes no extra request per event. Unknown
 * and disabled ids are cached the same way (negative caching), so a stream of webhooks for an
 * id that does not exist costs at most one read a minute per container; an id no tenant could
 * have costs none. Concurrent lookups of one id share one read. A read that fails is not kept:
 * while the store cannot be read, the last configuration read of that tenant is used (and the
 * store tried again at the next lookup), so a table that is down for a while does not turn away
 * webhooks of tenants this container already knows; a tenant never read still fails.
 *
 * @example const tenants = new CachedTenants(new DynamoTenantStore(client, table), { mode: 'deployed' })
 */
export class CachedTenants implements TenantSource {
  private readonly entries = new Map<string, { at: number; value: Promise<ConfiguredTenant | undefined> }>();
  /** The last configuration read of each tenant, used while the store cannot be read. */
  private readonly lastRead = new Map<string, ConfiguredTenant | undefined>();
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly store: CurrentTenantReader,
    private readonly options: { mode: ConfigMode; ttlMs?: number; clock?: Clock },
  ) {
    this.ttlMs = options.ttlMs ?? TENANT_CACHE_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** The tenant, from the cache while fresh, else from the store. */
  get(tenantId: string): Promise<ConfiguredTenant | undefined> {
    if (!TENANT_ID.safeParse(tenantId).success) return Promise.resolve(undefined);
    const now = this.clock.now().getTime();
    const cached = this.entries.get(tenantId);
    if (cached && now - cached.at < this.ttlMs) return cached.value;
    const known = this.lastRead.has(tenantId);
    const read = this.store.current(tenantId).then(
      (stored) => {
        const configured = stored ? configuredTenant(stored, this.options.mode) : undefined;
        this.lastRead.set(tenantId, configured);
        return configured;
      },
      (error: unknown) => {
        if (!known) throw error;
        // The store cannot be read: the last configuration read stands until it can.
        this.entries.delete(tenantId);
        return this.lastRead.get(tenantId);
      },
    );
    this.entries.delete(tenantId);
    this.entries.set(tenantId, { at: now, value: read });
    read.catch(() => {
      if (this.entries.get(tenantId)?.value === read) this.entries.delete(tenantId);
    });
    if (this.entries.size > MAX_ENTRIES) this.prune(now);
    return read;
  }

  /** Drops expired entries, then the oldest, so the map stays bounded. */
  private prune(now: number): void {
    for (const [id, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(id);
    for (const id of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(id);
    }
    for (const id of this.lastRead.keys()) {
      if (this.lastRead.size <= MAX_ENTRIES) break;
      this.lastRead.delete(id);
    }
  }
}

/**
 * A fixed set of tenants as a source, each at version 1: for tests and tools that hold tenants in
 * memory rather than in the table.
 *
 * @example new FixedTenants(parseTenantsFile(data, 'local')).get('acme')
 */
export class FixedTenants implements TenantSource {
  private readonly byId: ReadonlyMap<string, ConfiguredTenant>;

  constructor(file: { tenants: readonly Tenant[] }, version = 1) {
    this.byId = new Map(file.tenants.map((tenant) => [tenant.id, { tenant, version }]));
  }

  /** The tenant with this id, or undefined. */
  get(tenantId: string): Promise<ConfiguredTenant | undefined> {
    return Promise.resolve(this.byId.get(tenantId));
  }
}

/**
 * Every enabled tenant in the store, parsed; a stored configuration the schema now refuses is
 * passed to `onInvalid` and left out, so one tenant cannot stop every other's run.
 *
 * @example await enabledTenants(store, 'deployed', (error) => logger.error(error.message))
 */
export async function enabledTenants(
  store: { listAll(): Promise<StoredTenant[]> },
  mode: ConfigMode,
  onInvalid: (error: unknown, tenantId: string) => void,
): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  for (const stored of await store.listAll()) {
    try {
      const configured = configuredTenant(stored, mode);
      if (configured) tenants.push(configured.tenant);
    } catch (error) {
      onInvalid(error, stored.tenantId);
    }
  }
  return tenants;
}
