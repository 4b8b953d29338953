import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseGenericTicketCreated } from '../../../../../shared/adapters/helpdesks/generic/normalise.js';
import type { GenericNormaliseInput } from '../../../../../shared/adapters/helpdesks/generic/normalise.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { TicketCreatedSchema } from '../../../../../shared/domain/events.js';

const FIXTURES = new URL('../../../../fixtures/generic/', import.meta.url);
const RECEIVED_AT = new Date('2026-12-01T10:00:01.250Z');
const HEADERS = {
  'content-type': 'application/json',
  'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  'webhook-timestamp': '1796119230',
  'webhook-signature': 'v1,AznijYyVFppt0JTYfEOXRo7wxIXg8zTacKBujk+KVDI=',
};

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function input(rawBody: string, overrides: Partial<GenericNormaliseInput> = {}): GenericNormaliseInput {
  return { tenant: 'acme', source: 'generic', rawBody, headers: HEADERS, receivedAt: RECEIVED_AT, ...overrides };
}

/** The full fixture with `change` applied to a copy of its parsed JSON. */
function fullWith(
  change: (body: { ticket: Record<string, unknown>; requester: Record<string, unknown> } & Record<string, unknown>) => void,
): string {
  const body = JSON.parse(fixtureText('ticket-created.json'));
  change(body);
  return JSON.stringify(body);
}

