import type { AwsJsonClient } from '../aws/aws-json-client.js';
import type { InboundEvent } from '../../domain/events.js';
import type { EventQueue } from '../../domain/ports.js';

/**
 * Sends normalised events to SQS. The body is the event as JSON; tenant, source and delivery
 * id are also message attributes so operators can filter the dead-letter queue without
 * parsing bodies. The tenant is the message group: on a standard queue that makes it a fair
 * queue, where SQS serves quiet tenants first while one tenant has a backlog or slow messages.
 *
 * @example await new SqsEventQueue(new AwsJsonClient(SQS), process.env.QUEUE_URL).enqueue(event)
 */
export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly client: AwsJsonClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(event: InboundEvent): Promise<void> {
    await this.client.call('SendMessage', {
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(event),
      MessageGroupId: event.tenant,
      MessageAttributes: {
        tenant: { DataType: 'String', StringValue: event.tenant },
        source: { DataType: 'String', StringValue: event.source },
        deliveryId: { DataType: 'String', StringValue: event.deliveryId },
      },
    });
  }
}

/** The message attribute counting how often an event was put back because the helpdesk said 429. */
export const RATE_LIMITED_COUNT_ATTRIBUTE = 'rateLimitedCount';

/** The queue's side of retries: delaying a failed message, or putting a rate-limited one back. */
export interface RetryScheduler {
  /** Delays the next delivery of a message that failed (its visibility timeout). */
  delay(receiptHandle: string, seconds: number): Promise<void>;
  /**
   * Sends the message body again, delivered after `delaySeconds`, as a new message: a 429 means
   * the helpdesk is healthy but busy, so waiting must not use up the event's attempts.
   */
  requeue(body: string, delaySeconds: number, attributes: Readonly<Record<string, string>>): Promise<void>;
  /**
   * Moves the message to the dead-letter queue now, with why (the `deadLetterReason` attribute):
   * for failures no retry can mend, such as a helpdesk refusing the write for good.
   */
  deadLetter(body: string, reason: string, attributes: Readonly<Record<string, string>>): Promise<void>;
}

/** The message attribute that says why a message was moved to the dead-letter queue. */
export const DEAD_LETTER_REASON_ATTRIBUTE = 'deadLetterReason';

/** Attributes in SQS's form; the rate-limited count is a number, so it can be filtered on. */
function messageAttributes(attributes: Readonly<Record<string, string>>): Record<string, { DataType: string; StringValue: string }> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      { DataType: name === RATE_LIMITED_COUNT_ATTRIBUTE ? 'Number' : 'String', StringValue: value },
    ]),
  );
}

/** The copy stays in its tenant's message group. */
function groupOf(attributes: Readonly<Record<string, string>>): { MessageGroupId?: string } {
  const tenant = attributes['tenant'];
  return tenant ? { MessageGroupId: tenant } : {};
}

/**
 * Sets a failed message's visibility timeout so SQS redelivers it after the delay; the
 * redrive policy moves it to the dead-letter queue after the last attempt, and a permanent
 * failure is sent there at once.
 */
export class SqsRetryScheduler implements RetryScheduler {
  constructor(
    private readonly client: AwsJsonClient,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {}

  async deadLetter(body: string, reason: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    await this.client.call('SendMessage', {
      QueueUrl: this.deadLetterQueueUrl,
      MessageBody: body,
      ...groupOf(attributes),
      MessageAttributes: messageAttributes({ ...attributes, [DEAD_LETTER_REASON_ATTRIBUTE]: reason.slice(0, 500) }),
    });
  }

  async delay(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.call('ChangeMessageVisibility', {
      QueueUrl: this.queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.min(Math.max(0, Math.round(seconds)), 43_200),
    });
  }

  async requeue(body: string, delaySeconds: number, attributes: Readonly<Record<string, string>>): Promise<void> {
    await this.client.call('SendMessage', {
      QueueUrl: this.queueUrl,
      MessageBody: body,
      // SQS delays a message by at most 15 minutes.
      DelaySeconds: Math.min(Math.max(0, Math.ceil(delaySeconds)), 900),
      ...groupOf(attributes),
      MessageAttributes: messageAttributes(attributes),
    });
  }
}
