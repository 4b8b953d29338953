import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Clock } from '../../domain/ports.js';
import { systemClock } from '../clock/system-clock.js';
import { type CredentialProvider, environmentCredentials } from './credentials.js';
import { signRequest } from './signature-v4.js';

/** What differs between the AWS services spoken to over the JSON protocol. */
export interface AwsJsonService {
  /** The name requests are signed for, and the endpoint's first label. */
  signingName: string;
  /** The service's part of `AWS_ENDPOINT_URL_<NAME>`. */
  endpointEnvName: string;
  /** Prefix of the `x-amz-target` header (`DynamoDB_20120810.GetItem`). */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
}

export const DYNAMODB: AwsJsonService = {
  signingName: 'dynamodb',
  endpointEnvName: 'DYNAMODB',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
};
export const SQS: AwsJsonService = { signingName: 'sqs', endpointEnvName: 'SQS', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' };
export const SECRETS_MANAGER: AwsJsonService = {
  signingName: 'secretsmanager',
  endpointEnvName: 'SECRETS_MANAGER',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
};

/** One call as it went, for counting requests and capacity (the benchmark) or tracing. */
export interface AwsCallRecord {
  service: string;
  operation: string;
  /** HTTP exchanges made, retries included. */
  attempts: number;
  /** The final HTTP status, or 0 when no answer came. */
  status: number;
  /** DynamoDB's `ConsumedCapacity` from the answer, when it was asked for. */
  consumedCapacity?: unknown;
  /** Wall time of the call, retries and their waits included. */
  ms: number;
}

/** How to reach a service and how hard to try. */
export interface AwsClientOptions {
  /** A fixed endpoint (DynamoDB Local, an emulator); otherwise `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, or the regional one. */
  endpoint?: string;
  /** Default `AWS_REGION`. */
  region?: string;
  /** Default: the environment's (`AWS_ACCESS_KEY_ID`, ...), as Lambda provides. */
  credentials?: CredentialProvider;
  /** Each HTTP exchange's limit (default 5000 ms); a timed-out exchange is retried. */
  timeoutMs?: number;
  /** Exchanges per call, the first included (default 3, as the AWS SDK's standard retry mode). */
  maxAttempts?: number;
  /** First backoff ceiling (default 100 ms), doubled per retry, with full jitter, at most 5 s. */
  baseDelayMs?: number;
  /** Told of every call once it ends, successful or not. */
  onCall?: (call: AwsCallRecord) => void;
  env?: NodeJS.ProcessEnv;
  /** The time each request is signed with (default the system clock; AWS refuses one more than 5 minutes off). */
  clock?: Clock;
}

/** Error codes the AWS SDKs retry: throttling and transient service faults. */
const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionInProgressException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
]);

/** The service answered with an error: `name` is its code (`ConditionalCheckFailedException`, ...). */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly retryable: boolean,
    /** The error body's other fields (DynamoDB's `CancellationReasons`, ...). */
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = code;
  }
}

/** No answer came (connection refused or reset, DNS, timeout), on every attempt. */
export class AwsUnreachableError extends Error {
  override name = 'AwsUnreachableError';
}

// The same one-liner as the store's (batch.ts): `node:timers/promises` would add 1 ms to every cold start.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Transport {
  request(url: URL, options: RequestOptions, onResponse: (response: IncomingMessage) => void): ClientRequest;
  agent: Agent;
}

const transports = new Map<string, Promise<Transport>>();

/**
 * `node:https` (or `node:http` for a local endpoint), loaded at the first call rather than at
 * import: TLS is 10 ms of a cold start that a function which calls AWS later need not wait for.
 * Connections are kept open between calls, as the AWS SDK's handler does.
 */
function transportFor(protocol: string): Promise<Transport> {
  let transport = transports.get(protocol);
  if (!transport) {
    transport = (protocol === 'https:' ? import('node:https') : import('node:http')).then((http) => ({
      request: http.request,
      agent: new http.Agent({ keepAlive: true }),
    }));
    transports.set(protocol, transport);
  }
  return transport;
}

interface Answer {
  status: number;
  /** `x-amzn-errortype`, where some services put the error code. */
  errorType: string | undefined;
  text: string;
}

/**
 * One POST over `node:http(s)`. Node's own HTTP stack, not `fetch`: `fetch` loads undici and
 * compiles its WebAssembly parser on first use, about 15 ms of a cold start.
 */
