import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest-webhook/chain.js';
import { wireIngestDeps, DEFAULT_MAX_BODY_BYTES } from '../../functions/ingest-webhook/wiring.js';
import { createProcessEventsHandler } from '../../functions/process-events/chain.js';
import { wireProcessDeps } from '../../functions/process-events/wiring.js';
import { wireRefreshDeps } from '../../functions/refresh-scores/wiring.js';
import { userInfo } from 'node:os';
import { CachedTenants, enabledTenants, type TenantSource } from '../../shared/adapters/config/tenant-cache.js';
import { importTenants } from '../../shared/adapters/config/tenant-changes.js';
import { readTenantsFile } from '../../shared/adapters/config/tenant-directory.js';
import { parseTenantsFile, secretUsesOf, type Tenant, type TenantInput } from '../../shared/adapters/config/tenants.js';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { DynamoDecisionLog } from '../../shared/adapters/store/decision-log.js';
import { DynamoSurveyAnswerIndex } from '../../shared/adapters/store/survey-index.js';
import type { AwsCallRecord } from '../../shared/adapters/aws/aws-json-client.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';
import type { Identity } from '../../shared/domain/customer.js';
import type { PolicyInput } from '../../shared/domain/policy.js';
import type { DecisionHistory, DecisionLog } from '../../shared/domain/ports.js';
import type { RetryPolicy } from '../../shared/domain/retry.js';
import { computeReachScore, type ReachInputs, toInfluenceScore } from '../../shared/domain/score-model.js';
import type { InfluenceScore } from '../../shared/domain/score.js';
import {
  refreshDueScores,
  type RefreshDueScoresInput,
  type RefreshDueScoresResult,
} from '../../shared/use-cases/scoring/refresh-due-scores.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { InProcessQueue, type InProcessQueueOptions, inProcessRuntime } from './in-process-queue.js';
import type { LocalQueue, LocalQueueMode, QueueRuntime } from './local-queue.js';
import { localContext } from './lambda-shapes.js';
import { DEMO_PEOPLE, KATHERINE_LAST_SCORED } from '../sandbox/demo-people.js';
import { DEMO, DEMOS, demoTenants, SHADOW_DEMO, startDemoSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { SandboxLimits } from '../sandbox/sandbox-demo.js';
import { seedNetworksDemo } from './seed-networks.js';
import { startLocalServer } from './server.js';
import { startSqsQueueRuntime } from './sqs-local-queue.js';
import { type LogFormat, localLogger } from './terminal-logger.js';

export { DEMO } from '../sandbox/index.js';
export { DEMO_METRIC_FIELDS as DEMO_USER_FIELDS } from '../sandbox/demo-people.js';

/** The deployed processor's timeout (infra/cdk/stacks/service-stack.ts), for local invocations. */
export const PROCESSOR_TIMEOUT_MS = 90_000;

/**
 * How long local mode's functions reuse a tenant read: a second, so a change made with
 * `npm run tenants` shows at the next webhook; deployed, the cache keeps a tenant a minute.
 */
export const LOCAL_TENANT_CACHE_TTL_MS = 1000;

/** How to run the local stack; everything has a default. */
export interface LocalStackOptions {
  /** Local server port; 0 picks a free one. */
  port?: number;
  /** Sandbox helpdesk port; 0 picks a free one. */
  sandboxPort?: number;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local. */
  dynamoEndpoint?: string;
  /** Told of every DynamoDB call, with its consumed capacity (asked for only when this is set), to count requests and units. */
  onDynamoCall?: (call: AwsCallRecord) => void;
  /** Port for the DynamoDB Local this starts (a free one by default). */
  dynamoPort?: number;
  /** Outside host names (Mastodon servers, Bluesky handle domains) served on loopback, for the open networks' providers (default: the sandbox's). */
  outsideHosts?: () => Readonly<Record<string, string>>;
  /** A tenants file (local mode rules) imported into the table instead of the built-in demo tenants. */
  tenantsFile?: string;
  /** How long the functions reuse a tenant read (default LOCAL_TENANT_CACHE_TTL_MS). */
  tenantCacheTtlMs?: number;
  /** Policy for the demo tenants. */
  demoPolicy?: PolicyInput;
  /** More tenants beside the demo ones (not with a tenants file), given the sandbox's URL: for tests of several tenants. */
  extraTenants?: (sandboxUrl: string) => TenantInput[];
  tableName?: string;
  identityKey?: string;
  /** Seed the sandbox and the table with the demo customers and tickets. */
  seedDemo?: boolean;
  /** Send each helpdesk's signed ticket-created webhook to the local server whenever the sandbox creates a ticket. */
  autoWebhooks?: boolean;
  /**
   * The queue: the in-process one (the default, with SQS's fair-queue ordering), or `sqs`: the
   * functions' own SQS adapters against the fauxqs emulator, started and stopped with the stack.
   */
  queueMode?: LocalQueueMode;
  /** The SQS emulator's port in `sqs` mode (a free one by default). */
  sqsPort?: number;
  /** The queue's settings; in `sqs` mode the timeScale must stay 1, as the emulator keeps real time. */
  queue?: Partial<InProcessQueueOptions>;
  retryPolicy?: RetryPolicy;
  /** Each helpdesk request's timeout in the processor (default 8 s, as deployed). */
  helpdeskTimeoutMs?: number;
  /** Each DynamoDB request's timeout (default 5 s, as deployed). */
  dynamoTimeoutMs?: number;
  /** The sandbox helpdesks' account limit and answer time, where a part models them (default: each part's own, no delay). */
  sandboxLimits?: SandboxLimits;
  /** How the functions' logs print: JSON lines as deployed (the default), or one readable line each. */
  logFormat?: LogFormat;
  /**
   * Told, in one line, the moment a part this started ends on its own (DynamoDB Local): the stack
   * cannot work on without it, so the caller stops it. The line is printed on stderr by default.
   */
  onPartEnded?: (line: string) => void;
}

/** A running local stack, with the in-process queue unless it was started in `sqs` mode. */
export interface LocalStack<Q extends LocalQueue = InProcessQueue> {
  url: string;
  /** The sandbox helpdesks, one part each, on one loopback port; `sandbox.part(plugin)` answers one's hooks. */
  sandbox: Sandbox;
  queue: Q;
  /** The SQS emulator's endpoint in `sqs` mode. */
  sqsEndpoint?: string;
  decisions: DecisionLog & DecisionHistory;
  /** The tenants as the functions read them: from the table, through the per-container cache. */
  tenants: TenantSource;
  /** The tenants' configurations in the table, with their versions. */
  tenantStore: DynamoTenantStore;
  /** Every enabled tenant in the table. */
  listTenants(): Promise<Tenant[]>;
  tableName: string;
  dynamoEndpoint: string;
  ingest(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
  /** One run of the scheduled score refresh, with the same wiring as the refresh-scores function. */
  refreshScores(input?: RefreshDueScoresInput): Promise<RefreshDueScoresResult>;
  /** Stops every part, the last started first; `stopped` hears each part's name once it has stopped. */
  close(stopped?: (part: string) => void): Promise<void>;
}

/**
 * Starts everything `npm start` runs, in one process and with no AWS account: DynamoDB Local
 * (or a given endpoint), the sandbox helpdesks, the queue (the in-process one with SQS retry and
 * dead-letter semantics, or, in `sqs` mode, the functions' SQS adapters on the fauxqs emulator),
 * and the local server in front of the same handlers Lambda runs.
 *
 * @example const stack = await startLocalStack({ port: 3000, seedDemo: true })
 */
export async function startLocalStack(options?: LocalStackOptions & { queueMode?: 'in-process' }): Promise<LocalStack>;
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack<LocalQueue>>;
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack<LocalQueue>> {
  // Each part with what to call it when it has stopped, for npm start to say so.
  const cleanups: { part: string; stop: () => Promise<void> }[] = [];
  const logFormat = options.logFormat ?? 'json';
  try {
    const sandbox = await startDemoSandbox({
      port: options.sandboxPort ?? 0,
      ...(options.sandboxLimits ? { limits: options.sandboxLimits } : {}),
    });
    cleanups.push({ part: `the sandbox helpdesks (${sandbox.baseUrl})`, stop: sandbox.close });

    // The tenants to seed the table with, as written: the demo tenants or the tenants file.
    const demo = [...demoTenants(sandbox.baseUrl, options.demoPolicy), ...(options.extraTenants?.(sandbox.baseUrl) ?? [])];
    const seed = options.tenantsFile
      ? readTenantsFile(options.tenantsFile, 'local')
      : { file: parseTenantsFile({ tenants: demo }, 'local', 'demo tenants'), written: demo };
    // A tenant's mistake (a secret's variable unset) stops start-up before DynamoDB starts.
    // A Secrets Manager reference cannot be read locally: the resolver says so once a minute.
    const secrets = new RefSecretResolver({ logger: localLogger('secrets', logFormat) });
    await checkSecretsReadable(seed.file.tenants, secrets);

    let db: DynamoDbLocal | undefined;
    const dynamoEndpoint =
      options.dynamoEndpoint ?? (db = await startDynamoDbLocal(options.dynamoPort ? { port: options.dynamoPort } : {})).endpoint;
    if (db) {
      const port = new URL(db.endpoint).port;
      cleanups.push({ part: `DynamoDB Local (port ${port}; its in-memory tables are gone)`, stop: db.stop });
      const told = options.onPartEnded ?? ((line: string) => console.error(line));
      void db.ended.then((end) => {
        if (!end.requested) told(`DynamoDB Local (port ${port}) stopped on its own (${end.how})`);
      });
    }

    const tableName = options.tableName ?? 'influence-router-local';
    const documentClient = createDocumentClient({
      endpoint: dynamoEndpoint,
      ...(options.onDynamoCall ? { onCall: options.onDynamoCall, returnConsumedCapacity: true } : {}),
      ...(options.dynamoTimeoutMs !== undefined ? { timeoutMs: options.dynamoTimeoutMs } : {}),
    });
    await createTable(documentClient, tableName).catch((error: unknown) => {
      throw new ConfigurationError(
        `DynamoDB at ${dynamoEndpoint} cannot be used (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}): start it, or unset DYNAMODB_ENDPOINT to use the embedded DynamoDB Local`,
        { cause: error },
      );
    });

    // The tenants live in the table, as deployed: seeded through the same store the tenants
    // command writes to, and read by the functions through the same cache.
    const tenantStore = new DynamoTenantStore(documentClient, tableName);
    await importTenants(
      tenantStore,
      'local',
      seed.written,
      {
        by: `${localUser()} (npm start)`,
        reason: options.tenantsFile ? `imported from ${options.tenantsFile} at start-up` : 'the demo tenants, seeded at start-up',
      },
      systemClock,
    );
    const tenants = new CachedTenants(tenantStore, { mode: 'local', ttlMs: options.tenantCacheTtlMs ?? LOCAL_TENANT_CACHE_TTL_MS });
    const listTenants = () =>
      enabledTenants(tenantStore, 'local', (error, tenant) =>
        console.error(
          `tenant ${tenant}: stored configuration fails validation (${error instanceof Error ? error.message : String(error)})`,
        ),
      );

    // Several batches at once, as the deployed event source runs them.
    const queueOptions = { maxReceiveCount: 5, visibilityTimeoutMs: 60_000, batchSize: 10, consumers: 4, ...options.queue };
    const runtime = await startQueue(options.queueMode ?? 'in-process', queueOptions, options.sqsPort);
    cleanups.push({
      part: runtime.endpoint
        ? `the queue consumers and the SQS emulator (${runtime.endpoint})`
        : 'the queue consumers and the in-process queue (held in memory only)',
      stop: runtime.close,
    });
    const { maxReceiveCount } = queueOptions;
    const identityKey = options.identityKey ?? DEMO.identityKey;

    // Names a handle gives (Mastodon servers, Bluesky handle domains) that the sandbox serves on loopback.
    const outsideHosts = options.outsideHosts ?? (() => sandbox.hosts);
    const ingest = createIngestHandler(
      wireIngestDeps({
        tenants,
        secrets,
        queue: runtime.events,
        logger: localLogger('ingest-webhook', logFormat),
        maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      }),
    );
    // One processor per consumer, wired apart as each concurrent Lambda instance is: its own
    // helpdesk paces, breakers and clients, so pacing is tested across processors as deployed.
    const processors: ReturnType<typeof createProcessEventsHandler>[] = [];
    const processorFor = (slot: number) =>
      (processors[slot] ??= createProcessEventsHandler(
        wireProcessDeps({
          tenants,
          documentClient,
          tableName,
          secrets,
          identityKey,
          retry: runtime.retry,
          maxReceiveCount,
          // Local mode: the sandbox and test servers listen on loopback.
          serviceAddresses: 'any',
          outsideHosts,
          telemetry: createTelemetry('process-events', localLogger('process-events', logFormat)),
          ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
          ...(options.helpdeskTimeoutMs !== undefined ? { helpdeskTimeoutMs: options.helpdeskTimeoutMs } : {}),
          ...(options.queue?.timeScale !== undefined ? { helpdeskWaitScale: options.queue.timeScale } : {}),
        }),
      ));
    const refreshDeps = wireRefreshDeps({
      tenants,
      allTenants: listTenants,
      documentClient,
      tableName,
      secrets,
      serviceAddresses: 'any',
      outsideHosts,
      telemetry: createTelemetry('refresh-scores', localLogger('refresh-scores', logFormat)),
    });
    // The deployed processor's timeout, so a batch runs out of time locally as it would in AWS.
    runtime.start(
      (event: SQSEvent, slot: number) =>
        processorFor(slot)(event, localContext('process-events', PROCESSOR_TIMEOUT_MS)) as Promise<SQSBatchResponse>,
    );

    const decisions = new DynamoDecisionLog(documentClient, tableName);
    const server = await startLocalServer({
      port: options.port ?? 0,
      ingest,
      queue: runtime.queue,
      decisions,
      answers: new DynamoSurveyAnswerIndex(documentClient, tableName),
      tenants: listTenants,
      tenantHistory: async (id) => (await tenantStore.history(id, { limit: 10 })).items,
    });
    cleanups.push({ part: `the local server (${server.url})`, stop: server.close });

    if (options.seedDemo) {
      await seedDemo(sandbox, new DynamoCustomerStore(documentClient, tableName, hmacIdentityHashers(identityKey)), identityKey);
      await seedNetworksDemo(documentClient, tableName, identityKey, new Date());
    }
    if (options.autoWebhooks) {
      for (const demo of DEMOS) {
        const target = `${server.url}/webhooks/${demo.tenantId}/${demo.source}`;
        demo.connect(sandbox, target, (delivery) => {
          void fetch(target, { method: 'POST', headers: delivery.headers, body: delivery.body }).catch((error: unknown) =>
            console.error(`sandbox webhook to ${target} failed`, error instanceof Error ? error.message : error),
          );
        });
      }
    }

    return {
      url: server.url,
      sandbox,
      queue: runtime.queue,
      ...(runtime.endpoint ? { sqsEndpoint: runtime.endpoint } : {}),
      decisions,
      tenants,
      tenantStore,
      listTenants,
      tableName,
      dynamoEndpoint,
      ingest,
      refreshScores: (input = {}) => refreshDueScores(input, refreshDeps),
      // Every part is stopped even if one fails to, so DynamoDB Local is never left running.
      close: async (stopped = () => {}) => {
        const failures: unknown[] = [];
        for (const { part, stop } of cleanups.reverse())
          await stop().then(
            () => stopped(part),
            (error: unknown) => failures.push(error),
          );
        if (failures.length > 0) throw new AggregateError(failures, `${failures.length} part(s) of the local stack failed to stop`);
      },
    };
  } catch (error) {
    for (const { stop } of cleanups.reverse()) await stop().catch(() => {});
    throw error;
  }
}

/** Who local mode's changes are made by: the user running it. */
function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'local user';
  }
}

