import { describe, expect, inject, it } from 'vitest';
import { receiveMessages } from '../../../infra/local/sqs-event-source.js';
import { SqsLocalQueue } from '../../../infra/local/sqs-local-queue.js';
import {
  DEAD_LETTER_REASON_ATTRIBUTE,
  RATE_LIMITED_COUNT_ATTRIBUTE,
  SqsEventQueue,
  SqsRetryScheduler,
} from '../../../shared/adapters/queue/sqs-event-queue.js';
import { type InboundEvent, InboundEventSchema } from '../../../shared/domain/events.js';
import { newEventQueues, queueCounts, type TestQueues } from '../../support/sqs-queues.js';

/*
 * The console's and the load run's view of the SQS event queue in the emulator: what waits and
 * what is dead-lettered (through the emulator's inspection, which receives nothing), the replay
 * that moves dead letters back (the emulator has no StartMessageMoveTask), and the drain.
 */

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

const attributes = (n: number) => ({ tenant: 'acme', source: 'zendesk', deliveryId: `delivery-${n}` });

function localQueue(queues: TestQueues, busy = () => false): SqsLocalQueue {
  return new SqsLocalQueue(queues.client, inject('sqsEndpoint'), queues.urls, busy);
}

/** One event dead-lettered by the queue's redrive policy (received maxReceiveCount times, never deleted), with no reason. */
async function redrive(queues: TestQueues, n: number): Promise<void> {
  const retry = new SqsRetryScheduler(queues.client, queues.urls.queueUrl, queues.urls.deadLetterQueueUrl);
  await new SqsEventQueue(queues.client, queues.urls.queueUrl).enqueue(event(n));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const [message] = await receiveMessages(queues.client, { QueueUrl: queues.urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
    await retry.delay(message!.ReceiptHandle, 0);
  }
  // The move happens at the next receive, which gets nothing.
  await receiveMessages(queues.client, { QueueUrl: queues.urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 });
}

describe('SqsLocalQueue', () => {
  it('shows what waits (delayed and in flight included) and what is dead-lettered, with the time only where it is known, without receiving anything', async () => {
    // Arrange
    const queues = await newEventQueues({ maxReceiveCount: 2 });
    const retry = new SqsRetryScheduler(queues.client, queues.urls.queueUrl, queues.urls.deadLetterQueueUrl);
    await redrive(queues, 1);
    const before = Date.now();
    await retry.deadLetter(JSON.stringify(event(2)), 'PermanentHelpdeskError (403): refused', attributes(2));
    await retry.requeue(JSON.stringify(event(3)), 60, { ...attributes(3), [RATE_LIMITED_COUNT_ATTRIBUTE]: '1' });
    await new SqsEventQueue(queues.client, queues.urls.queueUrl).enqueue(event(4));
    await receiveMessages(queues.client, { QueueUrl: queues.urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
    const calls = queues.calls.length;

    // Act
    const { pending, deadLetters } = await localQueue(queues).snapshot();

    // Assert
    expect(queues.calls.length).toBe(calls);
    expect(pending.map((m) => [JSON.parse(m.body).deliveryId, m.receiveCount, m.attributes[RATE_LIMITED_COUNT_ATTRIBUTE]])).toEqual([
      ['delivery-3', 0, '1'],
      ['delivery-4', 1, undefined],
    ]);
    const byDelivery = new Map(deadLetters.map((m) => [JSON.parse(m.body).deliveryId, m]));
    expect([...byDelivery.keys()].sort()).toEqual(['delivery-1', 'delivery-2']);
    // Dead-lettered by the processor: its reason, and when (its sending time).
    expect(byDelivery.get('delivery-2')?.attributes[DEAD_LETTER_REASON_ATTRIBUTE]).toBe('PermanentHelpdeskError (403): refused');
    expect(byDelivery.get('delivery-2')?.deadLetteredAt).toBeGreaterThanOrEqual(before);
    // Moved by the redrive policy: the emulator records no time for that, so none is claimed.
    expect(byDelivery.get('delivery-1')?.deadLetteredAt).toBeUndefined();
    expect(byDelivery.get('delivery-1')?.attributes[DEAD_LETTER_REASON_ATTRIBUTE]).toBeUndefined();
  });

  it('replays the dead letters asked for as new messages with their attributes, leaving the others visible, then the rest', async () => {
    // Arrange
    const queues = await newEventQueues();
    const retry = new SqsRetryScheduler(queues.client, queues.urls.queueUrl, queues.urls.deadLetterQueueUrl);
    for (const n of [1, 2, 3])
      await retry.deadLetter(JSON.stringify(event(n)), `failed ${n}`, { ...attributes(n), [RATE_LIMITED_COUNT_ATTRIBUTE]: '2' });
    const queue = localQueue(queues);
    const chosen = (await queue.snapshot()).deadLetters.find((m) => JSON.parse(m.body).deliveryId === 'delivery-2');

    // Act
    const first = await queue.replay([chosen!.messageId]);
    const afterFirst = await queue.snapshot();
    const countsBetween = await queueCounts(queues.client, queues.urls.deadLetterQueueUrl);
    const rest = await queue.replay();
    const afterAll = await queue.snapshot();

    // Assert
    expect(first).toBe(1);
    expect(afterFirst.pending.map((m) => JSON.parse(m.body).deliveryId)).toEqual(['delivery-2']);
    expect(afterFirst.deadLetters.map((m) => JSON.parse(m.body).deliveryId).sort()).toEqual(['delivery-1', 'delivery-3']);
    // The ones not asked for were visible again at once, for the next replay.
    expect(countsBetween).toEqual({ visible: 2, inFlight: 0, delayed: 0 });
    expect(rest).toBe(2);
    expect(afterAll.deadLetters).toEqual([]);
    expect(afterAll.pending.map((m) => [JSON.parse(m.body).deliveryId, m.receiveCount]).sort()).toEqual([
      ['delivery-1', 0],
      ['delivery-2', 0],
      ['delivery-3', 0],
    ]);
    const [replayed] = await receiveMessages(queues.client, { QueueUrl: queues.urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
    expect(replayed?.MessageAttributes).toMatchObject({
      tenant: { DataType: 'String', StringValue: 'acme' },
      [RATE_LIMITED_COUNT_ATTRIBUTE]: { DataType: 'Number', StringValue: '2' },
      [DEAD_LETTER_REASON_ATTRIBUTE]: { DataType: 'String' },
    });
  });

  it('is drained only when nothing waits on the queue and no batch is being handled', async () => {
    // Arrange
    const queues = await newEventQueues();
    let busy = true;
    const queue = localQueue(queues, () => busy);
    await new SqsEventQueue(queues.client, queues.urls.queueUrl).enqueue(event(1));

    // Act + Assert: a message waits.
    await expect(queue.drained(200)).rejects.toThrow(/not drained after 200 ms \(1 messages left\)/);
    const [message] = await receiveMessages(queues.client, { QueueUrl: queues.urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
    await queues.client.call('DeleteMessage', { QueueUrl: queues.urls.queueUrl, ReceiptHandle: message!.ReceiptHandle });
    // The queue is empty, but a batch is still being handled.
    await expect(queue.drained(200)).rejects.toThrow(/not drained after 200 ms \(0 messages left\)/);
    busy = false;
    await expect(queue.drained(200)).resolves.toBeUndefined();
  });
});
