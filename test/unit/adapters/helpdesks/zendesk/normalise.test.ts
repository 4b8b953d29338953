import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseZendeskTicketCreated } from '../../../../../shared/adapters/helpdesks/zendesk/normalise.js';
import type { ZendeskNormaliseInput } from '../../../../../shared/adapters/helpdesks/zendesk/normalise.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { TicketCreatedSchema } from '../../../../../shared/domain/events.js';
import type { TicketCreated } from '../../../../../shared/domain/events.js';

const FIXTURES = new URL('../../../../fixtures/zendesk/', import.meta.url);
const RECEIVED_AT = new Date('2024-04-17T17:18:11.500Z');
const ZENDESK_HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'Zendesk Webhook',
  'x-zendesk-account-id': '88888888',
  'x-zendesk-webhook-id': '01GK8E6BQ3JH6Y3Q6NDWK0M1DB',
  'x-zendesk-webhook-invocation-id': '8350205582',
  'x-zendesk-webhook-signature': 'wxL5QfDhvkt3bXsqGUNq5Q3ZCXBeGq2jtYxFqrdA0fk=',
  'x-zendesk-webhook-signature-timestamp': '2024-04-17T17:18:10Z',
};

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function input(rawBody: string, overrides: Partial<ZendeskNormaliseInput> = {}): ZendeskNormaliseInput {
  return { tenant: 'acme', rawBody, headers: ZENDESK_HEADERS, receivedAt: RECEIVED_AT, ...overrides };
}

