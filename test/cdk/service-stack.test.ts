import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CUSTOM_METRICS } from '../../infra/cdk/constructs/service-metrics.js';
import { addInfluenceRouter } from '../../infra/cdk/stacks/influence-router.js';
import { buildApp, logicalIdOf, synthesize, type Synthesized } from './synth-fixture.js';

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize();
});

const FunctionSchema = z.object({
  Properties: z.object({
    Runtime: z.string(),
    Architectures: z.array(z.string()),
    Timeout: z.number(),
    MemorySize: z.number(),
    TracingConfig: z.object({ Mode: z.string() }),
    LoggingConfig: z.object({ LogGroup: z.object({ Ref: z.string() }) }),
    Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
  }),
});
const QueueSchema = z.object({
  Properties: z.object({
    VisibilityTimeout: z.number().optional(),
    MessageRetentionPeriod: z.number(),
    RedrivePolicy: z.object({ maxReceiveCount: z.number() }).optional(),
  }),
});

function functionProps(name: 'ingest' | 'process' | 'refresh') {
  const id = logicalIdOf(synth.router.service[name].function);
  return FunctionSchema.parse(synth.service.findResources('AWS::Lambda::Function')[id]).Properties;
}

function queueProps(which: 'queue' | 'deadLetterQueue') {
  const id = logicalIdOf(synth.router.service.events[which]);
  return QueueSchema.parse(synth.service.findResources('AWS::SQS::Queue')[id]).Properties;
}

describe('functions', () => {
  it('all run nodejs24.x on arm64 with active tracing and their own log group', () => {
    const functions = Object.values(synth.service.findResources('AWS::Lambda::Function')).map((f) => FunctionSchema.parse(f).Properties);
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.TracingConfig.Mode).toBe('Active');
      expect(fn.MemorySize).toBeGreaterThan(128);
    }
    expect(new Set(functions.map((fn) => fn.LoggingConfig.LogGroup.Ref)).size).toBe(3);
  });

  it('every log group has a retention', () => {
    const groups = Object.values(synth.service.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(4);
    for (const group of groups) expect(group).toHaveProperty('Properties.RetentionInDays');
  });

  it('share the Powertools settings, and read tenants from the table, not from a file', () => {
    for (const name of ['ingest', 'process', 'refresh'] as const) {
      expect(functionProps(name).Environment.Variables).not.toHaveProperty('TENANTS_FILE');
      expect(functionProps(name).Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'influence-router',
        POWERTOOLS_METRICS_NAMESPACE: 'InfluenceRouter',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('ingest gets the queue URL, the body limit and the table (for tenants only), no identity key', () => {
    const env = functionProps('ingest').Environment.Variables;
    expect(env).toMatchObject({ MAX_BODY_BYTES: '262144', QUEUE_URL: { Ref: logicalIdOf(synth.router.service.events.queue) } });
    expect(env).toHaveProperty('TABLE_NAME');
    expect(env).not.toHaveProperty('IDENTITY_KEY_SECRET_ID');
  });

  it('process gets the table, queues, identity key and the redrive count', () => {
    const env = functionProps('process').Environment.Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['TABLE_NAME', 'QUEUE_URL', 'IDENTITY_KEY_SECRET_ID']));
    expect(env).not.toHaveProperty('IDEMPOTENCY_TTL_SECONDS');
    expect(env.MAX_RECEIVE_COUNT).toBe(String(queueProps('queue').RedrivePolicy?.maxReceiveCount));
  });

  it('refresh gets the table but no identity key (it never hashes), and reserves no concurrency', () => {
    const variables = Object.keys(functionProps('refresh').Environment.Variables);
    expect(variables).toEqual(expect.arrayContaining(['TABLE_NAME']));
    expect(variables).not.toContain('IDENTITY_KEY_SECRET_ID');
    // A reservation fails deploys in accounts near their concurrency quota; runs cannot overlap anyway.
    expect(functionProps('refresh')).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(synth.router.service.refresh.function.timeout?.toSeconds()).toBeLessThan(15 * 60);
  });
});

describe('the event queue', () => {
  it('has a visibility timeout of at least six times the processor timeout', () => {
    expect(queueProps('queue').VisibilityTimeout).toBeGreaterThanOrEqual(6 * functionProps('process').Timeout);
  });

  it('dead-letters after maxReceiveCount into a queue that keeps messages 14 days', () => {
    expect(queueProps('queue').RedrivePolicy?.maxReceiveCount).toBe(8);
    expect(queueProps('deadLetterQueue').MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queueProps('queue').MessageRetentionPeriod).toBeLessThan(queueProps('deadLetterQueue').MessageRetentionPeriod);
    synth.service.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 1_209_600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
  });

  it('both queues are encrypted and refuse non-TLS requests', () => {
    const queues = Object.values(synth.service.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const queue of queues) expect(queue).toHaveProperty('Properties.SqsManagedSseEnabled', true);
    const policies = synth.service.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      },
    });
    expect(Object.keys(policies)).toHaveLength(2);
  });

  it('feeds the processor with partial batch failures, a batch window and a concurrency cap', () => {
    synth.service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(synth.router.service.process.function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(synth.router.service.events.queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 50 },
    });
  });

  it('takes the concurrency from the processorConcurrency context, and refuses one the event source would not', () => {
    const withContext = (value: unknown) => {
      const app = buildApp();
      app.node.setContext('processorConcurrency', value);
      return addInfluenceRouter(app);
    };

    Template.fromStack(withContext('200').service).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 200 },
    });
    expect(() => withContext(1)).toThrow(/processorConcurrency.*2 to 1000/);
    expect(() => withContext('many')).toThrow(/processorConcurrency/);
  });
});