/**
 * The queue local mode runs on. The in-process one takes the settings as they are; on the SQS
 * emulator, delays are SQS's whole seconds in real time, so a scaled clock cannot apply.
 */
async function startQueue(mode: LocalQueueMode, options: InProcessQueueOptions, sqsPort: number | undefined): Promise<QueueRuntime> {
  if (mode === 'in-process') return inProcessRuntime(new InProcessQueue(options));
  if ((options.timeScale ?? 1) !== 1)
    throw new ConfigurationError(`the SQS emulator keeps real time: timeScale ${options.timeScale} applies to the in-process queue only`);
  return startSqsQueueRuntime({
    ...(sqsPort !== undefined ? { port: sqsPort } : {}),
    maxReceiveCount: options.maxReceiveCount,
    visibilityTimeoutSeconds: Math.ceil(options.visibilityTimeoutMs / 1000),
    batchSize: options.batchSize,
    consumers: options.consumers ?? 1,
    onError: (message, error) =>
      console.error(`local SQS event source: ${message}${error instanceof Error ? ` (${error.name}: ${error.message})` : ''}`),
  });
}

/**
 * Reads every secret the tenants name, once, at start-up: a reference to an unset environment
 * variable stops the start with the field and the variable named, instead of failing the first
 * webhook that needs it.
 */
