import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_REASON_ATTRIBUTE, type RetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import type { HelpdeskEvent } from '../../shared/domain/events.js';
import type { EventQueue } from '../../shared/domain/ports.js';

/** A message as the local queue holds it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  /** String message attributes, as SQS delivers them. */
  attributes: Record<string, string>;
  receiveCount: number;
  sentAt: number;
  /** Epoch ms before which the message is not delivered (in flight or delayed). */
  visibleAt: number;
  receiptHandle?: string;
}

/** Settings mirroring the deployed queue's. */
export interface InProcessQueueOptions {
  /** Receives before a failing message moves to the dead-letter queue (the redrive policy). */
  maxReceiveCount: number;
  /** How long a received message stays invisible when the consumer neither deletes nor delays it. */
  visibilityTimeoutMs: number;
  batchSize: number;
  pollIntervalMs?: number;
  /** Multiplies every delay; tests shrink seconds to milliseconds with e.g. 0.01. */
  timeScale?: number;
  now?: () => number;
}

type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/**
 * An in-process stand-in for SQS with the semantics the processor relies on: at-least-once
 * delivery, visibility timeouts, `ChangeMessageVisibility` for retry delays, partial batch
 * failures, a receive count, and a dead-letter queue after `maxReceiveCount` receives, from
 * which messages can be replayed.
 *
 * @example const queue = new InProcessQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 30_000, batchSize: 10 })
 */
export class InProcessQueue implements EventQueue, RetryScheduler {
  private readonly main: QueuedMessage[] = [];
  private readonly deadLetters: (QueuedMessage & { deadLetteredAt: number })[] = [];
  private readonly inFlight = new Map<string, QueuedMessage>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly now: () => number;
  private readonly scale: number;

  constructor(private readonly options: InProcessQueueOptions) {
    this.now = options.now ?? Date.now;
    this.scale = options.timeScale ?? 1;
  }

  async enqueue(event: HelpdeskEvent): Promise<void> {
    // The same attributes the SQS adapter sets.
    this.send(JSON.stringify(event), { attributes: { tenant: event.tenant, source: event.source, deliveryId: event.deliveryId } });
  }

  /** Adds a raw message body, as SQS SendMessage would (with DelaySeconds and attributes). */
  send(body: string, options: { delaySeconds?: number; attributes?: Record<string, string> } = {}): string {
    const messageId = randomUUID();
    const visibleAt = this.now() + (options.delaySeconds ?? 0) * 1000 * this.scale;
    this.main.push({ messageId, body, attributes: options.attributes ?? {}, receiveCount: 0, sentAt: this.now(), visibleAt });
    return messageId;
  }

  async requeue(body: string, delaySeconds: number, attributes: Readonly<Record<string, string>>): Promise<void> {
    this.send(body, { delaySeconds, attributes: { ...attributes } });
  }

  /** ChangeMessageVisibility: the message becomes visible again after `seconds`. */
  async delay(receiptHandle: string, seconds: number): Promise<void> {
    const message = this.inFlight.get(receiptHandle);
    if (message) message.visibleAt = this.now() + seconds * 1000 * this.scale;
  }

  /** Starts delivering batches to the consumer. */
  start(consumer: Consumer): void {
    this.stop();
    this.timer = setInterval(() => void this.poll(consumer), this.options.pollIntervalMs ?? 25);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Messages waiting or in flight on the main queue. */
  pending(): QueuedMessage[] {
    return this.main.map((m) => ({ ...m }));
  }

  /** Messages in the dead-letter queue. */
  deadLettered(): (QueuedMessage & { deadLetteredAt: number })[] {
    return this.deadLetters.map((m) => ({ ...m }));
  }

  /** Moves a message to the dead-letter queue at once, with why, as the SQS adapter does. */
  async deadLetter(body: string, reason: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    const now = this.now();
    this.deadLetters.push({
      messageId: randomUUID(),
      body,
      attributes: { ...attributes, [DEAD_LETTER_REASON_ATTRIBUTE]: reason.slice(0, 500) },
      receiveCount: 0,
      sentAt: now,
      visibleAt: now,
      deadLetteredAt: now,
    });
  }

  /** Moves dead-lettered messages (all, or the given ids) back to the main queue with a fresh receive count. */
  replayDeadLetters(messageIds?: readonly string[]): number {
    let moved = 0;
    for (let i = this.deadLetters.length - 1; i >= 0; i -= 1) {
      const message = this.deadLetters[i];
      if (!message || (messageIds && !messageIds.includes(message.messageId))) continue;
      this.deadLetters.splice(i, 1);
      this.main.push({ ...message, receiveCount: 0, sentAt: this.now(), visibleAt: this.now() });
      moved += 1;
    }
    return moved;
  }

  /** Resolves when nothing is waiting or in flight, or rejects after `timeoutMs`. */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.main.length > 0 || this.busy) {
      if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms (${this.main.length} messages left)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async poll(consumer: Consumer): Promise<void> {
    if (this.busy) return;
    const now = this.now();
    const batch = this.main.filter((m) => m.visibleAt <= now).slice(0, this.options.batchSize);
    if (batch.length === 0) return;
    this.busy = true;
    try {
      const records = batch.map((message) => this.receive(message, now));
      let failedIds = new Set<string>();
      try {
        const response = await consumer({ Records: records });
        failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch {
        // A thrown handler fails the whole batch, as in Lambda.
        failedIds = new Set(records.map((r) => r.messageId));
      }
      for (const message of batch) this.settle(message, failedIds.has(message.messageId));
    } finally {
      this.busy = false;
    }
  }

  private receive(message: QueuedMessage, now: number): SQSRecord {
    message.receiveCount += 1;
    message.receiptHandle = randomUUID();
    message.visibleAt = now + this.options.visibilityTimeoutMs * this.scale;
    this.inFlight.set(message.receiptHandle, message);
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(now),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' },
        ]),
      ),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:influence-router-events',
      awsRegion: 'local',
    };
  }

  private settle(message: QueuedMessage, failed: boolean): void {
    if (message.receiptHandle) this.inFlight.delete(message.receiptHandle);
    const index = this.main.indexOf(message);
    if (!failed) {
      if (index >= 0) this.main.splice(index, 1);
      return;
    }
    if (message.receiveCount >= this.options.maxReceiveCount) {
      if (index >= 0) this.main.splice(index, 1);
      this.deadLetters.push({ ...message, deadLetteredAt: this.now() });
    }
  }
}
