import type { AwsCredentials, CredentialProvider } from '../../shared/adapters/aws/credentials.js';
import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { readStackState, type StackState } from './stack-state.js';

/** The port `npm start` runs DynamoDB Local on (DYNAMODB_LOCAL_PORT), so local commands find it. */
export const DEFAULT_DYNAMODB_LOCAL_PORT = 8000;

/** Where a local command's table lives: an endpoint (DynamoDB Local) or an AWS region. */
export type DynamoTarget = { endpoint: string } | { region: string };

/**
 * The table a command works on: `--endpoint` or DYNAMODB_ENDPOINT if given; else AWS when
 * AWS_REGION is set; else the DynamoDB `npm start` runs (as its state file says, whatever its
 * ports), or DynamoDB Local on DYNAMODB_LOCAL_PORT.
 *
 * @example dynamoTarget(values.endpoint, process.env) // { endpoint: 'http://127.0.0.1:8000' }
 */
export function dynamoTarget(endpoint: string | undefined, env: Readonly<Record<string, string | undefined>>): DynamoTarget {
  const chosen = endpoint ?? (env.DYNAMODB_ENDPOINT || undefined);
  if (chosen) return { endpoint: chosen };
  if (env.AWS_REGION) return { region: env.AWS_REGION };
  const running = env.DYNAMODB_LOCAL_PORT ? undefined : readStackState();
  if (running) return { endpoint: running.dynamoEndpoint };
  return { endpoint: `http://127.0.0.1:${env.DYNAMODB_LOCAL_PORT || DEFAULT_DYNAMODB_LOCAL_PORT}` };
}

/** The table `npm start` uses unless TABLE_NAME says otherwise. */
const DEFAULT_LOCAL_TABLE = 'influence-router-local';

/**
 * The table a command works on: `--table`, else TABLE_NAME, else the one the running `npm start`
 * uses, else the local default.
 *
 * @example localTableName(values.table, process.env) // 'influence-router-local'
 */
export function localTableName(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? (env.TABLE_NAME || readStackState()?.tableName || DEFAULT_LOCAL_TABLE);
}

/**
 * Where the running `npm start` serves, for commands that talk to it: the local server (PORT
 * when set, else the state file, else port 3000) and the sandbox (SANDBOX_URL, else SANDBOX_PORT,
 * else the state file, else the port after the server's).
 *
 * @example localUrls(process.env).sandboxUrl // 'http://127.0.0.1:3001'
 */
export function localUrls(
  env: Readonly<Record<string, string | undefined>>,
  running: StackState | undefined = readStackState(),
): { url: string; sandboxUrl: string } {
  const url = env.PORT ? `http://127.0.0.1:${env.PORT}` : (running?.url ?? 'http://127.0.0.1:3000');
  const next = Number(new URL(url).port || '80') + 1;
  const sandboxUrl =
    env.SANDBOX_URL ||
    (env.SANDBOX_PORT ? `http://127.0.0.1:${env.SANDBOX_PORT}` : undefined) ||
    (env.PORT ? undefined : running?.sandboxUrl) ||
    `http://127.0.0.1:${next}`;
  return { url, sandboxUrl: sandboxUrl.replace(/\/$/, '') };
}

/**
 * The AWS SDK's default credential chain (environment, shared config and SSO profiles, web
 * identity, container and instance roles), loaded only when a command targets AWS: the commands
 * run on an admin's machine, where the keys are rarely in the environment. Cached until they expire.
 */
export function sdkCredentialChain(): CredentialProvider {
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
  return 'endpoint' in target
    ? createDocumentClient(target)
    : createDocumentClient({ region: target.region, credentials: sdkCredentialChain() });
}
