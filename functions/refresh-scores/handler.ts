import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { readEnv } from '../../shared/adapters/config/env.js';
import { loadTenantsFile } from '../../shared/adapters/config/tenant-directory.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createRefreshScoresHandler } from './chain.js';
import { wireRefreshDeps } from './wiring.js';

const env = readEnv(
  z.object({
    TABLE_NAME: z.string().min(1),
    TENANTS_FILE: z.string().min(1).default('tenants.json'),
  }),
);
const telemetry = createTelemetry('refresh-scores');
const tenants = loadTenantsFile(fileURLToPath(new URL(env.TENANTS_FILE, import.meta.url)), 'deployed');

/** Lambda entry point: the scheduled refresh of due influence scores. */
export const handler = createRefreshScoresHandler(
  wireRefreshDeps({
    tenants,
    documentClient: createDocumentClient(),
    tableName: env.TABLE_NAME,
    secrets: new RefSecretResolver({ fetchSecret: secretsManagerFetcher(), logger: telemetry.logger }),
    telemetry,
  }),
);
