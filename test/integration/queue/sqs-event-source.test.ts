import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessEventsHandler, type ProcessEventsDeps } from '../../../functions/process-events/chain.js';
import { localContext } from '../../../infra/local/lambda-shapes.js';
import { SqsEventSource } from '../../../infra/local/sqs-event-source.js';
import { createTelemetry } from '../../../shared/adapters/observability/telemetry.js';
import {
  DEAD_LETTER_REASON_ATTRIBUTE,
  RATE_LIMITED_COUNT_ATTRIBUTE,
  SqsEventQueue,
  SqsRetryScheduler,
} from '../../../shared/adapters/queue/sqs-event-queue.js';
import { PermanentHelpdeskError, RateLimitedError } from '../../../shared/domain/errors.js';
import { type InboundEvent, InboundEventSchema } from '../../../shared/domain/events.js';
import { newEventQueues, queueCounts, type TestQueues } from '../../support/sqs-queues.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const event = (n: number): InboundEvent =>
  InboundEventSchema.parse({
    type: 'TicketCreated',
    tenant: 'acme',
    source: 'zendesk',
    deliveryId: `delivery-${n}`,
    occurredAt: '2026-11-23T10:00:00Z',
    receivedAt: '2026-11-23T10:00:01Z',
    ticket: { id: String(n), tags: [] },
    requester: { handles: [] },
  });

const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

/** An event source on the test's queue, as local mode runs it, with a short long-poll so the test's stop is quick. */
function startSource(
  queues: TestQueues,
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
  batchSize = 10,
): { errors: string[] } {
  const errors: string[] = [];
  const source = new SqsEventSource({
    client: queues.client,
    queueUrl: queues.urls.queueUrl,
    queueArn: queues.urls.queueArn,
    batchSize,
    consumers: 2,
    waitTimeSeconds: 1,
    onError: (message) => errors.push(message),
  });
  sources.push(source);
  source.start(consumer);
  return { errors };
}

