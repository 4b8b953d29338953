import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_SIGNATURE_TIMESTAMP_HEADER,
  ZENDESK_TEST_SIGNING_SECRET,
  signZendeskPayload,
  verifyZendeskSignature,
} from '../../../../../shared/adapters/helpdesks/zendesk/signature.js';
import type { ZendeskSignatureInput } from '../../../../../shared/adapters/helpdesks/zendesk/signature.js';
import { AuthenticationError, ConfigurationError } from '../../../../../shared/domain/errors.js';

const FIXTURES = new URL('../../../../fixtures/zendesk/', import.meta.url);
const SECRET = 'dGVuYW50LXdlYmhvb2stc2VjcmV0LWN1cnJlbnQ=';
const OLD_SECRET = 'dGVuYW50LXdlYmhvb2stc2VjcmV0LXByZXZpb3Vz';
const TIMESTAMP = '2024-04-17T17:18:10Z';
const SIGNED_AT = new Date(TIMESTAMP);

function fixtureBytes(name: string): Uint8Array {
  return readFileSync(new URL(name, FIXTURES));
}

/** A delivery as Zendesk would send it: the body signed with `signingSecret` at `timestamp`. */
function delivery(options: { body?: Uint8Array; signingSecret?: string; timestamp?: string } = {}): ZendeskSignatureInput {
  const body = options.body ?? fixtureBytes('event-ticket-created.json');
  const timestamp = options.timestamp ?? TIMESTAMP;
  const signature = signZendeskPayload({ secret: options.signingSecret ?? SECRET, timestamp, body });
  return {
    rawBody: body,
    headers: { [ZENDESK_SIGNATURE_HEADER]: signature, [ZENDESK_SIGNATURE_TIMESTAMP_HEADER]: timestamp },
    secrets: [SECRET],
    now: SIGNED_AT,
  };
}

