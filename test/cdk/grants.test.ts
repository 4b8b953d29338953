import { beforeAll, describe, expect, it } from 'vitest';
import {
  allowedActions,
  logicalIdOf,
  resourcesFor,
  type Statement,
  statementsOfRole,
  synthesize,
  type Synthesized,
  writeTenantsFile,
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

describe('ingest function grants', () => {
  it('can send to the event queue and read secrets, and nothing else', () => {
    expect(allowedActions(statements.ingest)).toEqual(
      [...LOG_ACTIONS, ...SECRET_READ, 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage', ...XRAY_ACTIONS].sort(),
    );
  });

  it('has no DynamoDB access at all', () => {
    expect(allowedActions(statements.ingest).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
  });

  it('sends only to the event queue, not the dead-letter queue', () => {
    const queue = logicalIdOf(synth.router.service.events.queue);
    expect(resourcesFor(statements.ingest, 'sqs:SendMessage')).toEqual([JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] })]);
  });

  it('reads the webhook signing secrets only: no helpdesk token, no identity key', () => {
    const secrets = joined(resourcesFor(statements.ingest, 'secretsmanager:GetSecretValue'));
    expect(secrets).toContain(':secret:influence-router/acme/zendesk-webhook-??????');
    expect(secrets).toContain(':secret:influence-router/globex/zendesk-webhook-??????');
    expect(secrets).not.toContain('zendesk-api');
    expect(secrets).not.toContain('IdentityHashKey');
  });

  it('reads the shared secrets and signing secrets of every helpdesk adapter, never their API credentials', () => {
    const secrets = joined(resourcesFor(statements.ingest, 'secretsmanager:GetSecretValue'));
    expect(secrets).toContain(':secret:influence-router/initech/freshdesk-webhook-??????');
    expect(secrets).toContain(':secret:influence-router/umbrella/tickets-signing-??????');
    expect(secrets).not.toContain('freshdesk-api');
    expect(secrets).not.toContain('decisions-signing');
  });
});

describe('helpdesk adapters decide which function reads which of their secrets', () => {
  it('lets the processor read every helpdesk credential and outbound signing secret, and no inbound one', () => {
    const secrets = joined(resourcesFor(statements.process, 'secretsmanager:GetSecretValue'));
    expect(secrets).toContain(':secret:influence-router/initech/freshdesk-api-??????');
    expect(secrets).toContain(':secret:influence-router/umbrella/decisions-signing-??????');
    expect(secrets).not.toContain('freshdesk-webhook');
    expect(secrets).not.toContain('tickets-signing');
  });

  it('lets the scheduled refresh read helpdesk API credentials but not the generic outbound signing secret, which it never uses', () => {
    const secrets = joined(resourcesFor(statements.refresh, 'secretsmanager:GetSecretValue'));
    expect(secrets).toContain(':secret:influence-router/initech/freshdesk-api-??????');
    expect(secrets).not.toContain('decisions-signing');
    expect(secrets).not.toContain('freshdesk-webhook');
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

  it("reads the helpdesk tokens, the score providers' keys and the identity key, not the signing secrets", () => {
    const secrets = joined(resourcesFor(statements.process, 'secretsmanager:GetSecretValue'));
    expect(secrets).toContain(':secret:influence-router/acme/zendesk-api-??????');
    expect(secrets).toContain(':secret:influence-router/globex/zendesk-api-??????');
    expect(secrets).toContain(':secret:influence-router/globex/scoring-api-??????');
    expect(secrets).toContain('IdentityHashKey');
    expect(secrets).not.toContain('zendesk-webhook');
  });
});

describe('refresh function grants', () => {
  it('can query and update the table and read secrets, and nothing else', () => {
    expect(allowedActions(statements.refresh)).toEqual(
      [...LOG_ACTIONS, ...SECRET_READ, ...XRAY_ACTIONS, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
  });

  it('queries the refresh-due index by name, not every index', () => {
    const queried = joined(resourcesFor(statements.refresh, 'dynamodb:Query'));
    expect(queried).toContain('/index/refresh-due');
    expect(queried).not.toContain('/index/*');
  });

  it("reads the helpdesk tokens (helpdesk-supplied metrics) and the score providers' keys, never the identity key or signing secrets", () => {
    const secrets = joined(resourcesFor(statements.refresh, 'secretsmanager:GetSecretValue'));
    expect(secrets).toContain(':secret:influence-router/acme/zendesk-api-??????');
    expect(secrets).toContain(':secret:influence-router/globex/scoring-api-??????');
    expect(secrets).not.toContain('IdentityHashKey');
    expect(secrets).not.toContain('zendesk-webhook');
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

describe('secret ids given as ARNs', () => {
  it('grants exactly the complete ARN, with no wildcard suffix', () => {
    // Arrange
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/zendesk-webhook-AbC123';
    const tenantsFile = writeTenantsFile({
      tenants: [
        {
          id: 'acme',
          helpdesk: {
            kind: 'zendesk',
            baseUrl: 'https://acme.zendesk.com',
            email: 'ops@acme.example.com',
            apiToken: { secretId: 'acme/zendesk-api' },
          },
          sources: { zendesk: { signingSecrets: [{ secretId: arn }] } },
        },
      ],
    });

    // Act
    const custom = synthesize({ tenantsFile });
    const ingest = statementsOfRole(custom.service, logicalIdOf(custom.router.service.ingest.role));

    // Assert
    expect(resourcesFor(ingest, 'secretsmanager:GetSecretValue')).toEqual([arn]);
  });
});
