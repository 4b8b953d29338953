import type { TenantDirectory } from '../../shared/adapters/config/tenant-directory.js';
import { zendeskInbound } from '../../shared/adapters/helpdesks/zendesk/inbound.js';
import type { Telemetry } from '../../shared/adapters/observability/telemetry.js';
import type { SecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import type { Clock, EventQueue } from '../../shared/domain/ports.js';
import type { IngestHandlerDeps } from './chain.js';

/** What the ingest function is assembled from, in AWS and in local mode alike. */
export interface IngestWiring {
  tenants: TenantDirectory;
  secrets: SecretResolver;
  queue: EventQueue;
  telemetry: Telemetry;
  maxBodyBytes: number;
  clock?: Clock;
}

/** 256 KiB: SQS's classic message limit, far above any ticket webhook. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * Assembles the ingest dependencies: a tenant's source is known only if the tenants file
 * configures it, and its signing secrets (several during rotation) come from the tenant's
 * secret references.
 *
 * @example const deps = wireIngestDeps({ tenants, secrets, queue, telemetry, maxBodyBytes: 262144 })
 */
export function wireIngestDeps(wiring: IngestWiring): IngestHandlerDeps {
  return {
    sourceFor(tenantId, source) {
      const tenant = wiring.tenants.get(tenantId);
      const zendesk = tenant?.sources.zendesk;
      if (source !== 'zendesk' || !zendesk) return undefined;
      return {
        adapter: zendeskInbound,
        secrets: () => Promise.all(zendesk.signingSecrets.map((ref) => wiring.secrets.resolve(ref))),
      };
    },
    queue: wiring.queue,
    maxBodyBytes: wiring.maxBodyBytes,
    telemetry: wiring.telemetry,
    clock: wiring.clock ?? { now: () => new Date() },
  };
}