function rejection(value: GenericNormaliseInput): InvalidPayloadError {
  try {
    normaliseGenericTicketCreated(value);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('normaliseGenericTicketCreated: fixtures', () => {
  it('maps the full body to a TicketCreated event', () => {
    // Arrange
    const body = fixtureText('ticket-created.json');

    // Act
    const event = normaliseGenericTicketCreated(input(body));

    // Assert
    expect(event).toEqual({
      type: 'TicketCreated',
      tenant: 'acme',
      source: 'generic',
      deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      occurredAt: '2026-12-01T10:00:00Z',
      receivedAt: '2026-12-01T10:00:01.250Z',
      ticket: {
        id: '4711',
        subject: 'Printer on fire',
        priority: 'normal',
        tags: ['printer'],
        groupId: 'support',
        channel: 'email',
        updatedStamp: '2026-12-01T10:00:00Z',
      },
      requester: {
        helpdeskUserId: 'u-1001',
        email: 'ada@example.com',
        externalId: 'crm-42',
        name: 'Ada Lovelace',
        // A handle without a `source` was typed in: declared, as before the field existed.
        handles: [{ network: 'twitter', handle: 'ada_codes', trust: 'declared' }],
      },
    });
    expect(TicketCreatedSchema.safeParse(event).success).toBe(true);
  });

  it('maps the minimal body, the webhook timestamp standing in for occurred_at', () => {
    // Arrange
    const body = fixtureText('ticket-created-minimal.json');

    // Act
    const event = normaliseGenericTicketCreated(input(body));

    // Assert
    expect(event).toEqual({
      type: 'TicketCreated',
      tenant: 'acme',
      source: 'generic',
      deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      occurredAt: '2026-12-01T10:00:30.000Z',
      receivedAt: '2026-12-01T10:00:01.250Z',
      // No updated_at: the ticket as of the event, the only snapshot a generic helpdesk gives.
      ticket: { id: '4712', tags: [], updatedStamp: '2026-12-01T10:00:30.000Z' },
      requester: { email: 'grace@example.com', handles: [] },
    });
  });

  it('falls back to the receive time when neither occurred_at nor a webhook timestamp is there', () => {
    // Arrange
    const headers = { 'webhook-id': 'msg_1' };

    // Act
    const event = normaliseGenericTicketCreated(input(fixtureText('ticket-created-minimal.json'), { headers }));

    // Assert
    expect(event.occurredAt).toBe('2026-12-01T10:00:01.250Z');
  });

  it('carries the source name the caller passes', () => {
    // Arrange
    const source = 'zapier';

    // Act
    const event = normaliseGenericTicketCreated(input(fixtureText('ticket-created.json'), { source }));

    // Assert
    expect(event.source).toBe('zapier');
  });
});

describe('normaliseGenericTicketCreated: lenient where senders differ', () => {
  it('accepts numeric ids, an upper-case priority and extra keys', () => {
    // Arrange
    const body = fullWith((json) => {
      json.ticket.id = 4711;
      json.ticket.group_id = 360001;
      json.ticket.priority = 'URGENT';
      json.requester.external_id = 42;
      json['zap_meta'] = { run: 'abc' };
      json.ticket['status'] = 'open';
    });

    // Act
    const event = normaliseGenericTicketCreated(input(body));

    // Assert
    expect(event.ticket).toMatchObject({ id: '4711', groupId: '360001', priority: 'urgent' });
    expect(event.requester.externalId).toBe('42');
    expect(event).not.toHaveProperty('zap_meta');
  });

  it('treats a null priority and the empty strings of unmapped fields as absent', () => {
    // Arrange
    const body = fullWith((json) => {
      json.ticket.priority = null;
      json.ticket.group_id = '';
      json.ticket.subject = '  ';
      json.requester.name = '';
      json.requester.external_id = null;
    });

    // Act
    const event = normaliseGenericTicketCreated(input(body));

    // Assert
    expect(event.ticket.priority).toBeUndefined();
    expect(event.ticket.groupId).toBeUndefined();
    expect(event.ticket.subject).toBeUndefined();
    expect(event.requester.name).toBeUndefined();
    expect(event.requester.externalId).toBeUndefined();
  });

  it.each([
    ['an id', { id: 'u-1' }, { helpdeskUserId: 'u-1', handles: [] }],
    ['an external_id', { external_id: 'crm-1' }, { externalId: 'crm-1', handles: [] }],
    [
      'a handle',
      { handles: [{ network: ' Twitter ', handle: ' ada_codes ' }] },
      { handles: [{ network: 'twitter', handle: 'ada_codes', trust: 'declared' }] },
    ],
    [
      'handles with where each came from',
      {
        handles: [
          { network: 'bluesky', handle: 'ada.example.com', source: 'channel' },
          { network: 'mastodon', handle: '@ada@social.example', source: 'verified' },
          { network: 'github', handle: 'ada', source: 'customer' },
          { network: 'youtube', handle: '@ada', source: 'agent' },
        ],
      },
      {
        handles: [
          { network: 'bluesky', handle: 'ada.example.com', trust: 'channel' },
          { network: 'mastodon', handle: '@ada@social.example', trust: 'verified' },
          { network: 'github', handle: 'ada', trust: 'declared' },
          { network: 'youtube', handle: '@ada', trust: 'declared' },
        ],
      },
    ],
  ])('accepts a requester known only by %s', (_label, requester, expected) => {
    // Arrange
    const body = fullWith((json) => {
      json.requester = requester;
    });

    // Act
    const event = normaliseGenericTicketCreated(input(body));

    // Assert
    expect(event.requester).toEqual(expected);
  });
});

describe('normaliseGenericTicketCreated: rejections', () => {
  it('rejects a body that is not JSON', () => {
    // Arrange
    const body = '{"type":"ticket.created",';

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('malformed JSON');
    expect(error.issues).toEqual([{ path: '(root)', message: 'body is not valid JSON' }]);
  });

  it('rejects JSON that is not an object', () => {
    // Arrange
    const body = '[1,2,3]';

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: '(root)', message: 'must be a JSON object' }]);
  });

  it.each([
    ['another type', '"ticket.updated"', 'expected ticket.created or ticket.solved, got "ticket.updated"'],
    ['no type', undefined, 'expected ticket.created or ticket.solved, got nothing'],
    ['a numeric type', '7', 'expected ticket.created or ticket.solved, got a number'],
  ])('rejects %s, naming the type field', (_label, type, message) => {
    // Arrange
    const body = fullWith((json) => {
      if (type === undefined) delete json['type'];
      else json['type'] = JSON.parse(type);
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'type', message }]);
  });

  it('rejects a delivery without a webhook-id', () => {
    // Arrange
    const headers = { 'webhook-timestamp': '1796119230' };

    // Act
    const error = rejection(input(fixtureText('ticket-created.json'), { headers }));

    // Assert
    expect(error.issues).toEqual([{ path: 'webhook-id', message: 'must be 1-256 characters' }]);
  });

  it('rejects a requester with nothing to recognise the customer by', () => {
    // Arrange
    const body = fullWith((json) => {
      json.requester = { name: 'Ada Lovelace', handles: [] };
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'requester', message: 'requester needs an id, email, external_id or a handle' }]);
  });

  it('rejects a body without a requester the same way', () => {
    // Arrange
    const body = fullWith((json) => {
      Reflect.deleteProperty(json, 'requester');
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'requester', message: 'requester needs an id, email, external_id or a handle' }]);
  });

  it.each<
    [string, (json: { ticket: Record<string, unknown>; requester: Record<string, unknown> } & Record<string, unknown>) => void, string]
  >([
    ['a missing ticket id', (json) => delete json.ticket['id'], 'ticket.id'],
    ['a ticket id with a slash', (json) => (json.ticket['id'] = '47/../11'), 'ticket.id'],
    ['a ticket id of 65 characters', (json) => (json.ticket['id'] = 'a'.repeat(65)), 'ticket.id'],
    ['a fractional ticket id', (json) => (json.ticket['id'] = 47.11), 'ticket.id'],
    ['an unknown priority', (json) => (json.ticket['priority'] = 'critical'), 'ticket.priority'],
    ['tags that are not a list', (json) => (json.ticket['tags'] = 'printer fire'), 'ticket.tags'],
    ['an empty tag', (json) => (json.ticket['tags'] = ['printer', ' ']), 'ticket.tags.1'],
    ['a tag of 81 characters', (json) => (json.ticket['tags'] = ['t'.repeat(81)]), 'ticket.tags.0'],
    ['101 tags', (json) => (json.ticket['tags'] = Array.from({ length: 101 }, (_, i) => `tag${i}`)), 'ticket.tags'],
    ['a group id that is an object', (json) => (json.ticket['group_id'] = { id: 1 }), 'ticket.group_id'],
    ['an updated_at that is not a date-time', (json) => (json.ticket['updated_at'] = 'yesterday'), 'ticket.updated_at'],
    ['an occurred_at that is not a date-time', (json) => (json['occurred_at'] = '2026-12-01'), 'occurred_at'],
    ['an email without @', (json) => (json.requester['email'] = 'ada.example.com'), 'requester.email'],
    ['an email of 255 characters', (json) => (json.requester['email'] = `${'a'.repeat(243)}@example.com`), 'requester.email'],
    ['a requester id with a space', (json) => (json.requester['id'] = 'u 1001'), 'requester.id'],
    ['a handle without a network', (json) => (json.requester['handles'] = [{ handle: 'ada' }]), 'requester.handles.0.network'],
    ['a network with a colon', (json) => (json.requester['handles'] = [{ network: 'x:y', handle: 'ada' }]), 'requester.handles.0.network'],
    [
      'a handle from an unknown source',
      (json) => (json.requester['handles'] = [{ network: 'bluesky', handle: 'ada.example.com', source: 'rumour' }]),
      'requester.handles.0.source',
    ],
  ])('rejects %s, naming the field', (_label, change, path) => {
    // Arrange
    const body = fullWith(change);

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('invalid generic ticket.created body');
    expect(error.issues.map((issue) => issue.path)).toContain(path);
  });

  it('accepts an email of exactly 254 characters', () => {
    // Arrange
    const email = `${'a'.repeat(242)}@example.com`;
    const body = fullWith((json) => (json.requester['email'] = email));

    // Act
    const event = normaliseGenericTicketCreated(input(body));

    // Assert
    expect(email).toHaveLength(254);
    expect(event.requester.email).toBe(email);
  });
});
