import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { headerValue } from '../http/payload.js';
import { MAX_DELIVERY_ID_LENGTH, senderDeliveryId } from './delivery-id.js';
import { AuthenticationError, ConfigurationError, InvalidPayloadError } from '../../domain/errors.js';

/** Header carrying the delivery id: unique per message, stable across retries, covered by the signature. */
export const WEBHOOK_ID_HEADER = 'webhook-id';

/** Header carrying the Unix time (integer seconds) of the attempt. */
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';

/** Header carrying a space-delimited list of `version,signature` entries. */
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** How far the signed timestamp may drift from our clock, either way (the reference library's 5 minutes). */
export const STANDARD_WEBHOOK_DEFAULT_TOLERANCE_SECONDS = 300;

/** What the signature check needs: the exact bytes received, the headers, the active secrets and a clock. */
export interface StandardWebhookVerifyInput {
  /** The exact bytes received (already base64-decoded if API Gateway encoded them). */
  rawBody: Uint8Array;
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Active secrets (`whsec_<base64>`, the prefix optional); several while one rotates. */
  secrets: readonly string[];
  now: Date;
  /** Allowed clock skew in seconds, in both directions; defaults to 300. */
  toleranceSeconds?: number;
}

/** What a verified delivery proves: its id and when it was signed. */
export interface VerifiedStandardWebhook {
  id: string;
  timestamp: Date;
}

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
const SHA256_BYTES = 32;
// Strict alphabet and padding: Buffer.from(..., 'base64') silently skips junk, so it cannot be the check.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INTEGER_SECONDS = /^\d{1,15}$/;

/**
 * Signs a delivery as Standard Webhooks does: `v1,` + base64(HMAC-SHA256(key, `${id}.${seconds}.${body}`)).
 *
 * @example
 * signStandardWebhook({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
 *   timestamp: new Date('2026-12-01T10:00:00Z'), body: '{"type":"ticket.created"}' })
 * // 'v1,AznijYyVFppt0JTYfEOXRo7wxIXg8zTacKBujk+KVDI='
 * @throws ConfigurationError when the secret is not base64 after the optional `whsec_` prefix
 */
export function signStandardWebhook(input: { secret: string; id: string; timestamp: Date; body: Uint8Array | string }): string {
  const key = decodeSecret(input.secret, 'Standard Webhooks signing secret');
  return `${SIGNATURE_VERSION},${hmac(key, input.id, toSeconds(input.timestamp), input.body).toString('base64')}`;
}

/**
 * Verifies a Standard Webhooks delivery on the raw bytes: every `v1` signature in the header
 * against every active secret, then the signed timestamp within the tolerance of `now` both ways.
 *
 * @example
 * const { id } = verifyStandardWebhook({ rawBody, headers, secrets: ['whsec_...'], now: new Date() });
 * @throws AuthenticationError with one message per reason (a missing header, a timestamp that is
 *   not integer seconds, no v1 signature, a signature not base64, of the wrong length, or
 *   matching no secret, a timestamp too old or too far in the future)
 * @throws ConfigurationError for an empty list of secrets, a secret that is not base64, or an invalid tolerance
 */
export function verifyStandardWebhook(input: StandardWebhookVerifyInput): VerifiedStandardWebhook {
  const tolerance = input.toleranceSeconds ?? STANDARD_WEBHOOK_DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ConfigurationError('Standard Webhooks tolerance must be a non-negative number of seconds');
  }
  if (input.secrets.length === 0) throw new ConfigurationError('Standard Webhooks secrets must be a non-empty list');
  // Decoded before anything from the request is looked at, so a bad secret fails every request alike.
  const keys = input.secrets.map((secret, index) =>
    decodeSecret(secret, `Standard Webhooks secret ${index + 1} of ${input.secrets.length}`),
  );

  const id = headerValue(input.headers, WEBHOOK_ID_HEADER);
  if (id === undefined) throw new AuthenticationError(`missing ${WEBHOOK_ID_HEADER} header`);
  const timestampText = headerValue(input.headers, WEBHOOK_TIMESTAMP_HEADER);
  if (timestampText === undefined) throw new AuthenticationError(`missing ${WEBHOOK_TIMESTAMP_HEADER} header`);
  const signatureList = headerValue(input.headers, WEBHOOK_SIGNATURE_HEADER);
  if (signatureList === undefined) throw new AuthenticationError(`missing ${WEBHOOK_SIGNATURE_HEADER} header`);
  if (!INTEGER_SECONDS.test(timestampText)) {
    throw new AuthenticationError(`${WEBHOOK_TIMESTAMP_HEADER} is not an integer number of seconds`);
  }
  const seconds = Number(timestampText);

  const presented = v1Signatures(signatureList);
  if (presented.length === 0) throw new AuthenticationError(`${WEBHOOK_SIGNATURE_HEADER} has no ${SIGNATURE_VERSION} signature`);
  const digests: Buffer[] = [];
  let firstMalformed: string | undefined;
  for (const signature of presented) {
    const reason = malformation(signature);
    if (reason === undefined) digests.push(Buffer.from(signature, 'base64'));
    else firstMalformed ??= reason;
  }
  // A malformed entry next to a good one is skipped: the sender may list one per key while it rotates.
  if (digests.length === 0) throw new AuthenticationError(firstMalformed ?? 'signature does not match');

  // Every signature meets every secret, so the time taken does not reveal which pair matched.
  let matched = false;
  for (const key of keys) {
    const expected = hmac(key, id, seconds, input.rawBody);
    for (const digest of digests) matched = timingSafeEqual(expected, digest) || matched;
  }
  if (!matched) throw new AuthenticationError('signature does not match');

  // Checked after the HMAC so that a stale or early timestamp is known to be the sender's own, not
  // forged; whole seconds on both sides, as the reference library compares them.
  const skew = toSeconds(input.now) - seconds;
  if (skew > tolerance) throw new AuthenticationError(`${WEBHOOK_TIMESTAMP_HEADER} is older than the ${tolerance} s tolerance`);
  if (-skew > tolerance) throw new AuthenticationError(`${WEBHOOK_TIMESTAMP_HEADER} is more than ${tolerance} s in the future`);
  return { id, timestamp: new Date(seconds * 1000) };
}

