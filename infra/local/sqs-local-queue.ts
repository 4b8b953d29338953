import * as z from 'zod';
import type { AwsJsonClient } from '../../shared/adapters/aws/aws-json-client.js';
import { DEAD_LETTER_REASON_ATTRIBUTE, SqsEventQueue, SqsRetryScheduler } from '../../shared/adapters/queue/sqs-event-queue.js';
import type { QueuedMessage } from './in-process-queue.js';
import type { DeadLetter, LocalQueue, QueueRuntime, QueueSnapshot } from './local-queue.js';
import { localSqsClient, startSqsEmulator } from './sqs-emulator.js';
import { receiveMessages, SqsEventSource } from './sqs-event-source.js';
import { createEventQueues, type EventQueueSettings, type EventQueueUrls } from './sqs-queues.js';

/** A message as the emulator's inspection shows it (fauxqs `GET /_fauxqs/queues/{name}`). */
const InspectedMessageSchema = z.object({
  messageId: z.string(),
  body: z.string(),
  messageAttributes: z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional() })).default({}),
  sentTimestamp: z.number(),
  approximateReceiveCount: z.number(),
  delayUntil: z.number().optional(),
});
type InspectedMessage = z.infer<typeof InspectedMessageSchema>;

const InspectionSchema = z.object({
  messages: z.object({
    ready: z.array(InspectedMessageSchema),
    delayed: z.array(InspectedMessageSchema),
    inflight: z.array(z.object({ message: InspectedMessageSchema, visibilityDeadline: z.number() })),
  }),
});

const CountsSchema = z.object({ Attributes: z.record(z.string(), z.coerce.number()) });

function queuedMessage(message: InspectedMessage, visibleAt: number): QueuedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.messageAttributes))
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  return {
    messageId: message.messageId,
    body: message.body,
    attributes,
    receiveCount: message.approximateReceiveCount,
    sentAt: message.sentTimestamp,
    visibleAt,
  };
}

/** What the console says of this queue. */
const SQS_CAVEATS = [
  "Events go through SQS as the fauxqs emulator stands for it, sent, retried and dead-lettered by the same SQS adapters the functions use, and received as Lambda's event source would.",
  "The emulator delivers in arrival order: it ignores each event's message group (its tenant), so the fair-queue ordering SQS gives a quiet tenant beside a busy one is not shown here; the in-process queue (LOCAL_QUEUE=in-process) shows it.",
  'It has no StartMessageMoveTask: Replay receives each dead letter and sends it back as a new message (a new message id) with its attributes.',
  'The time of a move by the redrive policy is not recorded by the emulator; it is shown for the events the processor dead-lettered itself, with their reason.',
];

/**
 * The local view of the SQS event queue in the emulator: what is waiting and dead-lettered, read
 * through the emulator's own inspection (SQS has no way to look without receiving), replay by
 * moving messages back (the emulator has no StartMessageMoveTask), and the drain.
 */
export class SqsLocalQueue implements LocalQueue {
  readonly mode = 'sqs';
  readonly caveats = SQS_CAVEATS;

  constructor(
    private readonly client: AwsJsonClient,
    private readonly endpoint: string,
    readonly urls: EventQueueUrls,
    /** Whether a batch is being handled now (the event source's). */
    private readonly busy: () => boolean,
  ) {}

  async snapshot(): Promise<QueueSnapshot> {
    const [main, dead] = await Promise.all([this.inspect(this.urls.queueArn), this.inspect(this.urls.deadLetterQueueArn)]);
    const pending = [
      ...main.ready.map((message) => queuedMessage(message, message.sentTimestamp)),
      ...main.delayed.map((message) => queuedMessage(message, message.delayUntil ?? message.sentTimestamp)),
      ...main.inflight.map((entry) => queuedMessage(entry.message, entry.visibilityDeadline)),
    ].sort((a, b) => a.sentAt - b.sentAt);
    const deadLetters: DeadLetter[] = [...dead.ready, ...dead.delayed, ...dead.inflight.map((entry) => entry.message)].map((message) => {
      const letter = queuedMessage(message, message.sentTimestamp);
      // The processor sends a dead letter with its reason, so its sending time is when it was dead-lettered;
      // a move by the redrive policy keeps the original sending time, and the emulator records no other.
      return letter.attributes[DEAD_LETTER_REASON_ATTRIBUTE] ? { ...letter, deadLetteredAt: message.sentTimestamp } : letter;
    });
    return { pending, deadLetters };
  }

