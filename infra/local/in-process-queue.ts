import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { DEAD_LETTER_REASON_ATTRIBUTE, type RetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import type { InboundEvent } from '../../shared/domain/events.js';
import type { EventQueue } from '../../shared/domain/ports.js';
import type { BatchConsumer, LocalQueue, QueueRuntime, QueueSnapshot } from './local-queue.js';

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
  /** The fair-queue tenant (SQS MessageGroupId): the event's tenant. */
  groupId?: string;
  /** When the current receive started (epoch ms). */
  receivedAt?: number;
}

/** Settings mirroring the deployed queue's. */
export interface InProcessQueueOptions {
  /** Receives before a failing message moves to the dead-letter queue (the redrive policy). */
  maxReceiveCount: number;
  /** How long a received message stays invisible when the consumer neither deletes nor delays it. */
  visibilityTimeoutMs: number;
  batchSize: number;
  /**
   * Batches handed out at once, as the event source mapping's concurrent invocations (default 1).
   * Each is a consumer of its own: one slow batch does not stop the others.
   */
  consumers?: number;
  pollIntervalMs?: number;
  /** Multiplies every delay; tests shrink seconds to milliseconds with e.g. 0.01. */
  timeScale?: number;
  now?: () => number;
}

/** How SQS fair queues tell a noisy tenant (AWS docs, "How Amazon SQS fair queues work"). */
const FAIR = {
  /** A tenant holding more than this share of the in-flight messages... */
  inFlightShare: 0.1,
  /** ...and at least this many of its own is noisy. */
  minInFlight: 30,
  /** So is a tenant with more than this share of the recent processing time. */
  processingShare: 0.1,
  /** How long "recent" is: processing time fades with this time constant. */
  fadeMs: 60_000,
} as const;

/**
 * An in-process stand-in for SQS with the semantics the processor relies on: at-least-once
 * delivery, visibility timeouts, `ChangeMessageVisibility` for retry delays, partial batch
 * failures, a receive count, and a dead-letter queue after `maxReceiveCount` receives, from
 * which messages can be replayed. Like the deployed event source it hands out several batches
 * at once (`consumers`), and like an SQS fair queue it serves quiet tenants (message groups)
 * first while one tenant holds a disproportionate share of the in-flight messages or of the
 * recent processing time.
 *
 * @example const queue = new InProcessQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 30_000, batchSize: 10 })
 */
export class InProcessQueue implements EventQueue, RetryScheduler, LocalQueue {
  readonly mode = 'in-process';
  readonly caveats: readonly string[] = [];
  private readonly main: QueuedMessage[] = [];
  private readonly deadLetters: (QueuedMessage & { deadLetteredAt: number })[] = [];
  private readonly inFlight = new Map<string, QueuedMessage>();
  private timer: NodeJS.Timeout | undefined;
  /** The consumer slots running a batch now. */
  private readonly busySlots = new Set<number>();
  private paused = false;
  /** Each tenant's recent processing time (fading), and when it was last brought up to date. */
  private readonly processing = new Map<string, { ms: number; at: number }>();
  private readonly now: () => number;
  private readonly scale: number;

  constructor(private readonly options: InProcessQueueOptions) {
    this.now = options.now ?? Date.now;
    this.scale = options.timeScale ?? 1;
  }

  async enqueue(event: InboundEvent): Promise<void> {
    // The same attributes the SQS adapter sets.
    this.send(JSON.stringify(event), {
      attributes: { tenant: event.tenant, source: event.source, deliveryId: event.deliveryId },
      groupId: event.tenant,
    });
  }

  /** Adds a raw message body, as SQS SendMessage would (with DelaySeconds, attributes and MessageGroupId). */
  send(body: string, options: { delaySeconds?: number; attributes?: Record<string, string>; groupId?: string } = {}): string {
    const messageId = randomUUID();
    const visibleAt = this.now() + (options.delaySeconds ?? 0) * 1000 * this.scale;
    const groupId = options.groupId ?? options.attributes?.['tenant'];
    this.main.push({
      messageId,
      body,
      attributes: options.attributes ?? {},
      receiveCount: 0,
      sentAt: this.now(),
      visibleAt,
      ...(groupId ? { groupId } : {}),
    });
    return messageId;
  }

  async requeue(body: string, delaySeconds: number, attributes: Readonly<Record<string, string>>): Promise<void> {
    // As the SQS adapter does, the copy keeps the tenant as its message group.
    this.send(body, { delaySeconds, attributes: { ...attributes } });
  }

  /** ChangeMessageVisibility: the message becomes visible again after `seconds`. */
  async delay(receiptHandle: string, seconds: number): Promise<void> {
    const message = this.inFlight.get(receiptHandle);
    if (message) message.visibleAt = this.now() + seconds * 1000 * this.scale;
  }

  /** Starts delivering batches to the consumer, up to `consumers` at once. */
  start(consumer: BatchConsumer): void {
    this.stop();
    this.timer = setInterval(() => this.poll(consumer), this.options.pollIntervalMs ?? 25);
  }

