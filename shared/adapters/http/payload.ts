import type * as z from 'zod';
import { InvalidPayloadError, PermanentHelpdeskError } from '../../domain/errors.js';

/** Request headers as the adapters see them: lower-cased names. */
export type Headers = Readonly<Record<string, string | undefined>>;

/** One problem with a payload, by field path. */
export interface PayloadIssue {
  path: string;
  message: string;
}

/**
 * A header's value, trimmed; undefined when it is absent or blank.
 *
 * @example headerValue(request.headers, 'webhook-id')
 */
export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Parses a webhook body as JSON, or throws InvalidPayloadError (a 400) with `message`.
 *
 * @example const json = parseJsonPayload(rawBody)
 */
export function parseJsonPayload(text: string, message = 'malformed JSON'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidPayloadError(message, [{ path: '(root)', message: 'body is not valid JSON' }], { cause: error });
  }
}

/**
 * Zod's issues as payload issues: the field path joined by dots (`(root)` for the body itself).
 *
 * @example throw new InvalidPayloadError('invalid body', payloadIssues(result.error))
 */
export function payloadIssues(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parses a helpdesk API's answer with its schema. An unexpected body is a permanent failure
 * (502): for a write the change may already be applied, so a retry could add a second note.
 *
 * @example const { ticket } = parseApiAnswer(TicketResponseSchema, response.json, 'Zendesk GET /api/v2/tickets/{id}')
 */
export function parseApiAnswer<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new PermanentHelpdeskError(`${what} answered an unexpected body: ${issues.slice(0, 300)}`, 502, { cause: result.error });
  }
  return result.data;
}

// Fatal, so bytes that are not UTF-8 are refused instead of turning into U+FFFD in a comment or an email.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A webhook body's bytes as text, or InvalidPayloadError (a 400) when they are not UTF-8.
 *
 * @example const text = utf8Payload(request.rawBody)
 */
export function utf8Payload(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new InvalidPayloadError('body is not UTF-8', [{ path: '(root)', message: 'body must be UTF-8 JSON' }], { cause: error });
  }
}
