import type { TenantSource } from '../../shared/adapters/config/tenant-cache.js';
import type { SecretRef } from '../../shared/adapters/plugin/secret-ref.js';
import { bindSource } from '../../shared/adapters/config/tenants.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import type { Logger } from '../../shared/adapters/observability/logger.js';
import type { SecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import type { Clock, EventQueue } from '../../shared/domain/ports.js';
import type { IngestHandlerDeps } from './chain.js';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';

/** What the ingest function is assembled from, in AWS and in local mode alike. */
export interface IngestWiring {
  /** The tenants, read through the per-container cache: unknown and disabled ones are absent. */
  tenants: TenantSource;
  secrets: SecretResolver;
  queue: EventQueue;
  logger: Logger;
  maxBodyBytes: number;
  clock?: Clock;
}

/**
 * The signing secrets that can be read. During rotation a retired secret may already be gone
 * from the store: the others still verify. The resolver says so in the log once a minute (by
 * reference, never value) and meanwhile answers that failure without asking the store, since
 * this runs for every request, signed or not. Only when none can be read does the request fail
 * (a 500 the sender retries).
 */
async function resolveAvailable(refs: readonly SecretRef[], wiring: IngestWiring): Promise<string[]> {
  const results = await Promise.allSettled(refs.map((ref) => wiring.secrets.resolve(ref)));
  const values: string[] = [];
  for (const result of results) if (result.status === 'fulfilled') values.push(result.value);
  if (values.length === 0 && refs.length > 0) {
    throw new ConfigurationError('None of the signing secrets of this source could be read');
  }
  return values;
}

/** 256 KiB: SQS's classic message limit, far above any ticket webhook. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * Assembles the ingest dependencies: a tenant's source is known only if the tenant's stored,
 * enabled configuration names it (its adapter comes from the registry), and its verification secrets (several
 * during rotation) come from the tenant's secret references.
 *
 * @example const deps = wireIngestDeps({ tenants, secrets, queue, logger, maxBodyBytes: 262144 })
 */
export function wireIngestDeps(wiring: IngestWiring): IngestHandlerDeps {
  return {
    async sourceFor(tenantId, source) {
      const configured = await wiring.tenants.get(tenantId);
      const bound = configured ? bindSource(configured.tenant, source) : undefined;
      if (!bound) return undefined;
      return { adapter: bound.adapter, secrets: () => resolveAvailable(bound.verificationSecrets, wiring) };
    },
    queue: wiring.queue,
    maxBodyBytes: wiring.maxBodyBytes,
    logger: wiring.logger,
    clock: wiring.clock ?? systemClock,
  };
}
