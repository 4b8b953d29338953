import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createProcessEventsHandler, type ProcessEventsDeps } from '../../../functions/process-events/chain.js';
import { localContext } from '../../../infra/local/lambda-shapes.js';
import type { RetryScheduler } from '../../../shared/adapters/queue/sqs-event-queue.js';
import { createTelemetry } from '../../../shared/adapters/observability/telemetry.js';

function sqsRecord(n: number): SQSRecord {
  const body = JSON.stringify({
    type: 'TicketCreated',
    tenant: 'acme',
    source: 'zendesk',
    deliveryId: `d-${n}`,
    occurredAt: '2026-11-23T10:00:00Z',
    receivedAt: '2026-11-23T10:00:00Z',
    ticket: { id: String(n), tags: [] },
    requester: { handles: [] },
  });
  return {
    messageId: `m-${n}`,
    receiptHandle: `rh-${n}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: { tenant: { stringValue: 'acme', dataType: 'String' } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:0:q',
    awsRegion: 'local',
  };
}

describe('the processor near its timeout', () => {
  it('starts no record with too little time left, handing each back untouched as a new message', async () => {
    // Arrange
    const requeued: { body: string; delay: number; attributes: Readonly<Record<string, string>> }[] = [];
    let looked = 0;
    const retry: RetryScheduler = {
      delay: async () => {},
      requeue: async (body, delay, attributes) => void requeued.push({ body, delay, attributes }),
      deadLetter: async () => {},
    };
    const deps = {
      telemetry: createTelemetry('process-events'),
      retry,
      minRemainingMsToStart: 30_000,
      // Processing any record would look its tenant up first.
      tenant: () => {
        looked += 1;
        return undefined;
      },
    } as unknown as ProcessEventsDeps;
    const event: SQSEvent = { Records: [sqsRecord(1), sqsRecord(2)] };

    // Act
    const answer = await createProcessEventsHandler(deps)(event, localContext('process-events', 10_000));

    // Assert
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(looked).toBe(0);
    expect(requeued.map((r) => [JSON.parse(r.body).deliveryId, r.delay, r.attributes['tenant']])).toEqual([
      ['d-1', 0, 'acme'],
      ['d-2', 0, 'acme'],
    ]);
  });

  it('starts records while the time left is enough', async () => {
    let looked = 0;
    const deps = {
      telemetry: createTelemetry('process-events'),
      retry: { delay: async () => {}, requeue: async () => {}, deadLetter: async () => {} },
      tenant: () => {
        looked += 1;
        return undefined;
      },
    } as unknown as ProcessEventsDeps;

    const answer = await createProcessEventsHandler(deps)({ Records: [sqsRecord(3)] }, localContext('process-events', 90_000));

    // The tenant is unknown, so the record fails, but it was started.
    expect(looked).toBe(1);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-3' }] });
  });
});
