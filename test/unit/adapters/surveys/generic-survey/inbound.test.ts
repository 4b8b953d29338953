import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  GenericSurveySourceSchema,
  genericSurvey,
  genericSurveySource,
} from '../../../../../shared/adapters/surveys/generic-survey/descriptor.js';
import { genericSurveyInbound } from '../../../../../shared/adapters/surveys/generic-survey/inbound.js';
import { AuthenticationError, ConfigurationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/generic-survey/', import.meta.url);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_dGVuYW50LXdlYmhvb2stc2VjcmV0LXByZXZpb3Vz';
const MESSAGE_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const SIGNED_AT = new Date('2026-12-01T10:00:00Z');
const RECEIVED_AT = new Date('2026-12-01T10:00:02.500Z');

function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

/** A delivery as a Standard Webhooks sender makes it, signed by the reference library. */
function signedRequest(options: { body?: Buffer; secret?: string; signedAt?: Date; receivedAt?: Date } = {}): WebhookRequest {
  const body = options.body ?? fixtureBytes('survey-answered-nps.json');
  const signedAt = options.signedAt ?? SIGNED_AT;
  return {
    tenant: 'acme',
    source: 'generic-survey',
    headers: {
      'content-type': 'application/json',
      'webhook-id': MESSAGE_ID,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': new Webhook(options.secret ?? SECRET).sign(MESSAGE_ID, signedAt, body),
    },
    rawBody: new Uint8Array(body),
    receivedAt: options.receivedAt ?? RECEIVED_AT,
  };
}

function authenticationFailure(request: WebhookRequest, secrets: readonly string[]): AuthenticationError {
  try {
    genericSurveyInbound.verify(request, secrets);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the delivery to be rejected');
}

describe('genericSurveyInbound', () => {
  it('takes JSON only', () => {
    expect(genericSurveyInbound.contentTypes).toEqual(['application/json']);
  });

  it('verifies and normalises a delivery the standardwebhooks library signed', () => {
    // Arrange
    const request = signedRequest();

    // Act
    genericSurveyInbound.verify(request, [SECRET]);
    const event = genericSurveyInbound.normalise(request);

    // Assert
    expect(event).toMatchObject({ type: 'SurveyAnswered', deliveryId: MESSAGE_ID, responseId: 'r-123', score: 3, ticketId: '4711' });
  });

  it.each([
    ['the current secret', SECRET],
    ['the previous secret', OLD_SECRET],
  ])('verifies a delivery signed with %s while both are active (rotation)', (_label, secret) => {
    // Act
    const act = () => genericSurveyInbound.verify(signedRequest({ secret }), [SECRET, OLD_SECRET]);

    // Assert
    expect(act).not.toThrow();
  });

  it('rejects a delivery signed with another secret', () => {
    // Act
    const error = authenticationFailure(signedRequest({ secret: OLD_SECRET }), [SECRET]);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a body changed after signing', () => {
    // Arrange
    const request = signedRequest();
    const changed = Buffer.from(Buffer.from(request.rawBody).toString('utf8').replace('"score": 3', '"score": 9'));

    // Act
    const error = authenticationFailure({ ...request, rawBody: changed }, [SECRET]);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a delivery without %s', (header) => {
    // Arrange
    const request = signedRequest();

    // Act
    const error = authenticationFailure({ ...request, headers: { ...request.headers, [header]: undefined } }, [SECRET]);

    // Assert
    expect(error.message).toBe(`missing ${header} header`);
  });

  it('rejects a delivery signed too long before it arrived (a replay)', () => {
    // Act
    const error = authenticationFailure(signedRequest({ receivedAt: new Date('2026-12-01T10:05:01Z') }), [SECRET]);

    // Assert
    expect(error.message).toBe('webhook-timestamp is older than the 300 s tolerance');
  });

  it('rejects a delivery signed too far in the future', () => {
    // Act
    const error = authenticationFailure(signedRequest({ receivedAt: new Date('2026-12-01T09:54:59Z') }), [SECRET]);

    // Assert
    expect(error.message).toBe('webhook-timestamp is more than 300 s in the future');
  });

  it('refuses to verify with a secret that is not a Standard Webhooks secret', () => {
    // Act
    const act = () => genericSurveyInbound.verify(signedRequest(), ['whsec_not base64!']);

    // Assert
    expect(act).toThrow(ConfigurationError);
  });

  it('refuses bytes that are not UTF-8', () => {
    // Arrange
    const request = signedRequest({ body: Buffer.from([0x7b, 0xe2, 0x28, 0xa1, 0x7d]) });

    // Act
    const act = () => genericSurveyInbound.normalise(request);

    // Assert
    expect(act).toThrow(InvalidPayloadError);
    expect(act).toThrow('body is not UTF-8');
  });
});

describe('genericSurveySource', () => {
  it('is the generic-survey survey tool, pairing with any helpdesk', () => {
    // Assert
    expect(genericSurvey).toEqual({ name: 'generic-survey', sources: [genericSurveySource] });
    expect(genericSurveySource).toMatchObject({ name: 'generic-survey', pairs: 'any' });
  });

  it('binds the signing secrets, named by their field, to the shared adapter', () => {
    // Act
    const bound = genericSurveySource.bind({ signingSecrets: [{ env: 'ACME_SURVEY_SECRET' }] });

    // Assert
    expect(bound).toEqual({
      name: 'generic-survey',
      adapter: genericSurveyInbound,
      verificationSecrets: [{ env: 'ACME_SURVEY_SECRET' }],
      secretsField: 'signingSecrets',
    });
  });

  it.each([
    ['no secrets', { signingSecrets: [] }],
    ['four secrets', { signingSecrets: [{ env: 'A' }, { env: 'B' }, { env: 'C' }, { env: 'D' }] }],
    ['an unknown key', { signingSecrets: [{ env: 'A' }], apiKeys: [{ env: 'B' }] }],
  ])('refuses a configuration with %s', (_label, config) => {
    // Act
    const result = GenericSurveySourceSchema.safeParse(config);

    // Assert
    expect(result.success).toBe(false);
  });
});
