import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import type { RetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import type { EventQueue } from '../../shared/domain/ports.js';
import type { QueuedMessage } from './in-process-queue.js';

/** The queues local mode can run: its own in-process queue, or SQS through the functions' own adapters against an emulator. */
export const LOCAL_QUEUE_MODES = ['in-process', 'sqs'] as const;

/** Which queue local mode runs. */
export type LocalQueueMode = (typeof LOCAL_QUEUE_MODES)[number];

/** `LOCAL_QUEUE` (npm start) and `--queue` (npm run load), with the choices named when it is wrong. */
export const LocalQueueModeSchema = z.enum(LOCAL_QUEUE_MODES, { error: `must be ${LOCAL_QUEUE_MODES.join(' or ')}` });

/** Processes one batch, as one Lambda invocation would; `slot` says which of the concurrent consumers runs it. */
export type BatchConsumer = (event: SQSEvent, slot: number) => Promise<SQSBatchResponse | undefined>;

/** A dead-lettered message; when it was dead-lettered is unknown where the queue does not record it. */
export type DeadLetter = QueuedMessage & { deadLetteredAt?: number };

/** What the queue and its dead-letter queue hold at one moment. */
export interface QueueSnapshot {
  /** Waiting, delayed or in flight on the event queue. */
  pending: QueuedMessage[];
  deadLetters: DeadLetter[];
}

/**
 * What the local server, the console and the load run see of the local queue, whichever it is.
 *
 * @example const { pending, deadLetters } = await stack.queue.snapshot()
 */
export interface LocalQueue {
  readonly mode: LocalQueueMode;
  /** How this queue differs from SQS as deployed, for the console to say; empty where there is nothing to say. */
  readonly caveats: readonly string[];
  snapshot(): Promise<QueueSnapshot>;
  /** Moves dead-lettered messages (all, or those with the given ids) back to the event queue; resolves to how many moved. */
  replay(messageIds?: readonly string[]): Promise<number>;
  /** Resolves when nothing is waiting, delayed or in flight, or rejects after `timeoutMs`. */
  drained(timeoutMs?: number): Promise<void>;
}

/** A running local queue: what ingest sends to, what the processor retries through, and what delivers batches. */
export interface QueueRuntime<Q extends LocalQueue = LocalQueue> {
  queue: Q;
  events: EventQueue;
  retry: RetryScheduler;
  /** Starts delivering batches to the consumer. */
  start(consumer: BatchConsumer): void;
  /** Stops delivering, and stops whatever the queue runs on. */
  close(): Promise<void>;
  /** Where the queue runs, for the start-up banner (the emulator's endpoint), if anywhere outside this process's own objects. */
  endpoint?: string;
}
