import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import { receiveMessages } from '../../../infra/local/sqs-event-source.js';
import { localSqsClient, startSqsEmulator } from '../../../infra/local/sqs-emulator.js';
import { AwsJsonClient, AwsServiceError, SQS } from '../../../shared/adapters/aws/aws-json-client.js';
import { staticCredentials } from '../../../shared/adapters/aws/credentials.js';
import { SqsEventQueue } from '../../../shared/adapters/queue/sqs-event-queue.js';
import { InboundEventSchema } from '../../../shared/domain/events.js';
import { newEventQueues } from '../../support/sqs-queues.js';

/*
 * What the emulator does not stand for, pinned so that the README's list stays true: a new
 * fauxqs that mends one of these fails its test here, and the README and the console's caveats
 * are then updated with it.
 */

const EVENT = InboundEventSchema.parse({
  type: 'TicketCreated',
  tenant: 'acme',
  source: 'zendesk',
  deliveryId: 'delivery-1',
  occurredAt: '2026-11-23T10:00:00Z',
  receivedAt: '2026-11-23T10:00:01Z',
  ticket: { id: '42', tags: [] },
  requester: { handles: [] },
});

/** Whether another server can take `port` on 127.0.0.2: not if something listens on every interface there. */
function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

describe('the SQS emulator as local mode starts it', () => {
  it('listens on 127.0.0.1 only, not on every interface as fauxqs would by itself', async () => {
    // Arrange
    const emulator = await startSqsEmulator();
    const port = Number(new URL(emulator.endpoint).port);

    // Act: on Linux every 127.x address is this machine's; a wildcard listener would hold the port on all of them.
    const elsewhereFree = await canListen('127.0.0.2', port);
    await emulator.stop();

    // Assert
    expect(new URL(emulator.endpoint).hostname).toBe('127.0.0.1');
    expect(elsewhereFree).toBe(true);
  });
});

describe('what the emulator does not stand for', () => {
  it('keeps no message group on a standard queue: no fair-queue ordering by tenant', async () => {
    // Arrange
    const { client, urls } = await newEventQueues();

    // Act: the adapter sends the tenant as the message group.
    await new SqsEventQueue(client, urls.queueUrl).enqueue(EVENT);
    const inspected = z
      .object({ messages: z.object({ ready: z.array(z.object({ messageGroupId: z.string().optional() })) }) })
      .parse(await (await fetch(`${inject('sqsEndpoint')}/_fauxqs/queues/${urls.queueArn.split(':').pop()}`)).json());
    const [received] = await receiveMessages(client, { QueueUrl: urls.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 });

    // Assert
    expect(inspected.messages.ready).toHaveLength(1);
    expect(inspected.messages.ready[0]?.messageGroupId).toBeUndefined();
    expect(received?.Attributes?.['MessageGroupId']).toBeUndefined();
  });

  it('reports a receipt handle that names no message as deleted in a DeleteMessageBatch (SQS lists it under Failed)', async () => {
    const { client, urls } = await newEventQueues();

    const answer = await client.call('DeleteMessageBatch', {
      QueueUrl: urls.queueUrl,
      Entries: [{ Id: 'bogus', ReceiptHandle: 'not-a-receipt-handle' }],
    });

    expect(answer).toEqual({ Successful: [{ Id: 'bogus' }], Failed: [] });
  });

  it('has no StartMessageMoveTask: a dead-letter queue cannot be redriven as in AWS', async () => {
    const { client, urls } = await newEventQueues();

    const refused = await client
      .call('StartMessageMoveTask', { SourceArn: urls.deadLetterQueueArn, DestinationArn: urls.queueArn })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(AwsServiceError);
    expect(refused).toMatchObject({ code: 'InvalidAction' });
  });

  it('checks no signature: a request signed with keys it never issued is served', async () => {
    const { urls } = await newEventQueues();
    const stranger = new AwsJsonClient(SQS, {
      endpoint: inject('sqsEndpoint'),
      region: 'us-east-1',
      credentials: staticCredentials({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'wrong' }),
    });

    await new SqsEventQueue(stranger, urls.queueUrl).enqueue(EVENT);
    const [received] = await receiveMessages(localSqsClient(inject('sqsEndpoint')), {
      QueueUrl: urls.queueUrl,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: 1,
    });

    expect(received?.Body).toBe(JSON.stringify(EVENT));
  });
});
