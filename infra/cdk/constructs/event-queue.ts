import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pinLogicalId } from './pin-logical-id.js';

/** Logical ids of the queues, pinned so no refactor can replace them. */
export const EVENT_QUEUE_LOGICAL_IDS = { queue: 'EventQueue', deadLetterQueue: 'EventDeadLetterQueue' } as const;

/** How long a dead-lettered event waits for a replay: the SQS maximum. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** Props of the event queue. */
export interface EventQueueProps {
  /** At least six times the consumer's timeout (plus its batching window), per the Lambda docs. */
  readonly visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue; the processor reads the same value. */
  readonly maxReceiveCount: number;
  /**
   * How long an undelivered event stays on the main queue; it must outlast the retries and
   * Retry-After delays, and stay below the dead-letter retention (SQS keeps the enqueue time).
   */
  readonly retentionPeriod: Duration;
}

/**
 * The queue between ingest and processing, with its dead-letter queue: both encrypted at rest
 * (SQS-managed keys), both refusing non-TLS requests, and the dead-letter queue open to redrive.
 *
 * @example new EventQueue(this, 'Events', { visibilityTimeout: Duration.seconds(185), maxReceiveCount: 8, retentionPeriod: Duration.days(4) })
 */
export class EventQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
    super(scope, id);
    if (props.retentionPeriod.toSeconds() >= DEAD_LETTER_RETENTION.toSeconds()) {
      throw new Error('The event queue retention must be shorter than the dead-letter retention, or failed events expire unseen');
    }
    this.maxReceiveCount = props.maxReceiveCount;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A source-queue allow-list would reference the main queue, which references this one: a
      // cycle CloudFormation rejects. Redrive back to the source is what this queue is for.
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This is the dead-letter queue, the end of the redrive chain: its messages are kept 14 days and replayed by redriving them to the event queue, and the DeadLetters alarm fires as soon as one arrives.',
    });

    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
    // Replacing a queue loses its messages: up to 14 days of dead letters, or events in flight.
    pinLogicalId(this.deadLetterQueue, EVENT_QUEUE_LOGICAL_IDS.deadLetterQueue);
    pinLogicalId(this.queue, EVENT_QUEUE_LOGICAL_IDS.queue);
  }
}
