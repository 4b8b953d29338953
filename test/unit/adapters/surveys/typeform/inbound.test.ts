import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { typeform, typeformSource } from '../../../../../shared/adapters/surveys/typeform/descriptor.js';
import { TYPEFORM_SIGNATURE_HEADER, signTypeformPayload } from '../../../../../shared/adapters/surveys/typeform/signature.js';
import { AuthenticationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/typeform/', import.meta.url);
const SECRET = 'tf-hook-current-5Xq9Lm2Rv7Tz';
const RECEIVED_AT = new Date('2026-12-01T10:00:01.250Z');

function signedRequest(body: Uint8Array = readFileSync(new URL('form-response-nps.json', FIXTURES))): WebhookRequest {
  return {
    tenant: 'acme',
    source: 'typeform',
    headers: { 'content-type': 'application/json', [TYPEFORM_SIGNATURE_HEADER]: signTypeformPayload({ secret: SECRET, body }) },
    rawBody: new Uint8Array(body),
    receivedAt: RECEIVED_AT,
  };
}

const CONFIG = { signingSecrets: [{ env: 'ACME_TYPEFORM_SECRET' }], scoreField: 'nps_score', commentField: 'nps_reason' };

describe('typeformSource', () => {
  it('is the typeform survey tool, pairing with any helpdesk', () => {
    // Assert
    expect(typeform).toEqual({ name: 'typeform', sources: [typeformSource] });
    expect(typeformSource).toMatchObject({ name: 'typeform', pairs: 'any' });
  });

  it('binds a tenant configuration to its secrets and an adapter that reads its refs', () => {
    // Arrange
    const bound = typeformSource.bind(CONFIG);
    const request = signedRequest();

    // Act
    bound.adapter.verify(request, [SECRET]);
    const event = bound.adapter.normalise(request);

    // Assert
    expect(bound).toMatchObject({
      name: 'typeform',
      verificationSecrets: [{ env: 'ACME_TYPEFORM_SECRET' }],
      secretsField: 'signingSecrets',
    });
    expect(bound.adapter.contentTypes).toEqual(['application/json']);
    expect(event).toMatchObject({ type: 'SurveyAnswered', deliveryId: '01JEXAMPLE7K3V9Q2M4T8W6Y1Z', score: 9, ticketId: '4711' });
  });

  it("builds each tenant's adapter from its own configuration", () => {
    // Arrange
    const csat = typeformSource.bind({ signingSecrets: [{ env: 'S' }], scoreField: 'csat_rating', kind: 'csat', scale: 5 });
    const request = signedRequest(readFileSync(new URL('form-response-opinion-scale.json', FIXTURES)));

    // Act
    const event = csat.adapter.normalise(request);

    // Assert
    expect(event).toMatchObject({ type: 'SurveyAnswered', kind: 'csat', score: 2, scale: 5 });
  });

  it('refuses a configuration out of shape when binding', () => {
    // Act
    const act = () => typeformSource.bind({ signingSecrets: [{ env: 'S' }] });

    // Assert
    expect(act).toThrow(/scoreField/);
  });

  it('verifies on the raw bytes, before anything is parsed', () => {
    // Arrange
    const adapter = typeformSource.bind(CONFIG).adapter;
    const request = signedRequest(new TextEncoder().encode('not json at all'));

    // Act
    const act = () => adapter.verify(request, [SECRET]);

    // Assert
    expect(act).not.toThrow();
    expect(() => adapter.normalise(request)).toThrow(InvalidPayloadError);
  });

  it('rejects a request signed with another secret', () => {
    // Arrange
    const adapter = typeformSource.bind(CONFIG).adapter;

    // Act
    const act = () => adapter.verify(signedRequest(), ['tf-hook-someone-else']);

    // Assert
    expect(act).toThrow(AuthenticationError);
    expect(act).toThrow('signature does not match');
  });

  it('refuses bytes that are not UTF-8', () => {
    // Arrange
    const adapter = typeformSource.bind(CONFIG).adapter;
    const request = signedRequest(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));

    // Act
    const act = () => adapter.normalise(request);

    // Assert
    expect(act).toThrow(InvalidPayloadError);
    expect(act).toThrow('body is not UTF-8');
  });
});
