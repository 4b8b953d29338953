import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { readEnv } from '../../shared/adapters/config/env.js';
import { loadTenantsFile } from '../../shared/adapters/config/tenant-directory.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { SqsRetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { createDocumentClient, createDynamoDbClient } from '../../shared/adapters/store/dynamo-client.js';
import { createProcessEventsHandler } from './chain.js';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS, wireProcessDeps } from './wiring.js';

const env = readEnv(
  z.object({
    TABLE_NAME: z.string().min(1),
    QUEUE_URL: z.url(),
    DEAD_LETTER_QUEUE_URL: z.url(),
    TENANTS_FILE: z.string().min(1).default('tenants.json'),
    IDENTITY_KEY_SECRET_ID: z.string().min(1),
    IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(86_400).default(DEFAULT_IDEMPOTENCY_TTL_SECONDS),
    MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).optional(),
  }),
);
const telemetry = createTelemetry('process-events');
const tenants = loadTenantsFile(fileURLToPath(new URL(env.TENANTS_FILE, import.meta.url)), 'deployed');
const secrets = new RefSecretResolver({ fetchSecret: secretsManagerFetcher() });
const identityKey = await secrets.resolve({ secretId: env.IDENTITY_KEY_SECRET_ID });
const dynamoClient = createDynamoDbClient();

/** Lambda entry point: SQS batches of normalised events, with partial batch failures. */
export const handler = createProcessEventsHandler(
  wireProcessDeps({
    tenants,
    dynamoClient,
    documentClient: createDocumentClient({ client: dynamoClient }),
    tableName: env.TABLE_NAME,
    secrets,
    identityKey,
    retry: new SqsRetryScheduler(new SQSClient({}), env.QUEUE_URL, env.DEAD_LETTER_QUEUE_URL),
    telemetry,
    idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
    ...(env.MAX_RECEIVE_COUNT !== undefined ? { maxReceiveCount: env.MAX_RECEIVE_COUNT } : {}),
  }),
);
