import * as z from 'zod';
import { AwsJsonClient, SQS } from '../../shared/adapters/aws/aws-json-client.js';
import { readEnv } from '../../shared/adapters/config/env.js';
import { CachedTenants } from '../../shared/adapters/config/tenant-cache.js';
import { createLogger } from '../../shared/adapters/observability/logger.js';
import { SqsEventQueue } from '../../shared/adapters/queue/sqs-event-queue.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { createIngestHandler } from './chain.js';
import { DEFAULT_MAX_BODY_BYTES, wireIngestDeps } from './wiring.js';

const env = readEnv(
  z.object({
    QUEUE_URL: z.url(),
    TABLE_NAME: z.string().min(1),
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
  }),
);

const logger = createLogger('ingest-webhook');

/** Lambda entry point: `POST /webhooks/{tenant}/{source}` behind the HTTP API. */
export const handler = createIngestHandler(
  wireIngestDeps({
    // A tenant is one GetItem when first seen, then a minute in the container's cache.
    tenants: new CachedTenants(new DynamoTenantStore(createDocumentClient(), env.TABLE_NAME), { mode: 'deployed' }),
    secrets: new RefSecretResolver({ fetchSecret: secretsManagerFetcher(), logger }),
    queue: new SqsEventQueue(new AwsJsonClient(SQS), env.QUEUE_URL),
    logger,
    maxBodyBytes: env.MAX_BODY_BYTES,
  }),
);
