import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createProcessEventsHandler, type ProcessEventsDeps } from '../../../functions/process-events/chain.js';
import { localContext } from '../../../infra/local/lambda-shapes.js';
import { FixedTenants } from '../../../shared/adapters/config/tenant-cache.js';
import { parseTenantsFile } from '../../../shared/adapters/config/tenants.js';
import { type AddressPolicy, PUBLIC_ADDRESSES_ONLY } from '../../../shared/adapters/http/checked-request.js';
import { helpdeskClients } from '../../../shared/adapters/per-tenant/helpdesk-clients.js';
import type { RetryScheduler } from '../../../shared/adapters/queue/sqs-event-queue.js';
import { createTelemetry } from '../../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../../shared/adapters/secrets/secret-resolver.js';
import { generateStandardWebhookSecret } from '../../../shared/adapters/webhooks/standard-webhooks.js';
import {
  FixedClock,
  InMemoryCustomerStore,
  InMemoryDecisionLog,
  InMemorySurveyAnswers,
  TestHasher,
  testHoldoutDraw,
} from '../../support/fakes.js';

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

describe('a generic helpdesk whose decisionsUrl resolves to a private address', () => {
  it('sends the event to the dead-letter queue at once, and records the decision as failed with the reason', async () => {
    // Arrange: a rule that tags every ticket, so the decision has something to write.
    const tenants = new FixedTenants(
      parseTenantsFile(
        {
          tenants: [
            {
              id: 'umbrella',
              helpdesk: {
                kind: 'generic',
                decisionsUrl: 'https://hooks.umbrella.example/decisions',
                signingSecret: { value: generateStandardWebhookSecret() },
              },
              sources: { generic: { signingSecrets: [{ value: generateStandardWebhookSecret() }] } },
              policy: { rules: [{ id: 'seen', tiers: ['none'], tags: ['routed'], reason: 'every ticket is routed' }] },
            },
          ],
        },
        // Inline secrets (local mode's form); the address check is the deployed one, below.
        'local',
      ),
    );
    const privateAddress: AddressPolicy = { ...PUBLIC_ADDRESSES_ONLY, resolve: async () => [{ address: '10.0.0.5', family: 4 }] };
    const deadLettered: string[] = [];
    const delayed: number[] = [];
    const decisions = new InMemoryDecisionLog();
    const hasherFor = (tenant: string) => new TestHasher(tenant);
    const answers = new InMemorySurveyAnswers();
    const deps: ProcessEventsDeps = {
      tenant: async (id) => (await tenants.get(id))?.tenant,
      helpdeskFor: helpdeskClients(tenants, new RefSecretResolver(), { serviceAddresses: privateAddress }),
      customers: new InMemoryCustomerStore(hasherFor),
      hasherFor,
      holdoutDraw: testHoldoutDraw,
      decisions,
      surveyAnswers: answers,
      answerIndex: answers,
      clock: new FixedClock(new Date('2026-11-23T10:00:00Z')),
      logger: { warn: () => {} },
      telemetry: createTelemetry('process-events'),
      retry: {
        delay: async (_handle, seconds) => void delayed.push(seconds),
        requeue: async () => {},
        deadLetter: async (_body, reason) => void deadLettered.push(reason),
      },
      maxReceiveCount: 8,
    };
    const record: SQSRecord = {
      ...sqsRecord(4711),
      body: JSON.stringify({
        type: 'TicketCreated',
        tenant: 'umbrella',
        source: 'generic',
        deliveryId: 'd-4711',
        occurredAt: '2026-11-23T10:00:00Z',
        receivedAt: '2026-11-23T10:00:00Z',
        ticket: { id: '4711', priority: 'normal', tags: [], updatedStamp: '2026-11-23T10:00:00Z' },
        requester: { email: 'ada@example.com', handles: [] },
      }),
    };

    // Act
    const answer = await createProcessEventsHandler(deps)({ Records: [record] }, localContext('process-events', 90_000));

    // Assert: handled on its first attempt, never delayed for a retry.
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(delayed).toEqual([]);
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]).toMatch(
      /^RefusedDestinationError \(0\): POST https:\/\/hooks\.umbrella\.example\/decisions failed: .*resolves to 10\.0\.0\.5, a private address/,
    );
    const recorded = decisions.records.get('umbrella#generic:ticket-created:4711');
    expect(recorded?.status).toBe('failed');
    expect(recorded?.failedReason).toMatch(
      /hooks\.umbrella\.example resolves to 10\.0\.0\.5, a private address \(10\.0\.0\.0\/8\): refused/,
    );
  });
});