  /** Changes how many batches are handed out at once, from the next poll on. */
  setConsumers(consumers: number): void {
    if (!Number.isInteger(consumers) || consumers < 1) throw new RangeError(`consumers must be a positive whole number, got ${consumers}`);
    this.options.consumers = consumers;
  }

  /** Stops handing out batches (those in flight finish) until `resume`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
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

  async snapshot(): Promise<QueueSnapshot> {
    return { pending: this.pending(), deadLetters: this.deadLettered() };
  }

  async replay(messageIds?: readonly string[]): Promise<number> {
    return this.replayDeadLetters(messageIds);
  }

  /** Resolves when nothing is waiting or in flight, or rejects after `timeoutMs`. */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.main.length > 0 || this.busySlots.size > 0) {
      if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms (${this.main.length} messages left)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Hands a batch to every idle consumer while visible messages remain. */
  private poll(consumer: BatchConsumer): void {
    const consumers = this.options.consumers ?? 1;
    while (!this.paused && this.busySlots.size < consumers) {
      const now = this.now();
      const batch = this.nextBatch(now);
      if (batch.length === 0) return;
      let slot = 0;
      while (this.busySlots.has(slot)) slot += 1;
      this.busySlots.add(slot);
      void this.deliver(consumer, batch, now, slot).finally(() => this.busySlots.delete(slot));
    }
  }

  /**
   * The next batch, as a fair queue picks it: visible messages in arrival order, quiet tenants'
   * first; a noisy tenant's wait until no quiet one's is visible, the one with the fewest in
   * flight first.
   */
  private nextBatch(now: number): QueuedMessage[] {
    const visible = this.main.filter((m) => m.visibleAt <= now);
    if (visible.length <= this.options.batchSize) return visible;
    const noisy = this.noisyGroups(now);
    if (noisy.size === 0) return visible.slice(0, this.options.batchSize);
    const quiet = visible.filter((m) => m.groupId === undefined || !noisy.has(m.groupId));
    const loud = visible
      .filter((m) => m.groupId !== undefined && noisy.has(m.groupId))
      .sort((a, b) => (noisy.get(a.groupId ?? '') ?? 0) - (noisy.get(b.groupId ?? '') ?? 0));
    return [...quiet, ...loud].slice(0, this.options.batchSize);
  }

  /** Noisy tenants, each with its in-flight count. */
  private noisyGroups(now: number): Map<string, number> {
    const inFlight = new Map<string, number>();
    for (const message of this.inFlight.values()) {
      if (message.groupId !== undefined) inFlight.set(message.groupId, (inFlight.get(message.groupId) ?? 0) + 1);
    }
    const noisy = new Map<string, number>();
    const totalInFlight = this.inFlight.size;
    for (const [group, count] of inFlight) {
      if (count >= FAIR.minInFlight && count > totalInFlight * FAIR.inFlightShare) noisy.set(group, count);
    }
    const recent = [...this.processing.keys()].map((group) => [group, this.fadedProcessing(group, now)] as const);
    const totalMs = recent.reduce((sum, [, ms]) => sum + ms, 0);
    for (const [group, ms] of recent) {
      if (ms > totalMs * FAIR.processingShare) noisy.set(group, inFlight.get(group) ?? 0);
    }
    return noisy;
  }

  /** A tenant's recent processing time as of `now` (its record brought up to date, or dropped once it has faded out). */
  private fadedProcessing(group: string, now: number): number {
    const entry = this.processing.get(group);
    const ms = entry ? entry.ms * Math.exp(-(now - entry.at) / FAIR.fadeMs) : 0;
    if (ms < 1) this.processing.delete(group);
    else this.processing.set(group, { ms, at: now });
    return ms < 1 ? 0 : ms;
  }

  private noteProcessing(message: QueuedMessage, now: number): void {
    if (message.groupId === undefined || message.receivedAt === undefined) return;
    this.processing.set(message.groupId, { ms: this.fadedProcessing(message.groupId, now) + (now - message.receivedAt), at: now });
  }

  /** Receives the batch (synchronously, so no other consumer takes it), runs it, and settles each message. */
  private async deliver(consumer: BatchConsumer, batch: QueuedMessage[], now: number, slot: number): Promise<void> {
    const records = batch.map((message) => this.receive(message, now));
    let failedIds: Set<string>;
    try {
      const response = await consumer({ Records: records }, slot);
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      // A thrown handler fails the whole batch, as in Lambda.
      failedIds = new Set(records.map((r) => r.messageId));
    }
    for (const message of batch) this.settle(message, failedIds.has(message.messageId));
  }

  private receive(message: QueuedMessage, now: number): SQSRecord {
    message.receiveCount += 1;
    message.receiptHandle = randomUUID();
    message.receivedAt = now;
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
    this.noteProcessing(message, this.now());
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

/**
 * The in-process queue as local mode runs it: ingest sends to it, the processor retries through
 * it, and it hands out the batches itself.
 *
 * @example const runtime = inProcessRuntime(new InProcessQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 60_000, batchSize: 10 }))
 */
export function inProcessRuntime(queue: InProcessQueue): QueueRuntime<InProcessQueue> {
  return { queue, events: queue, retry: queue, start: (consumer) => queue.start(consumer), close: async () => queue.stop() };
}
