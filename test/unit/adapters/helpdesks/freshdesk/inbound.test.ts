import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freshdeskInbound } from '../../../../../shared/adapters/helpdesks/freshdesk/inbound.js';
import { normaliseFreshdeskTicketCreated } from '../../../../../shared/adapters/helpdesks/freshdesk/normalise.js';
import { FRESHDESK_TOKEN_HEADER, verifyFreshdeskToken } from '../../../../../shared/adapters/helpdesks/freshdesk/token.js';
import { FRESHDESK_RULE_BODY_TEMPLATE } from '../../../../../shared/adapters/helpdesks/freshdesk/webhook-schemas.js';
import { AuthenticationError, ConfigurationError, InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { TicketCreatedSchema } from '../../../../../shared/domain/events.js';
import type { WebhookRequest } from '../../../../../shared/domain/webhook-request.js';

const FIXTURES = new URL('../../../../fixtures/freshdesk/', import.meta.url);
const RECEIVED_AT = new Date('2024-04-17T17:18:11.500Z');
const SECRET = 'fd-hook-3c9Q1wZ8rT5yU2iO7pA4sD6f';
const PREVIOUS = 'fd-hook-old-8Hj2Kl5Zx9Cv3Bn7Mq1W';
const OTHER_TENANT = 'fd-hook-globex-4Rt6Yu8Io0Pa2Sd4';

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function authError(run: () => void): AuthenticationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

function normalise(rawBody: string, source = 'freshdesk') {
  return normaliseFreshdeskTicketCreated({ tenant: 'acme', source, rawBody, receivedAt: RECEIVED_AT });
}

function rejection(rawBody: string): InvalidPayloadError {
  try {
    normalise(rawBody);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not a JSON object`);
  return Object.fromEntries(Object.entries(value));
}

/** The names fixture with some ticket, requester or top-level fields replaced; `undefined` leaves one out. */
function body(ticket: Record<string, unknown> = {}, requester: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string {
  const base = objectOf(JSON.parse(fixtureText('ticket-created-names.json')), 'the fixture');
  return JSON.stringify({
    ...base,
    ticket: { ...objectOf(base['ticket'], 'ticket'), ...ticket },
    requester: { ...objectOf(base['requester'], 'requester'), ...requester },
    ...top,
  });
}

describe('verifyFreshdeskToken', () => {
  it('accepts the secret in the x-influence-router-token header', () => {
    expect(() => verifyFreshdeskToken({ headers: { [FRESHDESK_TOKEN_HEADER]: ` ${SECRET} ` }, secrets: [SECRET] })).not.toThrow();
  });

  it('accepts the secret as the Basic password, whatever the username', () => {
    expect(() => verifyFreshdeskToken({ headers: { authorization: basic('freshdesk', SECRET) }, secrets: [SECRET] })).not.toThrow();
  });

  it('accepts the secret as the Basic username with X as password (the API-key option)', () => {
    expect(() => verifyFreshdeskToken({ headers: { authorization: basic(SECRET, 'X') }, secrets: [SECRET] })).not.toThrow();
  });

  it('keeps colons in a Basic password', () => {
    const secret = 'with:colons:inside';
    expect(() => verifyFreshdeskToken({ headers: { authorization: basic('user', secret) }, secrets: [secret] })).not.toThrow();
  });

  it.each([
    ['the current secret', SECRET],
    ['the previous secret', PREVIOUS],
    ['the oldest of three', OTHER_TENANT],
  ])('accepts %s during rotation', (_name, presented) => {
    expect(() =>
      verifyFreshdeskToken({ headers: { [FRESHDESK_TOKEN_HEADER]: presented }, secrets: [SECRET, PREVIOUS, OTHER_TENANT] }),
    ).not.toThrow();
  });

  it.each([
    ['a wrong token', { [FRESHDESK_TOKEN_HEADER]: 'guess' }],
    ["another tenant's secret", { [FRESHDESK_TOKEN_HEADER]: OTHER_TENANT }],
    ['a prefix of the secret', { [FRESHDESK_TOKEN_HEADER]: SECRET.slice(0, -1) }],
    ['the secret with a suffix', { [FRESHDESK_TOKEN_HEADER]: `${SECRET}x` }],
    ['wrong Basic credentials', { authorization: basic('apikey', 'X') }],
    ['an empty Basic password', { authorization: basic('', '') }],
  ])('refuses %s as not matching', (_name, headers) => {
    // Act
    const error = authError(() => verifyFreshdeskToken({ headers, secrets: [SECRET, PREVIOUS] }));

    // Assert
    expect(error.message).toBe('webhook token does not match');
  });

  it('refuses a request with no credentials, with its own message', () => {
    // Act
    const error = authError(() =>
      verifyFreshdeskToken({ headers: { 'content-type': 'application/json', [FRESHDESK_TOKEN_HEADER]: '  ' }, secrets: [SECRET] }),
    );

    // Assert
    expect(error.message).toBe('missing x-influence-router-token header or HTTP Basic credentials');
  });

  it.each([
    ['a Bearer token', `Bearer ${SECRET}`],
    ['Basic without a colon', `Basic ${Buffer.from(SECRET).toString('base64')}`],
    ['Basic that is not base64', 'Basic ***'],
  ])('refuses %s as malformed, with its own message', (_name, authorization) => {
    // Act
    const error = authError(() => verifyFreshdeskToken({ headers: { authorization }, secrets: [SECRET] }));

    // Assert
    expect(error.message).toBe('Authorization header is not HTTP Basic credentials');
  });

  it('accepts a matching Basic credential next to a wrong token header', () => {
    expect(() =>
      verifyFreshdeskToken({ headers: { [FRESHDESK_TOKEN_HEADER]: 'stale', authorization: basic('apikey', SECRET) }, secrets: [SECRET] }),
    ).not.toThrow();
  });

  it.each([
    ['no secrets', []],
    ['an empty secret', [SECRET, '']],
    ['more than three secrets', [SECRET, PREVIOUS, OTHER_TENANT, 'fourth']],
  ])('is a ConfigurationError with %s', (_name, secrets) => {
    expect(() => verifyFreshdeskToken({ headers: { [FRESHDESK_TOKEN_HEADER]: SECRET }, secrets })).toThrow(ConfigurationError);
  });

  it('never takes an empty password for a configured secret', () => {
    // Arrange: an empty secret is refused as configuration before any comparison.
    expect(() => verifyFreshdeskToken({ headers: { authorization: basic('user', '') }, secrets: [''] })).toThrow(ConfigurationError);
  });
});

describe('normaliseFreshdeskTicketCreated: fixtures', () => {
  it('maps the typed rendering to a complete ticket snapshot', () => {
    // Act
    const event = normalise(fixtureText('ticket-created.json'));

    // Assert
    expect(event).toEqual({
      type: 'TicketCreated',
      tenant: 'acme',
      source: 'freshdesk',
      deliveryId: 'ticket-created:12',
      occurredAt: '2024-04-17T17:18:10Z',
      receivedAt: '2024-04-17T17:18:11.500Z',
      ticket: {
        id: '12',
        priority: 'high',
        tags: ['damaged', 'order'],
        groupId: '43000567890',
        channel: 'email',
        subject: 'Order arrived damaged',
        updatedStamp: '2024-04-17T17:18:10Z',
      },
      requester: { helpdeskUserId: '43012345678', email: 'ada@example.com', name: 'Ada Lovelace', handles: [] },
    });
    expect(TicketCreatedSchema.safeParse(event).success).toBe(true);
  });

  it('maps the names rendering: Medium, comma-separated tags, numbers as strings, a source name', () => {
    // Act
    const event = normalise(fixtureText('ticket-created-names.json'));

    // Assert
    expect(event.deliveryId).toBe('ticket-created:13');
    expect(event.ticket).toEqual({
      id: '13',
      priority: 'normal',
      tags: ['a', 'b'],
      groupId: '43000567890',
      channel: 'portal',
      subject: 'Cannot log in',
      updatedStamp: '2024-04-17T17:20:02Z',
    });
    expect(event.requester).toEqual({ helpdeskUserId: '43012345679', email: 'grace@example.com', name: 'Grace Hopper', handles: [] });
  });

  it('takes the source name from the request', () => {
    expect(normalise(fixtureText('ticket-created.json'), 'freshdesk-eu').source).toBe('freshdesk-eu');
  });

  it('reads the documented template once Freshdesk has filled it in, which holds no free text a quote could break', () => {
    // Arrange
    const values: Record<string, string> = {
      'ticket.id': '77',
      'ticket.subject': 'Refund',
      'ticket.priority': 'Urgent',
      'ticket.tags': 'refund, vip',
      'ticket.group.id': '',
      'ticket.source': 'Email',
      'ticket.updated_at': '2024-05-01T08:00:00Z',
      'ticket.requester.id': '43000000001',
      'ticket.requester.email': 'lin@example.com',
      'ticket.requester.name': 'Lin',
    };
    expect(FRESHDESK_RULE_BODY_TEMPLATE).not.toMatch(/ticket\.subject|requester\.name/);
    const rendered = FRESHDESK_RULE_BODY_TEMPLATE.replace(/\{\{([a-z._]+)\}\}/g, (_match, name: string) => values[name] ?? '');

    // Act
    const event = normalise(rendered);

    // Assert
    expect(event.ticket).toEqual({
      id: '77',
      priority: 'urgent',
      tags: ['refund', 'vip'],
      channel: 'email',
      updatedStamp: '2024-05-01T08:00:00Z',
    });
    expect(event.requester).toMatchObject({ helpdeskUserId: '43000000001', email: 'lin@example.com' });
  });
});

describe('normaliseFreshdeskTicketCreated: readings', () => {
  it.each([
    [1, 'low'],
    [2, 'normal'],
    [3, 'high'],
    [4, 'urgent'],
    ['1', 'low'],
    ['4', 'urgent'],
    ['Low', 'low'],
    ['medium', 'normal'],
    ['HIGH', 'high'],
    [' Urgent ', 'urgent'],
  ])('reads priority %j as %s', (priority, expected) => {
    expect(normalise(body({ priority })).ticket.priority).toBe(expected);
  });

  it.each([['Critical'], [5], ['0'], [''], ['{{ticket.priority}}'], [null]])(
    'leaves an unreadable priority %j out, and trusts no snapshot',
    (priority) => {
      // Act
      const { ticket } = normalise(body({ priority }));

      // Assert
      expect(ticket.priority).toBeUndefined();
      expect(ticket.updatedStamp).toBeUndefined();
    },
  );

  it.each([
    [
      ['vip', 'damaged'],
      ['vip', 'damaged'],
    ],
    ['vip,damaged', ['vip', 'damaged']],
    [' vip , damaged ,, vip ', ['vip', 'damaged']],
    ['', []],
    [[], []],
  ])('reads tags %j as %j and keeps the snapshot', (tags, expected) => {
    // Act
    const { ticket } = normalise(body({ tags }));

    // Assert
    expect(ticket.tags).toEqual(expected);
    expect(ticket.updatedStamp).toBe('2024-04-17T17:20:02Z');
  });

  it.each([['{{ticket.tags}}'], [undefined], [42]])('takes unknown tags %j as none, and trusts no snapshot', (tags) => {
    // Act
    const { ticket } = normalise(body({ tags }));

    // Assert
    expect(ticket.tags).toEqual([]);
    expect(ticket.updatedStamp).toBeUndefined();
  });

  it.each([
    ['43000567890', '43000567890', true],
    [43000567890, '43000567890', true],
    ['', undefined, true],
    [null, undefined, true],
    ['0', undefined, true],
    ['{{ticket.group.id}}', undefined, false],
    ['Billing', undefined, false],
    [undefined, undefined, false],
  ])('reads group_id %j as %j (snapshot trusted: %s)', (groupId, expected, trusted) => {
    // Act
    const { ticket } = normalise(body({ group_id: groupId }));

    // Assert
    expect(ticket.groupId).toBe(expected);
    expect(ticket.updatedStamp !== undefined).toBe(trusted);
  });

  it.each([
    [1, 'email'],
    ['2', 'portal'],
    [7, 'chat'],
    [5, 'twitter'],
    ['Twitter', 'twitter'],
    [8, '8'],
    ['Email', 'email'],
    ['Feedback Widget', 'feedback_widget'],
    ['Outbound Email', 'outbound_email'],
    ['', undefined],
    ['{{ticket.source}}', undefined],
  ])('reads source %j as channel %j', (source, channel) => {
    expect(normalise(body({ source })).ticket.channel).toBe(channel);
  });

  it.each([
    ['2024-04-17T17:20:02Z', '2024-04-17T17:20:02Z'],
    ['2024-04-17T22:50:02+05:30', '2024-04-17T22:50:02+05:30'],
    ['Wed, 17 Apr, 2024 at 5:20 PM', undefined],
    ['', undefined],
    [1713374402, undefined],
  ])('keeps updated_at %j as the stamp only when it is an ISO date-time', (updatedAt, stamp) => {
    // Act
    const event = normalise(body({ updated_at: updatedAt }));

    // Assert
    expect(event.ticket.updatedStamp).toBe(stamp);
    expect(event.occurredAt).toBe(stamp ?? RECEIVED_AT.toISOString());
  });

  it.each([
    [{ id: '43012345679' }, '43012345679'],
    [{ id: 43012345679 }, '43012345679'],
    [{ id: 'grace' }, undefined],
    [{ id: '' }, undefined],
  ])('reads requester %j as helpdesk user id %j', (requester, expected) => {
    expect(normalise(body({}, requester)).requester.helpdeskUserId).toBe(expected);
  });

  it('drops an email that is not one, and a blank name', () => {
    // Act
    const { requester } = normalise(body({}, { email: 'not an email', name: '  ' }));

    // Assert
    expect(requester).toEqual({ helpdeskUserId: '43012345679', handles: [] });
  });

  it('keeps a subject with escaped quotes, and drops a blank one', () => {
    expect(normalise(body({ subject: 'Say "hi"' })).ticket.subject).toBe('Say "hi"');
    expect(normalise(body({ subject: ' ' })).ticket.subject).toBeUndefined();
  });
});

describe('normaliseFreshdeskTicketCreated: rejections', () => {
  it('refuses a body broken by a quote in a placeholder as invalid JSON, saying why', () => {
    // Arrange: Freshdesk inserted `Ada "The Countess" Lovelace` raw.
    const broken = fixtureText('ticket-created-names.json').replace('Grace Hopper', 'Ada "The Countess" Lovelace');

    // Act
    const error = rejection(broken);

    // Assert
    expect(error.message).toBe("Freshdesk body is not valid JSON: check the rule's body, a placeholder may hold a quote");
    expect(error.issues).toEqual([{ path: '(root)', message: 'body is not valid JSON' }]);
  });

  it.each([['abc'], [''], ['{{ticket.id}}'], ['0'], ['123456789012345678901'], [-1], [1.5], [null], [undefined]])(
    'refuses ticket.id %j, naming ticket.id',
    (id) => {
      // Act
      const error = rejection(body({ id }));

      // Assert
      expect(error.issues.map((issue) => issue.path)).toContain('ticket.id');
    },
  );

  it.each([['ticket_updated'], [''], [undefined]])('refuses event %j, naming event', (event) => {
    // Act
    const error = rejection(body({}, {}, { event }));

    // Assert
    expect(error.message).toBe('not a Freshdesk ticket_created body');
    expect(error.issues.map((issue) => issue.path)).toContain('event');
  });

  it('refuses a body with neither a requester id nor an email', () => {
    // Act
    const error = rejection(body({}, { id: '', email: '' }));

    // Assert
    expect(error.issues).toEqual([{ path: 'requester.id', message: 'requester.id (numeric) or requester.email is required' }]);
  });

  it.each([['[]'], ['"ticket_created"'], ['null'], ['{"event":"ticket_created"}'], ['{"event":"ticket_created","ticket":[]}']])(
    'refuses %s as an invalid body',
    (raw) => {
      expect(rejection(raw)).toBeInstanceOf(InvalidPayloadError);
    },
  );

  it('throws nothing but InvalidPayloadError, whatever the body', () => {
    // Arrange
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          event: fc.constant('ticket_created'),
          ticket: fc.dictionary(fc.constantFrom('id', 'priority', 'tags', 'group_id', 'source', 'updated_at', 'subject'), fc.jsonValue()),
        })
        .map((value) => JSON.stringify(value)),
    );

    // Act / Assert
    fc.assert(
      fc.property(bodies, (raw) => {
        try {
          normalise(raw);
        } catch (error) {
          if (!(error instanceof InvalidPayloadError)) throw error;
        }
      }),
    );
  });
});

describe('freshdeskInbound', () => {
  function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
    return {
      tenant: 'acme',
      source: 'freshdesk',
      headers: { 'content-type': 'application/json', [FRESHDESK_TOKEN_HEADER]: SECRET },
      rawBody: Buffer.from(fixtureText('ticket-created.json')),
      receivedAt: RECEIVED_AT,
      ...overrides,
    };
  }

  it('takes JSON only', () => {
    expect(freshdeskInbound.contentTypes).toEqual(['application/json']);
  });

  it('verifies the token and normalises the raw bytes', () => {
    // Act
    freshdeskInbound.verify(request(), [SECRET]);
    const event = freshdeskInbound.normalise(request());

    // Assert
    expect(event).toMatchObject({
      type: 'TicketCreated',
      tenant: 'acme',
      source: 'freshdesk',
      deliveryId: 'ticket-created:12',
      ticket: { id: '12' },
    });
  });

  it("refuses another tenant's secret", () => {
    expect(() => freshdeskInbound.verify(request(), [OTHER_TENANT])).toThrow(AuthenticationError);
  });

  it("refuses a body that is not UTF-8 (a bad byte in the requester's email) instead of decoding it lossily", () => {
    // Arrange: the fixture's bytes with 0xFF inside the email, where a lossy decode would put U+FFFD.
    const text = fixtureText('ticket-created.json');
    const at = Buffer.byteLength(text.slice(0, text.indexOf('@example.com')));
    const bytes = Buffer.from(text);
    const rawBody = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]);
    freshdeskInbound.verify(request({ rawBody }), [SECRET]);

    // Act
    const act = () => freshdeskInbound.normalise(request({ rawBody }));

    // Assert
    expect(act).toThrow(InvalidPayloadError);
    expect(act).toThrow('body is not UTF-8');
  });
});
