import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../../infra/local/in-process-queue.js';

function queueWithClock(maxReceiveCount = 3) {
  let now = 1_000_000;
  const queue = new InProcessQueue({ maxReceiveCount, visibilityTimeoutMs: 30_000, batchSize: 10, pollIntervalMs: 1, now: () => now });
  return { queue, advance: (ms: number) => (now += ms) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessQueue', () => {
  it('delivers a message and deletes it when the consumer succeeds', async () => {
    const { queue } = queueWithClock();
    const seen: SQSEvent[] = [];
    queue.start(async (event) => {
      seen.push(event);
      return { batchItemFailures: [] };
    });

    queue.send('{"a":1}');
    await queue.drained(1000);
    queue.stop();

    expect(seen).toHaveLength(1);
    expect(seen[0]?.Records[0]?.body).toBe('{"a":1}');
    expect(seen[0]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('1');
    expect(queue.pending()).toHaveLength(0);
  });

  it('keeps a failed message invisible for the delay the consumer set, then redelivers it', async () => {
    const { queue, advance } = queueWithClock();
    const counts: string[] = [];
    queue.start(async (event): Promise<SQSBatchResponse> => {
      const record = event.Records[0];
      if (!record) return { batchItemFailures: [] };
      counts.push(record.attributes.ApproximateReceiveCount);
      if (counts.length === 1) {
        await queue.delay(record.receiptHandle, 60);
        return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
      }
      return { batchItemFailures: [] };
    });

    queue.send('x');
    await sleep(30);
    expect(counts).toEqual(['1']);
    advance(59_000);
    await sleep(30);
    expect(counts).toEqual(['1']);
    advance(1_000);
    await queue.drained(1000);
    queue.stop();

    expect(counts).toEqual(['1', '2']);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount failures, and replays it', async () => {
    const { queue } = queueWithClock(3);
    let fail = true;
    let deliveries = 0;
    queue.start(async (event): Promise<SQSBatchResponse> => {
      deliveries += 1;
      const record = event.Records[0];
      if (record && fail) {
        await queue.delay(record.receiptHandle, 0);
        return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
      }
      return { batchItemFailures: [] };
    });

    const id = queue.send('x');
    await queue.drained(1000);

    expect(deliveries).toBe(3);
    expect(queue.deadLettered().map((m) => m.messageId)).toEqual([id]);

    fail = false;
    expect(queue.replayDeadLetters()).toBe(1);
    await queue.drained(1000);
    queue.stop();

    expect(deliveries).toBe(4);
    expect(queue.deadLettered()).toHaveLength(0);
  });

  it('fails the whole batch when the consumer throws, as Lambda does', async () => {
    const { queue } = queueWithClock(1);
    queue.start(async () => {
      throw new Error('boom');
    });

    queue.send('a');
    queue.send('b');
    await queue.drained(1000);
    queue.stop();

    expect(queue.deadLettered()).toHaveLength(2);
  });
});
