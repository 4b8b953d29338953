import { createHmac, timingSafeEqual } from 'node:crypto';
import { headerValue } from '../../http/payload.js';
import { AuthenticationError, ConfigurationError } from '../../../domain/errors.js';

/** Header carrying `sha256=` + base64(HMAC-SHA256(secret, body)). */
export const TYPEFORM_SIGNATURE_HEADER = 'typeform-signature';

/** Active secrets a tenant may hold at once: the current one and those being rotated out. */
export const TYPEFORM_MAX_SECRETS = 3;

/** What the signature check needs: the exact bytes received, the headers and the active secrets. */
export interface TypeformSignatureInput {
  /** The exact bytes received (already base64-decoded if API Gateway encoded them). */
  rawBody: Uint8Array;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The webhook's secrets (1-3, for rotation); each is used verbatim as the HMAC key. */
  secrets: readonly string[];
}

const PREFIX = 'sha256=';
const SHA256_BYTES = 32;
// Strict alphabet and padding: Buffer.from(..., 'base64') silently skips junk, so it cannot be the check.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Signs a body the way Typeform does: `sha256=` + base64(HMAC-SHA256(secret, body)).
 *
 * @example signTypeformPayload({ secret: 'tf-hook-secret', body: '{"event_type":"form_response"}' }) // 'sha256=...'
 */
export function signTypeformPayload(input: { secret: string; body: Uint8Array | string }): string {
  return `${PREFIX}${hmac(input.secret, input.body).toString('base64')}`;
}

/**
 * Verifies a Typeform webhook on the raw bytes against every active secret. Typeform signs the
 * body alone, with no timestamp, so a captured delivery can be replayed: replays carry the same
 * `event_id`, which the idempotent ingest absorbs downstream.
 *
 * @example verifyTypeformSignature({ rawBody, headers, secrets: [current, previous] })
 * @throws AuthenticationError with one message per reason (missing header, no `sha256=` prefix,
 *   signature not base64, of the wrong length, or matching no secret)
 * @throws ConfigurationError for no secrets, an empty secret, or more than three
 */
export function verifyTypeformSignature(input: TypeformSignatureInput): void {
  const { secrets } = input;
  // An empty key is one anybody can sign with, so it must never be accepted as configured.
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new ConfigurationError('Typeform signing secrets must be a non-empty list of non-empty secrets');
  }
  if (secrets.length > TYPEFORM_MAX_SECRETS) {
    throw new ConfigurationError(`Typeform signing secrets: at most ${TYPEFORM_MAX_SECRETS} may be active at once`);
  }

  const header = headerValue(input.headers, TYPEFORM_SIGNATURE_HEADER);
  if (header === undefined) throw new AuthenticationError(`missing ${TYPEFORM_SIGNATURE_HEADER} header`);
  if (!header.startsWith(PREFIX)) throw new AuthenticationError(`${TYPEFORM_SIGNATURE_HEADER} does not start with ${PREFIX}`);
  const signature = header.slice(PREFIX.length);
  if (!BASE64.test(signature)) throw new AuthenticationError('signature is not base64');
  const presented = Buffer.from(signature, 'base64');
  // timingSafeEqual throws on unequal lengths, so the length is settled before any compare.
  if (presented.length !== SHA256_BYTES) {
    throw new AuthenticationError(`signature is ${presented.length} bytes, expected a ${SHA256_BYTES}-byte SHA-256 digest`);
  }

  // Every secret is tried and compared, so the time taken does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) matched = timingSafeEqual(hmac(secret, input.rawBody), presented) || matched;
  if (!matched) throw new AuthenticationError('signature does not match');
}

function hmac(secret: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}
