import { createHmac, timingSafeEqual } from 'node:crypto';
import { headerValue } from '../../http/payload.js';
import { AuthenticationError, ConfigurationError } from '../../../domain/errors.js';

/** Header carrying `sha256=` + hex(HMAC-SHA256(api key, body)). */
export const DELIGHTED_SIGNATURE_HEADER = 'x-delighted-webhook-signature';

/** API keys a tenant may hold at once: the current one and those being rotated out. */
export const DELIGHTED_MAX_KEYS = 3;

/** What the signature check needs: the exact bytes received, the headers and the account's API keys. */
export interface DelightedSignatureInput {
  /** The exact bytes received (already base64-decoded if API Gateway encoded them). */
  rawBody: Uint8Array;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The account's API keys (1-3, for rotation); each is used verbatim as the HMAC key. */
  secrets: readonly string[];
}

const PREFIX = /^sha256=/i;
const HEX = /^[0-9a-f]*$/i;
const SHA256_HEX_DIGITS = 64;

/**
 * Signs a body as Delighted is understood to: `sha256=` + hex(HMAC-SHA256(api key, body)).
 *
 * @example signDelightedPayload({ secret: 'delighted-api-key', body: '{"event_type":"survey_response.created"}' }) // 'sha256=9f2c...'
 */
export function signDelightedPayload(input: { secret: string; body: Uint8Array | string }): string {
  return `sha256=${hmac(input.secret, input.body).toString('hex')}`;
}

/**
 * Verifies a Delighted webhook on the raw bytes against every active API key. The scheme is known
 * from secondary sources only, so either reading of the header is taken: with or without the
 * `sha256=` prefix, hex in either case. Delighted signs no timestamp, so a captured delivery can
 * be replayed: replays carry the same event, which the idempotent ingest absorbs downstream.
 *
 * @example verifyDelightedSignature({ rawBody, headers, secrets: [apiKey] })
 * @throws AuthenticationError with one message per reason (missing header, signature not hex,
 *   of the wrong length, or matching no key)
 * @throws ConfigurationError for no keys, an empty key, or more than three
 */
export function verifyDelightedSignature(input: DelightedSignatureInput): void {
  const { secrets } = input;
  // An empty key is one anybody can sign with, so it must never be accepted as configured.
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new ConfigurationError('Delighted API keys must be a non-empty list of non-empty keys');
  }
  if (secrets.length > DELIGHTED_MAX_KEYS) {
    throw new ConfigurationError(`Delighted API keys: at most ${DELIGHTED_MAX_KEYS} may be active at once`);
  }

  const header = headerValue(input.headers, DELIGHTED_SIGNATURE_HEADER);
  if (header === undefined) throw new AuthenticationError(`missing ${DELIGHTED_SIGNATURE_HEADER} header`);
  const signature = header.replace(PREFIX, '');
  if (!HEX.test(signature)) throw new AuthenticationError('signature is not hex');
  // timingSafeEqual throws on unequal lengths, so the length is settled before any compare.
  if (signature.length !== SHA256_HEX_DIGITS) {
    throw new AuthenticationError(`signature is ${signature.length} hex digits, expected the ${SHA256_HEX_DIGITS} of a SHA-256 digest`);
  }
  const presented = Buffer.from(signature, 'hex');

  // Every key is tried and compared, so the time taken does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) matched = timingSafeEqual(hmac(secret, input.rawBody), presented) || matched;
  if (!matched) throw new AuthenticationError('signature does not match');
}

function hmac(secret: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}
