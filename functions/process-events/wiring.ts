import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import type { TenantSource } from '../../shared/adapters/config/tenant-cache.js';
import type { ServiceAddresses } from '../../shared/adapters/http/checked-request.js';
import { withWriteTiming } from '../../shared/adapters/per-tenant/timed-helpdesk.js';
import { helpdeskClients } from '../../shared/adapters/per-tenant/helpdesk-clients.js';
import { helpdeskPaces } from '../../shared/adapters/resilience/helpdesk-pace.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { HmacHoldoutDraw } from '../../shared/adapters/identity/hmac-holdout-draw.js';
import { recordPaceWait, recordWriteBack } from '../../shared/adapters/observability/event-timing.js';
import type { Telemetry } from '../../shared/adapters/observability/telemetry.js';
import type { RetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import type { SecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { DynamoDecisionLog } from '../../shared/adapters/store/decision-log.js';
import { DynamoScoreRefreshStore } from '../../shared/adapters/store/score-refresh-store.js';
import { DynamoSurveyAnswerIndex } from '../../shared/adapters/store/survey-index.js';
import { DynamoTicketContext } from '../../shared/adapters/store/ticket-context.js';
import { tenantScoring } from '../../shared/adapters/per-tenant/tenant-scoring.js';
import { customerMerger } from '../../shared/use-cases/privacy/merge-customers.js';
import type { Clock, HelpdeskClient } from '../../shared/domain/ports.js';
import type { RetryPolicy } from '../../shared/domain/retry.js';
import type { ProcessEventsDeps } from './chain.js';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';

/** What the process-events function is assembled from, in AWS and in local mode alike. */
export interface ProcessWiring {
  /** The tenants, read through the per-container cache: unknown and disabled ones are absent. */
  tenants: TenantSource;
  documentClient: DocumentClient;
  tableName: string;
  secrets: SecretResolver;
  identityKey: string;
  retry: RetryScheduler;
  telemetry: Telemetry;
  clock?: Clock;
  maxReceiveCount?: number;
  retryPolicy?: RetryPolicy;
  /** How long a helpdesk client (and so its API token) is reused before the secret is read again. */
  clientTtlMs?: number;
  fetch?: typeof fetch;
  /**
   * Where URLs the operator chose (a generic helpdesk's decisionsUrl, a scoring service) may
   * connect: public addresses only unless told otherwise, as deployed; `'any'` in local mode.
   */
  serviceAddresses?: ServiceAddresses;
  /** Local mode only: outside host names (Mastodon servers, Bluesky handle domains) the sandbox serves on loopback. */
  outsideHosts?: () => Readonly<Record<string, string>>;
  /** Each helpdesk request's timeout (default 8 s); load runs shorten it so slow answers cost seconds, not minutes. */
  helpdeskTimeoutMs?: number;
  /**
   * Shrinks every helpdesk wait (a Retry-After, the pace, the pause after failures) as a local
   * queue's `timeScale` shrinks its delays, so a time-scaled run keeps both in step (default 1).
   */
  helpdeskWaitScale?: number;
}

/** A clock that runs `1 / scale` times as fast as `base`, from now on. */
function scaledClock(base: Clock, scale: number): Clock {
  const start = base.now().getTime();
  return { now: () => new Date(start + (base.now().getTime() - start) / scale) };
}

/**
 * Assembles the process-events dependencies: the DynamoDB store, decision log and survey answer
 * index, per-tenant
 * helpdesk clients (credentials resolved from the tenant's secret references and cached),
 * keyed identity hashing, customer merging and each tenant's score provider for the ticket path.
 *
 * @example const deps = wireProcessDeps({ tenants, documentClient, tableName, ... })
 */
export function wireProcessDeps(wiring: ProcessWiring): ProcessEventsDeps {
  const hasherFor = hmacIdentityHashers(wiring.identityKey);
  const clock = wiring.clock ?? systemClock;
  // Every helpdesk call of a tenant goes through its pace: the tenant's share of the helpdesk's
  // own rate limit, read from its answers, so it holds whatever number of processors run.
  const scale = wiring.helpdeskWaitScale ?? 1;
  const paceFor = helpdeskPaces({
    clock: scale === 1 ? clock : scaledClock(clock, scale),
    // Short waits are slept through and reported on the event's line; longer ones hand the event back.
    sleep: async (ms) => {
      recordPaceWait(ms);
      await new Promise((resolve) => setTimeout(resolve, ms * scale));
    },
  });
  const clients = helpdeskClients(wiring.tenants, wiring.secrets, {
    ...(wiring.clientTtlMs !== undefined ? { ttlMs: wiring.clientTtlMs } : {}),
    ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
    ...(wiring.helpdeskTimeoutMs !== undefined ? { timeoutMs: wiring.helpdeskTimeoutMs } : {}),
    ...(wiring.serviceAddresses ? { serviceAddresses: wiring.serviceAddresses } : {}),
    paceFor,
  });
  const helpdeskFor = async (tenantId: string): Promise<HelpdeskClient> =>
    withWriteTiming(await clients(tenantId), {
      // Reported on the event's 'event processed' line, from which WriteBackLatencyMs is counted.
      onWrite: recordWriteBack,
    });

  const customers = new DynamoCustomerStore(wiring.documentClient, wiring.tableName, hasherFor);
  const scoringFor = tenantScoring({
    tenant: (id) => wiring.tenants.get(id),
    secrets: wiring.secrets,
    helpdeskFor,
    clock,
    ...(wiring.serviceAddresses ? { serviceAddresses: wiring.serviceAddresses } : {}),
    ...(wiring.outsideHosts ? { outsideHosts: wiring.outsideHosts } : {}),
  });
  return {
    tenant: async (id) => {
      const configured = await wiring.tenants.get(id);
      return configured && { ...configured.tenant, configVersion: configured.version };
    },
    helpdeskFor,
    customers,
    findOrMergeCustomer: customerMerger({ customers, clock }),
    scoreProviderFor: async (id) => (await scoringFor(id))?.provider,
    scoreRefresh: new DynamoScoreRefreshStore(wiring.documentClient, wiring.tableName),
    hasherFor,
    // The holdout's key is derived from the same per-deployment key: one secret to keep, no new one to rotate.
    holdoutDraw: new HmacHoldoutDraw(wiring.identityKey),
    decisions: new DynamoDecisionLog(wiring.documentClient, wiring.tableName),
    ticketContext: new DynamoTicketContext(customers),
    surveyAnswers: customers,
    answerIndex: new DynamoSurveyAnswerIndex(wiring.documentClient, wiring.tableName),
    clock,
    logger: { warn: (message, details) => wiring.telemetry.logger.warn(message, details ?? {}) },
    telemetry: wiring.telemetry,
    retry: wiring.retry,
    ...(wiring.retryPolicy ? { retryPolicy: wiring.retryPolicy } : {}),
    ...(wiring.maxReceiveCount !== undefined ? { maxReceiveCount: wiring.maxReceiveCount } : {}),
  };
}
