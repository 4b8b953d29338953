import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SECRET_PREFIX, type SecretDirection, secretNamePattern } from '../../../shared/adapters/config/secret-names.js';
import { REFRESH_INDEX, TENANTS_INDEX } from '../../../shared/adapters/store/table.js';
import { AlarmTopic } from '../constructs/alarm-topic.js';
import { EventQueue } from '../constructs/event-queue.js';
import { ServiceAlarms } from '../constructs/service-alarms.js';
import { ServiceDashboard } from '../constructs/service-dashboard.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { processorMetricFilters } from '../constructs/service-metrics.js';
import { grantIndexQuery, grantTableItems, grantTenantReads, ITEM_READ_WRITE_ACTIONS } from '../constructs/table-access.js';
import { WebhookApi } from '../constructs/webhook-api.js';

/** The function entries, relative to the repository root. */
export const FUNCTION_ENTRIES = {
  ingest: 'functions/ingest-webhook/handler.ts',
  process: 'functions/process-events/handler.ts',
  refresh: 'functions/refresh-scores/handler.ts',
} as const;

/** Tuning of the ingest path. */
export const INGEST = {
  // Zendesk gives up after 10 s; verify-and-enqueue needs well under one.
  timeout: Duration.seconds(5),
  // It answers the sender, so it keeps the CPU share of 512 MB for a quick cold start.
  memorySize: 512,
  maxBodyBytes: 262_144,
  throttle: { rateLimit: 50, burstLimit: 100 },
} as const;

/**
 * Tuning of the queue consumer. Each helpdesk's rate limit is kept by its tenant's pace (from the
 * helpdesk's own rate-limit headers, whatever the number of processors), so concurrency is set
 * for throughput: the event queue is a fair queue (the tenant is each message's group), and a
 * record that must wait goes back to the queue with its delay instead of holding its batch.
 */
export const PROCESSING = {
  // One record can make several helpdesk calls (requester, ticket, write, a 409 re-read) of up to
  // 8 s each; the records of a batch run side by side.
  timeout: Duration.seconds(90),
  // It mostly waits on DynamoDB and the helpdesk (a few ms of CPU per event against ~165 ms of
  // waiting), and Lambda bills memory by the millisecond: 256 MB halves the cost of that waiting.
  memorySize: 256,
  batchSize: 10,
  // A quiet tenant's ticket waits at most this long for a batch to fill.
  maxBatchingWindow: Duration.seconds(1),
  // Concurrent batches (context `processorConcurrency`, 2 to 1000): with 10 records each, 50
  // batches carry several hundred tickets a second at ~200 ms a ticket, across every tenant, and
  // fair queueing keeps one tenant's backlog from taking them all.
  maxConcurrency: 50,
  // Each 429 re-queue uses a receive, so allow several before dead-lettering.
  maxReceiveCount: 8,
  queueRetention: Duration.days(4),
} as const;

/** Tuning of the scheduled refresh. */
export const REFRESH = {
  timeout: Duration.minutes(5),
  every: Duration.minutes(15),
} as const;

/** What the service stack needs from the stateful stack; nothing about any tenant. */
export interface ServiceStackProps extends StackProps {
  readonly table: ITableV2;
  readonly identityKey: ISecret;
  /** The processor's concurrent batches (default PROCESSING.maxConcurrency). */
  readonly processorConcurrency?: number;
}

/**
 * The stateless half: the webhook API, the ingest, process and refresh functions, the event queue
 * and its dead-letter queue, the schedule, least-privilege grants, alarms and the dashboard. The
 * same template whatever the number of tenants: they are data in the table, and their secrets
 * are granted by name pattern (see shared/adapters/config/secret-names.ts).
 *
 * @example new ServiceStack(app, 'InfluenceRouterService', { table, identityKey })
 */
