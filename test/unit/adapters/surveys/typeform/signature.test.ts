import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TYPEFORM_SIGNATURE_HEADER,
  signTypeformPayload,
  verifyTypeformSignature,
} from '../../../../../shared/adapters/surveys/typeform/signature.js';
import type { TypeformSignatureInput } from '../../../../../shared/adapters/surveys/typeform/signature.js';
import { AuthenticationError, ConfigurationError } from '../../../../../shared/domain/errors.js';

const FIXTURES = new URL('../../../../fixtures/typeform/', import.meta.url);
const SECRET = 'tf-hook-current-5Xq9Lm2Rv7Tz';
const OLD_SECRET = 'tf-hook-previous-8Kd3Wn6Yp1Hs';
const OTHER_TENANT = 'tf-hook-globex-4Rt6Yu8Io0Pa';

function fixtureBytes(name: string): Uint8Array {
  return readFileSync(new URL(name, FIXTURES));
}

/** A delivery as Typeform would send it: the body signed with `signingSecret`. */
function delivery(options: { body?: Uint8Array; signingSecret?: string } = {}): TypeformSignatureInput {
  const body = options.body ?? fixtureBytes('form-response-nps.json');
  return {
    rawBody: body,
    headers: { [TYPEFORM_SIGNATURE_HEADER]: signTypeformPayload({ secret: options.signingSecret ?? SECRET, body }) },
    secrets: [SECRET],
  };
}

