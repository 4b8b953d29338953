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

  it('hands out up to `consumers` batches at once, and a slow batch does not stop the others', async () => {
    const queue = new InProcessQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 30_000, batchSize: 1, consumers: 4, pollIntervalMs: 1 });
    let atOnce = 0;
    let most = 0;
    const done: string[] = [];
    queue.start(async (event) => {
      atOnce += 1;
      most = Math.max(most, atOnce);
      const body = event.Records[0]?.body ?? '';
      await sleep(body === 'slow' ? 300 : 20);
      done.push(body);
      atOnce -= 1;
      return { batchItemFailures: [] };
    });

    queue.send('slow');
    for (let i = 0; i < 8; i += 1) queue.send(`quick-${i}`);
    await queue.drained(2000);
    queue.stop();

    expect(most).toBe(4);
    // Every quick message was done before the slow one, which held one consumer only.
    expect(done.at(-1)).toBe('slow');
    expect(done).toHaveLength(9);
  });

  it('serves quiet tenants first while one tenant has most of the recent processing time, as a fair queue does', async () => {
    const queue = new InProcessQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 30_000, batchSize: 2, consumers: 1, pollIntervalMs: 1 });
    const order: string[] = [];
    queue.start(async (event) => {
      for (const record of event.Records) order.push(record.messageAttributes['tenant']?.stringValue ?? '');
      // The noisy tenant's messages are slow to process.
      await sleep(event.Records.some((r) => r.messageAttributes['tenant']?.stringValue === 'noisy') ? 40 : 2);
      return { batchItemFailures: [] };
    });

    for (let i = 0; i < 4; i += 1) queue.send(`n${i}`, { attributes: { tenant: 'noisy' } });
    await queue.drained(2000);
    // A backlog from the noisy tenant arrives first; quiet tenants' messages arrive behind it.
    for (let i = 0; i < 6; i += 1) queue.send(`n${4 + i}`, { attributes: { tenant: 'noisy' } });
    for (let i = 0; i < 4; i += 1) queue.send(`q${i}`, { attributes: { tenant: `quiet-${i}` } });
    order.length = 0;
    await queue.drained(3000);
    queue.stop();

    expect(order.slice(0, 4).sort()).toEqual(['quiet-0', 'quiet-1', 'quiet-2', 'quiet-3']);
    expect(order.slice(4)).toEqual(Array(6).fill('noisy'));
  });

  it('keeps the tenant as the message group of a message put back', async () => {
    const queue = new InProcessQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 30_000, batchSize: 10, pollIntervalMs: 1 });

    await queue.requeue('{}', 0, { tenant: 'acme', deliveryId: 'd1' });

    expect(queue.pending()[0]?.groupId).toBe('acme');
  });
});
