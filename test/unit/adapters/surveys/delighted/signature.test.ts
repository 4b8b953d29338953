import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DELIGHTED_SIGNATURE_HEADER,
  signDelightedPayload,
  verifyDelightedSignature,
} from '../../../../../shared/adapters/surveys/delighted/signature.js';
import type { DelightedSignatureInput } from '../../../../../shared/adapters/surveys/delighted/signature.js';
import { AuthenticationError, ConfigurationError } from '../../../../../shared/domain/errors.js';

const FIXTURES = new URL('../../../../fixtures/delighted/', import.meta.url);
const API_KEY = 'dk_live_3c9Q1wZ8rT5yU2iO7pA4sD6f';
const OLD_API_KEY = 'dk_live_8Hj2Kl5Zx9Cv3Bn7Mq1W';
const OTHER_ACCOUNT = 'dk_live_4Rt6Yu8Io0Pa2Sd4Fg6H';

function fixtureBytes(name: string): Uint8Array {
  return readFileSync(new URL(name, FIXTURES));
}

function hexDigest(key: string, body: Uint8Array): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** A delivery as Delighted would send it: the body signed with `apiKey`. */
function delivery(options: { body?: Uint8Array; apiKey?: string; header?: (hex: string) => string } = {}): DelightedSignatureInput {
  const body = options.body ?? fixtureBytes('survey-response-updated.json');
  const hex = hexDigest(options.apiKey ?? API_KEY, body);
  return {
    rawBody: body,
    headers: { [DELIGHTED_SIGNATURE_HEADER]: options.header ? options.header(hex) : `sha256=${hex}` },
    secrets: [API_KEY],
  };
}

function rejection(input: DelightedSignatureInput): AuthenticationError {
  try {
    verifyDelightedSignature(input);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the signature to be rejected');
}

describe('signDelightedPayload', () => {
  it('signs as sha256= and the hex HMAC-SHA256 of the body keyed with the API key', () => {
    // Arrange
    const body = '{"event_type":"survey_response.created"}';

    // Act
    const signature = signDelightedPayload({ secret: API_KEY, body });

    // Assert
    expect(signature).toBe(`sha256=${createHmac('sha256', API_KEY).update(body).digest('hex')}`);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('signs a string body and its UTF-8 bytes identically', () => {
    // Arrange
    const text = '{"comment":"Très bien – merci 👍"}';

    // Act
    const fromString = signDelightedPayload({ secret: API_KEY, body: text });
    const fromBytes = signDelightedPayload({ secret: API_KEY, body: new TextEncoder().encode(text) });

    // Assert
    expect(fromBytes).toBe(fromString);
  });

  it('makes a signature the verifier accepts', () => {
    // Arrange
    const body = fixtureBytes('unsubscribe-created.json');
    const headers = { [DELIGHTED_SIGNATURE_HEADER]: signDelightedPayload({ secret: API_KEY, body }) };

    // Act
    const act = () => verifyDelightedSignature({ rawBody: body, headers, secrets: [API_KEY] });

    // Assert
    expect(act).not.toThrow();
  });
});

describe('verifyDelightedSignature', () => {
  it.each([
    ['sha256= and lower-case hex', (hex: string) => `sha256=${hex}`],
    ['bare lower-case hex', (hex: string) => hex],
    ['bare upper-case hex', (hex: string) => hex.toUpperCase()],
    ['sha256= and upper-case hex', (hex: string) => `sha256=${hex.toUpperCase()}`],
    ['an upper-case prefix', (hex: string) => `SHA256=${hex}`],
  ])('accepts %s (the header format is not confirmed first-hand)', (_label, header) => {
    // Arrange
    const input = delivery({ header });

    // Act
    const act = () => verifyDelightedSignature(input);

    // Assert
    expect(act).not.toThrow();
  });

  it('checks the exact bytes: the same JSON re-serialised does not match', () => {
    // Arrange
    const input = delivery();
    const reserialised = new TextEncoder().encode(JSON.stringify(JSON.parse(Buffer.from(input.rawBody).toString('utf8'))));

    // Act
    const error = rejection({ ...input, rawBody: reserialised });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it.each([
    ['the current key', API_KEY],
    ['the previous key', OLD_API_KEY],
  ])('accepts a delivery signed with %s while both are active (rotation)', (_label, apiKey) => {
    // Arrange
    const input = { ...delivery({ apiKey }), secrets: [API_KEY, OLD_API_KEY] };

    // Act
    const act = () => verifyDelightedSignature(input);

    // Assert
    expect(act).not.toThrow();
  });

  it('rejects a delivery signed with a key no longer active', () => {
    // Act
    const error = rejection(delivery({ apiKey: OLD_API_KEY }));

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it("rejects another account's signature", () => {
    // Act
    const error = rejection({ ...delivery({ apiKey: OTHER_ACCOUNT }), secrets: [API_KEY, OLD_API_KEY] });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a body changed after signing', () => {
    // Arrange
    const input = delivery();
    const changed = Buffer.from(Buffer.from(input.rawBody).toString('utf8').replace('"score": 3', '"score": 10'));

    // Act
    const error = rejection({ ...input, rawBody: changed });

    // Assert
    expect(changed.equals(Buffer.from(input.rawBody))).toBe(false);
    expect(error.message).toBe('signature does not match');
  });

  it.each([
    ['absent', undefined],
    ['blank', ' '],
  ])('rejects a delivery whose signature header is %s', (_label, value) => {
    // Act
    const error = rejection({ ...delivery(), headers: { [DELIGHTED_SIGNATURE_HEADER]: value } });

    // Assert
    expect(error.message).toBe('missing x-delighted-webhook-signature header');
  });

  it.each([
    ['base64 instead of hex', (hex: string) => `sha256=${Buffer.from(hex, 'hex').toString('base64')}`],
    ['another algorithm', (hex: string) => `sha1=${hex}`],
    ['non-hex characters', () => `sha256=${'g'.repeat(64)}`],
  ])('rejects a signature in %s', (_label, header) => {
    // Act
    const error = rejection(delivery({ header }));

    // Assert
    expect(error.message).toBe('signature is not hex');
  });

  it.each([
    ['truncated', (hex: string) => `sha256=${hex.slice(0, 40)}`, 40],
    ['odd-length', (hex: string) => `sha256=${hex.slice(0, 63)}`, 63],
    ['empty', () => 'sha256=', 0],
    ['too long', (hex: string) => `sha256=${hex}00`, 66],
  ])('rejects a %s signature before comparing', (_label, header, digits) => {
    // Act
    const error = rejection(delivery({ header }));

    // Assert
    expect(error.message).toBe(`signature is ${digits} hex digits, expected the 64 of a SHA-256 digest`);
  });

  it.each([
    ['no keys', [], 'non-empty list'],
    ['an empty key', [API_KEY, ''], 'non-empty list'],
    ['four keys', [API_KEY, OLD_API_KEY, OTHER_ACCOUNT, 'dk_live_fourth'], 'at most 3'],
  ])('refuses to verify with %s configured', (_label, secrets, message) => {
    // Arrange
    const input = { ...delivery(), secrets };

    // Act
    const act = () => verifyDelightedSignature(input);

    // Assert
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(message);
  });
});
