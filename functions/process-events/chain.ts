import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RateLimitedError } from '../../shared/domain/errors.js';
import { type HelpdeskEvent, HelpdeskEventSchema } from '../../shared/domain/events.js';
import { type RetryPolicy, retryDelaySeconds } from '../../shared/domain/retry.js';
import type { RetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import { METRIC, MetricUnit, type Telemetry } from '../../shared/adapters/observability/telemetry.js';
import { processTicketCreated, type ProcessOutcome, type ProcessTicketDeps } from '../../shared/use-cases/process-ticket-created.js';

/** Everything the process-events function needs, wired once per process. */
export interface ProcessEventsDeps extends ProcessTicketDeps {
  telemetry: Telemetry;
  retry: RetryScheduler;
  retryPolicy?: RetryPolicy;
  /** Where idempotency records live (the table, in DynamoDB). */
  idempotencyStore: BasePersistenceLayer;
  /** How long a delivery id is remembered: longer than the senders' retry horizon (days). */
  idempotencyTtlSeconds: number;
}

/** What a processed event is remembered as, so a duplicate delivery returns it unchanged. */
interface ProcessedSummary {
  status: ProcessOutcome['status'];
  decisionId: string;
  tier: string;
  uplift: number;
}

function summarise(outcome: ProcessOutcome): ProcessedSummary {
  const decision = outcome.status === 'duplicate' ? outcome.record.decision : outcome.decision;
  return { status: outcome.status, decisionId: outcome.record.decisionId, tier: decision.tier, uplift: decision.uplift };
}

/**
 * Builds the SQS handler: each record is parsed, processed once per delivery id (Powertools
 * idempotency), and reported as a partial batch failure when it fails. A failed record's next
 * delivery is delayed by exactly the helpdesk's Retry-After on a 429, else by exponential
 * backoff; after the queue's last attempt it moves to the dead-letter queue.
 *
 * @example export const handler = createProcessEventsHandler(deps)
 */
export function createProcessEventsHandler(deps: ProcessEventsDeps) {
  const { logger, metrics } = deps.telemetry;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[tenant, source, deliveryId]',
    expiresAfterSeconds: deps.idempotencyTtlSeconds,
    throwOnNoIdempotencyKey: true,
  });

  const processOnce = makeIdempotent(
    async (event: HelpdeskEvent): Promise<ProcessedSummary> => {
      const started = Date.now();
      const outcome = await processTicketCreated(event, deps);
      const summary = summarise(outcome);
      metrics.addMetric(METRIC.decisionLatencyMs, MetricUnit.Milliseconds, Date.now() - started);
      if (outcome.status !== 'duplicate') metrics.addMetric(METRIC.decisionsMade, MetricUnit.Count, 1);
      if (outcome.status === 'applied') {
        metrics.addMetric(METRIC.writeBacksApplied, MetricUnit.Count, 1);
        if (summary.uplift > 0) {
          const single = metrics.singleMetric();
          single.addDimension('tier', summary.tier);
          single.addMetric(METRIC.upliftApplied, MetricUnit.Count, 1);
        }
      }
      logger.info('event processed', { tenant: event.tenant, deliveryId: event.deliveryId, ...summary });
      return summary;
    },
    { persistenceStore: deps.idempotencyStore, config, keyPrefix: 'process-events' },
  );

  const recordHandler = async (record: SQSRecord): Promise<ProcessedSummary> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    try {
      const event = HelpdeskEventSchema.parse(JSON.parse(record.body));
      return await processOnce(event);
    } catch (error) {
      if (error instanceof RateLimitedError) metrics.addMetric(METRIC.helpdeskRateLimited, MetricUnit.Count, 1);
      const delay = retryDelaySeconds(error, receiveCount, deps.retryPolicy);
      logger.warn('event failed; it will be retried or dead-lettered', {
        messageId: record.messageId,
        receiveCount,
        retryInSeconds: delay,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      try {
        await deps.retry.delay(record.receiptHandle, delay);
      } catch (scheduleError) {
        logger.error('could not delay the retry; the queue visibility timeout applies', {
          messageId: record.messageId,
          error: (scheduleError as Error).name,
        });
      }
      throw error;
    }
  };

  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
