import type { SQSBatchResponse, SQSMessageAttribute, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { AwsJsonClient } from '../../shared/adapters/aws/aws-json-client.js';
import type { BatchConsumer } from './local-queue.js';

const MessageAttributeSchema = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
  StringListValues: z.array(z.string()).optional(),
  BinaryListValues: z.array(z.string()).optional(),
});

/** One message as SQS's ReceiveMessage answers it (JSON protocol). */
export const ReceivedMessageSchema = z.object({
  MessageId: z.string(),
  ReceiptHandle: z.string(),
  Body: z.string(),
  MD5OfBody: z.string().optional(),
  MD5OfMessageAttributes: z.string().optional(),
  Attributes: z.record(z.string(), z.string()).optional(),
  MessageAttributes: z.record(z.string(), MessageAttributeSchema).optional(),
});

/** A message as ReceiveMessage gave it. */
export type ReceivedMessage = z.infer<typeof ReceivedMessageSchema>;

const ReceiveAnswerSchema = z.object({ Messages: z.array(ReceivedMessageSchema).optional() });

const DeleteBatchAnswerSchema = z.object({
  Successful: z.array(z.object({ Id: z.string() })).optional(),
  Failed: z.array(z.object({ Id: z.string(), Code: z.string().optional(), Message: z.string().optional() })).optional(),
});

/**
 * ReceiveMessage with every system and message attribute, as Lambda's event source asks for them.
 *
 * @example const messages = await receiveMessages(sqs, { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 })
 */
export async function receiveMessages(
  client: AwsJsonClient,
  input: { QueueUrl: string; MaxNumberOfMessages: number; WaitTimeSeconds: number; VisibilityTimeout?: number },
): Promise<ReceivedMessage[]> {
  const answer = await client.call('ReceiveMessage', { ...input, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] });
  return ReceiveAnswerSchema.parse(answer).Messages ?? [];
}

/** Message attributes in Lambda's form: lower-case keys, with the list fields Lambda always sends. */
function lambdaAttributes(attributes: ReceivedMessage['MessageAttributes']): Record<string, SQSMessageAttribute> {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, value]) => [
      name,
      {
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: value.BinaryListValues ?? [],
        dataType: value.DataType,
      },
    ]),
  );
}

/**
 * A received message as Lambda's SQS event source hands it to a function: `messageId`,
 * `receiptHandle`, `body`, the system attributes (`ApproximateReceiveCount`, ...) and the message
 * attributes in Lambda's lower-case form.
 *
 * @example const record = toSqsRecord(message, 'arn:aws:sqs:us-east-1:000000000000:events')
 */
export function toSqsRecord(message: ReceivedMessage, queueArn: string): SQSRecord {
  const system = message.Attributes ?? {};
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: {
      ...system,
      ApproximateReceiveCount: system['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: system['SentTimestamp'] ?? '',
      SenderId: system['SenderId'] ?? '',
      ApproximateFirstReceiveTimestamp: system['ApproximateFirstReceiveTimestamp'] ?? '',
    },
    messageAttributes: lambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    // arn:aws:sqs:<region>:<account>:<name>
    awsRegion: queueArn.split(':')[3] ?? '',
  };
}

/**
 * The records a batch response fails, as Lambda reads it: none when it names none; the whole batch
 * when the handler threw, or named an identifier that is empty or not in the batch.
 */
