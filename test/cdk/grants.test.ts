import { beforeAll, describe, expect, it } from 'vitest';
import {
  allowedActions,
  logicalIdOf,
  resourcesFor,
  type Statement,
  statementsOfRole,
  synthesize,
  type Synthesized,
} from './synth-fixture.js';

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const XRAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const SECRET_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];

let synth: Synthesized;
const statements: Record<'ingest' | 'process' | 'refresh', Statement[]> = { ingest: [], process: [], refresh: [] };

beforeAll(() => {
  synth = synthesize();
  const { service } = synth.router;
  for (const name of ['ingest', 'process', 'refresh'] as const) {
    statements[name] = statementsOfRole(synth.service, logicalIdOf(service[name].role));
  }
});

function joined(resources: string[]): string {
  return resources.join('\n');
}

const SECRET_ARN = (direction: string) =>
  JSON.stringify({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:secret:influence-router/*/${direction}/*`,
      ],
    ],
  });

describe('ingest function grants', () => {
  it('can send to the event queue, read tenants and inbound secrets, and nothing else', () => {
    expect(allowedActions(statements.ingest)).toEqual(
      [
        ...LOG_ACTIONS,
        ...SECRET_READ,
        'dynamodb:GetItem',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        ...XRAY_ACTIONS,
      ].sort(),
    );
  });

  it("reads the table's tenant configurations only: GetItem on keys T#<tenant>#CONFIG, no customer, no decision", () => {
    const dynamo = statements.ingest.filter((s) => s.Action.some((action) => action.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]?.Action).toEqual(['dynamodb:GetItem']);
    expect(JSON.stringify(dynamo[0])).toContain('"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["T#*#CONFIG"]}');
  });

  it('sends only to the event queue, not the dead-letter queue', () => {
    const queue = logicalIdOf(synth.router.service.events.queue);
    expect(resourcesFor(statements.ingest, 'sqs:SendMessage')).toEqual([JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] })]);
  });

  it("reads every tenant's inbound secrets by one pattern: no outbound secret, no identity key", () => {
    expect(resourcesFor(statements.ingest, 'secretsmanager:GetSecretValue')).toEqual([SECRET_ARN('inbound')]);
  });
});

describe('secrets are granted by pattern, one side to each function', () => {
  it('lets the processor read outbound secrets and the identity key, and no inbound one', () => {
    const secrets = resourcesFor(statements.process, 'secretsmanager:GetSecretValue');
    expect(secrets).toContain(SECRET_ARN('outbound'));
    expect(joined(secrets)).toContain('IdentityHashKey');
    expect(joined(secrets)).not.toContain('/inbound/');
  });

  it('lets the scheduled refresh read outbound secrets only, never the identity key', () => {
    expect(resourcesFor(statements.refresh, 'secretsmanager:GetSecretValue')).toEqual([SECRET_ARN('outbound')]);
  });
});

describe('process function grants', () => {
  it('reads and writes table items, consumes the queue and reads its secrets', () => {
    expect(allowedActions(statements.process)).toEqual(
      [
        ...LOG_ACTIONS,
        ...SECRET_READ,
        ...XRAY_ACTIONS,
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
  });

  it('can change message visibility on the event queue (backoff) and send to it (a 429 puts the event back)', () => {
    const queue = logicalIdOf(synth.router.service.events.queue);
    expect(resourcesFor(statements.process, 'sqs:ChangeMessageVisibility')).toEqual([JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] })]);
    const deadLetters = logicalIdOf(synth.router.service.events.deadLetterQueue);
    // The event queue (a 429 puts the event back) and the dead-letter queue (a permanent refusal goes there at once).
    expect(resourcesFor(statements.process, 'sqs:SendMessage').sort()).toEqual(
      [JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] }), JSON.stringify({ 'Fn::GetAtt': [deadLetters, 'Arn'] })].sort(),
    );
  });

  it('touches the base table only, no index', () => {
    const tables = resourcesFor(statements.process, 'dynamodb:PutItem');
    expect(tables).toHaveLength(1);
    expect(joined(tables)).toContain('InfluenceTable');
    expect(joined(resourcesFor(statements.process, 'dynamodb:Query'))).not.toContain('/index/');
  });
});

describe('refresh function grants', () => {
  it('can query and update the table, list the tenants and read secrets, and nothing else', () => {
    expect(allowedActions(statements.refresh)).toEqual(
      [...LOG_ACTIONS, ...SECRET_READ, ...XRAY_ACTIONS, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
  });

  it('queries the refresh-due and tenants indexes by name, not every index', () => {
    const queried = joined(resourcesFor(statements.refresh, 'dynamodb:Query'));
    expect(queried).toContain('/index/refresh-due');
    expect(queried).toContain('/index/tenants');
    expect(queried).not.toContain('/index/*');
  });
});

describe('every function', () => {
  it('writes logs to its own log group only', () => {
    const { service } = synth.router;
    for (const name of ['ingest', 'process', 'refresh'] as const) {
      const logGroup = logicalIdOf(service[name].logGroup);
      expect(resourcesFor(statements[name], 'logs:PutLogEvents')).toEqual([JSON.stringify({ 'Fn::GetAtt': [logGroup, 'Arn'] })]);
    }
  });

  it('is allowed "*" resources for the X-Ray actions only (the acknowledged IAM5 finding)', () => {
    for (const name of ['ingest', 'process', 'refresh'] as const) {
      const onAnything = statements[name].filter((s) => s.Resource.includes('*'));
      expect(allowedActions(onAnything)).toEqual(XRAY_ACTIONS);
    }
  });

  it('has no AWS managed policy (no AWSLambdaBasicExecutionRole with its logs on every group)', () => {
    const roles = Object.values(synth.service.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(3);
    for (const role of roles) expect(JSON.stringify(role)).not.toContain('ManagedPolicyArns');
  });
});