  /**
   * Receives the dead letters and sends each one asked for back to the event queue, as a new
   * message with its body and attributes (its receive count starts again), then deletes it from
   * the dead-letter queue; the others are made visible again at once. A message is deleted only
   * once its copy is sent, so a failure part-way leaves it where it was.
   */
  async replay(messageIds?: readonly string[]): Promise<number> {
    const kept: string[] = [];
    let moved = 0;
    try {
      for (;;) {
        const messages = await receiveMessages(this.client, {
          QueueUrl: this.urls.deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
        });
        // The emulator answers every visible message to a short poll, so an empty answer means none is left (SQS's own short poll samples).
        if (messages.length === 0) break;
        for (const message of messages) {
          if (messageIds && !messageIds.includes(message.MessageId)) {
            kept.push(message.ReceiptHandle);
            continue;
          }
          const attributes = Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            {
              DataType: value.DataType,
              ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
              ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
            },
          ]);
          const tenant = message.MessageAttributes?.['tenant']?.StringValue;
          await this.client.call('SendMessage', {
            QueueUrl: this.urls.queueUrl,
            MessageBody: message.Body,
            // Its tenant stays its message group, as the adapters send it.
            ...(tenant ? { MessageGroupId: tenant } : {}),
            ...(attributes.length > 0 ? { MessageAttributes: Object.fromEntries(attributes) } : {}),
          });
          await this.client.call('DeleteMessage', { QueueUrl: this.urls.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle });
          moved += 1;
        }
      }
    } finally {
      for (const receiptHandle of kept) {
        // Best effort: one left invisible is visible again after the receive's 60 s.
        await this.client
          .call('ChangeMessageVisibility', { QueueUrl: this.urls.deadLetterQueueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 })
          .catch(() => {});
      }
    }
    return moved;
  }

  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = await this.left();
      if (left === 0 && !this.busy()) return;
      if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms (${left} messages left)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Messages waiting, delayed or in flight on the event queue, as SQS counts them. */
  private async left(): Promise<number> {
    const answer = await this.client.call('GetQueueAttributes', {
      QueueUrl: this.urls.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    });
    return Object.values(CountsSchema.parse(answer).Attributes).reduce((sum, count) => sum + count, 0);
  }

  private async inspect(arn: string): Promise<z.infer<typeof InspectionSchema>['messages']> {
    const name = arn.split(':').pop() ?? '';
    const response = await fetch(`${this.endpoint}/_fauxqs/queues/${encodeURIComponent(name)}`);
    if (!response.ok) throw new Error(`the SQS emulator at ${this.endpoint} could not show queue ${name} (HTTP ${response.status})`);
    return InspectionSchema.parse(await response.json()).messages;
  }
}

/** How to run the event queue on the emulator. */
export interface SqsQueueRuntimeOptions extends Omit<EventQueueSettings, 'name'> {
  /** The emulator's port (a free one by default). */
  port?: number;
  batchSize: number;
  consumers: number;
  /** Told of what went wrong outside the handler (a failed receive or delete). */
  onError?: (message: string, error?: unknown) => void;
}

/** The event queue's name in the emulator. */
export const LOCAL_EVENT_QUEUE = 'influence-router-events';

/**
 * Starts the SQS emulator and the event queue in it, with the functions' own SQS adapters
 * (`SqsEventQueue` for ingest, `SqsRetryScheduler` for the processor) and an event source that
 * delivers batches as Lambda's would.
 *
 * @example const runtime = await startSqsQueueRuntime({ maxReceiveCount: 5, visibilityTimeoutSeconds: 60, batchSize: 10, consumers: 4 })
 */
export async function startSqsQueueRuntime(options: SqsQueueRuntimeOptions): Promise<QueueRuntime<SqsLocalQueue>> {
  const emulator = await startSqsEmulator(options.port !== undefined ? { port: options.port } : {});
  try {
    const client = localSqsClient(emulator.endpoint);
    const urls = await createEventQueues(client, {
      name: LOCAL_EVENT_QUEUE,
      maxReceiveCount: options.maxReceiveCount,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    const waitTimeSeconds = 20;
    const source = new SqsEventSource({
      // Its own client: a long poll must not be cut off by the 5 s timeout of the others.
      client: localSqsClient(emulator.endpoint, { timeoutMs: (waitTimeSeconds + 5) * 1000 }),
      queueUrl: urls.queueUrl,
      queueArn: urls.queueArn,
      batchSize: options.batchSize,
      consumers: options.consumers,
      waitTimeSeconds,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    return {
      queue: new SqsLocalQueue(client, emulator.endpoint, urls, () => source.busy),
      events: new SqsEventQueue(client, urls.queueUrl),
      retry: new SqsRetryScheduler(client, urls.queueUrl, urls.deadLetterQueueUrl),
      start: (consumer) => source.start(consumer),
      close: async () => {
        await source.stop();
        await emulator.stop();
      },
      endpoint: emulator.endpoint,
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}
