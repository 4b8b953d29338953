import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zendeskSatisfactionInbound } from '../../../../../shared/adapters/helpdesks/zendesk/satisfaction-inbound.js';
import {
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_SIGNATURE_TIMESTAMP_HEADER,
  signZendeskPayload,
} from '../../../../../shared/adapters/helpdesks/zendesk/signature.js';
import { AuthenticationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/zendesk/', import.meta.url);
const SECRET = 'dGVuYW50LWNzYXQtd2ViaG9vay1zZWNyZXQ=';
const TIMESTAMP = '2024-04-17T17:18:10Z';

/** A delivery of a fixture as Zendesk sends it: signed over the exact bytes. */
function delivery(name: string, options: { secret?: string; timestamp?: string; receivedAt?: Date } = {}): WebhookRequest {
  const rawBody = readFileSync(new URL(name, FIXTURES));
  const timestamp = options.timestamp ?? TIMESTAMP;
  return {
    tenant: 'acme',
    source: 'zendesk-csat',
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-invocation-id': '8350205591',
      [ZENDESK_SIGNATURE_HEADER]: signZendeskPayload({ secret: options.secret ?? SECRET, timestamp, body: rawBody }),
      [ZENDESK_SIGNATURE_TIMESTAMP_HEADER]: timestamp,
    },
    rawBody,
    receivedAt: options.receivedAt ?? new Date('2024-04-17T17:18:11Z'),
  };
}

describe('zendeskSatisfactionInbound', () => {
  it('accepts JSON deliveries', () => {
    expect(zendeskSatisfactionInbound.contentTypes).toEqual(['application/json']);
  });

  it('verifies the signature on the raw bytes of a body that is not even JSON, then recovers it', () => {
    // Arrange
    const request = delivery('satisfaction-comment-raw.json');

    // Act
    zendeskSatisfactionInbound.verify(request, ['an-older-secret', SECRET]);
    const event = zendeskSatisfactionInbound.normalise(request);

    // Assert
    expect(event).toMatchObject({
      type: 'SurveyAnswered',
      source: 'zendesk-csat',
      deliveryId: '8350205591',
      responseId: 'ticket-35440',
      answeredAt: TIMESTAMP,
      kind: 'csat',
      score: 1,
      scale: 2,
    });
  });

  it('refuses a delivery signed with another secret', () => {
    const request = delivery('satisfaction-good.json', { secret: 'c29tZW9uZS1lbHNlcy1zZWNyZXQ=' });

    expect(() => zendeskSatisfactionInbound.verify(request, [SECRET])).toThrow(new AuthenticationError('signature does not match'));
  });

  it('refuses a replayed delivery', () => {
    const request = delivery('satisfaction-good.json', { receivedAt: new Date('2024-04-17T17:30:00Z') });

    expect(() => zendeskSatisfactionInbound.verify(request, [SECRET])).toThrow(AuthenticationError);
  });

  it('refuses a body changed after signing', () => {
    const signed = delivery('satisfaction-good.json');
    const tampered = { ...signed, rawBody: Buffer.from(Buffer.from(signed.rawBody).toString('utf8').replace('"good"', '"bad"')) };

    expect(() => zendeskSatisfactionInbound.verify(tampered, [SECRET])).toThrow(AuthenticationError);
  });

  it("refuses a body that is not UTF-8 (a bad byte in the requester's email) instead of decoding it lossily", () => {
    // Arrange: 0xFF inside the email, signed as sent; a lossy decode would put U+FFFD there.
    const text = readFileSync(new URL('satisfaction-good.json', FIXTURES), 'utf8');
    const at = text.indexOf('@example.com');
    const rawBody = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff]), Buffer.from(text.slice(at))]);
    const request = { ...delivery('satisfaction-good.json'), rawBody };
    request.headers = {
      ...request.headers,
      [ZENDESK_SIGNATURE_HEADER]: signZendeskPayload({ secret: SECRET, timestamp: TIMESTAMP, body: rawBody }),
    };
    zendeskSatisfactionInbound.verify(request, [SECRET]);

    // Act
    const act = () => zendeskSatisfactionInbound.normalise(request);

    // Assert
    expect(act).toThrow(InvalidPayloadError);
    expect(act).toThrow('body is not UTF-8');
  });

  it('refuses an invocation id over 256 characters, naming the header', () => {
    // Arrange
    const signed = delivery('satisfaction-good.json');
    const request = { ...signed, headers: { ...signed.headers, 'x-zendesk-webhook-invocation-id': '8'.repeat(257) } };

    // Act
    const act = () => zendeskSatisfactionInbound.normalise(request);

    // Assert
    expect(act).toThrow(InvalidPayloadError);
    expect(act).toThrow('the delivery id in x-zendesk-webhook-invocation-id is 257 characters; at most 256 are taken');
  });

  it('keeps the delivery id it builds without an invocation id within 256 characters, however long the signed timestamp', () => {
    // Arrange: a timestamp with 300 fractional digits is still an ISO date-time, and signed.
    const timestamp = `2024-04-17T17:18:10.${'1'.repeat(300)}Z`;
    const signed = delivery('satisfaction-good.json', { timestamp });
    const { 'x-zendesk-webhook-invocation-id': _invocation, ...headers } = signed.headers;
    const request = { ...signed, headers };
    zendeskSatisfactionInbound.verify(request, [SECRET]);

    // Act
    const event = zendeskSatisfactionInbound.normalise(request);

    // Assert
    expect(event.deliveryId.length).toBeLessThanOrEqual(256);
    expect(event.deliveryId).toMatch(/^satisfaction:35436:/);
  });

  it('normalises offered into a 400, not an answer', () => {
    const request = delivery('satisfaction-offered.json');

    zendeskSatisfactionInbound.verify(request, [SECRET]);
    expect(() => zendeskSatisfactionInbound.normalise(request)).toThrow(InvalidPayloadError);
  });
});
