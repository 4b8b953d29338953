import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { AwsJsonClient } from '../../shared/adapters/aws/aws-json-client.js';
import { localSqsClient } from '../../infra/local/sqs-emulator.js';
import { createEventQueues, type EventQueueSettings, type EventQueueUrls } from '../../infra/local/sqs-queues.js';

/** An event queue and its dead-letter queue of their own, in the run's SQS emulator. */
export interface TestQueues {
  client: AwsJsonClient;
  urls: EventQueueUrls;
  /** Every SQS operation that reached the emulator through `client`, in order. */
  calls: string[];
}

/**
 * Creates a uniquely named event queue and dead-letter queue in the SQS emulator the
 * integration run started, the way local mode creates its own.
 *
 * @example const { client, urls } = await newEventQueues({ maxReceiveCount: 2 })
 */
export async function newEventQueues(settings: Partial<Omit<EventQueueSettings, 'name'>> = {}): Promise<TestQueues> {
  const calls: string[] = [];
  // A long poll waits up to 20 s: the client must outlast it.
  const client = localSqsClient(inject('sqsEndpoint'), { timeoutMs: 25_000, onCall: (call) => calls.push(call.operation) });
  const urls = await createEventQueues(client, {
    name: `test-${randomUUID().slice(0, 13)}`,
    maxReceiveCount: settings.maxReceiveCount ?? 3,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds ?? 30,
  });
  return { client, urls, calls };
}

/** How many messages SQS counts on a queue: visible, in flight and delayed. */
export async function queueCounts(
  client: AwsJsonClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const { Attributes = {} } = await client.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  });
  return {
    visible: Number(Attributes['ApproximateNumberOfMessages']),
    inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']),
    delayed: Number(Attributes['ApproximateNumberOfMessagesDelayed']),
  };
}
