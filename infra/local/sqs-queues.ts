import * as z from 'zod';
import type { AwsJsonClient } from '../../shared/adapters/aws/aws-json-client.js';

/** How long the event queue keeps a message, as deployed (PROCESSING.queueRetention; a test holds them equal). */
export const EVENT_QUEUE_RETENTION_SECONDS = 4 * 86_400;

/** How long the dead-letter queue keeps a message, as deployed (DEAD_LETTER_RETENTION; a test holds them equal). */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 86_400;

/** The event queue and its dead-letter queue, as SQS names them. */
export interface EventQueueUrls {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/** The settings of the event queue that the deployed one has too (infra/cdk/constructs/event-queue.ts). */
export interface EventQueueSettings {
  /** Queue names; the dead-letter queue's is the event queue's with `-dlq`. */
  name: string;
  /** Receives before the redrive policy moves a message to the dead-letter queue. */
  maxReceiveCount: number;
  /** Whole seconds a received message stays invisible (0 to 43,200). */
  visibilityTimeoutSeconds: number;
}

const QueueUrlAnswerSchema = z.object({ QueueUrl: z.string() });
const QueueArnAnswerSchema = z.object({ Attributes: z.object({ QueueArn: z.string() }) });

/**
 * Creates the event queue and its dead-letter queue through the SQS API, as the stack deploys
 * them: the dead-letter queue first, then the event queue with its visibility timeout and a
 * redrive policy to it after `maxReceiveCount` receives.
 *
 * @example const urls = await createEventQueues(sqs, { name: 'influence-router-events', maxReceiveCount: 5, visibilityTimeoutSeconds: 60 })
 */
export async function createEventQueues(client: AwsJsonClient, settings: EventQueueSettings): Promise<EventQueueUrls> {
  const create = async (name: string, attributes: Record<string, string>) => {
    const { QueueUrl } = QueueUrlAnswerSchema.parse(await client.call('CreateQueue', { QueueName: name, Attributes: attributes }));
    const { Attributes } = QueueArnAnswerSchema.parse(await client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl, arn: Attributes.QueueArn };
  };
  const dlq = await create(`${settings.name}-dlq`, { MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS) });
  const queue = await create(settings.name, {
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(EVENT_QUEUE_RETENTION_SECONDS),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: settings.maxReceiveCount }),
  });
  return { queueUrl: queue.url, queueArn: queue.arn, deadLetterQueueUrl: dlq.url, deadLetterQueueArn: dlq.arn };
}
