import { createHmac } from 'node:crypto';
import { type Identity, normaliseIdentity } from '../../domain/customer.js';
import { ConfigurationError } from '../../domain/errors.js';
import type { IdentityHasher } from '../../domain/ports.js';

/** Shortest secret accepted: HMAC-SHA256 keys shorter than 32 bytes weaken the hash. */
export const MIN_IDENTITY_SECRET_BYTES = 32;

function secretBytes(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.byteLength < MIN_IDENTITY_SECRET_BYTES) {
    throw new ConfigurationError(`the identity hash key must be at least ${MIN_IDENTITY_SECRET_BYTES} bytes`);
  }
  return bytes;
}

/**
 * Keyed hash of identities: base64url(HMAC-SHA256(secret, `tenant\nkind\nvalue`)) over the
 * normalised identity. The tenant is part of the input, so one email yields unrelated keys under
 * two tenants, and without the secret a key cannot be linked back to an email by guessing.
 *
 * @example new HmacIdentityHasher(secret, 'acme').hash({ kind: 'email', value: 'ada@example.com' })
 */
export class HmacIdentityHasher implements IdentityHasher {
  private readonly secret: Uint8Array;

  constructor(
    secret: string | Uint8Array,
    private readonly tenant: string,
  ) {
    this.secret = secretBytes(secret);
    if (tenant.length === 0) throw new ConfigurationError('the identity hasher needs a tenant');
  }

  /** The keyed hash of one identity (43 base64url characters). */
  hash(identity: Identity): string {
    const { kind, value } = normaliseIdentity(identity);
    return createHmac('sha256', this.secret).update(`${this.tenant}\n${kind}\n${value}`, 'utf8').digest('base64url');
  }
}

/**
 * A per-tenant hasher factory over one secret, the shape the customer store takes. A short secret
 * fails here, at wiring time, not at the first event.
 *
 * @example const hasherFor = hmacIdentityHashers(secret); hasherFor('acme').hash(identity)
 */
export function hmacIdentityHashers(secret: string | Uint8Array): (tenant: string) => IdentityHasher {
  secretBytes(secret);
  const cache = new Map<string, HmacIdentityHasher>();
  return (tenant) => {
    let hasher = cache.get(tenant);
    if (!hasher) {
      hasher = new HmacIdentityHasher(secret, tenant);
      cache.set(tenant, hasher);
    }
    return hasher;
  };
}

/**
 * The hash an email is kept as in a profile's `identities.emailHashes`.
 *
 * @example emailHashOf(hasher, 'Ada@Example.com') === emailHashOf(hasher, 'ada@example.com') // true
 */
export function emailHashOf(hasher: IdentityHasher, email: string): string {
  return hasher.hash({ kind: 'email', value: email });
}
