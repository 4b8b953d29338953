import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_KEY_LOGICAL_ID, TABLE_LOGICAL_ID } from '../../infra/cdk/stacks/stateful-stack.js';
import { logicalIdOf, synthesize, type Synthesized } from './synth-fixture.js';

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize();
});

describe('the table', () => {
  it('keeps the logical id InfluenceTable, so a refactor cannot replace it', () => {
    expect(TABLE_LOGICAL_ID).toBe('InfluenceTable');
    expect(logicalIdOf(synth.router.data.table)).toBe('InfluenceTable');
    expect(Object.keys(synth.data.findResources('AWS::DynamoDB::GlobalTable'))).toEqual(['InfluenceTable']);
  });

  it('is retained on stack deletion and on replacement', () => {
    synth.data.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has deletion protection and point-in-time recovery, on demand', () => {
    synth.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('has the key schema, TTL attribute, refresh-due, decisions-by-day and tenants indexes the store and local setup use', () => {
    synth.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'refreshBucket', AttributeType: 'S' },
        { AttributeName: 'refreshAfter', AttributeType: 'S' },
        { AttributeName: 'decisionDay', AttributeType: 'S' },
        { AttributeName: 'decidedKey', AttributeType: 'S' },
        { AttributeName: 'tenantList', AttributeType: 'S' },
        { AttributeName: 'tenantId', AttributeType: 'S' },
      ]),
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'refresh-due',
          KeySchema: [
            { AttributeName: 'refreshBucket', KeyType: 'HASH' },
            { AttributeName: 'refreshAfter', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'decisions-by-day',
          KeySchema: [
            { AttributeName: 'decisionDay', KeyType: 'HASH' },
            { AttributeName: 'decidedKey', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: [
              'tenant',
              'decisionId',
              'ticketId',
              'source',
              'status',
              'decidedAt',
              'customerKey',
              'summary',
              'skippedReason',
              'failedReason',
            ],
          },
        },
        {
          IndexName: 'tenants',
          KeySchema: [
            { AttributeName: 'tenantList', KeyType: 'HASH' },
            { AttributeName: 'tenantId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
});

describe('the identity-hash key', () => {
  it('is a generated secret with a pinned logical id, retained', () => {
    expect(IDENTITY_KEY_LOGICAL_ID).toBe('IdentityHashKey');
    expect(logicalIdOf(synth.router.data.identityKey)).toBe('IdentityHashKey');
    synth.data.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
    });
  });
});

describe('the stateful stack', () => {
  it('holds the data only, is termination-protected and outputs the table name', () => {
    expect(Object.keys(synth.data.toJSON().Resources).sort()).toEqual(['IdentityHashKey', 'InfluenceTable']);
    expect(synth.router.data.terminationProtection).toBe(true);
    synth.data.hasOutput('TableName', { Value: { Ref: 'InfluenceTable' } });
  });
});