async function checkSecretsReadable(tenants: readonly Tenant[], secrets: RefSecretResolver): Promise<void> {
  const failures: string[] = [];
  for (const [index, tenant] of tenants.entries()) {
    for (const use of secretUsesOf(tenant)) {
      // Secrets Manager is not reachable in local mode: such a secret is read when it is used.
      if ('secretId' in use.ref) continue;
      await secrets.resolve(use.ref).catch((error: unknown) => {
        failures.push(
          `tenant ${tenant.id} (tenants.${index}.${use.path.join('.')}): ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
  }
  if (failures.length > 0) throw new ConfigurationError(`Tenants file: secrets that cannot be read: ${failures.join('; ')}`);
}

/**
 * The demo data, for every demo tenant (the shadow one: Ada and her ticket): the demo people and their tickets in its sandbox
 * helpdesk; in the table, Ada's Reach score (high tier), Alan's top score with his opt-out
 * (baseline, and the note says why), and, where the helpdesk holds requester fields, Katherine's
 * score from ten days ago (stale: due for the scheduled refresh). Grace has no score.
 */
async function seedDemo(sandbox: Sandbox, store: DynamoCustomerStore, identityKey: string): Promise<void> {
  const now = new Date();
  const tenDaysAgo = new Date(now.getTime() - 10 * 86_400_000);
  const reach = (inputs: Partial<ReachInputs> & Pick<ReachInputs, 'followers' | 'following' | 'engagementPerPost'>, scoredAt = now) =>
    toInfluenceScore(computeReachScore({ accountAgeDays: 2900, postCount: 4200, verification: 'paid', ...inputs }), {
      source: 'import',
      scoredAt,
      refreshAfterDays: 7,
    });
  const hashers = hmacIdentityHashers(identityKey);
  const save = async (tenant: string, email: string, extra: { score?: InfluenceScore; optedOut?: boolean; helpdeskUserId?: string }) => {
    const identities: Identity[] = [
      { kind: 'email', value: email },
      ...(extra.helpdeskUserId ? [{ kind: 'helpdesk-user' as const, value: extra.helpdeskUserId }] : []),
    ];
    const key = hashers(tenant).hash(identities[0] as Identity);
    await store.saveCustomer(
      {
        tenant,
        customerKey: key,
        identities: { helpdeskUserIds: extra.helpdeskUserId ? [extra.helpdeskUserId] : [], emailHashes: [key], handles: [] },
        optedOut: extra.optedOut ?? false,
        ...(extra.optedOut ? { optedOutAt: now.toISOString() } : {}),
        ...(extra.score ? { score: extra.score } : {}),
        createdAt: extra.score?.scoredAt ?? now.toISOString(),
        updatedAt: now.toISOString(),
      },
      identities,
    );
  };
  for (const demo of DEMOS) {
    const seeded = demo.seed(sandbox);
    await save(demo.tenantId, DEMO_PEOPLE.ada.email, { score: reach({ followers: 48_000, following: 1_100, engagementPerPost: 350 }) });
    await save(demo.tenantId, DEMO_PEOPLE.alan.email, {
      score: reach({ followers: 1_200_000, following: 500, engagementPerPost: 9_000 }),
      optedOut: true,
    });
    if (seeded.katherineUserId) {
      await save(demo.tenantId, DEMO_PEOPLE.katherine.email, {
        score: reach(KATHERINE_LAST_SCORED, tenDaysAgo),
        helpdeskUserId: `${demo.helpdesk}:${seeded.katherineUserId}`,
      });
    }
  }
  // The shadow tenant's Ada, scored as in the others, and her ticket there.
  SHADOW_DEMO.seed(sandbox);
  await save(SHADOW_DEMO.tenantId, DEMO_PEOPLE.ada.email, {
    score: reach({ followers: 48_000, following: 1_100, engagementPerPost: 350 }),
  });
}
