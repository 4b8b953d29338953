import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AuthenticationError,
  InvalidPayloadError,
  PayloadTooLargeError,
  UnknownTenantError,
  UnsupportedMediaTypeError,
} from '../../domain/errors.js';

/**
 * The exact bytes the sender sent. API Gateway base64-encodes bodies it considers binary,
 * so signatures must be checked on the decoded bytes, never on a re-serialised JSON.
 *
 * @example rawBodyOf({ body: 'e30=', isBase64Encoded: true }) // bytes of "{}"
 */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Lower-cases header names (HTTP API already does; other front ends may not). */
export function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** A JSON response with the given status. */
export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

/**
 * Maps an error to the HTTP answer the sender sees: the one place where domain errors meet
 * status codes. Messages are exposed only below 500; anything unexpected is a generic 500.
 *
 * @example errorResponse(new AuthenticationError('signature mismatch')).statusCode // 401
 */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof InvalidPayloadError) {
    return jsonResponse(400, { error: 'invalid_payload', message: error.message, issues: error.issues });
  }
  if (error instanceof AuthenticationError) return jsonResponse(401, { error: 'unauthorized', message: error.message });
  if (error instanceof UnknownTenantError) return jsonResponse(404, { error: 'not_found', message: error.message });
  if (error instanceof PayloadTooLargeError) return jsonResponse(413, { error: 'payload_too_large', message: error.message });
  if (error instanceof UnsupportedMediaTypeError) {
    return jsonResponse(415, { error: 'unsupported_media_type', message: error.message });
  }
  return jsonResponse(500, { error: 'internal_error', message: 'Internal error' });
}
