import type { Context, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { HeldBackError, PermanentHelpdeskError, RateLimitedError } from '../../domain/errors.js';
import { type RetryPolicy, retryDelaySeconds } from '../../domain/retry.js';
import { METRIC, MetricUnit, type Telemetry } from '../observability/telemetry.js';
import { RATE_LIMITED_COUNT_ATTRIBUTE, type RetryScheduler } from './sqs-event-queue.js';

/** What the queue's policy for failed records is made from. */
export interface RetryAndDeadLetterOptions {
  retry: RetryScheduler;
  telemetry: Telemetry;
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

/** What became of a record the processor handled without processing it, or whose failure it settled. */
export type SettledRecord = { status: 'requeued' | 'dead-lettered' | 'handed-back' };

/** The queue's side of a record that failed or cannot start: see `retryAndDeadLetter`. */
export interface RetryAndDeadLetter {
  /** Hands the record back untouched when too little of the invocation is left to start it; false when it may start. */
  handBackIfLate(record: SQSRecord, context: Context): Promise<boolean>;
  /**
   * Settles a record whose processing threw: put back, moved to the dead-letter queue (both count
   * as handled), or delayed and thrown again so the batch reports it as failed.
   */
  settle(record: SQSRecord, error: unknown): Promise<SettledRecord>;
}

const RequeueCountSchema = z.coerce.number().int().min(0).catch(0);

function rateLimitedCountOf(record: SQSRecord): number {
  return RequeueCountSchema.parse(record.messageAttributes[RATE_LIMITED_COUNT_ATTRIBUTE]?.stringValue ?? 0);
}

/** The record's string attributes (tenant, source, delivery id, ...), which every copy of it keeps. */
function attributesOf(record: SQSRecord): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes))
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
  return attributes;
}

/**
 * The retry and dead-letter policy of the processing queue. On a helpdesk 429 (or the tenant's
 * own pace holding a call back) the event is put back, delivered after exactly the Retry-After,
 * without using one of its attempts, up to `MAX_RATE_LIMITED_REQUEUES` times; a refusal no retry
 * can mend goes to the dead-letter queue at once, with its reason; any other failure's next
 * delivery is delayed by exponential backoff, and on the queue's last attempt the event moves to
 * the dead-letter queue with how many attempts it had and its last error. A record that cannot
 * finish in the invocation's time left is not started.
 *
 * @example const failures = retryAndDeadLetter({ retry, telemetry, maxReceiveCount: 8 }); await failures.settle(record, error)
 */
export function retryAndDeadLetter(options: RetryAndDeadLetterOptions): RetryAndDeadLetter {
  const { logger, metrics } = options.telemetry;

  const requeueRateLimited = async (record: SQSRecord, delay: number, error: RateLimitedError): Promise<boolean> => {
    const count = rateLimitedCountOf(record);
    if (count >= MAX_RATE_LIMITED_REQUEUES) return false;
    try {
      // The copy keeps the original's attributes (tenant, source, delivery id), for filtering the dead-letter queue.
      await options.retry.requeue(record.body, delay, { ...attributesOf(record), [RATE_LIMITED_COUNT_ATTRIBUTE]: String(count + 1) });
    } catch (error) {
      logger.error('could not put a rate-limited event back; retrying it as a failure', {
        messageId: record.messageId,
        error: (error as Error).name,
      });
      return false;
    }
    const event = {
      messageId: record.messageId,
      tenant: record.messageAttributes['tenant']?.stringValue,
      retryInSeconds: delay,
      rateLimitedCount: count + 1,
    };
    if (error instanceof HeldBackError) logger.info('held back: event put back', { ...event, reason: error.reason });
    else logger.info('helpdesk rate limit: event put back', event);
    return true;
  };

  /**
   * Moves the event to the dead-letter queue with why, and counts this delivery as handled: for
   * a refusal no retry can mend, and for a failure on the last attempt (the queue's own redrive
   * would move it with no reason). If the move fails, the delivery fails as before, and the
   * queue's redrive still keeps the event.
   */
  const deadLetterWith = async (record: SQSRecord, reason: string, message: string, details: Record<string, unknown>): Promise<boolean> => {
    try {
      await options.retry.deadLetter(record.body, reason, attributesOf(record));
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

  return {
    async handBackIfLate(record, context) {
      const remaining = context.getRemainingTimeInMillis();
      if (remaining >= (options.minRemainingMsToStart ?? DEFAULT_MIN_REMAINING_MS_TO_START)) return false;
      await options.retry.requeue(record.body, 0, attributesOf(record));
      logger.info('too little time left to start this event; handed back untouched', {
        messageId: record.messageId,
        remainingMs: remaining,
      });
      return true;
    },

    async settle(record, error) {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
      if (
        error instanceof PermanentHelpdeskError &&
        (await deadLetterWith(
          record,
          `${error.name} (${error.status}): ${error.message}`,
          'the helpdesk refused the event for good; it is in the dead-letter queue',
          {
            status: error.status,
          },
        ))
      ) {
        return { status: 'dead-lettered' };
      }
      const delay = retryDelaySeconds(error, receiveCount, options.retryPolicy);
      if (error instanceof RateLimitedError) {
        // A hold-back sent nothing: only the helpdesk's own 429s are counted as such.
        if (!(error instanceof HeldBackError)) metrics.addMetric(METRIC.helpdeskRateLimited, MetricUnit.Count, 1);
        // The copy carries the event on; this delivery then counts as handled and is deleted.
        if (await requeueRateLimited(record, delay, error)) return { status: 'requeued' };
      }
      const last = options.maxReceiveCount !== undefined && receiveCount >= options.maxReceiveCount;
      const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (
        last &&
        (await deadLetterWith(
          record,
          `failed ${receiveCount} times; last: ${described}`,
          'event failed on its last attempt; it is in the dead-letter queue',
          {
            receiveCount,
          },
        ))
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
        await options.retry.delay(record.receiptHandle, delay);
      } catch (scheduleError) {
        logger.error('could not delay the retry; the queue visibility timeout applies', {
          messageId: record.messageId,
          error: (scheduleError as Error).name,
        });
      }
      throw error;
    },
  };
}
