import * as z from 'zod';
import { readEnv } from '../../shared/adapters/config/env.js';
import { CachedTenants, enabledTenants } from '../../shared/adapters/config/tenant-cache.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { createRefreshScoresHandler } from './chain.js';
import { wireRefreshDeps } from './wiring.js';

const env = readEnv(
  z.object({
    TABLE_NAME: z.string().min(1),
  }),
);
const telemetry = createTelemetry('refresh-scores');
const documentClient = createDocumentClient();
const store = new DynamoTenantStore(documentClient, env.TABLE_NAME);

/** Lambda entry point: the scheduled refresh of due influence scores. */
export const handler = createRefreshScoresHandler(
  wireRefreshDeps({
    tenants: new CachedTenants(store, { mode: 'deployed' }),
    allTenants: () =>
      enabledTenants(store, 'deployed', (error, tenant) =>
        telemetry.logger.error('skipped a tenant whose stored configuration fails validation', {
          tenant,
          error: error instanceof Error ? error.message : String(error),
        }),
      ),
    documentClient,
    tableName: env.TABLE_NAME,
    secrets: new RefSecretResolver({ fetchSecret: secretsManagerFetcher(), logger: telemetry.logger }),
    telemetry,
  }),
);
