import { createHmac, timingSafeEqual } from 'node:crypto';
import { headerValue } from '../../http/payload.js';
import * as z from 'zod';
import { AuthenticationError, ConfigurationError } from '../../../domain/errors.js';

/** Header carrying the base64 HMAC-SHA256 of timestamp + body. */
export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';

/** Header carrying the ISO-8601 time Zendesk signed the request at. */
export const ZENDESK_SIGNATURE_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/** How far the signed timestamp may drift from our clock, either way, before a request counts as a replay. */
export const ZENDESK_DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The static secret Zendesk signs test deliveries from the webhook builder with. It is the HMAC key
 * as written: Zendesk does not base64-decode it.
 */
export const ZENDESK_TEST_SIGNING_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';

/** What the signature check needs: the exact bytes received, the headers, the active secrets and a clock. */
export interface ZendeskSignatureInput {
  /** The exact bytes received (already base64-decoded if API Gateway encoded them). */
  rawBody: Uint8Array;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Active signing secrets (1-3, for rotation); each is used verbatim as the HMAC key. */
  secrets: readonly string[];
  now: Date;
  /** Allowed clock skew in seconds, in both directions; defaults to 300. */
  toleranceSeconds?: number;
}

const SHA256_BYTES = 32;
// Strict alphabet and padding: Buffer.from(..., 'base64') silently skips junk, so it cannot be the check.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IsoTimestampSchema = z.iso.datetime({ offset: true });

/**
 * Signs a payload the way Zendesk does: base64(HMAC-SHA256(secret, timestamp + body)), no separator.
 *
 * @example signZendeskPayload({ secret: ZENDESK_TEST_SIGNING_SECRET, timestamp: '2021-03-25T05:09:27Z', body: '{"event":"ticket.updated","id":123}' })
 * // 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM='
 */
export function signZendeskPayload(input: { secret: string; timestamp: string; body: Uint8Array | string }): string {
  return hmac(input.secret, input.timestamp, input.body).toString('base64');
}

/**
 * Verifies a Zendesk webhook signature on the raw bytes, against every active secret, and checks
 * that the signed timestamp is within the tolerance of `now` in both directions.
 *
 * @example
 * const { timestamp } = verifyZendeskSignature({ rawBody, headers, secrets: [secret], now: new Date() });
 * @throws AuthenticationError with one message per reason (missing header, malformed timestamp,
 *   signature not base64, wrong length, mismatch, timestamp too old, timestamp in the future)
 * @throws ConfigurationError when no usable secret or an invalid tolerance is configured
 */
export function verifyZendeskSignature(input: ZendeskSignatureInput): { timestamp: string } {
  const tolerance = input.toleranceSeconds ?? ZENDESK_DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ConfigurationError('Zendesk signature tolerance must be a non-negative number of seconds');
  }
  // An empty key is one anybody can sign with, so it must never be accepted as configured.
  if (input.secrets.length === 0 || input.secrets.some((secret) => secret.length === 0)) {
    throw new ConfigurationError('Zendesk signing secrets must be a non-empty list of non-empty secrets');
  }

  const signature = headerValue(input.headers, ZENDESK_SIGNATURE_HEADER);
  if (signature === undefined) throw new AuthenticationError(`missing ${ZENDESK_SIGNATURE_HEADER} header`);
  const timestamp = headerValue(input.headers, ZENDESK_SIGNATURE_TIMESTAMP_HEADER);
  if (timestamp === undefined) throw new AuthenticationError(`missing ${ZENDESK_SIGNATURE_TIMESTAMP_HEADER} header`);
  if (!IsoTimestampSchema.safeParse(timestamp).success) {
    throw new AuthenticationError('signature timestamp is not an ISO-8601 date-time');
  }

  if (!BASE64.test(signature)) throw new AuthenticationError('signature is not base64');
  const presented = Buffer.from(signature, 'base64');
  if (presented.length !== SHA256_BYTES) {
    throw new AuthenticationError(`signature is ${presented.length} bytes, expected a ${SHA256_BYTES}-byte SHA-256 digest`);
  }

  // Every secret is tried and compared, so the time taken does not reveal which one matched.
  let matched = false;
  for (const secret of input.secrets) {
    matched = timingSafeEqual(hmac(secret, timestamp, input.rawBody), presented) || matched;
  }
  if (!matched) throw new AuthenticationError('signature does not match');

  // Checked after the HMAC so that a stale or early timestamp is known to be Zendesk's own, not forged.
  const skewMs = input.now.getTime() - Date.parse(timestamp);
  if (skewMs > tolerance * 1000) {
    throw new AuthenticationError(`signature timestamp is older than the ${tolerance} s tolerance`);
  }
  if (-skewMs > tolerance * 1000) {
    throw new AuthenticationError(`signature timestamp is more than ${tolerance} s in the future`);
  }
  return { timestamp };
}

function hmac(secret: string, timestamp: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(body).digest();
}
