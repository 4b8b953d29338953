import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

// HTTP API (payload 2.0) passes these as text and base64-encodes everything else.
const TEXT_TYPES = [/^text\//, /^application\/json/, /^application\/xml/, /^application\/javascript/];

/** A Lambda context for local invocations, with the remaining time Powertools idempotency reads. */
export function localContext(functionName: string, timeoutMs = 30_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Builds the API Gateway HTTP API (payload 2.0) event for a request, as AWS would: lower-cased
 * headers with duplicates comma-joined, and a body that is base64 unless the content type is
 * textual (and the bytes are UTF-8), so signature checks see exactly the bytes that were sent.
 *
 * @example toApiGatewayEvent({ method: 'POST', url: '/webhooks/demo/zendesk', headers, body, routeKey, pathParameters })
 */
export function toApiGatewayEvent(input: {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string>;
  sourceIp: string;
}): APIGatewayProxyEventV2 {
  const url = new URL(input.url, 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type'] ?? '';
  // A textual body whose bytes are not UTF-8 cannot travel as a JSON string without losing them
  // (they would turn into U+FFFD, which is valid UTF-8): it goes base64, so the handler sees the
  // bytes that were sent. What API Gateway itself does with such a body is not documented.
  const isText = input.body.length === 0 || (TEXT_TYPES.some((pattern) => pattern.test(contentType)) && isUtf8(input.body));
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = query[key] ? `${query[key]},${value}` : value;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    pathParameters: input.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: input.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: isText ? input.body.toString('utf8') : input.body.toString('base64'),
    isBase64Encoded: !isText,
  };
}
