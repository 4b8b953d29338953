import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type InboundEvent, InboundEventSchema } from '../../shared/domain/events.js';
import { timeEvent } from '../../shared/adapters/observability/event-timing.js';
import { logContext } from '../../shared/adapters/observability/log-context.js';
import { publishMetricsIfAny } from '../../shared/adapters/observability/publish-metrics.js';
import { EVENT_PROCESSED } from '../../shared/adapters/observability/telemetry.js';
import {
  type RetryAndDeadLetterOptions,
  retryAndDeadLetter,
  type SettledRecord,
} from '../../shared/adapters/queue/retry-and-dead-letter.js';
import { type EventOutcome, processEvent, type ProcessEventDeps } from '../../shared/use-cases/processing/process-event.js';

/** Everything the process-events function needs, wired once per process: the use cases' ports and the queue's. */
export type ProcessEventsDeps = ProcessEventDeps & RetryAndDeadLetterOptions;

/** What a processed event is reported as. */
interface ProcessedSummary {
  type: InboundEvent['type'];
  status: EventOutcome['status'];
  decisionId?: string;
  tier?: string;
  uplift?: number;
}

function summarise(event: InboundEvent, outcome: EventOutcome): ProcessedSummary {
  if (!('record' in outcome)) return { type: event.type, status: outcome.status };
  const decision = outcome.status === 'duplicate' ? outcome.record.decision : outcome.decision;
  return { type: event.type, status: outcome.status, decisionId: outcome.record.decisionId, tier: decision.tier, uplift: decision.uplift };
}

/**
 * Builds the SQS handler: each record is parsed, processed (each use case is safe to repeat), and
 * reported on one line; a record that fails or cannot start in time is settled by the queue's
 * retry and dead-letter policy (`retryAndDeadLetter`), and reported as a partial batch failure
 * when the queue is to deliver it again.
 *
 * @example export const handler = createProcessEventsHandler(deps)
 */
export function createProcessEventsHandler(deps: ProcessEventsDeps) {
  const { logger, metrics } = deps.telemetry;
  const failures = retryAndDeadLetter(deps);
  // No delivery-id guard of its own: every use case is safe to run again. A ticket's decision
  // record (one per ticket, final once applied) stops a second write-back whatever the delivery
  // id, and survey answers and opt-outs are upserts keyed by what they are about.
  const processAndReport = async (event: InboundEvent): Promise<ProcessedSummary> => {
    // An elapsed time, read on the monotonic timer rather than the clock.
    const started = performance.now();
    const { result: outcome, writeBackMs, paceMs } = await timeEvent(() => processEvent(event, deps));
    const summary = summarise(event, outcome);
    // The one line per event, at INFO. DecisionsMade, WriteBacksApplied, UpliftApplied by tier and
    // both latencies are counted from it by metric filters (infra/cdk/constructs/service-metrics.ts):
    // metrics of their own would be a second line per event, an EMF document larger than this one.
    logger.info(EVENT_PROCESSED, {
      tenant: event.tenant,
      deliveryId: event.deliveryId,
      ...summary,
      ms: Math.round(performance.now() - started),
      ...(writeBackMs !== undefined ? { writeBackMs } : {}),
      // Time spent waiting for the tenant's write pace: a tenant held back by its own pace shows here.
      ...(paceMs !== undefined ? { paceMs } : {}),
    });
    return summary;
  };

  const recordHandler = async (record: SQSRecord, context?: Context): Promise<ProcessedSummary | SettledRecord> => {
    if (context && (await failures.handBackIfLate(record, context))) return { status: 'handed-back' };
    try {
      const event = InboundEventSchema.parse(JSON.parse(record.body));
      return await processAndReport(event);
    } catch (error) {
      return failures.settle(record, error);
    }
  };

  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // The records of a batch run side by side: a slow helpdesk holds up only its own records, and
    // every helpdesk call keeps to its tenant's pace, whatever the number of calls at once.
    return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false, processInParallel: true });
  })
    .use(logContext(logger))
    .use(publishMetricsIfAny(metrics));
}
