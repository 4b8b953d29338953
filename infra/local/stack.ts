import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest-webhook/chain.js';
import { wireIngestDeps, DEFAULT_MAX_BODY_BYTES } from '../../functions/ingest-webhook/wiring.js';
import { createProcessEventsHandler } from '../../functions/process-events/chain.js';
import { wireProcessDeps } from '../../functions/process-events/wiring.js';
import { wireRefreshDeps } from '../../functions/refresh-scores/wiring.js';
import { loadTenantsFile, TenantDirectory } from '../../shared/adapters/config/tenant-directory.js';
import { parseTenantsFile, type TenantInput } from '../../shared/adapters/config/tenants.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { DynamoDecisionLog } from '../../shared/adapters/store/decision-log.js';
import { createDocumentClient, createDynamoDbClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';
import type { Identity } from '../../shared/domain/customer.js';
import type { PolicyInput } from '../../shared/domain/policy.js';
import type { DecisionLog } from '../../shared/domain/ports.js';
import type { RetryPolicy } from '../../shared/domain/retry.js';
import { computeReachScore, toInfluenceScore } from '../../shared/domain/score-model.js';
import { refreshDueScores, type RefreshDueScoresInput, type RefreshDueScoresResult } from '../../shared/use-cases/refresh-due-scores.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { InProcessQueue, type InProcessQueueOptions } from './in-process-queue.js';
import { localContext } from './lambda-shapes.js';
import { type SandboxZendesk, startSandboxZendesk } from './sandbox-zendesk.js';
import { startLocalServer } from './server.js';
import { signedTicketCreated } from './zendesk-deliveries.js';

/** Local-only credentials of the demo tenant and the sandbox helpdesk. Never use them anywhere else. */
export const DEMO = {
  tenant: 'demo',
  agentEmail: 'agent@demo.example',
  apiToken: 'demo-api-token',
  signingSecret: 'demo-signing-secret-local-only',
  identityKey: 'local-development-identity-key-not-for-production',
} as const;

/**
 * The sandbox user fields the demo tenant scores from (helpdesk-metrics): give a sandbox user
 * these `user_fields` and their first ticket is scored inline with the Reach model.
 */
export const DEMO_USER_FIELDS = {
  followers: 'social_followers',
  following: 'social_following',
  engagementPerPost: 'social_engagement_per_post',
  accountAgeDays: 'social_account_age_days',
  postCount: 'social_post_count',
  verification: 'social_verification',
} as const;

/** How to run the local stack; everything has a default. */
export interface LocalStackOptions {
  /** Local server port; 0 picks a free one. */
  port?: number;
  /** Sandbox helpdesk port; 0 picks a free one. */
  sandboxPort?: number;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local. */
  dynamoEndpoint?: string;
  /** Port for the DynamoDB Local this starts (a free one by default). */
  dynamoPort?: number;
  /** A tenants file (local mode rules) instead of the built-in demo tenant. */
  tenantsFile?: string;
  /** Policy for the demo tenant. */
  demoPolicy?: PolicyInput;
  tableName?: string;
  identityKey?: string;
  /** Seed the sandbox and the table with the demo customers and tickets. */
  seedDemo?: boolean;
  /** Send a signed ticket.created webhook to the local server whenever the sandbox creates a ticket. */
  autoWebhooks?: boolean;
  queue?: Partial<InProcessQueueOptions>;
  retryPolicy?: RetryPolicy;
}

/** A running local stack. */
export interface LocalStack {
  url: string;
  sandbox: SandboxZendesk;
  queue: InProcessQueue;
  decisions: DecisionLog;
  tenants: TenantDirectory;
  tableName: string;
  dynamoEndpoint: string;
  ingest(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
  /** One run of the scheduled score refresh, with the same wiring as the refresh-scores function. */
  refreshScores(input?: RefreshDueScoresInput): Promise<RefreshDueScoresResult>;
  close(): Promise<void>;
}

/**
 * The built-in demo tenant, on the sandbox helpdesk at `baseUrl`, scored from its users' fields.
 *
 * @example parseTenantsFile({ tenants: [demoTenant('http://127.0.0.1:3001', undefined)] }, 'local')
 */
export function demoTenant(baseUrl: string, policy: PolicyInput | undefined): TenantInput {
  return {
    id: DEMO.tenant,
    name: 'Demo company (local only)',
    helpdesk: {
      kind: 'zendesk',
      baseUrl,
      email: DEMO.agentEmail,
      apiToken: { value: DEMO.apiToken },
      userFields: { ...DEMO_USER_FIELDS },
      // The sandbox has no account-wide limit (only Zendesk's per-ticket one): don't pace the demo.
      writesPerMinute: 600,
    },
    sources: { zendesk: { signingSecrets: [{ value: DEMO.signingSecret }] } },
    scoring: { provider: 'helpdesk-metrics' },
    ...(policy ? { policy } : {}),
  };
}

/**
 * Starts everything `npm start` runs, in one process and with no AWS account: DynamoDB Local
 * (or a given endpoint), the sandbox Zendesk, the in-process queue with SQS retry and
 * dead-letter semantics, and the local server in front of the same handlers Lambda runs.
 *
 * @example const stack = await startLocalStack({ port: 3000, seedDemo: true })
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let db: DynamoDbLocal | undefined;
    const dynamoEndpoint =
      options.dynamoEndpoint ?? (db = await startDynamoDbLocal(options.dynamoPort ? { port: options.dynamoPort } : {})).endpoint;
    if (db) cleanups.push(db.stop);

    const sandbox = await startSandboxZendesk({ port: options.sandboxPort ?? 0, email: DEMO.agentEmail, apiToken: DEMO.apiToken });
    cleanups.push(sandbox.close);

    const tenants = options.tenantsFile
      ? loadTenantsFile(options.tenantsFile, 'local')
      : new TenantDirectory(parseTenantsFile({ tenants: [demoTenant(sandbox.baseUrl, options.demoPolicy)] }, 'local', 'demo tenant'));

    const tableName = options.tableName ?? 'influence-router-local';
    const dynamoClient = createDynamoDbClient({ endpoint: dynamoEndpoint });
    const documentClient = createDocumentClient({ client: dynamoClient });
    await createTable(dynamoClient, tableName);

    const queue = new InProcessQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 60_000, batchSize: 10, ...options.queue });
    const maxReceiveCount = options.queue?.maxReceiveCount ?? 5;
    const secrets = new RefSecretResolver();
    const identityKey = options.identityKey ?? DEMO.identityKey;

    const ingest = createIngestHandler(
      wireIngestDeps({ tenants, secrets, queue, telemetry: createTelemetry('ingest-webhook'), maxBodyBytes: DEFAULT_MAX_BODY_BYTES }),
    );
    const processDeps = wireProcessDeps({
      tenants,
      dynamoClient,
      documentClient,
      tableName,
      secrets,
      identityKey,
      retry: queue,
      maxReceiveCount,
      telemetry: createTelemetry('process-events'),
      ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    });
    const processEvents = createProcessEventsHandler(processDeps);
    const refreshDeps = wireRefreshDeps({ tenants, documentClient, tableName, secrets, telemetry: createTelemetry('refresh-scores') });
    queue.start((event: SQSEvent) => processEvents(event, localContext('process-events')) as Promise<SQSBatchResponse>);
    cleanups.push(async () => queue.stop());

    const decisions = new DynamoDecisionLog(documentClient, tableName);
    const server = await startLocalServer({ port: options.port ?? 0, ingest, queue, decisions });
    cleanups.push(server.close);

    if (options.seedDemo) {
      await seedDemo(sandbox, new DynamoCustomerStore(documentClient, tableName, hmacIdentityHashers(identityKey)));
    }
    if (options.autoWebhooks) {
      sandbox.onTicketCreated((ticket) => {
        const delivery = signedTicketCreated({ ticket, secret: DEMO.signingSecret });
        void fetch(`${server.url}/webhooks/${DEMO.tenant}/zendesk`, { method: 'POST', headers: delivery.headers, body: delivery.body }).catch(
          (error: unknown) => console.error('sandbox webhook failed', error instanceof Error ? error.message : error),
        );
      });
    }

    return {
      url: server.url,
      sandbox,
      queue,
      decisions,
      tenants,
      tableName,
      dynamoEndpoint,
      ingest,
      refreshScores: (input = {}) => refreshDueScores(input, refreshDeps),
      close: async () => {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    throw error;
  }
}

/**
 * The demo data: three customers and one ticket each. Ada has a Reach score (high tier), Grace
 * has none (baseline), Alan has a top score but opted out (baseline, and the note says why).
 */
async function seedDemo(sandbox: SandboxZendesk, store: DynamoCustomerStore): Promise<void> {
  const now = new Date();
  const ada = sandbox.createUser({
    id: 1001,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    external_id: null,
    user_fields: {},
    identities: [{ type: 'twitter', value: 'ada_codes' }],
  });
  const grace = sandbox.createUser({ id: 1002, name: 'Grace Hopper', email: 'grace@example.com', external_id: null, user_fields: {}, identities: [] });
  const alan = sandbox.createUser({ id: 1003, name: 'Alan Turing', email: 'alan@example.com', external_id: null, user_fields: {}, identities: [] });

  const reach = (followers: number, following: number, engagementPerPost: number) =>
    toInfluenceScore(
      computeReachScore({ followers, following, engagementPerPost, accountAgeDays: 2900, postCount: 4200, verification: 'paid' }),
      { source: 'import', scoredAt: now, refreshAfterDays: 7 },
    );
  const save = async (email: string, extra: { score?: ReturnType<typeof reach>; optedOut?: boolean }) => {
    const identity: Identity = { kind: 'email', value: email };
    const key = hmacIdentityHashers(DEMO.identityKey)(DEMO.tenant).hash(identity);
    await store.saveCustomer(
      {
        tenant: DEMO.tenant,
        customerKey: key,
        identities: { helpdeskUserIds: [], emailHashes: [key], handles: [] },
        optedOut: extra.optedOut ?? false,
        ...(extra.optedOut ? { optedOutAt: now.toISOString() } : {}),
        ...(extra.score ? { score: extra.score } : {}),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      [identity],
    );
  };
  await save('ada@example.com', { score: reach(48_000, 1_100, 350) });
  await save('alan@example.com', { score: reach(1_200_000, 500, 9_000), optedOut: true });

  sandbox.createTicket({ subject: 'Printer on fire', description: 'Smoke is coming out of the printer.', requesterId: ada.id, priority: 'normal', tags: ['printer'] });
  sandbox.createTicket({ subject: 'Cannot log in', description: 'Password reset mail never arrives.', requesterId: grace.id, priority: 'normal', tags: ['login'] });
  sandbox.createTicket({ subject: 'Invoice question', description: 'Why was I charged twice?', requesterId: alan.id, priority: 'low', tags: ['billing'] });
}
