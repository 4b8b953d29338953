import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zendeskInbound } from '../../../../../shared/adapters/helpdesks/zendesk/inbound.js';
import { ZENDESK_INVOCATION_ID_HEADER } from '../../../../../shared/adapters/helpdesks/zendesk/normalise.js';
import {
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_SIGNATURE_TIMESTAMP_HEADER,
  signZendeskPayload,
} from '../../../../../shared/adapters/helpdesks/zendesk/signature.js';
import { AuthenticationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/zendesk/', import.meta.url);
const SECRET = 'dGVuYW50LXRpY2tldHMtd2ViaG9vay1zZWNyZXQ=';
const TIMESTAMP = '2024-04-17T17:18:10Z';

function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

/** A delivery of these bytes as Zendesk sends it: signed over exactly them. */
function delivery(rawBody: Buffer, headers: Record<string, string> = {}): WebhookRequest {
  return {
    tenant: 'acme',
    source: 'zendesk',
    headers: {
      'content-type': 'application/json',
      [ZENDESK_SIGNATURE_HEADER]: signZendeskPayload({ secret: SECRET, timestamp: TIMESTAMP, body: rawBody }),
      [ZENDESK_SIGNATURE_TIMESTAMP_HEADER]: TIMESTAMP,
      ...headers,
    },
    rawBody,
    receivedAt: new Date('2024-04-17T17:18:11Z'),
  };
}

/** The bytes with 0xFF inserted just before the first occurrence of `marker`. */
function withBadByte(bytes: Buffer, marker: string): Buffer {
  const at = bytes.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker} in the fixture`);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]);
}

function refusal(run: () => unknown): InvalidPayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the delivery to be refused');
}

describe('zendeskInbound', () => {
  it('takes JSON only', () => {
    expect(zendeskInbound.contentTypes).toEqual(['application/json']);
  });

  it('verifies the signature on the raw bytes and normalises them', () => {
    // Arrange
    const request = delivery(fixture('event-ticket-created.json'));

    // Act
    zendeskInbound.verify(request, [SECRET]);
    const event = zendeskInbound.normalise(request);

    // Assert
    expect(event).toMatchObject({ type: 'TicketCreated', deliveryId: '01HVQ8Z6M4T3K2R1P0N9B8C7D6', ticket: { id: '35436' } });
  });

  it('refuses a delivery signed with another secret', () => {
    expect(() => zendeskInbound.verify(delivery(fixture('event-ticket-created.json')), ['c29tZW9uZS1lbHNl'])).toThrow(AuthenticationError);
  });

  it("refuses a trigger body that is not UTF-8 (a bad byte in the requester's email) instead of decoding it lossily", () => {
    // Arrange
    const request = delivery(withBadByte(fixture('trigger-ticket-created.json'), '@example.com'));
    zendeskInbound.verify(request, [SECRET]);

    // Act
    const error = refusal(() => zendeskInbound.normalise(request));

    // Assert
    expect(error.message).toBe('body is not UTF-8');
    expect(error.issues).toEqual([{ path: '(root)', message: 'body must be UTF-8 JSON' }]);
  });

  it('refuses an event body that is not UTF-8, even in a field it does not read', () => {
    // Arrange: the bad byte sits in the ticket's description, which a decision never looks at.
    const request = delivery(withBadByte(fixture('event-ticket-created.json'), 'The parcel'));
    zendeskInbound.verify(request, [SECRET]);

    // Act
    const error = refusal(() => zendeskInbound.normalise(request));

    // Assert
    expect(error.message).toBe('body is not UTF-8');
  });

  it('keeps the invocation id of a trigger delivery as its delivery id', () => {
    // Arrange
    const request = delivery(fixture('trigger-ticket-created.json'), { [ZENDESK_INVOCATION_ID_HEADER]: '8350205591' });

    // Act
    const event = zendeskInbound.normalise(request);

    // Assert
    expect(event.deliveryId).toBe('8350205591');
  });
});