function rejection(input: TypeformSignatureInput): AuthenticationError {
  try {
    verifyTypeformSignature(input);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the signature to be rejected');
}

describe('signTypeformPayload', () => {
  it('signs as Typeform documents it: sha256= and the base64 HMAC-SHA256 of the body', () => {
    // Arrange
    const body = '{"event_id":"LtWXD3crgy","event_type":"form_response"}';

    // Act
    const signature = signTypeformPayload({ secret: SECRET, body });

    // Assert
    expect(signature).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('base64')}`);
  });

  it('signs a string body and its UTF-8 bytes identically', () => {
    // Arrange
    const text = '{"text":"Très bien – merci 👍"}';

    // Act
    const fromString = signTypeformPayload({ secret: SECRET, body: text });
    const fromBytes = signTypeformPayload({ secret: SECRET, body: new TextEncoder().encode(text) });

    // Assert
    expect(fromBytes).toBe(fromString);
  });
});

describe('verifyTypeformSignature', () => {
  it('accepts a fixture body signed with the active secret', () => {
    // Arrange
    const input = delivery();

    // Act
    const act = () => verifyTypeformSignature(input);

    // Assert
    expect(act).not.toThrow();
  });

  it('checks the exact bytes: non-ASCII text signed over its UTF-8 encoding', () => {
    // Arrange
    const body = new TextEncoder().encode('{"event_type":"form_response","text":"zoë@exämple.com 📦"}');

    // Act
    const act = () => verifyTypeformSignature(delivery({ body }));

    // Assert
    expect(act).not.toThrow();
  });

  it('rejects the same JSON re-serialised: only the bytes received are signed', () => {
    // Arrange
    const input = delivery();
    const reserialised = new TextEncoder().encode(JSON.stringify(JSON.parse(Buffer.from(input.rawBody).toString('utf8'))));

    // Act
    const error = rejection({ ...input, rawBody: reserialised });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it.each([
    ['the current secret', SECRET],
    ['the previous secret', OLD_SECRET],
  ])('accepts a delivery signed with %s while both are active (rotation)', (_label, signingSecret) => {
    // Arrange
    const input = { ...delivery({ signingSecret }), secrets: [SECRET, OLD_SECRET] };

    // Act
    const act = () => verifyTypeformSignature(input);

    // Assert
    expect(act).not.toThrow();
  });

  it('accepts the third of three active secrets', () => {
    // Arrange
    const input = { ...delivery({ signingSecret: OTHER_TENANT }), secrets: [SECRET, OLD_SECRET, OTHER_TENANT] };

    // Act
    const act = () => verifyTypeformSignature(input);

    // Assert
    expect(act).not.toThrow();
  });

  it('rejects a delivery signed with a secret that is no longer active', () => {
    // Arrange
    const input = delivery({ signingSecret: OLD_SECRET });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it("rejects another tenant's signature", () => {
    // Arrange
    const input = { ...delivery({ signingSecret: OTHER_TENANT }), secrets: [SECRET, OLD_SECRET] };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a body changed after signing', () => {
    // Arrange
    const input = delivery();
    const changed = Buffer.from(Buffer.from(input.rawBody).toString('utf8').replace('"number": 9', '"number": 10'));

    // Act
    const error = rejection({ ...input, rawBody: changed });

    // Assert
    expect(changed.equals(Buffer.from(input.rawBody))).toBe(false);
    expect(error.message).toBe('signature does not match');
  });

  it.each([
    ['absent', undefined],
    ['blank', '   '],
  ])('rejects a delivery whose signature header is %s', (_label, value) => {
    // Arrange
    const input = { ...delivery(), headers: { [TYPEFORM_SIGNATURE_HEADER]: value } };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('missing typeform-signature header');
  });

  it.each([
    ['no prefix', (digest: string) => digest],
    ['another algorithm', (digest: string) => `sha1=${digest}`],
    ['an upper-case prefix', (digest: string) => `SHA256=${digest}`],
  ])('rejects a signature with %s', (_label, shape) => {
    // Arrange
    const input = delivery();
    const digest = createHmac('sha256', SECRET).update(input.rawBody).digest('base64');

    // Act
    const error = rejection({ ...input, headers: { [TYPEFORM_SIGNATURE_HEADER]: shape(digest) } });

    // Assert
    expect(error.message).toBe('typeform-signature does not start with sha256=');
  });

  it('rejects a hex signature: Typeform sends base64', () => {
    // Arrange
    const input = delivery();
    const hex = createHmac('sha256', SECRET).update(input.rawBody).digest('hex');

    // Act
    const error = rejection({ ...input, headers: { [TYPEFORM_SIGNATURE_HEADER]: `sha256=${hex}` } });

    // Assert
    expect(error.message).toBe('signature is 48 bytes, expected a 32-byte SHA-256 digest');
  });

  it('rejects a signature that is not base64', () => {
    // Arrange
    const input = { ...delivery(), headers: { [TYPEFORM_SIGNATURE_HEADER]: 'sha256=not*base64!' } };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature is not base64');
  });

  it('rejects a truncated signature before comparing', () => {
    // Arrange
    const input = delivery();
    const digest = createHmac('sha256', SECRET).update(input.rawBody).digest().subarray(0, 16).toString('base64');

    // Act
    const error = rejection({ ...input, headers: { [TYPEFORM_SIGNATURE_HEADER]: `sha256=${digest}` } });

    // Assert
    expect(error.message).toBe('signature is 16 bytes, expected a 32-byte SHA-256 digest');
  });

  it('rejects an empty signature after the prefix', () => {
    // Arrange
    const input = { ...delivery(), headers: { [TYPEFORM_SIGNATURE_HEADER]: 'sha256=' } };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature is 0 bytes, expected a 32-byte SHA-256 digest');
  });

  it.each([
    ['no secrets', [], 'non-empty list'],
    ['an empty secret', [SECRET, ''], 'non-empty list'],
    ['four secrets', [SECRET, OLD_SECRET, OTHER_TENANT, 'tf-hook-fourth'], 'at most 3'],
  ])('refuses to verify with %s configured', (_label, secrets, message) => {
    // Arrange
    const input = { ...delivery(), secrets };

    // Act
    const act = () => verifyTypeformSignature(input);

    // Assert
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(message);
  });
});