function rejection(input: ZendeskSignatureInput): AuthenticationError {
  try {
    verifyZendeskSignature(input);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the signature to be rejected');
}

describe('signZendeskPayload', () => {
  it('reproduces the published test vector with the static test secret used verbatim', () => {
    // Arrange
    const input = { secret: ZENDESK_TEST_SIGNING_SECRET, timestamp: '2021-03-25T05:09:27Z', body: '{"event":"ticket.updated","id":123}' };

    // Act
    const signature = signZendeskPayload(input);

    // Assert
    expect(signature).toBe('S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=');
  });

  it('signs a string body and its UTF-8 bytes identically', () => {
    // Arrange
    const text = '{"subject":"Réclamation – colis abîmé 📦"}';

    // Act
    const fromString = signZendeskPayload({ secret: SECRET, timestamp: TIMESTAMP, body: text });
    const fromBytes = signZendeskPayload({ secret: SECRET, timestamp: TIMESTAMP, body: new TextEncoder().encode(text) });

    // Assert
    expect(fromBytes).toBe(fromString);
    expect(fromString).toBe(
      createHmac('sha256', SECRET)
        .update(TIMESTAMP + text)
        .digest('base64'),
    );
  });
});

describe('verifyZendeskSignature', () => {
  it('accepts the published test vector as a delivery', () => {
    // Arrange
    const input: ZendeskSignatureInput = {
      rawBody: new TextEncoder().encode('{"event":"ticket.updated","id":123}'),
      headers: {
        [ZENDESK_SIGNATURE_HEADER]: 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=',
        [ZENDESK_SIGNATURE_TIMESTAMP_HEADER]: '2021-03-25T05:09:27Z',
      },
      secrets: [ZENDESK_TEST_SIGNING_SECRET],
      now: new Date('2021-03-25T05:10:00Z'),
    };

    // Act
    const result = verifyZendeskSignature(input);

    // Assert
    expect(result).toEqual({ timestamp: '2021-03-25T05:09:27Z' });
  });

  it('accepts a fixture body signed with the active secret and returns the signed timestamp', () => {
    // Arrange
    const input = delivery();

    // Act
    const result = verifyZendeskSignature(input);

    // Assert
    expect(result.timestamp).toBe(TIMESTAMP);
  });

  it('accepts bodies with non-ASCII text, signed over their exact bytes', () => {
    // Arrange
    const body = new TextEncoder().encode('{"event":"ticket_created","ticket_id":"1","requester_email":"zoë@exämple.com"}');

    // Act
    const result = verifyZendeskSignature(delivery({ body }));

    // Assert
    expect(result.timestamp).toBe(TIMESTAMP);
  });

  it.each([
    ['the current secret', SECRET],
    ['the previous secret', OLD_SECRET],
  ])('accepts a delivery signed with %s while both are active (rotation)', (_label, signingSecret) => {
    // Arrange
    const input = { ...delivery({ signingSecret }), secrets: [OLD_SECRET, SECRET] };

    // Act
    const result = verifyZendeskSignature(input);

    // Assert
    expect(result.timestamp).toBe(TIMESTAMP);
  });

  it('rejects a delivery signed with a secret that is no longer active', () => {
    // Arrange
    const input = { ...delivery({ signingSecret: OLD_SECRET }), secrets: [SECRET] };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a missing signature header', () => {
    // Arrange
    const input = delivery();
    const headers = { [ZENDESK_SIGNATURE_TIMESTAMP_HEADER]: TIMESTAMP };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe('missing x-zendesk-webhook-signature header');
  });

  it('rejects a blank signature header as missing', () => {
    // Arrange
    const input = delivery();
    const headers = { ...input.headers, [ZENDESK_SIGNATURE_HEADER]: '  ' };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe('missing x-zendesk-webhook-signature header');
  });

  it('rejects a missing timestamp header', () => {
    // Arrange
    const input = delivery();
    const headers = { [ZENDESK_SIGNATURE_HEADER]: input.headers[ZENDESK_SIGNATURE_HEADER] };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe('missing x-zendesk-webhook-signature-timestamp header');
  });

  it.each([
    ['epoch seconds', '1713374290'],
    ['a date without a time', '2024-04-17'],
    ['an impossible date', '2024-02-30T17:18:10Z'],
    ['no time zone', '2024-04-17T17:18:10'],
  ])('rejects a malformed timestamp (%s), even when it was signed', (_label, timestamp) => {
    // Arrange
    const input = delivery({ timestamp });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature timestamp is not an ISO-8601 date-time');
  });

  it.each([
    ['base64url', 'S_RDdU2ERmj7LHDDoWJ2onPYH-t7_f2-LTM4dL7UiLM='],
    ['junk characters', 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=!'],
    ['two joined signatures', 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=,S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM='],
  ])('rejects a signature that is not base64 (%s)', (_label, signature) => {
    // Arrange
    const input = delivery();
    const headers = { ...input.headers, [ZENDESK_SIGNATURE_HEADER]: signature };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe('signature is not base64');
  });

  it.each([
    ['a truncated digest', Buffer.alloc(16, 7).toString('base64'), 16],
    ['an over-long digest', Buffer.alloc(33, 7).toString('base64'), 33],
    // 64 hex characters are all in the base64 alphabet, so a hex digest decodes to 48 bytes.
    [
      'the right HMAC as hex',
      createHmac('sha256', SECRET).update(TIMESTAMP).update(fixtureBytes('event-ticket-created.json')).digest('hex'),
      48,
    ],
  ])('rejects a base64 signature of the wrong length (%s)', (_label, signature, bytes) => {
    // Arrange
    const input = delivery();
    const headers = { ...input.headers, [ZENDESK_SIGNATURE_HEADER]: signature };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe(`signature is ${bytes} bytes, expected a 32-byte SHA-256 digest`);
  });

  it('rejects a body changed by one byte', () => {
    // Arrange
    const input = delivery();
    const tampered = Uint8Array.from(input.rawBody);
    tampered[tampered.length - 2] = 0x20;

    // Act
    const error = rejection({ ...input, rawBody: tampered });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects the same body re-serialised with different whitespace', () => {
    // Arrange
    const input = delivery();
    const reserialised = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(input.rawBody))));

    // Act
    const error = rejection({ ...input, rawBody: reserialised });

    // Assert
    expect(reserialised.length).toBeLessThan(input.rawBody.length);
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a timestamp header changed after signing, even within the tolerance', () => {
    // Arrange
    const input = delivery();
    const headers = { ...input.headers, [ZENDESK_SIGNATURE_TIMESTAMP_HEADER]: '2024-04-17T17:18:11Z' };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a signature of the timestamp and body joined with a separator', () => {
    // Arrange
    const input = delivery();
    const separated = createHmac('sha256', SECRET).update(`${TIMESTAMP}.`).update(input.rawBody).digest('base64');
    const headers = { ...input.headers, [ZENDESK_SIGNATURE_HEADER]: separated };

    // Act
    const error = rejection({ ...input, headers });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('accepts a delivery exactly at the edge of the tolerance, in both directions', () => {
    // Arrange
    const input = delivery();
    const late = new Date(SIGNED_AT.getTime() + 300_000);
    const early = new Date(SIGNED_AT.getTime() - 300_000);

    // Act
    const atLate = verifyZendeskSignature({ ...input, now: late });
    const atEarly = verifyZendeskSignature({ ...input, now: early });

    // Assert
    expect(atLate.timestamp).toBe(TIMESTAMP);
    expect(atEarly.timestamp).toBe(TIMESTAMP);
  });

  it('rejects a correctly signed delivery older than the tolerance (replay)', () => {
    // Arrange
    const input = { ...delivery(), now: new Date(SIGNED_AT.getTime() + 301_000) };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature timestamp is older than the 300 s tolerance');
  });

  it('rejects a correctly signed delivery from further in the future than the tolerance', () => {
    // Arrange
    const input = { ...delivery(), now: new Date(SIGNED_AT.getTime() - 301_000) };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature timestamp is more than 300 s in the future');
  });

  it('honours a custom tolerance', () => {
    // Arrange
    const input = { ...delivery(), now: new Date(SIGNED_AT.getTime() + 61_000) };

    // Act
    const strict = rejection({ ...input, toleranceSeconds: 60 });
    const relaxed = verifyZendeskSignature({ ...input, toleranceSeconds: 120 });

    // Assert
    expect(strict.message).toBe('signature timestamp is older than the 60 s tolerance');
    expect(relaxed.timestamp).toBe(TIMESTAMP);
  });

  it('accepts a timestamp with a numeric offset and fractional seconds', () => {
    // Arrange
    const timestamp = '2024-04-17T19:18:10.250+02:00';
    const input = delivery({ timestamp });

    // Act
    const result = verifyZendeskSignature(input);

    // Assert
    expect(result.timestamp).toBe(timestamp);
  });

  it('never puts the secret or the expected signature in a rejection message', () => {
    // Arrange
    const good = delivery();
    const expected = good.headers[ZENDESK_SIGNATURE_HEADER] ?? '';
    const inputs: ZendeskSignatureInput[] = [
      { ...good, rawBody: new TextEncoder().encode('{}') },
      { ...good, headers: { ...good.headers, [ZENDESK_SIGNATURE_HEADER]: Buffer.alloc(32).toString('base64') } },
      { ...good, headers: { ...good.headers, [ZENDESK_SIGNATURE_HEADER]: Buffer.alloc(31).toString('base64') } },
      { ...good, now: new Date(0) },
    ];

    // Act
    const messages = inputs.map((input) => rejection(input).message);

    // Assert
    for (const message of messages) {
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(expected);
    }
  });

  it.each([
    ['no secrets', []],
    ['an empty secret', ['']],
    ['an empty secret beside a real one', [SECRET, '']],
  ])('refuses to verify with %s configured', (_label, secrets: string[]) => {
    // Arrange
    const input = { ...delivery(), secrets };

    // Act
    const act = (): unknown => verifyZendeskSignature(input);

    // Assert
    expect(act).toThrow(ConfigurationError);
  });

  it('refuses a negative tolerance', () => {
    // Arrange
    const input = { ...delivery(), toleranceSeconds: -1 };

    // Act
    const act = (): unknown => verifyZendeskSignature(input);

    // Assert
    expect(act).toThrow(ConfigurationError);
  });
});
