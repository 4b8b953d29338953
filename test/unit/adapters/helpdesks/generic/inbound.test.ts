import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { genericInbound } from '../../../../../shared/adapters/helpdesks/generic/inbound.js';
import { AuthenticationError, ConfigurationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/generic/', import.meta.url);
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
  const body = options.body ?? fixtureBytes('ticket-created.json');
  const signedAt = options.signedAt ?? SIGNED_AT;
  return {
    tenant: 'acme',
    source: 'generic',
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
    genericInbound.verify(request, secrets);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the delivery to be rejected');
}

function payloadFailure(request: WebhookRequest): InvalidPayloadError {
  try {
    genericInbound.normalise(request);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('genericInbound', () => {
  it('takes JSON only', () => {
    // Arrange
    const source = genericInbound;

    // Act
    const types = source.contentTypes;

    // Assert
    expect(types).toEqual(['application/json']);
  });

  it('verifies and normalises a delivery the standardwebhooks library signed', () => {
    // Arrange
    const request = signedRequest();

    // Act
    genericInbound.verify(request, [SECRET]);
    const event = genericInbound.normalise(request);

    // Assert
    expect(event).toMatchObject({
      type: 'TicketCreated',
      tenant: 'acme',
      source: 'generic',
      deliveryId: MESSAGE_ID,
      occurredAt: '2026-12-01T10:00:00Z',
      receivedAt: '2026-12-01T10:00:02.500Z',
      ticket: { id: '4711', priority: 'normal', tags: ['printer'], updatedStamp: '2026-12-01T10:00:00Z' },
      requester: { helpdeskUserId: 'u-1001', email: 'ada@example.com' },
    });
  });

  it('verifies with the previous secret while the tenant rotates', () => {
    // Arrange
    const request = signedRequest({ secret: OLD_SECRET });

    // Act
    const act = () => genericInbound.verify(request, [SECRET, OLD_SECRET]);

    // Assert
    expect(act).not.toThrow();
  });

  it('takes the webhook timestamp as the time of a minimal body', () => {
    // Arrange
    const request = signedRequest({ body: fixtureBytes('ticket-created-minimal.json') });

    // Act
    genericInbound.verify(request, [SECRET]);
    const event = genericInbound.normalise(request);

    // Assert
    expect(event.occurredAt).toBe('2026-12-01T10:00:00.000Z');
    expect(event).toMatchObject({ type: 'TicketCreated', ticket: { id: '4712', tags: [], updatedStamp: '2026-12-01T10:00:00.000Z' } });
  });

  it('rejects a delivery signed with another secret', () => {
    // Arrange
    const request = signedRequest({ secret: OLD_SECRET });

    // Act
    const error = authenticationFailure(request, [SECRET]);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it('rejects a body changed after signing', () => {
    // Arrange
    const request = signedRequest();
    const changed = Buffer.from(Buffer.from(request.rawBody).toString('utf8').replace('normal', 'urgent'), 'utf8');

    // Act
    const error = authenticationFailure({ ...request, rawBody: changed }, [SECRET]);

    // Assert
    expect(error.message).toBe('signature does not match');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a delivery without %s', (header) => {
    // Arrange
    const request = signedRequest();
    const headers = { ...request.headers, [header]: undefined };

    // Act
    const error = authenticationFailure({ ...request, headers }, [SECRET]);

    // Assert
    expect(error.message).toBe(`missing ${header} header`);
  });

  it('checks the timestamp against the time the request was received', () => {
    // Arrange
    const request = signedRequest({ receivedAt: new Date(SIGNED_AT.getTime() + 301_000) });

    // Act
    const error = authenticationFailure(request, [SECRET]);

    // Assert
    expect(error.message).toBe('webhook-timestamp is older than the 300 s tolerance');
  });

  it('refuses to verify without a configured secret', () => {
    // Arrange
    const request = signedRequest();

    // Act
    const act = () => genericInbound.verify(request, []);

    // Assert
    expect(act).toThrow(ConfigurationError);
  });

  it('rejects an authentic delivery whose body is not the documented shape', () => {
    // Arrange
    const body = Buffer.from(JSON.stringify({ type: 'ticket.created', ticket: { id: '4711' }, requester: {} }), 'utf8');
    const request = signedRequest({ body });
    genericInbound.verify(request, [SECRET]);

    // Act
    const error = payloadFailure(request);

    // Assert
    expect(error.issues).toEqual([{ path: 'requester', message: 'requester needs an id, email, external_id or a handle' }]);
  });

  it('rejects an authentic delivery of another event type', () => {
    // Arrange
    const request = signedRequest({ body: Buffer.from('{"type":"ticket.updated","ticket":{"id":"4711"}}', 'utf8') });
    genericInbound.verify(request, [SECRET]);

    // Act
    const error = payloadFailure(request);

    // Assert
    expect(error.message).toBe('unsupported generic event type "ticket.updated"');
  });

  it('rejects an authentic delivery that is not JSON', () => {
    // Arrange
    const request = signedRequest({ body: Buffer.from('type=ticket.created&ticket_id=4711', 'utf8') });
    genericInbound.verify(request, [SECRET]);

    // Act
    const error = payloadFailure(request);

    // Assert
    expect(error.message).toBe('malformed JSON');
  });

  it('rejects a body that is not UTF-8 rather than guessing at its characters', () => {
    // Arrange
    const latin1 = Buffer.from(
      fixtureBytes('ticket-created.json').toString('utf8').replace('Printer on fire', 'Drucker brennt, schön'),
      'latin1',
    );
    const request = { ...signedRequest(), rawBody: new Uint8Array(latin1) };

    // Act
    const error = payloadFailure(request);

    // Assert
    expect(error.message).toBe('body is not UTF-8');
  });
});
