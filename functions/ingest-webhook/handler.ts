import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { AwsJsonClient, SQS } from '../../shared/adapters/aws/aws-json-client.js';
import { readEnv } from '../../shared/adapters/config/env.js';
import { loadTenantsFile } from '../../shared/adapters/config/tenant-directory.js';
import { createLogger } from '../../shared/adapters/observability/logger.js';
import { SqsEventQueue } from '../../shared/adapters/queue/sqs-event-queue.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { createIngestHandler } from './chain.js';
import { DEFAULT_MAX_BODY_BYTES, wireIngestDeps } from './wiring.js';

const env = readEnv(
  z.object({
    QUEUE_URL: z.url(),
    TENANTS_FILE: z.string().min(1).default('tenants.json'),
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
  }),
);

const logger = createLogger('ingest-webhook');

/** Lambda entry point: `POST /webhooks/{tenant}/{source}` behind the HTTP API. */
export const handler = createIngestHandler(
  wireIngestDeps({
    tenants: loadTenantsFile(fileURLToPath(new URL(env.TENANTS_FILE, import.meta.url)), 'deployed'),
    secrets: new RefSecretResolver({ fetchSecret: secretsManagerFetcher(), logger }),
    queue: new SqsEventQueue(new AwsJsonClient(SQS), env.QUEUE_URL),
    logger,
    maxBodyBytes: env.MAX_BODY_BYTES,
  }),
);
