import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsCallRecord,
  AwsJsonClient,
  AwsServiceError,
  AwsUnreachableError,
  DYNAMODB,
  SECRETS_MANAGER,
  SQS,
} from '../../../../shared/adapters/aws/aws-json-client.js';
import { staticCredentials } from '../../../../shared/adapters/aws/credentials.js';
import { secretsManagerFetcher } from '../../../../shared/adapters/secrets/secrets-manager.js';

/** One answer the loopback service gives: a status and a JSON body, or a hang. */
type Reply = { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

/** A loopback AWS JSON endpoint that replays scripted answers and keeps what it was sent. */
const service = {
  replies: [] as Reply[],
  received: [] as { headers: IncomingHttpHeaders; body: string }[],
  endpoint: '',
};
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    service.received.push({ headers: req.headers, body });
    const reply = service.replies.shift() ?? { status: 200, body: {} };
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const credentials = staticCredentials({ accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'session' });

function client(options: { maxAttempts?: number; timeoutMs?: number; calls?: AwsCallRecord[] } = {}) {
  service.replies = [];
  service.received = [];
  return new AwsJsonClient(DYNAMODB, {
    endpoint: service.endpoint,
    region: 'eu-west-1',
    credentials,
    baseDelayMs: 1,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.calls ? { onCall: (call: AwsCallRecord) => options.calls?.push(call) } : {}),
  });
}

describe('AwsJsonClient', () => {
  it('sends one signed POST with the target and JSON version, and returns the answer', async () => {
    const dynamodb = client();
    service.replies = [{ status: 200, body: { Item: { pk: { S: 'a' } } } }];

    const answer = await dynamodb.call('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });

    expect(answer).toEqual({ Item: { pk: { S: 'a' } } });
    const [sent] = service.received;
    expect(sent?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(sent?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(sent?.headers['x-amz-security-token']).toBe('session');
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(sent?.body ?? '')).toEqual({ TableName: 't', Key: { pk: { S: 'a' } } });
  });

  it('names the error by its code and does not retry a refusal', async () => {
    const calls: AwsCallRecord[] = [];
    const dynamodb = client({ calls });
    service.replies = [
      {
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' },
      },
    ];

    const error = await dynamodb.call('PutItem', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({
      name: 'ConditionalCheckFailedException',
      statusCode: 400,
      retryable: false,
      message: 'The conditional request failed',
    });
    expect(service.received).toHaveLength(1);
    expect(calls).toEqual([{ service: 'dynamodb', operation: 'PutItem', attempts: 1, status: 400, ms: expect.any(Number) }]);
  });

  it("keeps a cancelled transaction's reasons", async () => {
    const dynamodb = client();
    service.replies = [
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          Message: 'cancelled',
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        },
      },
    ];
    const error = await dynamodb.call('TransactWriteItems', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      details: { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] },
    });
  });

  it.each([
    [
      'throttling',
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } },
    ],
    [
      'a throttling code in the header only',
      { status: 400, body: {}, headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' } },
    ],
    ['a 500', { status: 500, body: { __type: 'InternalServerError', message: 'oops' } }],
    ['an answer that is not JSON', { status: 503, body: '<html>' }],
  ] as const)('retries %s, then succeeds', async (_name, failure) => {
    const calls: AwsCallRecord[] = [];
    const dynamodb = client({ calls });
    service.replies = [failure, failure, { status: 200, body: { ok: true } }];

    expect(await dynamodb.call('GetItem', {})).toEqual({ ok: true });
    expect(service.received).toHaveLength(3);
    expect(calls).toEqual([
      { service: 'dynamodb', operation: 'GetItem', attempts: 3, status: 200, consumedCapacity: undefined, ms: expect.any(Number) },
    ]);
  });

  it('gives up after its attempts, saying where and how often', async () => {
    const dynamodb = client({ maxAttempts: 2 });
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    service.replies = [throttled, throttled, throttled];

    const error = await dynamodb.call('Query', {}).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ThrottlingException', retryable: true });
    expect((error as Error).message).toBe(`Rate exceeded (dynamodb Query at ${service.endpoint}, after 2 attempts)`);
    expect(service.received).toHaveLength(2);
  });

  it('times out an exchange that never answers and names the endpoint', async () => {
    const dynamodb = client({ maxAttempts: 2, timeoutMs: 100 });
    service.replies = ['hang', 'hang'];

    const error = await dynamodb.call('GetItem', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsUnreachableError);
    expect((error as Error).message).toMatch(
      `dynamodb GetItem at ${service.endpoint} got no answer: no answer within 100 ms (dynamodb GetItem at ${service.endpoint}, after 2 attempts)`,
    );
  });

  it('says a refused connection is refused', async () => {
    const closed = new AwsJsonClient(DYNAMODB, { endpoint: 'http://127.0.0.1:1', credentials, maxAttempts: 1 });
    const error = await closed.call('GetItem', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsUnreachableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('finds its endpoint as the AWS SDK does: the service variable, then the general one, then the region', () => {
    const env = { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    expect(new AwsJsonClient(SQS, { env }).endpoint.href).toBe('https://sqs.eu-central-1.amazonaws.com/');
    expect(new AwsJsonClient(SQS, { env: { ...env, AWS_REGION: 'cn-north-1' } }).endpoint.href).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/',
    );
    expect(new AwsJsonClient(SQS, { env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } }).endpoint.href).toBe(
      'http://127.0.0.1:4566/',
    );
    expect(
      new AwsJsonClient(SECRETS_MANAGER, {
        env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9000' },
      }).endpoint.href,
    ).toBe('http://127.0.0.1:9000/');
  });

  it('refuses to sign without credentials, naming the variables to set', async () => {
    const anonymous = new AwsJsonClient(DYNAMODB, { endpoint: service.endpoint, env: {} });
    await expect(anonymous.call('GetItem', {})).rejects.toThrow('No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  });
});

describe('secretsManagerFetcher', () => {
  it('reads a secret once per max age, shares concurrent reads, and does not keep a failure', async () => {
    let now = 0;
    const secretsManager = new AwsJsonClient(SECRETS_MANAGER, { endpoint: service.endpoint, credentials, maxAttempts: 1 });
    service.replies = [
      { status: 400, body: { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." } },
      { status: 200, body: { SecretString: 'first' } },
      { status: 200, body: { SecretBinary: Buffer.from('second').toString('base64') } },
    ];
    service.received = [];
    const fetchSecret = secretsManagerFetcher({ client: secretsManager, maxAgeSeconds: 300, clock: { now: () => new Date(now) } });

    await expect(fetchSecret('acme/zendesk')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await Promise.all([fetchSecret('acme/zendesk'), fetchSecret('acme/zendesk')])).toEqual(['first', 'first']);
    now = 299_000;
    expect(await fetchSecret('acme/zendesk')).toBe('first');
    now = 301_000;
    expect(await fetchSecret('acme/zendesk')).toBe('second');

    expect(service.received).toHaveLength(3);
    expect(service.received[0]?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(service.received[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(service.received[0]?.body ?? '')).toEqual({ SecretId: 'acme/zendesk' });
  });
});
