import { ConfigurationError } from '../../domain/errors.js';
import type { Clock, HelpdeskClient } from '../../domain/ports.js';
import { systemClock } from '../clock/system-clock.js';
import type { ConfiguredTenant, TenantSource } from '../config/tenant-cache.js';
import { bindHelpdesk } from '../config/tenants.js';
import { PUBLIC_ADDRESSES_ONLY, type ServiceAddresses, serviceFetch } from '../http/checked-request.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';
import { type HelpdeskPace, pacedFetch, type PaceSettings } from '../resilience/helpdesk-pace.js';

/** How the clients are built and where they may connect. */
export interface HelpdeskClientsOptions {
  ttlMs?: number;
  /** Replaces every transport, vendor and operator-chosen URLs alike (tests). */
  fetch?: typeof fetch;
  timeoutMs?: number;
  paceFor?: (tenantId: string, settings: PaceSettings) => HelpdeskPace;
  /**
   * Where a URL the operator chose (a generic helpdesk's decisionsUrl) may connect: public
   * addresses only by default, as deployed; `'any'` in local mode.
   */
  serviceAddresses?: ServiceAddresses;
  /**
   * Times the cache, and is handed to each client (default the system clock, which every client
   * uses then too: a generic helpdesk's receiver checks its signatures' timestamps by its own).
   */
  clock?: Clock;
}

/**
 * Caches one helpdesk client per tenant, built by the tenant's helpdesk adapter from its secret
 * references and rebuilt after `ttlMs` so a rotated token is picked up, or as soon as the
 * tenant's configuration has a new version. With `paceFor`, every
 * request a tenant's client makes goes through that tenant's pace, which outlives the client.
 *
 * @example const helpdeskFor = helpdeskClients(tenants, secrets); await helpdeskFor('acme')
 */
export function helpdeskClients(
  tenants: TenantSource,
  secrets: SecretResolver,
  options: HelpdeskClientsOptions = {},
): (tenantId: string) => Promise<HelpdeskClient> {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const addresses = options.serviceAddresses ?? PUBLIC_ADDRESSES_ONLY;
  const clock = options.clock ?? systemClock;
  const clients = new Map<string, { client: Promise<HelpdeskClient>; at: number; version: number }>();
  async function create({ tenant }: ConfiguredTenant): Promise<HelpdeskClient> {
    const tenantId = tenant.id;
    const pace = options.paceFor?.(tenantId, tenant.helpdesk);
    // The pace wraps the transport, so a checked connection is paced like any other.
    const paced = (inner: typeof fetch): typeof fetch => (pace ? pacedFetch(pace, inner) : inner);
    const vendorFetch = pace ? paced(options.fetch ?? fetch) : options.fetch;
    return bindHelpdesk(tenant).createClient({
      resolve: (ref) => secrets.resolve(ref),
      ...(vendorFetch ? { fetch: vendorFetch } : {}),
      serviceFetch: (field) => paced(options.fetch ?? serviceFetch(addresses, field)),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }
  return async (tenantId) => {
    const configured = await tenants.get(tenantId);
    if (!configured) throw new ConfigurationError(`Tenant "${tenantId}" is not configured`);
    const cached = clients.get(tenantId);
    const now = clock.now().getTime();
    if (cached && cached.version === configured.version && now - cached.at < ttlMs) return cached.client;
    const client = create(configured);
    const entry = { client, at: now, version: configured.version };
    clients.set(tenantId, entry);
    client.catch(() => {
      if (clients.get(tenantId) === entry) clients.delete(tenantId);
    });
    return client;
  };
}
