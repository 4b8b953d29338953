import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { HeldBackError, PermanentHelpdeskError, RateLimitedError } from '../../shared/domain/errors.js';
import { type HelpdeskEvent, HelpdeskEventSchema } from '../../shared/domain/events.js';
import { type RetryPolicy, retryDelaySeconds } from '../../shared/domain/retry.js';
import { RATE_LIMITED_COUNT_ATTRIBUTE, type RetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import { timeEvent } from '../../shared/adapters/observability/event-timing.js';
import { logContext } from '../../shared/adapters/observability/log-context.js';
import { publishMetricsIfAny } from '../../shared/adapters/observability/publish-metrics.js';
import { EVENT_PROCESSED, METRIC, MetricUnit, type Telemetry } from '../../shared/adapters/observability/telemetry.js';
import { type EventOutcome, processEvent, type ProcessEventDeps } from '../../shared/use-cases/processing/process-event.js';

/** Everything the process-events function needs, wired once per process. */
export interface ProcessEventsDeps extends ProcessEventDeps {
  telemetry: Telemetry;
  retry: RetryScheduler;
  retryPolicy?: RetryPolicy;
  /** The queue's redrive maxReceiveCount: a failure on that receive sends the event to the dead-letter queue. */
  maxReceiveCount?: number;
  /**
   * The time a record needs left to be started (default 30 s: a few helpdesk calls of up to 8 s,
   * and the record writes); with less, it is handed back untouched, as a new message.
   */
  minRemainingMsToStart?: number;
}

/** The default time a record needs left in the invocation to be started. */
export const DEFAULT_MIN_REMAINING_MS_TO_START = 30_000;

/**
 * How often one event may be put back for a 429 or a hold-back (its tenant's pace, a helpdesk that
 * keeps failing) before its waits count as failed attempts: at the 15-minute maximum delay, about
 * half a day of a helpdesk saying "busy".
 */
export const MAX_RATE_LIMITED_REQUEUES = 48;

const RequeueCountSchema = z.coerce.number().int().min(0).catch(0);

function rateLimitedCountOf(record: SQSRecord): number {
  return RequeueCountSchema.parse(record.messageAttributes[RATE_LIMITED_COUNT_ATTRIBUTE]?.stringValue ?? 0);
}

/** What a processed event is reported as. */
interface ProcessedSummary {
  type: HelpdeskEvent['type'];
  status: EventOutcome['status'];
  decisionId?: string;
  tier?: string;
  uplift?: number;
}

function summarise(event: HelpdeskEvent, outcome: EventOutcome): ProcessedSummary {
  if (!('record' in outcome)) return { type: event.type, status: outcome.status };
  const decision = outcome.status === 'duplicate' ? outcome.record.decision : outcome.decision;
  return { type: event.type, status: outcome.status, decisionId: outcome.record.decisionId, tier: decision.tier, uplift: decision.uplift };
}

/**
 * Builds the SQS handler: each record is parsed, processed (each use case is safe to repeat), and reported as a partial batch failure when it fails. On a helpdesk 429 the
 * event is put back on the queue, delivered after exactly the Retry-After, without using one of
 * its attempts; any other failure's next delivery is delayed by exponential backoff, and after
 * the queue's last attempt the event moves to the dead-letter queue.
 *
 * @example export const handler = createProcessEventsHandler(deps)
 */
export function createProcessEventsHandler(deps: ProcessEventsDeps) {
  const { logger, metrics } = deps.telemetry;
  // No delivery-id guard of its own: every use case is safe to run again. A ticket's decision
  // record (one per ticket, final once applied) stops a second write-back whatever the delivery
  // id, and survey answers and opt-outs are upserts keyed by what they are about.
  const processAndReport = async (event: HelpdeskEvent): Promise<ProcessedSummary> => {
    const started = Date.now();
    const { result: outcome, writeBackMs, paceMs } = await timeEvent(() => processEvent(event, deps));
    const summary = summarise(event, outcome);
    // The one line per event, at INFO. DecisionsMade, WriteBacksApplied, UpliftApplied by tier and
    // both latencies are counted from it by metric filters (infra/constructs/service-metrics.ts):
    // metrics of their own would be a second line per event, an EMF document larger than this one.
    logger.info(EVENT_PROCESSED, {
      tenant: event.tenant,
      deliveryId: event.deliveryId,
      ...summary,
      ms: Date.now() - started,
      ...(writeBackMs !== undefined ? { writeBackMs } : {}),
      // Time spent waiting for the tenant's write pace: a tenant held back by its own pace shows here.
      ...(paceMs !== undefined ? { paceMs } : {}),
    });
    return summary;
  };

  const requeueRateLimited = async (record: SQSRecord, delay: number, error: RateLimitedError): Promise<boolean> => {
    const count = rateLimitedCountOf(record);
    if (count >= MAX_RATE_LIMITED_REQUEUES) return false;
    try {
      // The copy keeps the original's attributes (tenant, source, delivery id), for filtering the dead-letter queue.
      await deps.retry.requeue(record.body, delay, { ...attributesOf(record), [RATE_LIMITED_COUNT_ATTRIBUTE]: String(count + 1) });
    } catch (error) {
      logger.error('could not put a rate-limited event back; retrying it as a failure', {
        messageId: record.messageId,
        error: (error as Error).name,
      });
      return false;
    }
    const event = { messageId: record.messageId, tenant: record.messageAttributes['tenant']?.stringValue, retryInSeconds: delay, rateLimitedCount: count + 1 };
    if (error instanceof HeldBackError) logger.info('held back: event put back', { ...event, reason: error.reason });
    else logger.info('helpdesk rate limit: event put back', event);
    return true;
  };

  const attributesOf = (record: SQSRecord): Record<string, string> => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(record.messageAttributes)) if (value.stringValue !== undefined) attributes[name] = value.stringValue;
    return attributes;
  };

  /**
   * Moves the event to the dead-letter queue with why, and counts this delivery as handled: for
   * a refusal no retry can mend, and for a failure on the last attempt (the queue's own redrive
   * would move it with no reason). If the move fails, the delivery fails as before, and the
   * queue's redrive still keeps the event.
   */
  const deadLetterWith = async (record: SQSRecord, reason: string, message: string, details: Record<string, unknown>): Promise<boolean> => {
    try {
      await deps.retry.deadLetter(record.body, reason, attributesOf(record));
    } catch (sendError) {
      logger.error('could not move the event to the dead-letter queue; retrying it as a failure', {
        messageId: record.messageId,
        error: (sendError as Error).name,
      });
      return false;
    }
    logger.error(message, { messageId: record.messageId, reason, ...details });
    return true;
  };

  /**
   * A record that cannot finish in the time left is not started: it goes back as a new message
   * at once, so it uses none of its attempts and holds up nothing; the batch ends early.
   */
  const handBack = async (record: SQSRecord, context: Context): Promise<boolean> => {
    const remaining = context.getRemainingTimeInMillis();
    if (remaining >= (deps.minRemainingMsToStart ?? DEFAULT_MIN_REMAINING_MS_TO_START)) return false;
    await deps.retry.requeue(record.body, 0, attributesOf(record));
    logger.info('too little time left to start this event; handed back untouched', { messageId: record.messageId, remainingMs: remaining });
    return true;
  };

  const recordHandler = async (
    record: SQSRecord,
    context?: Context,
  ): Promise<ProcessedSummary | { status: 'requeued' | 'dead-lettered' | 'handed-back' }> => {
    if (context && (await handBack(record, context))) return { status: 'handed-back' };
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    try {
      const event = HelpdeskEventSchema.parse(JSON.parse(record.body));
      return await processAndReport(event);
    } catch (error) {
      if (
        error instanceof PermanentHelpdeskError &&
        (await deadLetterWith(record, `${error.name} (${error.status}): ${error.message}`, 'the helpdesk refused the event for good; it is in the dead-letter queue', {
          status: error.status,
        }))
      ) {
        return { status: 'dead-lettered' };
      }
      const delay = retryDelaySeconds(error, receiveCount, deps.retryPolicy);
      if (error instanceof RateLimitedError) {
        // A hold-back sent nothing: only the helpdesk's own 429s are counted as such.
        if (!(error instanceof HeldBackError)) metrics.addMetric(METRIC.helpdeskRateLimited, MetricUnit.Count, 1);
        // The copy carries the event on; this delivery then counts as handled and is deleted.
        if (await requeueRateLimited(record, delay, error)) return { status: 'requeued' };
      }
      const last = deps.maxReceiveCount !== undefined && receiveCount >= deps.maxReceiveCount;
      const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (
        last &&
        (await deadLetterWith(record, `failed ${receiveCount} times; last: ${described}`, 'event failed on its last attempt; it is in the dead-letter queue', {
          receiveCount,
        }))
      ) {
        return { status: 'dead-lettered' };
      }
      const log = last ? logger.error.bind(logger) : logger.warn.bind(logger);
      log(last ? 'event failed on its last attempt; it goes to the dead-letter queue' : 'event failed; it will be retried', {
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
    // The records of a batch run side by side: a slow helpdesk holds up only its own records, and
    // every helpdesk call keeps to its tenant's pace, whatever the number of calls at once.
    return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false, processInParallel: true });
  })
    .use(logContext(logger))
    .use(publishMetricsIfAny(metrics));
}