function rejection(value: ZendeskNormaliseInput): InvalidPayloadError {
  try {
    normaliseZendeskTicketCreated(value);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

function withChanges(name: string, change: (body: Record<string, unknown>) => void): string {
  const parsed: unknown = JSON.parse(fixtureText(name));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${name} is not a JSON object`);
  const body: Record<string, unknown> = { ...parsed };
  change(body);
  return JSON.stringify(body);
}

const base = { type: 'TicketCreated', tenant: 'acme', source: 'zendesk', receivedAt: '2024-04-17T17:18:11.500Z' } as const;

describe('normaliseZendeskTicketCreated: fixtures', () => {
  it.each<[string, Record<string, string>, TicketCreated]>([
    [
      'event-ticket-created.json',
      ZENDESK_HEADERS,
      {
        ...base,
        deliveryId: '01HVQ8Z6M4T3K2R1P0N9B8C7D6',
        occurredAt: '2024-04-17T17:18:10Z',
        ticket: {
          id: '35436',
          priority: 'high',
          tags: ['damaged', 'order'],
          groupId: '360012345678',
          channel: 'web',
          subject: 'Order arrived damaged',
          updatedStamp: '2024-04-17T17:18:10Z',
        },
        // detail.external_id (ORD-88311) is the ticket's, so the requester gets none.
        requester: { helpdeskUserId: '20978392', handles: [] },
      },
    ],
    [
      'event-ticket-created-minimal.json',
      ZENDESK_HEADERS,
      {
        ...base,
        deliveryId: '01HNXXXX-CTEXAMPLE',
        occurredAt: '2024-04-17T17:18:10Z',
        // No tags or priority in the event: no stamp, so the processor re-reads before writing.
        ticket: { id: '35436', tags: [], channel: 'web' },
        requester: { helpdeskUserId: '20978392', handles: [] },
      },
    ],
    [
      'event-ticket-created-numeric-ids.json',
      {},
      {
        ...base,
        deliveryId: '5c1e9a7b-3d2f-4e8a-b6c0-9f1d2e3a4b5c',
        occurredAt: '2024-05-13T08:30:01Z',
        // tags: null is not a snapshot of the tags: no stamp, so the processor re-reads.
        ticket: { id: '35437', tags: [], channel: 'email', subject: "Can't log in" },
        requester: { helpdeskUserId: '6596848315901', handles: [] },
      },
    ],
    [
      'event-ticket-created-no-group.json',
      ZENDESK_HEADERS,
      {
        ...base,
        deliveryId: '01HW2T7C0J8F5X3Q9K6M1N4P2R',
        occurredAt: '2024-06-02T09:41:27Z',
        ticket: {
          id: '35501',
          priority: 'urgent',
          tags: [],
          channel: 'api',
          subject: 'Payment declined',
          updatedStamp: '2024-06-02T09:41:28Z',
        },
        requester: { helpdeskUserId: '381626101', handles: [] },
      },
    ],
    [
      'trigger-ticket-created.json',
      ZENDESK_HEADERS,
      {
        ...base,
        deliveryId: '8350205582',
        occurredAt: '2024-04-17T17:18:10Z',
        ticket: { id: '35437', tags: [], channel: 'web form' },
        requester: { helpdeskUserId: '20978392', email: 'priya@example.com', externalId: 'crm-4471', handles: [] },
      },
    ],
    [
      'trigger-ticket-created-empty-placeholders.json',
      { 'content-type': 'application/json' },
      {
        ...base,
        deliveryId: 'zendesk:ticket-created:35438',
        occurredAt: '2024-04-17T17:18:11.500Z',
        ticket: { id: '35438', tags: [], channel: 'mail' },
        requester: { helpdeskUserId: '20978392', handles: [] },
      },
    ],
    [
      'trigger-ticket-created-email-only.json',
      ZENDESK_HEADERS,
      {
        ...base,
        deliveryId: '8350205582',
        occurredAt: '2024-04-17T17:18:10Z',
        ticket: { id: '35439', tags: [] },
        requester: { email: 'ana.lopez@example.org', handles: [] },
      },
    ],
  ])('normalises %s', (name, headers, expected) => {
    // Arrange
    const request = input(fixtureText(name), { headers });

    // Act
    const event = normaliseZendeskTicketCreated(request);

    // Assert
    expect(event).toEqual(expected);
    expect(TicketCreatedSchema.parse(event)).toEqual(event);
  });
});

describe('normaliseZendeskTicketCreated: mapping rules', () => {
  it('keys an event-subscribed delivery by the event id, not the invocation header', () => {
    // Arrange
    const request = input(fixtureText('event-ticket-created.json'), {
      headers: { ...ZENDESK_HEADERS, 'x-zendesk-webhook-invocation-id': 'another-invocation' },
    });

    // Act
    const event = normaliseZendeskTicketCreated(request);

    // Assert
    expect(event.deliveryId).toBe('01HVQ8Z6M4T3K2R1P0N9B8C7D6');
  });

  it('falls back to detail.created_at, then to the receive time, when the event has no time', () => {
    // Arrange
    const noTime = withChanges('event-ticket-created.json', (body) => delete body['time']);
    const noTimes = withChanges('event-ticket-created-minimal.json', (body) => {
      delete body['time'];
      body['detail'] = { id: '35436', requester_id: '20978392' };
    });

    // Act
    const fromCreatedAt = normaliseZendeskTicketCreated(input(noTime));
    const fromReceipt = normaliseZendeskTicketCreated(input(noTimes));

    // Assert
    expect(fromCreatedAt.occurredAt).toBe('2024-04-17T17:18:09Z');
    expect(fromReceipt.occurredAt).toBe('2024-04-17T17:18:11.500Z');
  });

  it.each([
    ['low', 'low'],
    ['Normal', 'normal'],
    [' HIGH ', 'high'],
    ['critical', undefined],
    ['', undefined],
  ])('maps event priority %j to %s', (priority, expected) => {
    // Arrange
    const rawBody = withChanges('event-ticket-created-minimal.json', (body) => {
      body['detail'] = { id: '35436', requester_id: '20978392', priority };
    });

    // Act
    const event = normaliseZendeskTicketCreated(input(rawBody));

    // Assert
    expect(event.ticket.priority).toBe(expected);
  });

  it('uses the signature timestamp for a trigger body only when it is a valid date-time', () => {
    // Arrange
    const rawBody = fixtureText('trigger-ticket-created.json');
    const headers = { ...ZENDESK_HEADERS, 'x-zendesk-webhook-signature-timestamp': 'not-a-time' };

    // Act
    const event = normaliseZendeskTicketCreated(input(rawBody, { headers }));

    // Assert
    expect(event.occurredAt).toBe('2024-04-17T17:18:11.500Z');
  });

  it('falls back to a per-ticket delivery id when the invocation header is blank', () => {
    // Arrange
    const rawBody = fixtureText('trigger-ticket-created.json');
    const headers = { ...ZENDESK_HEADERS, 'x-zendesk-webhook-invocation-id': ' ' };

    // Act
    const event = normaliseZendeskTicketCreated(input(rawBody, { headers }));

    // Assert
    expect(event.deliveryId).toBe('zendesk:ticket-created:35437');
  });
});

describe('normaliseZendeskTicketCreated: delivery ids', () => {
  it('takes an event id of 256 characters', () => {
    // Arrange
    const id = 'e'.repeat(256);

    // Act
    const event = normaliseZendeskTicketCreated(input(withChanges('event-ticket-created.json', (body) => (body['id'] = id))));

    // Assert
    expect(event.deliveryId).toBe(id);
  });

  it('refuses an event id over 256 characters, naming the field', () => {
    // Arrange: a signed body with a 100,000-character id would be copied into the queue and every log line.
    const request = input(withChanges('event-ticket-created.json', (body) => (body['id'] = 'e'.repeat(100_000))));

    // Act
    const error = rejection(request);

    // Assert
    expect(error.message).toBe('the delivery id in id is 100000 characters; at most 256 are taken');
    expect(error.issues).toEqual([{ path: 'id', message: 'must be 1-256 characters' }]);
  });

  it('refuses an invocation id over 256 characters on the trigger body, naming the header', () => {
    // Arrange
    const headers = { ...ZENDESK_HEADERS, 'x-zendesk-webhook-invocation-id': '9'.repeat(257) };

    // Act
    const error = rejection(input(fixtureText('trigger-ticket-created.json'), { headers }));

    // Assert
    expect(error.issues).toEqual([{ path: 'x-zendesk-webhook-invocation-id', message: 'must be 1-256 characters' }]);
  });
});

describe('normaliseZendeskTicketCreated: rejections', () => {
  it('rejects malformed JSON without echoing the body', () => {
    // Arrange
    const request = input('{"type":"zen:event-type:ticket.created","detail":{"requester_email":"secret@example.com"');

    // Act
    const error = rejection(request);

    // Assert
    expect(error.message).toBe('malformed JSON');
    expect(error.issues).toEqual([{ path: '(root)', message: 'body is not valid JSON' }]);
    expect(JSON.stringify(error.issues)).not.toContain('secret@example.com');
  });

  it('names an unsupported Zendesk event type', () => {
    // Arrange
    const request = input(fixtureText('event-user-active-changed.json'));

    // Act
    const error = rejection(request);

    // Assert
    expect(error.message).toBe('unsupported Zendesk event type "zen:event-type:user.active_changed"');
    expect(error.issues.map((issue) => issue.path)).toEqual(['type']);
  });

  it('quotes and shortens an over-long unsupported event type', () => {
    // Arrange
    const request = input(JSON.stringify({ type: `zen:event-type:${'x'.repeat(5000)}` }));

    // Act
    const error = rejection(request);

    // Assert
    expect(error.message.length).toBeLessThan(200);
  });

  it('lists the issues of both shapes when the body is neither', () => {
    // Arrange
    const request = input(JSON.stringify({ ticket: { id: 35436 } }));

    // Act
    const error = rejection(request);

    // Assert
    expect(error.message).toBe('neither a Zendesk ticket.created event nor the documented trigger body');
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['type', 'detail', 'event', 'ticket_id']));
  });

  it.each(['[]', 'null', '42', '"ticket_created"'])('rejects the non-object JSON body %s at the root', (rawBody) => {
    // Arrange
    const request = input(rawBody);

    // Act
    const error = rejection(request);

    // Assert
    expect(error.issues.map((issue) => issue.path)).toEqual(['(root)', '(root)']);
  });

  it('rejects an event without a requester id, pointing at the field', () => {
    // Arrange
    const rawBody = withChanges('event-ticket-created-minimal.json', (body) => {
      body['detail'] = { id: '35436', status: 'Open' };
    });

    // Act
    const error = rejection(input(rawBody));

    // Assert
    expect(error.message).toBe('invalid Zendesk ticket.created event');
    expect(error.issues).toEqual([{ path: 'detail.requester_id', message: expect.stringContaining('Zendesk id') }]);
  });

  it('rejects a trigger body with no way to identify the requester', () => {
    // Arrange
    const rawBody = withChanges('trigger-ticket-created.json', (body) => {
      body['requester_id'] = '';
      body['requester_email'] = '';
    });

    // Act
    const error = rejection(input(rawBody));

    // Assert
    expect(error.message).toBe('invalid Zendesk trigger body');
    expect(error.issues).toEqual([{ path: 'requester_id', message: 'requester_id or requester_email is required' }]);
  });

  it('rejects a trigger body whose ticket id placeholder was not rendered', () => {
    // Arrange
    const rawBody = withChanges('trigger-ticket-created.json', (body) => {
      body['ticket_id'] = '{{ticket.id}}';
    });

    // Act
    const error = rejection(input(rawBody));

    // Assert
    expect(error.issues.map((issue) => issue.path)).toEqual(['ticket_id']);
  });

  it('checks the result against the normalised event schema', () => {
    // Arrange
    const request = input(fixtureText('event-ticket-created.json'), { tenant: '' });

    // Act
    const error = rejection(request);

    // Assert
    expect(error.issues.map((issue) => issue.path)).toEqual(['tenant']);
  });
});
