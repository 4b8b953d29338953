import { describe, expect, it } from 'vitest';
import { receiveMessages, toSqsRecord } from '../../../infra/local/sqs-event-source.js';
import {
  DEAD_LETTER_REASON_ATTRIBUTE,
  RATE_LIMITED_COUNT_ATTRIBUTE,
  SqsEventQueue,
  SqsRetryScheduler,
} from '../../../shared/adapters/queue/sqs-event-queue.js';
import { type InboundEvent, InboundEventSchema } from '../../../shared/domain/events.js';
import { newEventQueues, queueCounts } from '../../support/sqs-queues.js';

/*
 * The functions' own SQS adapters against the fauxqs emulator, call by call: what ingest sends
 * (SendMessage with the event and its attributes), what the processor sends (a delayed copy with a
 * Number attribute, a dead letter with its reason, ChangeMessageVisibility), and what Lambda's
 * event source receives (ReceiveMessage with long polling and every attribute) and turns into the
 * record the processor reads.
 */

const EVENT: InboundEvent = InboundEventSchema.parse({
  type: 'TicketCreated',
  tenant: 'acme',
  source: 'zendesk',
  deliveryId: 'delivery-1',
  occurredAt: '2026-11-23T10:00:00Z',
  receivedAt: '2026-11-23T10:00:01Z',
  ticket: { id: '42', priority: 'normal', tags: ['printer'] },
  requester: { email: 'ada@example.com', handles: [] },
});

const ATTRIBUTES = { tenant: 'acme', source: 'zendesk', deliveryId: 'delivery-1' };

describe('SqsEventQueue (ingest)', () => {
  it('sends the event as its JSON body, with tenant, source and delivery id as string attributes, which the processor reads back from the record', async () => {
    // Arrange
    const { client, urls, calls } = await newEventQueues();

    // Act
    await new SqsEventQueue(client, urls.queueUrl).enqueue(EVENT);
    const [message, ...more] = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });

    // Assert
    expect(calls).toContain('SendMessage');
    expect(more).toEqual([]);
    expect(message?.MessageAttributes).toEqual({
      tenant: { DataType: 'String', StringValue: 'acme' },
      source: { DataType: 'String', StringValue: 'zendesk' },
      deliveryId: { DataType: 'String', StringValue: 'delivery-1' },
    });
    expect(message?.Attributes?.['ApproximateReceiveCount']).toBe('1');
    const record = toSqsRecord(message!, urls.queueArn);
    expect(InboundEventSchema.parse(JSON.parse(record.body))).toEqual(EVENT);
    expect(record.messageAttributes['tenant']).toEqual({
      stringValue: 'acme',
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    });
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
  });
});

describe('SqsRetryScheduler (the processor)', () => {
  it('requeue sends a copy delivered only after DelaySeconds, keeping its attributes, the rate-limited count as a Number', async () => {
    // Arrange
    const { client, urls } = await newEventQueues();
    const retry = new SqsRetryScheduler(client, urls.queueUrl, urls.deadLetterQueueUrl);

    // Act
    // Seconds enough that the first look comes well before the delay ends, even on a busy machine.
    await retry.requeue(JSON.stringify(EVENT), 4, { ...ATTRIBUTES, [RATE_LIMITED_COUNT_ATTRIBUTE]: '3' });
    const counted = await queueCounts(client, urls.queueUrl);
    const atOnce = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
    const [later] = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 10 });

    // Assert
    expect(counted).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(atOnce).toEqual([]);
    expect(later?.Body).toBe(JSON.stringify(EVENT));
    expect(later?.MessageAttributes?.[RATE_LIMITED_COUNT_ATTRIBUTE]).toEqual({ DataType: 'Number', StringValue: '3' });
    const record = toSqsRecord(later!, urls.queueArn);
    expect(record.messageAttributes[RATE_LIMITED_COUNT_ATTRIBUTE]?.stringValue).toBe('3');
    expect(record.messageAttributes['deliveryId']?.stringValue).toBe('delivery-1');
  });

  it('delay hides a received message for the given seconds (ChangeMessageVisibility); it comes back with its receive count up', async () => {
    // Arrange
    const { client, urls, calls } = await newEventQueues();
    await new SqsEventQueue(client, urls.queueUrl).enqueue(EVENT);
    const [first] = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });

    // Act
    await new SqsRetryScheduler(client, urls.queueUrl, urls.deadLetterQueueUrl).delay(first!.ReceiptHandle, 3);
    const atOnce = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 });
    const [again] = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 10 });

    // Assert
    expect(calls).toContain('ChangeMessageVisibility');
    expect(atOnce).toEqual([]);
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(toSqsRecord(again!, urls.queueArn).attributes.ApproximateReceiveCount).toBe('2');
  });

  it('deadLetter sends the body to the dead-letter queue at once, with its attributes and its reason cut at 500 characters', async () => {
    // Arrange
    const { client, urls } = await newEventQueues();

    // Act
    await new SqsRetryScheduler(client, urls.queueUrl, urls.deadLetterQueueUrl).deadLetter(
      JSON.stringify(EVENT),
      `PermanentHelpdeskError (403): ${'x'.repeat(600)}`,
      ATTRIBUTES,
    );
    const [dead] = await receiveMessages(client, { QueueUrl: urls.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });

    // Assert
    expect(dead?.Body).toBe(JSON.stringify(EVENT));
    const reason = dead?.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue ?? '';
    expect(reason).toMatch(/^PermanentHelpdeskError \(403\): x+$/);
    expect(reason).toHaveLength(500);
    expect(dead?.MessageAttributes?.['tenant']?.StringValue).toBe('acme');
    expect(await queueCounts(client, urls.queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('the event queue as local mode creates it', () => {
  it('moves a message received maxReceiveCount times, and never deleted, to the dead-letter queue (the redrive policy)', async () => {
    // Arrange
    const { client, urls } = await newEventQueues({ maxReceiveCount: 2 });
    const retry = new SqsRetryScheduler(client, urls.queueUrl, urls.deadLetterQueueUrl);
    await new SqsEventQueue(client, urls.queueUrl).enqueue(EVENT);

    // Act: two failed receives, each made visible again at once.
    const counts: string[] = [];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const [message] = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });
      counts.push(message?.Attributes?.['ApproximateReceiveCount'] ?? 'none');
      await retry.delay(message!.ReceiptHandle, 0);
    }
    const third = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 });
    const [dead] = await receiveMessages(client, { QueueUrl: urls.deadLetterQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });

    // Assert
    expect(counts).toEqual(['1', '2']);
    expect(third).toEqual([]);
    expect(dead?.Body).toBe(JSON.stringify(EVENT));
    // Moved by the queue, not by the processor: no reason.
    expect(dead?.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]).toBeUndefined();
  });

  it('answers a long poll with a message sent while it waits', async () => {
    // Arrange
    const { client, urls } = await newEventQueues();

    // Act: the receive starts on an empty queue; the event is sent while it waits.
    const waiting = receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await new SqsEventQueue(client, urls.queueUrl).enqueue(EVENT);
    const messages = await waiting;

    // Assert
    expect(messages.map((message) => message.Body)).toEqual([JSON.stringify(EVENT)]);
  });
});