async function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> {
  const { request: send, agent } = await transportFor(url.protocol);
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const errorType = response.headers['x-amzn-errortype'];
          resolve({
            status: response.statusCode ?? 0,
            errorType: typeof errorType === 'string' ? errorType : undefined,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    request.setTimeout(timeoutMs, () =>
      request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })),
    );
    request.on('error', reject);
    request.end(body);
  });
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code} (${error.message})` : error.message;
}

function serviceError(status: number, errorType: string | undefined, body: Record<string, unknown>): AwsServiceError {
  const type = typeof body.__type === 'string' ? body.__type : (errorType ?? `HTTP${status}`);
  const code = (type.split('#').pop() ?? type).split(':')[0] ?? type;
  const { __type: _type, message, Message, ...details } = body;
  const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : `HTTP ${status}`;
  return new AwsServiceError(code, text, status, status >= 500 || status === 429 || RETRYABLE_CODES.has(code), details);
}

function resolveEndpoint(service: AwsJsonService, options: AwsClientOptions, env: NodeJS.ProcessEnv, region: string): URL {
  const configured = options.endpoint ?? (env[`AWS_ENDPOINT_URL_${service.endpointEnvName}`] || env.AWS_ENDPOINT_URL || undefined);
  if (configured) return new URL(configured);
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${service.signingName}.${region}.${domain}/`);
}

/**
 * A client for an AWS service's JSON protocol (DynamoDB, SQS, Secrets Manager): each call is one
 * signed POST, retried with backoff on throttling, 5xx and network failures like the AWS SDK's
 * standard mode. It loads nothing beyond `node:crypto` and `node:http(s)`, so a function that uses it
 * starts in a fraction of the SDK clients' time. Why this folder exists instead of the SDK
 * clients, with the measured cost, and what the SDK does that it does not: README.md beside it.
 *
 * @example const dynamodb = new AwsJsonClient(DYNAMODB); const { Item } = await dynamodb.call('GetItem', { TableName, Key });
 */
export class AwsJsonClient {
  readonly endpoint: URL;
  readonly region: string;
  private readonly credentials: CredentialProvider;

  constructor(
    readonly service: AwsJsonService,
    private readonly options: AwsClientOptions = {},
  ) {
    const env = options.env ?? process.env;
    this.region = options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1');
    this.endpoint = resolveEndpoint(service, options, env, this.region);
    this.credentials = options.credentials ?? environmentCredentials(env);
  }

  /** Calls one operation with its input as the service's JSON; returns the answer's JSON. */
  async call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    const body = JSON.stringify(input);
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 3);
    const where = `${this.service.signingName} ${operation} at ${this.endpoint.origin}`;
    // The call's duration, not the time of day: the monotonic timer, not the clock.
    const started = performance.now();
    const report = (attempts: number, status: number, consumedCapacity?: unknown) =>
      this.options.onCall?.({
        service: this.service.signingName,
        operation,
        attempts,
        status,
        ...(consumedCapacity !== undefined ? { consumedCapacity } : {}),
        ms: performance.now() - started,
      });
    for (let attempts = 1; ; attempts += 1) {
      const outcome = await this.attempt(operation, body, where);
      if ('json' in outcome) {
        report(attempts, outcome.status, outcome.json.ConsumedCapacity);
        return outcome.json as T;
      }
      const { failure, status } = outcome;
      const retryable = !(failure instanceof AwsServiceError) || failure.retryable;
      if (!retryable || attempts >= maxAttempts) {
        if (retryable) failure.message = `${failure.message} (${where}, after ${attempts} attempts)`;
        report(attempts, status);
        throw failure;
      }
      await sleep(Math.random() * Math.min(5000, (this.options.baseDelayMs ?? 100) * 2 ** (attempts - 1)));
    }
  }

  /** One signed exchange: the answer's JSON, or why there is none (the service's error, or no answer at all). */
  private async attempt(
    operation: string,
    body: string,
    where: string,
  ): Promise<{ status: number; json: Record<string, unknown> } | { status: number; failure: AwsServiceError | AwsUnreachableError }> {
    let answer: Answer;
    try {
      const headers = signRequest(
        {
          method: 'POST',
          url: this.endpoint,
          headers: {
            'content-type': `application/x-amz-json-${this.service.jsonVersion}`,
            'x-amz-target': `${this.service.targetPrefix}.${operation}`,
          },
          body,
        },
        {
          service: this.service.signingName,
          region: this.region,
          credentials: await this.credentials(),
          now: (this.options.clock ?? systemClock).now(),
        },
      );
      answer = await post(this.endpoint, headers, body, this.options.timeoutMs ?? 5000);
    } catch (error) {
      return { status: 0, failure: new AwsUnreachableError(`${where} got no answer: ${networkReason(error)}`, { cause: error }) };
    }
    let parsed: unknown;
    try {
      parsed = answer.text.length > 0 ? JSON.parse(answer.text) : {};
    } catch {
      parsed = { message: `unreadable answer (HTTP ${answer.status}): ${answer.text.slice(0, 200)}` };
    }
    const json = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    if (answer.status < 300) return { status: answer.status, json };
    return { status: answer.status, failure: serviceError(answer.status, answer.errorType, json) };
  }
}
