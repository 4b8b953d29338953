import { ConfigurationError } from '../../domain/errors.js';
import type { HelpdeskClient } from '../../domain/ports.js';
import type { TenantDirectory } from '../config/tenant-directory.js';
import { bindHelpdesk } from '../config/tenants.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';
import { type HelpdeskPace, pacedFetch, type PaceSettings } from './helpdesk-pace.js';

/**
 * Caches one helpdesk client per tenant, built by the tenant's helpdesk adapter from its secret
 * references and rebuilt after `ttlMs` so a rotated token is picked up. With `paceFor`, every
 * request a tenant's client makes goes through that tenant's pace, which outlives the client.
 *
 * @example const helpdeskFor = helpdeskClients(tenants, secrets); await helpdeskFor('acme')
 */
export function helpdeskClients(
  tenants: TenantDirectory,
  secrets: SecretResolver,
  options: { ttlMs?: number; fetch?: typeof fetch; timeoutMs?: number; paceFor?: (tenantId: string, settings: PaceSettings) => HelpdeskPace } = {},
): (tenantId: string) => Promise<HelpdeskClient> {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const clients = new Map<string, { client: Promise<HelpdeskClient>; at: number }>();
  async function create(tenantId: string): Promise<HelpdeskClient> {
    const tenant = tenants.get(tenantId);
    if (!tenant) throw new ConfigurationError(`Tenant "${tenantId}" is not configured`);
    const inner = options.fetch ?? fetch;
    const paced = options.paceFor ? pacedFetch(options.paceFor(tenantId, tenant.helpdesk), inner) : options.fetch;
    return bindHelpdesk(tenant).createClient({
      resolve: (ref) => secrets.resolve(ref),
      ...(paced ? { fetch: paced } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }
  return (tenantId) => {
    const cached = clients.get(tenantId);
    if (cached && Date.now() - cached.at < ttlMs) return cached.client;
    const client = create(tenantId);
    clients.set(tenantId, { client, at: Date.now() });
    client.catch(() => clients.delete(tenantId));
    return client;
  };
}