/**
 * Throws ConfigurationError, naming `setting`, unless `secret` is a usable Standard Webhooks
 * secret; lets a client fail at start-up instead of at its first request.
 *
 * @example assertStandardWebhookSecret(options.signingSecret, 'generic helpdesk signingSecret')
 */
export function assertStandardWebhookSecret(secret: string, setting: string): void {
  decodeSecret(secret, setting);
}

/**
 * A fresh secret in the usual form, `whsec_` + base64 of 24 random bytes, for docs and tests.
 *
 * @example generateStandardWebhookSecret() // 'whsec_' + 32 base64 characters, different every call
 */
export function generateStandardWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

function decodeSecret(secret: string, setting: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // The message names the setting and the fault only: the secret itself never reaches a log.
  if (encoded === '') throw new ConfigurationError(`${setting} is empty`);
  if (!BASE64.test(encoded)) throw new ConfigurationError(`${setting} is not base64 after the optional ${SECRET_PREFIX} prefix`);
  return Buffer.from(encoded, 'base64');
}

function v1Signatures(list: string): string[] {
  return list
    .split(' ')
    .map((entry) => {
      const comma = entry.indexOf(',');
      // Other versions (v1a is Ed25519) and entries without a version are not ours to check.
      return comma > 0 && entry.slice(0, comma) === SIGNATURE_VERSION ? entry.slice(comma + 1) : undefined;
    })
    .filter((signature) => signature !== undefined);
}

function malformation(signature: string): string | undefined {
  if (!BASE64.test(signature)) return 'signature is not base64';
  const length = Buffer.byteLength(signature, 'base64');
  // timingSafeEqual throws on unequal lengths, so the length is settled before any compare.
  if (length !== SHA256_BYTES) return `signature is ${length} bytes, expected a ${SHA256_BYTES}-byte SHA-256 digest`;
  return undefined;
}

function hmac(key: Buffer, id: string, seconds: number, body: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(`${id}.${seconds}.`, 'utf8').update(body).digest();
}

function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * The delivery id of a verified Standard Webhooks delivery: its `webhook-id`, which the signature
 * covers and every retry repeats; InvalidPayloadError (a 400) when it is missing or too long.
 *
 * @example const deliveryId = standardWebhookDeliveryId(request.headers)
 */
export function standardWebhookDeliveryId(headers: Readonly<Record<string, string | undefined>>): string {
  const deliveryId = headerValue(headers, WEBHOOK_ID_HEADER);
  if (deliveryId === undefined) {
    throw new InvalidPayloadError(`${WEBHOOK_ID_HEADER} header is missing`, [
      { path: WEBHOOK_ID_HEADER, message: `must be 1-${MAX_DELIVERY_ID_LENGTH} characters` },
    ]);
  }
  return senderDeliveryId(deliveryId, WEBHOOK_ID_HEADER);
}