describe('the webhook API', () => {
  it('routes POST /webhooks/{tenant}/{source} to the ingest function', () => {
    synth.service.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    synth.service.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/{tenant}/{source}' });
    synth.service.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(synth.router.service.ingest.function), 'Arn'] },
    });
  });

  it('throttles the stage and writes JSON access logs without headers', () => {
    synth.service.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    const stage = Object.values(synth.service.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const format = z.object({ Properties: z.object({ AccessLogSettings: z.object({ Format: z.string() }) }) }).parse(stage).Properties
      .AccessLogSettings.Format;
    expect(() => JSON.parse(format)).not.toThrow();
    expect(format).not.toMatch(/header|body/i);
  });
});

describe('the refresh schedule', () => {
  it('invokes the refresh function every 15 minutes', () => {
    synth.service.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(synth.router.service.refresh.function), 'Arn'] } })],
    });
  });
});

describe('operations', () => {
  const AlarmSchema = z.object({
    Properties: z.object({
      MetricName: z.string().optional(),
      Namespace: z.string().optional(),
      Threshold: z.number(),
      Dimensions: z.array(z.object({ Name: z.string(), Value: z.unknown() })).optional(),
      AlarmActions: z.array(z.unknown()),
      OKActions: z.array(z.unknown()),
    }),
  });

  function alarms() {
    return Object.values(synth.service.findResources('AWS::CloudWatch::Alarm')).map((alarm) => AlarmSchema.parse(alarm).Properties);
  }

  function alarmOn(metricName: string, dimensionValue?: unknown) {
    return alarms().filter(
      (alarm) =>
        alarm.MetricName === metricName &&
        (dimensionValue === undefined || alarm.Dimensions?.some((d) => JSON.stringify(d.Value) === JSON.stringify(dimensionValue))),
    );
  }

  it('alarms on any dead letter', () => {
    const [alarm] = alarmOn('ApproximateNumberOfMessagesVisible', {
      'Fn::GetAtt': [logicalIdOf(synth.router.service.events.deadLetterQueue), 'QueueName'],
    });
    expect(alarm?.Threshold).toBe(0);
  });

  it('alarms on the age of the oldest event', () => {
    expect(
      alarmOn('ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [logicalIdOf(synth.router.service.events.queue), 'QueueName'] }),
    ).toHaveLength(1);
  });

  it('alarms on errors and throttles of each function', () => {
    for (const name of ['ingest', 'process', 'refresh'] as const) {
      const fn = { Ref: logicalIdOf(synth.router.service[name].function) };
      expect(alarmOn('Errors', fn)).toHaveLength(1);
      expect(alarmOn('Throttles', fn)).toHaveLength(1);
    }
  });

  it('alarms on the helpdesk 429 rate from the custom metric', () => {
    const [alarm] = alarmOn('HelpdeskRateLimited');
    expect(alarm).toMatchObject({ Namespace: 'InfluenceRouter', Dimensions: [{ Name: 'service', Value: 'influence-router' }] });
  });

  it('sends every alarm, and its recovery, to the encrypted alarm topic', () => {
    const topic = { Ref: logicalIdOf(synth.router.service.alarmTopic.topic) };
    const all = alarms();
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const alarm of all) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
    synth.service.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    synth.service.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    synth.service.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('alarms on webhook API 5xx, since ingest turns its own failures into responses', () => {
    const [alarm] = alarmOn('5xx');
    expect(alarm).toMatchObject({ Namespace: 'AWS/ApiGateway', Threshold: 1 });
  });

  it('lets CloudWatch publish to the topic despite the TLS-only policy, or no alarm would reach anyone', () => {
    synth.service.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': Match.anyValue() } }),
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch use the topic key, or alarm notifications would be dropped', () => {
    synth.service.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
          }),
        ]),
      },
    });
  });

  it('has a dashboard with every custom metric and uplifts by tier', () => {
    const dashboards = Object.values(synth.service.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]);
    for (const metric of CUSTOM_METRICS) expect(body).toContain(`\\"${metric}\\"`);
    for (const tier of ['standard', 'notable', 'high', 'top']) expect(body).toContain(`\\"tier\\",\\"${tier}\\"`);
  });

  it('plots only metrics the service produces: each is emitted by function code or counted by a metric filter', async () => {
    const { METRIC } = await import('../../shared/adapters/observability/metric-names.js');
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const sources = ['functions', 'shared']
      .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file)))
      .filter((file) => file.endsWith('.ts') && !file.includes('metric-names'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const filtered = Object.values(synth.service.findResources('AWS::Logs::MetricFilter')).map(
      (filter) =>
        (filter as { Properties: { MetricTransformations: { MetricName: string }[] } }).Properties.MetricTransformations[0]?.MetricName,
    );
    for (const [key, name] of Object.entries(METRIC)) {
      expect(sources.includes(`METRIC.${key}`) || filtered.includes(name), name).toBe(true);
    }
  });

  it('counts the processor\'s metrics from its "event processed" lines, with the dashboard\'s dimensions', () => {
    const onProcessorLines = (pattern: string) => `{ ($.message = "event processed") && ${pattern} }`;
    const filter = (
      metricName: string,
      pattern: string,
      value: string,
      unit: string,
      dimensions = [{ Key: 'service', Value: '$.service' }],
    ) =>
      synth.service.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logicalIdOf(synth.router.service.process.logGroup) },
        FilterPattern: onProcessorLines(pattern),
        MetricTransformations: [
          { MetricNamespace: 'InfluenceRouter', MetricName: metricName, MetricValue: value, Unit: unit, Dimensions: dimensions },
        ],
      });
    filter('DecisionsMade', '($.decisionId = "*") && ($.status != "duplicate")', '1', 'Count');
    filter('WriteBacksApplied', '($.status = "applied")', '1', 'Count');
    filter('UpliftApplied', '($.status = "applied") && ($.uplift > 0)', '1', 'Count', [
      { Key: 'service', Value: '$.service' },
      { Key: 'tier', Value: '$.tier' },
    ]);
    filter('DecisionLatencyMs', '($.ms >= 0)', '$.ms', 'Milliseconds');
    filter('WriteBackLatencyMs', '($.writeBackMs >= 0)', '$.writeBackMs', 'Milliseconds');
  });

  it("shows accepted webhooks as the API's requests less its 4xx and 5xx answers: the ingest function emits no metric", () => {
    const body = JSON.stringify(Object.values(synth.service.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(body).toContain('requests - refused - failed');
    expect(body).not.toContain('WebhooksAccepted');
  });

  it("pins the queues' logical ids, so a refactor cannot replace them and lose their messages", () => {
    expect(logicalIdOf(synth.router.service.events.queue)).toBe('EventQueue');
    expect(logicalIdOf(synth.router.service.events.deadLetterQueue)).toBe('EventDeadLetterQueue');
  });

  it('outputs the webhook base URL, the table name and the dead-letter queue URL', () => {
    synth.service.hasOutput('WebhookBaseUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '/webhooks/'])] },
    });
    synth.service.hasOutput('TableName', Match.anyValue());
    synth.service.hasOutput('DeadLetterQueueUrl', { Value: { Ref: logicalIdOf(synth.router.service.events.deadLetterQueue) } });
  });
});
