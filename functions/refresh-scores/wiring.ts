import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import type { TenantSource } from '../../shared/adapters/config/tenant-cache.js';
import type { Tenant } from '../../shared/adapters/config/tenants.js';
import type { ServiceAddresses } from '../../shared/adapters/http/checked-request.js';
import { helpdeskClients } from '../../shared/adapters/per-tenant/helpdesk-clients.js';
import { helpdeskPaces } from '../../shared/adapters/resilience/helpdesk-pace.js';
import type { HttpBackoff } from '../../shared/adapters/influence/http-provider.js';
import type { Sleep } from '../../shared/adapters/resilience/rate-limiter.js';
import { tenantScoring } from '../../shared/adapters/per-tenant/tenant-scoring.js';
import type { Telemetry } from '../../shared/adapters/observability/telemetry.js';
import type { SecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { DynamoScoreRefreshStore, type ScoreRefreshStoreOptions } from '../../shared/adapters/store/score-refresh-store.js';
import type { Clock } from '../../shared/domain/ports.js';
import type { RefreshScoresDeps } from './chain.js';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';

/** What the refresh-scores function is assembled from, in AWS and in local mode alike. */
export interface RefreshWiring {
  /** One tenant, through the per-container cache. */
  tenants: TenantSource;
  /** Every enabled tenant, read afresh at each run (the store's tenants index, page by page). */
  allTenants: () => Promise<Tenant[]>;
  documentClient: DocumentClient;
  tableName: string;
  secrets: SecretResolver;
  telemetry: Telemetry;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  fetch?: typeof fetch;
  /**
   * Where URLs the operator chose (a scoring service) may connect: public addresses only unless
   * told otherwise, as deployed; `'any'` in local mode.
   */
  serviceAddresses?: ServiceAddresses;
  /** Local mode only: outside host names (Mastodon servers, Bluesky handle domains) the sandbox serves on loopback. */
  outsideHosts?: () => Readonly<Record<string, string>>;
  backoff?: Partial<HttpBackoff>;
  store?: ScoreRefreshStoreOptions;
  /** How long a helpdesk client (and so its API token) is reused before the secret is read again. */
  clientTtlMs?: number;
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
      ...(wiring.serviceAddresses ? { serviceAddresses: wiring.serviceAddresses } : {}),
      ...(wiring.outsideHosts ? { outsideHosts: wiring.outsideHosts } : {}),
      // The refresh spends the same helpdesk budget as the processor, so it keeps to the same share.
      paceFor: helpdeskPaces({ clock, ...(wiring.sleep ? { sleep: wiring.sleep } : {}) }),
    }),
    clock,
    ...(wiring.sleep ? { sleep: wiring.sleep } : {}),
    ...(wiring.random ? { random: wiring.random } : {}),
    ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
    ...(wiring.serviceAddresses ? { serviceAddresses: wiring.serviceAddresses } : {}),
    ...(wiring.backoff ? { backoff: wiring.backoff } : {}),
    ...(wiring.outsideHosts ? { outsideHosts: wiring.outsideHosts } : {}),
    onBreakerChange: (tenant, from, to) => logger.warn('score provider circuit breaker changed state', { tenant, from, to }),
  });
  return {
    tenants: async () => (await wiring.allTenants()).map((tenant) => ({ id: tenant.id, policy: tenant.policy })),
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