export function failedRecords(
  records: readonly SQSRecord[],
  outcome: { response: SQSBatchResponse | undefined } | { thrown: unknown },
): Set<string> {
  const all = new Set(records.map((record) => record.messageId));
  if ('thrown' in outcome) return all;
  const named = (outcome.response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
  if (named.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(named);
}

/** How the stand-in for Lambda's event source mapping polls and hands out batches. */
export interface SqsEventSourceOptions {
  /** A client whose timeout outlasts `waitTimeSeconds`. */
  client: AwsJsonClient;
  queueUrl: string;
  queueArn: string;
  /** Messages per batch, 1 to 10. */
  batchSize: number;
  /** Batches at once: each a poller of its own, as the mapping's concurrent invocations. */
  consumers: number;
  /** The long poll's wait (default 20 s, as Lambda's pollers). */
  waitTimeSeconds?: number;
  /** Told of what went wrong outside the handler: a failed receive or delete. */
  onError?: (message: string, error?: unknown) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long `stop` waits for the batches under way before it lets the queue go. */
const STOP_GRACE_MS = 5000;

/**
 * What Lambda's SQS event source mapping does for a function, run in this process: pollers that
 * long-poll the queue, turn the messages into the SQS event Lambda gives (`Records[]`), invoke the
 * handler, and honour its batch item failures: the succeeded records are deleted (one
 * DeleteMessageBatch), the failed ones left on the queue, where their visibility timeout (or the
 * processor's own ChangeMessageVisibility) brings them back.
 *
 * @example const source = new SqsEventSource({ client, queueUrl, queueArn, batchSize: 10, consumers: 4 }); source.start(handler);
 */
export class SqsEventSource {
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: SqsEventSourceOptions) {}

  /** Read anew after each await: `stop` may have been called meanwhile. */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  /** Whether a batch is being handled now. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Starts the pollers; once only. */
  start(consumer: BatchConsumer): void {
    if (this.state !== 'new') throw new Error(`the event source was already ${this.state}`);
    this.state = 'started';
    for (let slot = 0; slot < this.options.consumers; slot += 1) void this.poll(consumer, slot);
  }

  /** Stops polling for good; waits a few seconds for the batches under way, not for long polls still waiting. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    await Promise.race([Promise.allSettled([...this.running]), sleep(STOP_GRACE_MS)]);
  }

  private async poll(consumer: BatchConsumer, slot: number): Promise<void> {
    while (!this.isStopped()) {
      let messages: ReceivedMessage[];
      try {
        messages = await receiveMessages(this.options.client, {
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: this.options.batchSize,
          WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        });
      } catch (error) {
        if (this.isStopped()) return;
        this.options.onError?.('could not receive from the event queue; trying again in 1 s', error);
        await sleep(1000);
        continue;
      }
      if (messages.length === 0) continue;
      if (this.isStopped()) return this.release(messages);
      const batch = this.deliver(consumer, messages, slot);
      this.running.add(batch);
      await batch.finally(() => this.running.delete(batch));
    }
  }

  private async deliver(consumer: BatchConsumer, messages: readonly ReceivedMessage[], slot: number): Promise<void> {
    const records = messages.map((message) => toSqsRecord(message, this.options.queueArn));
    let failed: Set<string>;
    try {
      failed = failedRecords(records, { response: await consumer({ Records: records }, slot) });
    } catch (error) {
      failed = failedRecords(records, { thrown: error });
    }
    const succeeded = records.filter((record) => !failed.has(record.messageId));
    if (succeeded.length === 0) return;
    try {
      const answer = DeleteBatchAnswerSchema.parse(
        await this.options.client.call('DeleteMessageBatch', {
          QueueUrl: this.options.queueUrl,
          Entries: succeeded.map((record, index) => ({ Id: `m${index}`, ReceiptHandle: record.receiptHandle })),
        }),
      );
      const refused = answer.Failed ?? [];
      if (refused.length > 0) {
        this.options.onError?.(
          `the queue kept ${refused.length} processed message(s) (${refused.map((entry) => entry.Code ?? 'unknown').join(', ')}): they come back after their visibility timeout`,
        );
      }
    } catch (error) {
      this.options.onError?.(
        `could not delete ${succeeded.length} processed message(s): they come back after their visibility timeout`,
        error,
      );
    }
  }

  /** Messages received as the source stopped go back at once instead of after their visibility timeout. */
  private async release(messages: readonly ReceivedMessage[]): Promise<void> {
    for (const message of messages) {
      await this.options.client
        .call('ChangeMessageVisibility', { QueueUrl: this.options.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })
        .catch(() => {});
    }
  }
}
