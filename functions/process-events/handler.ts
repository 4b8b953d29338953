import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { AwsJsonClient, SQS } from '../../shared/adapters/aws/aws-json-client.js';
import { readEnv } from '../../shared/adapters/config/env.js';
import { CachedTenants } from '../../shared/adapters/config/tenant-cache.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { SqsRetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { createProcessEventsHandler } from './chain.js';
import { wireProcessDeps } from './wiring.js';

const env = readEnv(
  z.object({
    TABLE_NAME: z.string().min(1),
    QUEUE_URL: z.url(),
    DEAD_LETTER_QUEUE_URL: z.url(),
    IDENTITY_KEY_SECRET_ID: z.string().min(1),
    MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).optional(),
  }),
);
const telemetry = createTelemetry('process-events');
const secrets = new RefSecretResolver({ fetchSecret: secretsManagerFetcher(), logger: telemetry.logger });
const documentClient = createDocumentClient();
const tenants = new CachedTenants(new DynamoTenantStore(documentClient, env.TABLE_NAME), { mode: 'deployed' });
const retry = new SqsRetryScheduler(new AwsJsonClient(SQS), env.QUEUE_URL, env.DEAD_LETTER_QUEUE_URL);

/**
 * The handler, once the identity key is read: at the first batch rather than at import, so a
 * Secrets Manager hiccup fails that batch (retried by the queue like any failure) instead of the
 * function's start, and the first call's HTTPS set-up overlaps nothing else. Read once per process.
 */
let ready: Promise<ReturnType<typeof createProcessEventsHandler>> | undefined;
const build = async () =>
  createProcessEventsHandler(
    wireProcessDeps({
      tenants,
      documentClient,
      tableName: env.TABLE_NAME,
      secrets,
      identityKey: await secrets.resolve({ secretId: env.IDENTITY_KEY_SECRET_ID }),
      retry,
      telemetry,
      ...(env.MAX_RECEIVE_COUNT !== undefined ? { maxReceiveCount: env.MAX_RECEIVE_COUNT } : {}),
    }),
  );

/** Lambda entry point: SQS batches of normalised events, with partial batch failures. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  ready ??= build().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event, context);
};
