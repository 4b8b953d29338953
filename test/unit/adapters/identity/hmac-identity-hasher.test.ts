import { describe, expect, it } from 'vitest';
import { HmacIdentityHasher, emailHashOf, hmacIdentityHashers } from '../../../../shared/adapters/identity/hmac-identity-hasher.js';
import { handleIdentity } from '../../../../shared/domain/customer.js';
import { ConfigurationError } from '../../../../shared/domain/errors.js';

const SECRET = 'k-0123456789abcdef0123456789abcdef';

describe('HmacIdentityHasher', () => {
  it('matches an independently computed HMAC-SHA256 of tenant, kind and normalised value', () => {
    // Arrange: expected value from `printf 'acme\nemail\nada@example.com' | openssl dgst -sha256 -hmac "$SECRET" -binary | base64url`
    const hasher = new HmacIdentityHasher(SECRET, 'acme');

    // Act
    const hash = hasher.hash({ kind: 'email', value: '  Ada@Example.COM ' });

    // Assert
    expect(hash).toBe('ZtppCAwFMxilSKFr4mGl0k1ifcRZtLfdI9WqhUrZddk');
  });

  it('is deterministic and accepts the secret as bytes too', () => {
    const fromString = new HmacIdentityHasher(SECRET, 'acme');
    const fromBytes = new HmacIdentityHasher(new TextEncoder().encode(SECRET), 'acme');
    const identity = { kind: 'helpdesk-user', value: 'zendesk:123' } as const;

    expect(fromString.hash(identity)).toBe(fromString.hash(identity));
    expect(fromBytes.hash(identity)).toBe(fromString.hash(identity));
    expect(fromString.hash(identity)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps an external id apart from a user id, an email or the same id in another case', () => {
    const hasher = new HmacIdentityHasher(SECRET, 'acme');
    const external = (value: string) => hasher.hash({ kind: 'external-id', value });

    expect(external('generic:u-1')).not.toBe(hasher.hash({ kind: 'helpdesk-user', value: 'generic:u-1' }));
    expect(external('a@b.co')).not.toBe(hasher.hash({ kind: 'email', value: 'a@b.co' }));
    expect(external('crm-1')).not.toBe(external('CRM-1'));
    expect(external(' crm-1 ')).toBe(external('crm-1'));
  });

  it('hashes the same email differently under two tenants', () => {
    const email = { kind: 'email', value: 'ada@example.com' } as const;

    expect(new HmacIdentityHasher(SECRET, 'acme').hash(email)).not.toBe(new HmacIdentityHasher(SECRET, 'globex').hash(email));
  });

  it('hashes the same value differently per kind and per secret', () => {
    const hasher = new HmacIdentityHasher(SECRET, 'acme');

    expect(hasher.hash({ kind: 'email', value: 'ada' })).not.toBe(hasher.hash({ kind: 'handle', value: 'ada' }));
    expect(new HmacIdentityHasher(`${SECRET}x`, 'acme').hash({ kind: 'email', value: 'ada' })).not.toBe(
      hasher.hash({ kind: 'email', value: 'ada' }),
    );
  });

  it('normalises handles before hashing', () => {
    const hasher = new HmacIdentityHasher(SECRET, 'acme');

    expect(hasher.hash(handleIdentity('Twitter', '@Ada'))).toBe(hasher.hash({ kind: 'handle', value: 'twitter:ada' }));
  });

  it('refuses a short secret and an empty tenant', () => {
    expect(() => new HmacIdentityHasher('short', 'acme')).toThrow(ConfigurationError);
    expect(() => new HmacIdentityHasher(SECRET, '')).toThrow(ConfigurationError);
    expect(() => hmacIdentityHashers('x'.repeat(31))).toThrow(/at least 32 bytes/);
  });
});

describe('hmacIdentityHashers and emailHashOf', () => {
  it('gives one hasher per tenant with the same results as a direct one', () => {
    const hasherFor = hmacIdentityHashers(SECRET);

    expect(hasherFor('acme')).toBe(hasherFor('acme'));
    expect(emailHashOf(hasherFor('acme'), 'ADA@example.com')).toBe(
      new HmacIdentityHasher(SECRET, 'acme').hash({ kind: 'email', value: 'ada@example.com' }),
    );
  });
});
