import { RateLimitedError, TransientError } from '../../domain/errors.js';

/** HTTP methods the outbound clients use. */
export type JsonRequestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One JSON request: where, how, and how long to wait. */
export interface JsonRequestOptions {
  method: JsonRequestMethod;
  /** The full URL; callers build it from a configured base URL and a fixed path template. */
  url: URL;
  headers?: Record<string, string>;
  /** Sent as JSON (with `content-type: application/json`) when present. */
  body?: unknown;
  /**
   * JSON text sent byte for byte (with `content-type: application/json`) instead of `body`, for
   * requests whose signature covers the exact bytes sent.
   */
  rawBody?: string;
  /** Covers the whole exchange: connecting, sending, and reading the response body. */
  timeoutMs: number;
  /** Response bodies above this size are refused as a failed exchange (default 5 MB). */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

/** What came back: the status, the headers and the body parsed as JSON when it was JSON. */
export interface JsonResponse {
  status: number;
  headers: Headers;
  /** The parsed body; `undefined` when the body was empty or not valid JSON. */
  json: unknown;
}

const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/**
 * Sends one request and reads a JSON answer. Any HTTP status is returned to the caller, which
 * knows what it means for its API; only failures to complete the exchange (connection refused or
 * reset, DNS, timeout, an oversized body) throw, as TransientError. Redirects are never followed.
 *
 * @example
 * const res = await jsonRequest({ method: 'GET', url: new URL('/api/v2/tickets/1', base), timeoutMs: 8000 });
 * if (res.status === 200) TicketResponseSchema.parse(res.json);
 */
export async function jsonRequest(options: JsonRequestOptions): Promise<JsonResponse> {
  const { method, url, timeoutMs } = options;
  const doFetch = options.fetch ?? fetch;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // The query string is left out of messages: some APIs carry keys there.
  const target = `${method} ${url.origin}${url.pathname}`;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined && options.rawBody !== undefined) {
    throw new TypeError(`${target}: pass body or rawBody, not both`);
  }
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';

  try {
    const response = await doFetch(url, {
      method,
      headers,
      body,
      // 'manual' hands a 3xx back as a response the caller refuses for good; 'error' would surface
      // as a network failure and be retried for nothing. Either way no Location is ever followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readCapped(response, maxBytes, target);
    return { status: response.status, headers: response.headers, json: parseJson(text) };
  } catch (error) {
    // A paced fetch that held the request back (it was never sent) says so as it is.
    if (error instanceof TransientError || error instanceof RateLimitedError) throw error;
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new TransientError(`${target} timed out after ${timeoutMs} ms`, { cause: error });
    }
    const reason = error instanceof Error ? networkReason(error) : 'unknown error';
    throw new TransientError(`${target} failed: ${reason}`, { cause: error });
  }
}

async function readCapped(response: Response, maxBytes: number, target: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new TransientError(`${target} answered a body of ${declared} bytes, above the ${maxBytes} byte limit`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new TransientError(`${target} answered more than the ${maxBytes} byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ...) in the cause. */
function networkReason(error: Error): string {
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    return code ? `${error.message} (${code})` : `${error.message} (${cause.message})`;
  }
  return error.message;
}

/** Bounds and default for a Retry-After wait. */
export interface RetryAfterOptions {
  /** Used when the header is missing or unreadable (default 60). */
  fallbackSeconds?: number;
  minSeconds?: number;
  maxSeconds?: number;
}

/**
 * Reads a `Retry-After` header (delay in seconds, or an HTTP date) as whole seconds to wait,
 * clamped to [minSeconds, maxSeconds] (default 1..900, the longest an SQS message can be delayed).
 *
 * @example parseRetryAfter('93', Date.now()) // 93
 * @example parseRetryAfter(null, Date.now()) // 60
 */
export function parseRetryAfter(value: string | null, nowMs: number, options: RetryAfterOptions = {}): number {
  const { fallbackSeconds = 60, minSeconds = 1, maxSeconds = 900 } = options;
  const clamp = (seconds: number): number => Math.min(maxSeconds, Math.max(minSeconds, Math.ceil(seconds)));
  const trimmed = value?.trim() ?? '';
  if (/^\d+(\.\d+)?$/.test(trimmed)) return clamp(Number(trimmed));
  // An HTTP date always names a weekday and a month; a bare number-like string is not a date.
  if (/[a-z]/i.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (Number.isFinite(at)) return clamp((at - nowMs) / 1000);
  }
  return clamp(fallbackSeconds);
}
