import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { addInfluenceRouter } from '../../infra/cdk/stacks/influence-router.js';
import { buildApp, synthesize } from './synth-fixture.js';

const AcknowledgedSchema = z.record(z.string(), z.string());

/** Every acknowledgement in the app: construct path, rule id (without the annotation prefix), reason. */
function acknowledgements(app: App): { path: string; id: string; reason: string }[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(AcknowledgedSchema.parse(entry.data)).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag', () => {
  it('passes the AwsSolutions and Serverless packs (synthesis throws on any finding)', () => {
    expect(() => synthesize()).not.toThrow();
  });

  it('fails synthesis for a finding nobody acknowledged', () => {
    // Arrange: an unencrypted-in-transit queue with no dead-letter queue
    const app = buildApp();
    const { service } = addInfluenceRouter(app);
    new Queue(service, 'Careless', { enforceSSL: false });

    // Act / Assert: each pack reports its own rule
    expect(() => Template.fromStack(service)).toThrow(/AwsSolutions-SQS4[\s\S]*Serverless-SQSRedrivePolicy/);
  });

  it('acknowledges only these findings, each where it arises, each with a real reason', () => {
    // Arrange
    const { app } = synthesize();

    // Act
    const found = acknowledgements(app);

    // Assert
    expect(found.map(({ path, id }) => `${path} ${id}`).sort()).toEqual(
      [
        'InfluenceRouterData/IdentityKey AwsSolutions-SMG4',
        'InfluenceRouterService/Events/DeadLetterQueue Serverless-SQSRedrivePolicy',
        'InfluenceRouterService/Ingest AwsSolutions-IAM5[Resource::*]',
        'InfluenceRouterService/Ingest AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:influence-router/*/inbound/*]',
        'InfluenceRouterService/Ingest/Function Serverless-LambdaDLQ',
        'InfluenceRouterService/Process AwsSolutions-IAM5[Resource::*]',
        'InfluenceRouterService/Process AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:influence-router/*/outbound/*]',
        'InfluenceRouterService/Process/Function Serverless-LambdaDLQ',
        'InfluenceRouterService/Process/Function Serverless-LambdaEventSourceMappingDestination',
        'InfluenceRouterService/Refresh AwsSolutions-IAM5[Resource::*]',
        'InfluenceRouterService/Refresh AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:influence-router/*/outbound/*]',
        'InfluenceRouterService/Refresh/Function Serverless-LambdaDLQ',
        'InfluenceRouterService/RefreshSchedule Serverless-EventBusDLQ',
        'InfluenceRouterService/Webhooks/Api AwsSolutions-APIG4',
      ].sort(),
    );
    for (const { reason } of found) {
      expect(reason.length).toBeGreaterThanOrEqual(100);
      expect(reason).not.toMatch(/\b(todo|tbd|fixme|n\/a|not needed|suppress(ed)?)\b/i);
    }
  });
});
