import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  assertStandardWebhookSecret,
  generateStandardWebhookSecret,
  signStandardWebhook,
  verifyStandardWebhook,
} from '../../../../shared/adapters/webhooks/standard-webhooks.js';
import type { StandardWebhookVerifyInput } from '../../../../shared/adapters/webhooks/standard-webhooks.js';
import { AuthenticationError, ConfigurationError } from '../../../../shared/domain/errors.js';

const FIXTURE = new URL('../../../fixtures/generic/ticket-created.json', import.meta.url);
// The example secret of the Standard Webhooks specification.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NEXT_SECRET = 'whsec_dGVuYW50LXdlYmhvb2stc2VjcmV0LW5leHQ=';
const MESSAGE_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const SIGNED_AT = new Date('2026-12-01T10:00:00Z');
const SIGNED_AT_SECONDS = String(SIGNED_AT.getTime() / 1000);

function fixtureBytes(): Buffer {
  return readFileSync(FIXTURE);
}

/** A delivery as a Standard Webhooks sender would make it: the body signed with `signingSecret` at `timestamp`. */
function delivery(options: { body?: Uint8Array; signingSecret?: string; timestamp?: Date } = {}): StandardWebhookVerifyInput {
  const body = options.body ?? fixtureBytes();
  const timestamp = options.timestamp ?? SIGNED_AT;
  const signature = signStandardWebhook({ secret: options.signingSecret ?? SECRET, id: MESSAGE_ID, timestamp, body });
  return {
    rawBody: body,
    headers: {
      [WEBHOOK_ID_HEADER]: MESSAGE_ID,
      [WEBHOOK_TIMESTAMP_HEADER]: String(Math.floor(timestamp.getTime() / 1000)),
      [WEBHOOK_SIGNATURE_HEADER]: signature,
    },
    secrets: [SECRET],
    now: SIGNED_AT,
  };
}

function withHeaders(input: StandardWebhookVerifyInput, headers: Record<string, string | undefined>): StandardWebhookVerifyInput {
  return { ...input, headers: { ...input.headers, ...headers } };
}