export class ServiceStack extends Stack {
  readonly events: EventQueue;
  readonly ingest: ServiceFunction;
  readonly process: ServiceFunction;
  readonly refresh: ServiceFunction;
  readonly webhooks: WebhookApi;
  readonly schedule: Rule;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: ServiceAlarms;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table, identityKey } = props;

    this.events = new EventQueue(this, 'Events', {
      // The Lambda docs: at least six times the function timeout, plus the batching window.
      visibilityTimeout: Duration.seconds(PROCESSING.timeout.toSeconds() * 6 + PROCESSING.maxBatchingWindow.toSeconds()),
      maxReceiveCount: PROCESSING.maxReceiveCount,
      retentionPeriod: PROCESSING.queueRetention,
    });

    this.ingest = new ServiceFunction(this, 'Ingest', {
      entry: FUNCTION_ENTRIES.ingest,
      description: 'Influence Router ingest: verifies webhooks and enqueues them',
      timeout: INGEST.timeout,
      memorySize: INGEST.memorySize,
      environment: {
        TABLE_NAME: table.tableName,
        QUEUE_URL: this.events.queue.queueUrl,
        MAX_BODY_BYTES: String(INGEST.maxBodyBytes),
      },
    });
    this.events.queue.grantSendMessages(this.ingest);
    // The ingest function reads a tenant's current configuration only: no customer, no decision.
    grantTenantReads(table, this.ingest);
    // Every tenant's inbound secrets (webhook signing and shared secrets), none of the outbound ones.
    this.grantTenantSecrets('inbound', this.ingest);

    this.process = new ServiceFunction(this, 'Process', {
      entry: FUNCTION_ENTRIES.process,
      description: 'Influence Router processor: decides and writes back, one queue batch at a time',
      timeout: PROCESSING.timeout,
      memorySize: PROCESSING.memorySize,
      environment: {
        TABLE_NAME: table.tableName,
        QUEUE_URL: this.events.queue.queueUrl,
        DEAD_LETTER_QUEUE_URL: this.events.deadLetterQueue.queueUrl,
        IDENTITY_KEY_SECRET_ID: identityKey.secretArn,
        MAX_RECEIVE_COUNT: String(PROCESSING.maxReceiveCount),
      },
    });
    processorMetricFilters(this.process, this.process.logGroup);
    grantTableItems(table, this.process, ITEM_READ_WRITE_ACTIONS);
    identityKey.grantRead(this.process);
    this.grantTenantSecrets('outbound', this.process);
    // A 429 puts the event back as a new delayed message, so its waits use none of its attempts.
    this.events.queue.grantSendMessages(this.process);
    // A helpdesk's permanent refusal goes to the dead-letter queue at once, with its reason.
    this.events.deadLetterQueue.grantSendMessages(this.process);
    // The event source grants receive, delete and ChangeMessageVisibility (used to back off).
    this.process.function.addEventSource(
      new SqsEventSource(this.events.queue, {
        batchSize: PROCESSING.batchSize,
        maxBatchingWindow: PROCESSING.maxBatchingWindow,
        maxConcurrency: props.processorConcurrency ?? PROCESSING.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.refresh = new ServiceFunction(this, 'Refresh', {
      entry: FUNCTION_ENTRIES.refresh,
      description: 'Influence Router refresh: re-scores customers whose score is due',
      timeout: REFRESH.timeout,
      // No reserved concurrency (it fails deploys in accounts near their concurrency quota): runs
      // do not overlap (5-minute timeout, 15-minute schedule), and every score write is guarded.
      environment: {
        TABLE_NAME: table.tableName,
      },
    });
    grantTableItems(table, this.refresh, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    grantIndexQuery(table, REFRESH_INDEX.name, this.refresh);
    // Each run lists the tenants from their sparse index (never a scan of the table).
    grantIndexQuery(table, TENANTS_INDEX.name, this.refresh);
    // Helpdesk-supplied metrics are read through the helpdesk's API; HTTP providers need their keys.
    // The refresh never hashes an identity, so it gets no identity key.
    this.grantTenantSecrets('outbound', this.refresh);
    this.schedule = new Rule(this, 'RefreshSchedule', {
      description: 'Influence Router: refresh due influence scores',
      schedule: Schedule.rate(REFRESH.every),
    });
    this.schedule.addTarget(new LambdaFunction(this.refresh.function, { retryAttempts: 2, maxEventAge: REFRESH.every }));

    this.webhooks = new WebhookApi(this, 'Webhooks', { handler: this.ingest.function, throttle: INGEST.throttle });

    const functions = { ingest: this.ingest, process: this.process, refresh: this.refresh };
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic');
    const { topic } = this.alarmTopic;
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      topic,
      functions,
      events: this.events,
      schedule: this.schedule,
      api: this.webhooks.api,
    });
    new ServiceDashboard(this, 'Dashboard', { api: this.webhooks.api, events: this.events, functions, alarms: this.alarms.alarms });

    new CfnOutput(this, 'WebhookBaseUrl', {
      value: this.webhooks.webhookBaseUrl,
      description: 'Webhook endpoint base: append {tenant}/{source}',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The DynamoDB table the functions use' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.events.deadLetterQueue.queueUrl,
      description: 'Dead-letter queue: redrive it to the event queue to replay',
    });
    new CfnOutput(this, 'EventQueueUrl', { value: this.events.queue.queueUrl, description: 'The event queue' });
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn, description: 'Subscribe on-call here' });

    this.acknowledgeFindings();
  }

  /**
   * Grants reading one side of every tenant's secrets, by name pattern: one statement whatever
   * the number of tenants. Tenant validation keeps each tenant's secrets under its own prefix.
   */
  private grantTenantSecrets(direction: SecretDirection, grantee: ServiceFunction): void {
    const resource = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: secretNamePattern(direction),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [resource],
    });
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretNamePattern(direction)}]`,
      reason: `Tenants are data, added without a deploy, so each function reads its side of every tenant's secrets by name pattern (${secretNamePattern(direction)}), in this account and region only; validation refuses a tenant whose secrets are outside its own ${SECRET_PREFIX}/<tenant>/${direction}/ prefix, and the other side's pattern is never granted.`,
    });
  }

  private acknowledgeFindings(): void {
    Validations.of(this.webhooks.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Helpdesks and survey tools cannot sign requests with IAM or present a JWT. Every request is authenticated by the ingest function, which checks the HMAC signature over the raw body before anything is parsed or enqueued, and rejects the rest with 401.',
    });
    Validations.of(this.ingest.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by API Gateway, where a Lambda dead-letter queue never applies: a failure returns 5xx and the helpdesk retries the delivery.',
    });
    Validations.of(this.process.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by the SQS event source, where a Lambda dead-letter queue never applies: failed records return to the event queue, whose redrive policy moves them to its dead-letter queue.',
    });
    Validations.of(this.process.function).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination (that is for streams and Kafka); failed records go to the dead-letter queue through the event queue redrive policy, which the DeadLetters alarm watches.',
    });
    const scheduledRun =
      'The scheduled event carries no data and the next run, 15 minutes later, picks up the same due scores; failures raise the RefreshErrors and ScheduleFailures alarms, so a queue of empty events would add nothing.';
    Validations.of(this.refresh.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: scheduledRun });
    Validations.of(this.schedule).acknowledge({ id: 'Serverless-EventBusDLQ', reason: scheduledRun });
  }
}