/** Waits until `done` holds, checking every 50 ms, for at most 15 s. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const empty = async (queues: TestQueues, url = queues.urls.queueUrl) =>
  Object.values(await queueCounts(queues.client, url)).every((count) => count === 0);

describe('the event source (Lambda SQS event source mapping, run locally)', () => {
  it('hands the handler the event Lambda gives: Records with messageId, receiptHandle, body, the receive count and lower-case message attributes', async () => {
    // Arrange
    const queues = await newEventQueues();
    const seen: SQSRecord[] = [];
    startSource(queues, async ({ Records }) => {
      seen.push(...Records);
      return { batchItemFailures: [] };
    });

    // Act
    await new SqsEventQueue(queues.client, queues.urls.queueUrl).enqueue(event(1));
    await until(async () => seen.length === 1 && (await empty(queues)));

    // Assert
    const [record] = seen;
    expect(record).toMatchObject({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: JSON.stringify(event(1)),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        tenant: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' },
        source: { stringValue: 'zendesk', stringListValues: [], binaryListValues: [], dataType: 'String' },
        deliveryId: { stringValue: 'delivery-1', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: queues.urls.queueArn,
      awsRegion: 'us-east-1',
    });
    // Succeeded, so deleted in one DeleteMessageBatch.
    expect(queues.calls).toContain('DeleteMessageBatch');
  });

  it('deletes the records that succeeded and leaves a failed one on the queue, to come back after its visibility timeout with its receive count up', async () => {
    // Arrange
    const queues = await newEventQueues({ visibilityTimeoutSeconds: 1 });
    const deliveries: { deliveryId: string; receiveCount: string }[] = [];
    startSource(queues, async ({ Records }) => {
      for (const record of Records)
        deliveries.push({ deliveryId: JSON.parse(record.body).deliveryId, receiveCount: record.attributes.ApproximateReceiveCount });
      const failing = Records.filter(
        (record) => JSON.parse(record.body).deliveryId === 'delivery-2' && record.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    // Act
    const ingest = new SqsEventQueue(queues.client, queues.urls.queueUrl);
    for (const n of [1, 2, 3]) await ingest.enqueue(event(n));
    await until(async () => deliveries.length === 4 && (await empty(queues)));

    // Assert
    expect(deliveries.filter((d) => d.deliveryId !== 'delivery-2').map((d) => d.receiveCount)).toEqual(['1', '1']);
    expect(deliveries.filter((d) => d.deliveryId === 'delivery-2').map((d) => d.receiveCount)).toEqual(['1', '2']);
  });

  it.each([
    ['throws', async (): Promise<SQSBatchResponse> => Promise.reject(new Error('handler crashed'))],
    [
      'names a record that is not in the batch',
      async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }),
    ],
  ])('fails the whole batch when the handler %s, as Lambda does: every record comes back', async (_case, failOnce) => {
    // Arrange
    const queues = await newEventQueues({ visibilityTimeoutSeconds: 1 });
    const ingest = new SqsEventQueue(queues.client, queues.urls.queueUrl);
    // Both wait before the source starts, so its first receive takes them in one batch.
    await ingest.enqueue(event(1));
    await ingest.enqueue(event(2));
    const counts: string[] = [];

    // Act
    startSource(queues, async ({ Records }) => {
      counts.push(...Records.map((record) => record.attributes.ApproximateReceiveCount));
      return Records.every((record) => record.attributes.ApproximateReceiveCount === '1') ? failOnce() : { batchItemFailures: [] };
    });
    await until(async () => counts.filter((count) => count === '2').length === 2 && (await empty(queues)));

    // Assert
    expect(counts.filter((count) => count === '1')).toHaveLength(2);
  });
});

describe('the processor chain fed by the event source, retrying through SqsRetryScheduler', () => {
  /** The processor with its retries on the test's queues, and every tenant look-up answered by `tenant`. */
  function processor(queues: TestQueues, tenant: (record: number) => never, maxReceiveCount: number) {
    let calls = 0;
    const deps = {
      telemetry: createTelemetry('process-events'),
      retry: new SqsRetryScheduler(queues.client, queues.urls.queueUrl, queues.urls.deadLetterQueueUrl),
      retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 1 },
      maxReceiveCount,
      // The first port a ticket's processing calls: its failure is the failure under test.
      tenant: () => tenant((calls += 1)),
    } as unknown as ProcessEventsDeps;
    const handler = createProcessEventsHandler(deps);
    return (sqsEvent: SQSEvent) => handler(sqsEvent, localContext('process-events', 90_000));
  }

  it('delays a failed event with ChangeMessageVisibility, reads its receive count, and on the last receive dead-letters it with why', async () => {
    // Arrange
    const queues = await newEventQueues({ maxReceiveCount: 2 });
    const receiveCounts: string[] = [];
    const handle = processor(
      queues,
      () => {
        throw new Error('tenant store unreachable');
      },
      2,
    );
    startSource(queues, async (sqsEvent) => {
      receiveCounts.push(...sqsEvent.Records.map((record) => record.attributes.ApproximateReceiveCount));
      return handle(sqsEvent);
    });

    // Act
    await new SqsEventQueue(queues.client, queues.urls.queueUrl).enqueue(event(7));
    await until(async () => (await queueCounts(queues.client, queues.urls.deadLetterQueueUrl)).visible === 1 && (await empty(queues)));

    // Assert
    expect(receiveCounts).toEqual(['1', '2']);
    expect(queues.calls).toContain('ChangeMessageVisibility');
    const dead = await queues.client.call<{ Messages?: { Body: string; MessageAttributes?: Record<string, { StringValue?: string }> }[] }>(
      'ReceiveMessage',
      {
        QueueUrl: queues.urls.deadLetterQueueUrl,
        MessageAttributeNames: ['All'],
      },
    );
    expect(dead.Messages?.[0]?.Body).toBe(JSON.stringify(event(7)));
    expect(dead.Messages?.[0]?.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue).toBe(
      'failed 2 times; last: Error: tenant store unreachable',
    );
  });

  it('puts a rate-limited event back as a delayed copy, counting its waits in a Number attribute the next delivery reads, without using its attempts', async () => {
    // Arrange: two 429s, then a refusal for good.
    const queues = await newEventQueues({ maxReceiveCount: 2 });
    const seen: { receiveCount: string; rateLimited?: { stringValue?: string; dataType: string } }[] = [];
    const handle = processor(
      queues,
      (call) => {
        if (call <= 2) throw new RateLimitedError('helpdesk said 429', 1);
        throw new PermanentHelpdeskError('the helpdesk refused the write', 403);
      },
      2,
    );
    startSource(queues, async (sqsEvent) => {
      for (const record of sqsEvent.Records) {
        const rateLimited = record.messageAttributes[RATE_LIMITED_COUNT_ATTRIBUTE];
        seen.push({
          receiveCount: record.attributes.ApproximateReceiveCount,
          ...(rateLimited ? { rateLimited: { stringValue: rateLimited.stringValue, dataType: rateLimited.dataType } } : {}),
        });
      }
      return handle(sqsEvent);
    });

    // Act
    await new SqsEventQueue(queues.client, queues.urls.queueUrl).enqueue(event(8));
    await until(async () => (await queueCounts(queues.client, queues.urls.deadLetterQueueUrl)).visible === 1 && (await empty(queues)));

    // Assert: each copy is a new message, received once; the third delivery is dead-lettered at once.
    expect(seen).toEqual([
      { receiveCount: '1' },
      { receiveCount: '1', rateLimited: { stringValue: '1', dataType: 'Number' } },
      { receiveCount: '1', rateLimited: { stringValue: '2', dataType: 'Number' } },
    ]);
  });
});
