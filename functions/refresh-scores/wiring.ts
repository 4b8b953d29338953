import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantDirectory } from '../../shared/adapters/config/tenant-directory.js';
import { ZendeskClient } from '../../shared/adapters/helpdesks/zendesk/client.js';
import type { HttpBackoff } from '../../shared/adapters/influence/http-provider.js';
import type { Sleep } from '../../shared/adapters/influence/rate-limiter.js';
import { tenantScoring } from '../../shared/adapters/influence/tenant-scoring.js';
import type { Telemetry } from '../../shared/adapters/observability/telemetry.js';
import type { SecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { DynamoScoreRefreshStore, type ScoreRefreshStoreOptions } from '../../shared/adapters/store/score-refresh-store.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import type { Clock, HelpdeskClient } from '../../shared/domain/ports.js';
import type { RefreshScoresDeps } from './chain.js';

/** What the refresh-scores function is assembled from, in AWS and in local mode alike. */
export interface RefreshWiring {
  tenants: TenantDirectory;
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  secrets: SecretResolver;
  telemetry: Telemetry;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  fetch?: typeof fetch;
  backoff?: Partial<HttpBackoff>;
  store?: ScoreRefreshStoreOptions;
  /** How long a helpdesk client (and so its API token) is reused before the secret is read again. */
  clientTtlMs?: number;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Caches one helpdesk client per tenant, built from the tenant's secret references and rebuilt
 * after `ttlMs` so a rotated token is picked up.
 *
 * @example const helpdeskFor = helpdeskClients(tenants, secrets); await helpdeskFor('acme')
 */
export function helpdeskClients(
  tenants: TenantDirectory,
  secrets: SecretResolver,
  options: { ttlMs?: number; fetch?: typeof fetch } = {},
): (tenantId: string) => Promise<HelpdeskClient> {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const clients = new Map<string, { client: Promise<HelpdeskClient>; at: number }>();
  async function create(tenantId: string): Promise<HelpdeskClient> {
    const tenant = tenants.get(tenantId);
    if (!tenant) throw new ConfigurationError(`Tenant "${tenantId}" is not configured`);
    const apiToken = await secrets.resolve(tenant.helpdesk.apiToken);
    return new ZendeskClient({ baseUrl: tenant.helpdesk.baseUrl, email: tenant.helpdesk.email, apiToken, ...(options.fetch ? { fetch: options.fetch } : {}) });
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

/**
 * Assembles the refresh dependencies: the refresh queue in the table, and each tenant's score
 * provider (helpdesk-metrics through the tenant's helpdesk, or its scoring service) with its
 * circuit breaker and rate limiter, built once per process.
 *
 * @example const deps = wireRefreshDeps({ tenants, documentClient, tableName, secrets, telemetry })
 */
export function wireRefreshDeps(wiring: RefreshWiring): RefreshScoresDeps {
  const clock = wiring.clock ?? systemClock;
  const { logger } = wiring.telemetry;
  const scoringFor = tenantScoring({
    tenant: (id) => wiring.tenants.get(id),
    secrets: wiring.secrets,
    helpdeskFor: helpdeskClients(wiring.tenants, wiring.secrets, {
      ...(wiring.clientTtlMs !== undefined ? { ttlMs: wiring.clientTtlMs } : {}),
      ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
    }),
    clock,
    ...(wiring.sleep ? { sleep: wiring.sleep } : {}),
    ...(wiring.random ? { random: wiring.random } : {}),
    ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
    ...(wiring.backoff ? { backoff: wiring.backoff } : {}),
    onBreakerChange: (tenant, from, to) => logger.warn('score provider circuit breaker changed state', { tenant, from, to }),
  });
  return {
    tenants: () => wiring.tenants.all().map((tenant) => ({ id: tenant.id, policy: tenant.policy })),
    scoringFor,
    store: new DynamoScoreRefreshStore(wiring.documentClient, wiring.tableName, {
      onCorruptItem: (error) => logger.error('skipped a due profile that fails validation', { key: error.key, error: error.message }),
      ...wiring.store,
    }),
    clock,
    logger: {
      info: (message, details) => logger.info(message, details ?? {}),
      warn: (message, details) => logger.warn(message, details ?? {}),
    },
    telemetry: wiring.telemetry,
  };
}