function rejection(input: StandardWebhookVerifyInput): AuthenticationError {
  try {
    verifyStandardWebhook(input);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the delivery to be rejected');
}

function configurationFault(input: StandardWebhookVerifyInput): ConfigurationError {
  try {
    verifyStandardWebhook(input);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

function atOffset(seconds: number): Date {
  return new Date(SIGNED_AT.getTime() + seconds * 1000);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('signStandardWebhook', () => {
  it('signs id, timestamp seconds and body with the base64-decoded key', () => {
    // Arrange
    const body = '{"type":"ticket.created"}';
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${MESSAGE_ID}.${SIGNED_AT_SECONDS}.${body}`).digest('base64');

    // Act
    const signature = signStandardWebhook({ secret: SECRET, id: MESSAGE_ID, timestamp: SIGNED_AT, body });

    // Assert
    expect(signature).toBe(`v1,${expected}`);
  });

  it('signs a secret with and without the whsec_ prefix alike, and a string body like its UTF-8 bytes', () => {
    // Arrange
    const body = '{"subject":"Drucker brennt – schnell!"}';
    const bare = SECRET.slice('whsec_'.length);

    // Act
    const fromPrefixed = signStandardWebhook({ secret: SECRET, id: MESSAGE_ID, timestamp: SIGNED_AT, body });
    const fromBare = signStandardWebhook({ secret: bare, id: MESSAGE_ID, timestamp: SIGNED_AT, body: Buffer.from(body, 'utf8') });

    // Assert
    expect(fromBare).toBe(fromPrefixed);
  });

  it('produces what the reference library produces for the same delivery', () => {
    // Arrange
    const body = fixtureBytes().toString('utf8');

    // Act
    const ours = signStandardWebhook({ secret: SECRET, id: MESSAGE_ID, timestamp: SIGNED_AT, body });

    // Assert
    expect(ours).toBe(new Webhook(SECRET).sign(MESSAGE_ID, SIGNED_AT, body));
  });

  it('refuses a secret that is not base64, without printing it', () => {
    // Arrange
    const secret = 'whsec_not base64!';

    // Act
    const act = () => signStandardWebhook({ secret, id: MESSAGE_ID, timestamp: SIGNED_AT, body: '{}' });

    // Assert
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow('Standard Webhooks signing secret is not base64 after the optional whsec_ prefix');
    expect(act).not.toThrow(/not base64!/);
  });
});

describe('verifyStandardWebhook: accepted deliveries', () => {
  it('returns the delivery id and the signed time', () => {
    // Arrange
    const input = delivery();

    // Act
    const verified = verifyStandardWebhook(input);

    // Assert
    expect(verified).toEqual({ id: MESSAGE_ID, timestamp: SIGNED_AT });
  });

  it('accepts a delivery signed with the second active secret (our rotation)', () => {
    // Arrange
    const input = { ...delivery({ signingSecret: NEXT_SECRET }), secrets: [SECRET, NEXT_SECRET] };

    // Act
    const verified = verifyStandardWebhook(input);

    // Assert
    expect(verified.id).toBe(MESSAGE_ID);
  });

  it('accepts a header listing a wrong signature before the right one (the sender rotating)', () => {
    // Arrange
    const input = delivery();
    const wrong = signStandardWebhook({ secret: NEXT_SECRET, id: MESSAGE_ID, timestamp: SIGNED_AT, body: input.rawBody });
    const right = input.headers[WEBHOOK_SIGNATURE_HEADER] ?? '';

    // Act
    const verified = verifyStandardWebhook(withHeaders(input, { [WEBHOOK_SIGNATURE_HEADER]: `${wrong} ${right}` }));

    // Assert
    expect(verified.id).toBe(MESSAGE_ID);
  });

  it('ignores a v1a (asymmetric) entry next to a valid v1 signature', () => {
    // Arrange
    const input = delivery();
    const v1a = `v1a,${Buffer.alloc(64, 7).toString('base64')}`;
    const header = `${v1a} ${input.headers[WEBHOOK_SIGNATURE_HEADER] ?? ''}`;

    // Act
    const verified = verifyStandardWebhook(withHeaders(input, { [WEBHOOK_SIGNATURE_HEADER]: header }));

    // Assert
    expect(verified.id).toBe(MESSAGE_ID);
  });

  it.each([
    ['exactly the tolerance old', 300],
    ['exactly the tolerance in the future', -300],
  ])('accepts a timestamp %s', (_label, ageSeconds) => {
    // Arrange
    const input = { ...delivery({ timestamp: atOffset(-ageSeconds) }), now: SIGNED_AT };

    // Act
    const verified = verifyStandardWebhook(input);

    // Assert
    expect(verified.timestamp).toEqual(atOffset(-ageSeconds));
  });

  it('honours a configured tolerance', () => {
    // Arrange
    const input = { ...delivery({ timestamp: atOffset(-600) }), toleranceSeconds: 600 };

    // Act
    const verified = verifyStandardWebhook(input);

    // Assert
    expect(verified.id).toBe(MESSAGE_ID);
  });
});

describe('verifyStandardWebhook: every way to reject', () => {
  it.each([WEBHOOK_ID_HEADER, WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_SIGNATURE_HEADER])('rejects a delivery without the %s header', (header) => {
    // Arrange
    const input = withHeaders(delivery(), { [header]: undefined });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe(`missing ${header} header`);
  });

  it('treats a blank header as missing', () => {
    // Arrange
    const input = withHeaders(delivery(), { [WEBHOOK_ID_HEADER]: '  ' });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('missing webhook-id header');
  });

  it.each(['1796119200.5', '2026-12-01T10:00:00Z', '-1796119200', '1e9'])(
    'rejects the timestamp %s as not integer seconds',
    (timestamp) => {
      // Arrange
      const input = withHeaders(delivery(), { [WEBHOOK_TIMESTAMP_HEADER]: timestamp });

      // Act
      const error = rejection(input);

      // Assert
      expect(error.message).toBe('webhook-timestamp is not an integer number of seconds');
    },
  );

  it('rejects an authentic delivery one second older than the tolerance', () => {
    // Arrange
    const input = { ...delivery({ timestamp: atOffset(-301) }), now: SIGNED_AT };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('webhook-timestamp is older than the 300 s tolerance');
  });

  it('rejects an authentic delivery one second further in the future than the tolerance', () => {
    // Arrange
    const input = { ...delivery({ timestamp: atOffset(301) }), now: SIGNED_AT };

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('webhook-timestamp is more than 300 s in the future');
  });

  it('rejects a header with no v1 entry', () => {
    // Arrange
    const input = withHeaders(delivery(), { [WEBHOOK_SIGNATURE_HEADER]: `v1a,${Buffer.alloc(64).toString('base64')} v2,abc` });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('webhook-signature has no v1 signature');
  });

  it('rejects a signature that is not strict base64', () => {
    // Arrange
    const input = withHeaders(delivery(), { [WEBHOOK_SIGNATURE_HEADER]: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN_H-pI4' });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature is not base64');
  });

  it('rejects a signature that decodes to the wrong length', () => {
    // Arrange
    const input = withHeaders(delivery(), { [WEBHOOK_SIGNATURE_HEADER]: `v1,${Buffer.alloc(20, 1).toString('base64')}` });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature is 20 bytes, expected a 32-byte SHA-256 digest');
  });

  it('rejects a delivery signed with a secret that is not active', () => {
    // Arrange
    const input = delivery({ signingSecret: NEXT_SECRET });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a body changed by one byte', () => {
    // Arrange
    const input = delivery();
    const tampered = Buffer.from(input.rawBody);
    const at = tampered.indexOf('Printer');
    tampered[at] = 'p'.charCodeAt(0);

    // Act
    const error = rejection({ ...input, rawBody: tampered });

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a body that was parsed and serialised again', () => {
    // Arrange
    const input = delivery();
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(input.rawBody).toString('utf8'))), 'utf8');

    // Act
    const error = rejection({ ...input, rawBody: reserialised });

    // Assert
    expect(reserialised.equals(Buffer.from(input.rawBody))).toBe(false);
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a valid signature replayed under another delivery id', () => {
    // Arrange
    const input = withHeaders(delivery(), { [WEBHOOK_ID_HEADER]: 'msg_other' });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a forged timestamp as a mismatch before judging its age', () => {
    // Arrange
    const input = withHeaders(delivery(), { [WEBHOOK_TIMESTAMP_HEADER]: '1000' });

    // Act
    const error = rejection(input);

    // Assert
    expect(error.message).toBe('signature does not match');
  });
});

describe('verifyStandardWebhook: configuration', () => {
  it('refuses an empty list of secrets', () => {
    // Arrange
    const input = { ...delivery(), secrets: [] };

    // Act
    const error = configurationFault(input);

    // Assert
    expect(error.message).toBe('Standard Webhooks secrets must be a non-empty list');
  });

  it('names the secret that is not base64, never its value', () => {
    // Arrange
    const input = { ...delivery(), secrets: [SECRET, 'whsec_s3cr3t-with_url-alphabet'] };

    // Act
    const error = configurationFault(input);

    // Assert
    expect(error.message).toBe('Standard Webhooks secret 2 of 2 is not base64 after the optional whsec_ prefix');
    expect(error.message).not.toContain('s3cr3t');
  });

  it('refuses a secret that is only the prefix', () => {
    // Arrange
    const input = { ...delivery(), secrets: ['whsec_'] };

    // Act
    const error = configurationFault(input);

    // Assert
    expect(error.message).toBe('Standard Webhooks secret 1 of 1 is empty');
  });

  it('refuses a negative tolerance', () => {
    // Arrange
    const input = { ...delivery(), toleranceSeconds: -1 };

    // Act
    const error = configurationFault(input);

    // Assert
    expect(error.message).toBe('Standard Webhooks tolerance must be a non-negative number of seconds');
  });

  it('assertStandardWebhookSecret names the setting it was given', () => {
    // Arrange
    const setting = 'generic helpdesk signingSecret';

    // Act
    const act = () => assertStandardWebhookSecret('whsec_%%%', setting);

    // Assert
    expect(act).toThrow(new ConfigurationError('generic helpdesk signingSecret is not base64 after the optional whsec_ prefix'));
  });
});

describe('generateStandardWebhookSecret', () => {
  it('makes whsec_ secrets of 24 random bytes that sign and verify', () => {
    // Arrange
    const secrets = [generateStandardWebhookSecret(), generateStandardWebhookSecret()];

    // Act
    const input = delivery({ signingSecret: secrets[0] });

    // Assert
    expect(secrets[0]).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secrets[0]!.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect(secrets[0]).not.toBe(secrets[1]);
    expect(verifyStandardWebhook({ ...input, secrets }).id).toBe(MESSAGE_ID);
  });
});

describe('cross-checks with the standardwebhooks reference library', () => {
  it('verifies a delivery the reference library signed', () => {
    // Arrange
    const body = fixtureBytes();
    const signature = new Webhook(SECRET).sign(MESSAGE_ID, SIGNED_AT, body);
    const headers = { 'webhook-id': MESSAGE_ID, 'webhook-timestamp': SIGNED_AT_SECONDS, 'webhook-signature': signature };

    // Act
    const verified = verifyStandardWebhook({ rawBody: body, headers, secrets: [SECRET], now: SIGNED_AT });

    // Assert
    expect(verified).toEqual({ id: MESSAGE_ID, timestamp: SIGNED_AT });
  });

  it('produces a delivery the reference library verifies', () => {
    // Arrange
    // The reference library reads its clock itself, so the signing time is set on that clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(atOffset(30));
    const body = fixtureBytes();
    const signature = signStandardWebhook({ secret: SECRET, id: MESSAGE_ID, timestamp: SIGNED_AT, body });
    const headers = { 'webhook-id': MESSAGE_ID, 'webhook-timestamp': SIGNED_AT_SECONDS, 'webhook-signature': signature };

    // Act
    const payload = new Webhook(SECRET).verify(body, headers);

    // Assert
    expect(payload).toEqual(JSON.parse(body.toString('utf8')));
  });

  it('agrees with the reference library that a changed body does not verify', () => {
    // Arrange
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SIGNED_AT);
    const signature = signStandardWebhook({ secret: SECRET, id: MESSAGE_ID, timestamp: SIGNED_AT, body: fixtureBytes() });
    const headers = { 'webhook-id': MESSAGE_ID, 'webhook-timestamp': SIGNED_AT_SECONDS, 'webhook-signature': signature };
    const changed = Buffer.from(fixtureBytes().toString('utf8').replace('4711', '4712'), 'utf8');

    // Act
    const act = () => new Webhook(SECRET).verify(changed, headers);

    // Assert
    expect(act).toThrow('No matching signature found');
  });
});
