import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidPayloadError,
  PayloadTooLargeError,
  UnknownTenantError,
  UnsupportedMediaTypeError,
} from '../../../../shared/domain/errors.js';
import type { TicketCreated } from '../../../../shared/domain/events.js';
import {
  type InboundSource,
  type IngestDeps,
  ingestWebhook,
  type WebhookRequest,
} from '../../../../shared/use-cases/processing/ingest-webhook.js';
import { InMemoryQueue } from '../../../support/fakes.js';

const EVENT: TicketCreated = {
  type: 'TicketCreated',
  tenant: 'acme',
  source: 'zendesk',
  deliveryId: 'd1',
  occurredAt: '2026-11-23T10:00:00Z',
  receivedAt: '2026-11-23T10:00:01Z',
  ticket: { id: '1', tags: [] },
  requester: { helpdeskUserId: '5', handles: [] },
};

/** A source whose checks are decided by the body text, so each path can be driven. */
const source: InboundSource = {
  contentTypes: ['application/json'],
  verify(request, secrets) {
    if (!secrets.includes(Buffer.from(request.rawBody).toString('utf8').split('|')[0] ?? '')) {
      throw new AuthenticationError('signature mismatch');
    }
  },
  normalise(request) {
    if (Buffer.from(request.rawBody).toString('utf8').endsWith('|bad')) {
      throw new InvalidPayloadError('invalid', [{ path: 'ticket_id', message: 'required' }]);
    }
    return EVENT;
  },
};

function setup(secrets: string[] = ['s1']) {
  const queue = new InMemoryQueue();
  const deps: IngestDeps = {
    sourceFor: (tenant, name) => (tenant === 'acme' && name === 'zendesk' ? { adapter: source, secrets: async () => secrets } : undefined),
    queue,
    maxBodyBytes: 64,
  };
  return { queue, deps };
}

function request(body: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    tenant: 'acme',
    source: 'zendesk',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    rawBody: Buffer.from(body),
    receivedAt: new Date('2026-11-23T10:00:01Z'),
    ...overrides,
  };
}

describe('ingestWebhook', () => {
  it('refuses an event whose delivery id is over 256 characters, whatever the source, and enqueues nothing', async () => {
    // Arrange: a source that copies an unbounded id through.
    const long: InboundSource = { ...source, normalise: () => ({ ...EVENT, deliveryId: 'd'.repeat(257) }) };
    const queue = new InMemoryQueue();
    const deps: IngestDeps = { sourceFor: () => ({ adapter: long, secrets: async () => ['s1'] }), queue, maxBodyBytes: 64 };

    // Act
    const act = ingestWebhook(request('s1|ok'), deps);

    // Assert
    await expect(act).rejects.toThrow(InvalidPayloadError);
    await expect(ingestWebhook(request('s1|ok'), deps)).rejects.toThrow('the delivery id is 257 characters; at most 256 are taken');
    expect(queue.events).toEqual([]);
  });

  it('takes a delivery id of 256 characters', async () => {
    // Arrange
    const long: InboundSource = { ...source, normalise: () => ({ ...EVENT, deliveryId: 'd'.repeat(256) }) };
    const queue = new InMemoryQueue();
    const deps: IngestDeps = { sourceFor: () => ({ adapter: long, secrets: async () => ['s1'] }), queue, maxBodyBytes: 64 };

    // Act
    const result = await ingestWebhook(request('s1|ok'), deps);

    // Assert
    expect(result.deliveryId).toHaveLength(256);
    expect(queue.events).toHaveLength(1);
  });

  it('enqueues the normalised event of a valid delivery', async () => {
    const { queue, deps } = setup();

    const result = await ingestWebhook(request('s1|ok'), deps);

    expect(result).toEqual({ deliveryId: 'd1', type: 'TicketCreated' });
    expect(queue.events).toEqual([EVENT]);
  });

  it.each([
    ['an unknown tenant', request('s1|ok', { tenant: 'other' }), UnknownTenantError],
    ['an unknown source', request('s1|ok', { source: 'freshdesk' }), UnknownTenantError],
    ['an oversized body', request(`s1|${'x'.repeat(80)}`), PayloadTooLargeError],
    ['a form body', request('s1|ok', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), UnsupportedMediaTypeError],
    ['no content type', request('s1|ok', { headers: {} }), UnsupportedMediaTypeError],
    ['a bad signature', request('nope|ok'), AuthenticationError],
    ['an invalid payload', request('s1|bad'), InvalidPayloadError],
  ] as const)('rejects %s and enqueues nothing', async (_name, input, errorType) => {
    const { queue, deps } = setup();

    await expect(ingestWebhook(input, deps)).rejects.toBeInstanceOf(errorType);
    expect(queue.events).toHaveLength(0);
  });

  it('checks size before the signature, so an oversized forgery costs no HMAC', async () => {
    const { deps } = setup();

    await expect(ingestWebhook(request(`nope|${'x'.repeat(80)}`), deps)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('accepts any of the active secrets during rotation', async () => {
    const { queue, deps } = setup(['old', 's1']);

    await ingestWebhook(request('old|ok'), deps);
    await ingestWebhook(request('s1|ok'), deps);

    expect(queue.events).toHaveLength(2);
  });

  it('refuses every delivery when no secret is configured', async () => {
    const { deps } = setup([]);

    await expect(ingestWebhook(request('|ok'), deps)).rejects.toBeInstanceOf(AuthenticationError);
  });
});
