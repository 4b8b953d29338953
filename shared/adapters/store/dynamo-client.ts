import { staticCredentials } from '../aws/credentials.js';
import { DocumentClient, type DocumentClientOptions } from '../aws/dynamodb.js';

/** Where to reach DynamoDB; anything not given is read from the environment. */
export interface DynamoClientOptions extends Omit<DocumentClientOptions, 'endpoint'> {
  /** A local endpoint such as DynamoDB Local (`DYNAMODB_ENDPOINT`); unset for AWS. */
  endpoint?: string;
}

// DynamoDB Local accepts any credentials but only letters and digits in the access key id.
const LOCAL_CREDENTIALS = staticCredentials({ accessKeyId: 'local', secretAccessKey: 'local' });
const LOCAL_REGION = 'us-east-1';

/**
 * The DynamoDB client the store adapters take: against a local endpoint with dummy credentials,
 * so local mode and tests need no AWS account; otherwise with the region and credentials of the
 * environment (a Lambda function's role) unless given. Create one per process and share it.
 *
 * @example const client = createDocumentClient({ endpoint: 'http://127.0.0.1:8000' });
 */
export function createDocumentClient(options: DynamoClientOptions = {}): DocumentClient {
  const endpoint = options.endpoint ?? (process.env.DYNAMODB_ENDPOINT || undefined);
  if (endpoint) return new DocumentClient({ credentials: LOCAL_CREDENTIALS, ...options, endpoint, region: LOCAL_REGION });
  return new DocumentClient(options);
}
