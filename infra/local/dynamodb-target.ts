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
