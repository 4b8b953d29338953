import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { delighted, delightedSource } from '../../../../../shared/adapters/surveys/delighted/descriptor.js';
import { DELIGHTED_SIGNATURE_HEADER, signDelightedPayload } from '../../../../../shared/adapters/surveys/delighted/signature.js';
import { AuthenticationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/delighted/', import.meta.url);
const API_KEY = 'dk_live_3c9Q1wZ8rT5yU2iO7pA4sD6f';
const RECEIVED_AT = new Date('2026-12-01T10:03:13Z');
const CONFIG = { apiKeys: [{ secretId: 'acme/delighted', field: 'apiKey' }] };

function signedRequest(body: Uint8Array): WebhookRequest {
  return {
    tenant: 'acme',
    source: 'delighted',
    headers: { 'content-type': 'application/json', [DELIGHTED_SIGNATURE_HEADER]: signDelightedPayload({ secret: API_KEY, body }) },
    rawBody: new Uint8Array(body),
    receivedAt: RECEIVED_AT,
  };
}

function fixture(name: string): WebhookRequest {
  return signedRequest(readFileSync(new URL(name, FIXTURES)));
}

describe('delightedSource', () => {
  it('is the delighted survey tool, pairing with any helpdesk', () => {
    // Assert
    expect(delighted).toEqual({ name: 'delighted', sources: [delightedSource] });
    expect(delightedSource).toMatchObject({ name: 'delighted', pairs: 'any' });
  });

  it('binds the API keys as the verification secrets, named by their field', () => {
    // Act
    const bound = delightedSource.bind(CONFIG);

    // Assert
    expect(bound).toMatchObject({ name: 'delighted', verificationSecrets: CONFIG.apiKeys, secretsField: 'apiKeys' });
    expect(bound.adapter.contentTypes).toEqual(['application/json']);
  });

  it.each([
    ['survey-response-created.json', 'SurveyAnswered'],
    ['survey-response-updated.json', 'SurveyAnswered'],
    ['survey-response-csat.json', 'SurveyAnswered'],
    ['unsubscribe-created.json', 'SurveyUnsubscribed'],
  ])('verifies and normalises %s', (name, type) => {
    // Arrange
    const adapter = delightedSource.bind(CONFIG).adapter;
    const request = fixture(name);

    // Act
    adapter.verify(request, [API_KEY]);
    const event = adapter.normalise(request);

    // Assert
    expect(event.type).toBe(type);
    expect(event.receivedAt).toBe('2026-12-01T10:03:13.000Z');
  });

  it("reads the tenant's own property names", () => {
    // Arrange
    const adapter = delightedSource.bind({ ...CONFIG, properties: { ticketId: 'Case' } }).adapter;
    const body = new TextEncoder().encode(
      readFileSync(new URL('survey-response-created.json', FIXTURES), 'utf8').replace('"Ticket ID": 4711', '"Case": "C-12"'),
    );

    // Act
    const event = adapter.normalise(signedRequest(body));

    // Assert
    expect(event).toMatchObject({ type: 'SurveyAnswered', ticketId: 'C-12', respondent: { helpdeskUserId: 'u-1001' } });
  });

  it('rejects a request signed with another key', () => {
    // Arrange
    const adapter = delightedSource.bind(CONFIG).adapter;

    // Act
    const act = () => adapter.verify(fixture('survey-response-created.json'), ['dk_live_someone_else']);

    // Assert
    expect(act).toThrow(AuthenticationError);
    expect(act).toThrow('signature does not match');
  });

  it('refuses bytes that are not UTF-8', () => {
    // Arrange
    const adapter = delightedSource.bind(CONFIG).adapter;

    // Act
    const act = () => adapter.normalise(signedRequest(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d])));

    // Assert
    expect(act).toThrow(InvalidPayloadError);
    expect(act).toThrow('body is not UTF-8');
  });
});
