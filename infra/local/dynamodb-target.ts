import type { AwsCredentials, CredentialProvider } from '../../shared/adapters/aws/credentials.js';
import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';

/** The port `npm start` runs DynamoDB Local on (DYNAMODB_LOCAL_PORT), so local commands find it. */
export const DEFAULT_DYNAMODB_LOCAL_PORT = 8000;

/** Where a local command's table lives: an endpoint (DynamoDB Local) or an AWS region. */
export type DynamoTarget = { endpoint: string } | { region: string };

/**
 * The table a command works on: `--endpoint` or DYNAMODB_ENDPOINT if given; else AWS when
 * AWS_REGION is set; else the DynamoDB Local that `npm start` runs.
 *
 * @example dynamoTarget(values.endpoint, process.env) // { endpoint: 'http://127.0.0.1:8000' }
 */
export function dynamoTarget(endpoint: string | undefined, env: Readonly<Record<string, string | undefined>>): DynamoTarget {
  const chosen = endpoint ?? (env.DYNAMODB_ENDPOINT || undefined);
  if (chosen) return { endpoint: chosen };
  if (env.AWS_REGION) return { region: env.AWS_REGION };
  return { endpoint: `http://127.0.0.1:${env.DYNAMODB_LOCAL_PORT || DEFAULT_DYNAMODB_LOCAL_PORT}` };
}

/**
 * The AWS SDK's default credential chain (environment, shared config and SSO profiles, web
 * identity, container and instance roles), loaded only when a command targets AWS: the commands
 * run on an admin's machine, where the keys are rarely in the environment. Cached until they expire.
 */
function sdkCredentialChain(): CredentialProvider {
  let provider: (() => Promise<AwsCredentials>) | undefined;
  return async () => {
    provider ??= (await import('@aws-sdk/credential-provider-node')).defaultProvider();
    return provider();
  };
}

/**
 * The DynamoDB client for a command's target: DynamoDB Local with its dummy credentials, or AWS
 * in the region with the admin's credentials.
 *
 * @example const client = dynamoClientFor(dynamoTarget(values.endpoint, process.env));
 */
export function dynamoClientFor(target: DynamoTarget): DocumentClient {
  return 'endpoint' in target ? createDocumentClient(target) : createDocumentClient({ region: target.region, credentials: sdkCredentialChain() });
}
