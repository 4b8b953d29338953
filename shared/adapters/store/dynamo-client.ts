import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where to reach DynamoDB; anything not given is read from the environment. */
export interface DynamoClientOptions {
  /** A local endpoint such as DynamoDB Local (`DYNAMODB_ENDPOINT`); unset for AWS. */
  endpoint?: string;
  /** The AWS region (`AWS_REGION`); a local endpoint always uses `us-east-1`. */
  region?: string;
}

// DynamoDB Local accepts any credentials but only letters and digits in the access key id.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'us-east-1';

/**
 * A low-level DynamoDB client: against a local endpoint with dummy credentials, so local mode and
 * tests need no AWS account; otherwise with the SDK's default credential chain.
 *
 * @example const client = createDynamoDbClient({ endpoint: 'http://127.0.0.1:8000' });
 */
export function createDynamoDbClient(options: DynamoClientOptions = {}): DynamoDBClient {
  const endpoint = options.endpoint ?? (process.env.DYNAMODB_ENDPOINT || undefined);
  if (endpoint) {
    return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  }
  const region = options.region ?? (process.env.AWS_REGION || undefined);
  return new DynamoDBClient(region ? { region } : {});
}

/**
 * The document client the store adapters take. Create one per process, at module scope, and
 * share it. Undefined attributes are dropped, so optional fields can be passed through as they are.
 *
 * @example const documentClient = createDocumentClient(); // reads DYNAMODB_ENDPOINT / AWS_REGION
 */
export function createDocumentClient(options: DynamoClientOptions & { client?: DynamoDBClient } = {}): DynamoDBDocumentClient {
  const client = options.client ?? createDynamoDbClient(options);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
