import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelightedSourceSchema, normaliseDelightedEvent } from '../../../../../shared/adapters/surveys/delighted/normalise.js';
import type { DelightedMapping, DelightedNormaliseInput } from '../../../../../shared/adapters/surveys/delighted/normalise.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { InboundEventSchema, SurveyAnsweredSchema, SurveyUnsubscribedSchema } from '../../../../../shared/domain/events.js';

const FIXTURES = new URL('../../../../fixtures/delighted/', import.meta.url);
const RECEIVED_AT = new Date('2026-12-01T10:00:01.250Z');

type Json = Record<string, unknown>;
type Body = Json & { event_data: Json & { person: Json; person_properties: Json | null } };

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function mapping(config: Json = {}): DelightedMapping {
  const { apiKeys: _keys, ...rest } = DelightedSourceSchema.parse({ apiKeys: [{ env: 'DELIGHTED_API_KEY' }], ...config });
  return rest;
}

function input(rawBody: string, config?: Json): DelightedNormaliseInput {
  return { tenant: 'acme', source: 'delighted', rawBody, receivedAt: RECEIVED_AT, mapping: mapping(config) };
}

/** A fixture with `change` applied to a copy of its parsed JSON. */
function fixtureWith(name: string, change: (body: Body) => void): string {
  const body = JSON.parse(fixtureText(name)) as Body;
  change(body);
  return JSON.stringify(body);
}

function rejection(value: DelightedNormaliseInput): InvalidPayloadError {
  try {
    normaliseDelightedEvent(value);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

function answered(value: DelightedNormaliseInput) {
  return SurveyAnsweredSchema.parse(normaliseDelightedEvent(value));
}

describe('normaliseDelightedEvent: survey responses', () => {
  it('orders the versions of a response by its own time: created_at when created, updated_at when changed', () => {
    // Act
    const created = answered(input(fixtureText('survey-response-created.json')));
    const updated = answered(input(fixtureText('survey-response-updated.json')));

    // Assert
    expect(created.revisedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(updated.revisedAt).toBe('2026-12-01T10:03:12.000Z');
  });

  it('maps survey_response.created to a SurveyAnswered event', () => {
    // Arrange
    const body = fixtureText('survey-response-created.json');

    // Act
    const event = normaliseDelightedEvent(input(body));

    // Assert
    expect(event).toEqual({
      type: 'SurveyAnswered',
      tenant: 'acme',
      source: 'delighted',
      deliveryId: '2f6c1e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e',
      occurredAt: '2026-12-01T10:00:00.000Z',
      revisedAt: '2026-12-01T10:00:00.000Z',
      receivedAt: '2026-12-01T10:00:01.250Z',
      responseId: '5435',
      answeredAt: '2026-12-01T10:00:00.000Z',
      kind: 'nps',
      score: 3,
      scale: 10,
      respondent: { helpdeskUserId: 'u-1001', email: 'ada@example.com', name: 'Ada Lovelace', handles: [] },
      respondentVerified: true,
      ticketId: '4711',
    });
    expect(InboundEventSchema.safeParse(event).success).toBe(true);
  });

  it('maps survey_response.updated to the same answer, with its comment and the time of the change', () => {
    // Arrange
    const created = answered(input(fixtureText('survey-response-created.json')));

    // Act
    const updated = answered(input(fixtureText('survey-response-updated.json')));

    // Assert
    expect(updated.responseId).toBe(created.responseId);
    expect(updated.answeredAt).toBe(created.answeredAt);
    expect(updated.deliveryId).not.toBe(created.deliveryId);
    expect(updated).toMatchObject({
      deliveryId: 'b8d057c59327541d7ec2104c0a9a255ad1997fb00831b9c6bbf09561e6d5cbd0',
      occurredAt: '2026-12-01T10:03:12.000Z',
      comment: 'Third time the printer broke this month, and nobody called back.',
    });
  });

  it('maps a CSAT response on the 1-5 scale, with no person properties', () => {
    // Arrange
    const body = fixtureText('survey-response-csat.json');

    // Act
    const event = answered(input(body));

    // Assert
    expect(event).toMatchObject({
      kind: 'csat',
      score: 4,
      scale: 5,
      responseId: '6120',
      comment: 'Quick and friendly.',
      answeredAt: '2026-12-02T08:15:30.000Z',
    });
    expect(event.respondent).toEqual({ email: 'grace@example.com', name: 'Grace Hopper', handles: [] });
    expect(event.ticketId).toBeUndefined();
  });

  it('builds the delivery id from the event type, the response and its last change without an event_id', () => {
    // Arrange
    const created = fixtureWith('survey-response-created.json', (json) => {
      delete json.event_id;
    });
    const updated = fixtureWith('survey-response-updated.json', (json) => {
      json.event_id = null;
    });

    // Act
    const ids = [answered(input(created)).deliveryId, answered(input(updated)).deliveryId];

    // Assert
    expect(ids[0]).toMatch(/^survey_response\.created:5435:1796119200:[\w-]{22}$/);
    expect(ids[1]).toMatch(/^survey_response\.updated:5435:1796119392:[\w-]{22}$/);
  });

  it('keeps the delivery id it builds within 256 characters for the longest response id it takes', () => {
    // Arrange: 200 characters is the longest response id the schema takes.
    const longId = (char: string) =>
      fixtureWith('survey-response-updated.json', (json) => {
        delete json.event_id;
        json.event_data.id = char.repeat(200);
      });

    // Act
    const ids = [answered(input(longId('a'))).deliveryId, answered(input(longId('b'))).deliveryId];

    // Assert
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(256);
    expect(ids[0]).toMatch(/^survey_response\.updated:/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('tells apart two updates of one answer that carry no event id and no new time', () => {
    const first = fixtureWith('survey-response-updated.json', (json) => {
      delete json.event_id;
      json.event_data.updated_at = null;
    });
    const second = fixtureWith('survey-response-updated.json', (json) => {
      delete json.event_id;
      json.event_data.updated_at = null;
      json.event_data.score = 2;
    });

    expect(answered(input(first)).deliveryId).not.toBe(answered(input(second)).deliveryId);
  });

  it('falls back to created_at for the time of a response with no updated_at', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      delete json.event_id;
      json.event_data.updated_at = null;
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.occurredAt).toBe('2026-12-01T10:00:00.000Z');
    expect(event.deliveryId).toMatch(/^survey_response\.created:5435:1796119200:[\w-]{22}$/);
  });

  it('takes numeric ids as strings', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.id = 5435;
      json.event_data.person_properties = { 'Ticket ID': '4711', 'User ID': 1001 };
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.responseId).toBe('5435');
    expect(event.ticketId).toBe('4711');
    expect(event.respondent.helpdeskUserId).toBe('1001');
  });

  it('reads the person properties the tenant named', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.person_properties = { Ticket: 'T-9', 'Zendesk user': '77', 'User ID': 'not-read', 'CRM id': 4711 };
    });

    // Act
    const event = answered(input(body, { properties: { ticketId: 'Ticket', userId: 'Zendesk user', externalId: 'CRM id' } }));

    // Assert
    expect(event.ticketId).toBe('T-9');
    expect(event.respondent.helpdeskUserId).toBe('77');
    expect(event.respondent.externalId).toBe('4711');
  });

  it('treats blank properties, a blank comment and a null name as absent', () => {
    // Arrange
    const body = fixtureWith('survey-response-updated.json', (json) => {
      json.event_data.person_properties = { 'Ticket ID': '', 'User ID': '  ' };
      json.event_data.comment = '   ';
      json.event_data.person.name = null;
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.ticketId).toBeUndefined();
    expect(event.comment).toBeUndefined();
    expect(event.respondent).toEqual({ email: 'ada@example.com', handles: [] });
  });

  it('takes a person with only the user id property (an SMS survey has no email)', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.person = { id: '5975', email: null, phone_number: '+15555550123' };
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.respondent).toEqual({ helpdeskUserId: 'u-1001', handles: [] });
  });

  it('takes a person with only the external id property', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.person = { id: '5975', email: null };
      json.event_data.person_properties = { 'External ID': ' CRM-42 ' };
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.respondent).toEqual({ externalId: 'CRM-42', handles: [] });
  });

  it('rejects a person with no email and no user id property', () => {
    // Arrange
    const body = fixtureWith('survey-response-csat.json', (json) => {
      json.event_data.person = { id: '6301', email: null };
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('the response\'s person has no email and no "User ID" or "External ID" property');
    expect(error.issues).toEqual([
      {
        path: 'event_data.person.email',
        message:
          'needs an email, person_properties."User ID" with the helpdesk user id, or person_properties."External ID" with your customer id',
      },
    ]);
  });

  it('cuts a very long comment to 5000 characters instead of losing the score', () => {
    // Arrange
    const body = fixtureWith('survey-response-updated.json', (json) => {
      json.event_data.comment = 'y'.repeat(7000);
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.comment).toHaveLength(5000);
  });

  it.each(['ces', 'pmf', 'smileys', 'enps', 'thumbs'])('refuses the %s survey type by name', (surveyType) => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.survey_type = surveyType;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([
      { path: 'event_data.survey_type', message: `survey type "${surveyType}" is not routed: only nps and csat answers are` },
    ]);
  });

  it('does not take an inherited property name as a survey type', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.survey_type = 'constructor';
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues[0]?.path).toBe('event_data.survey_type');
  });

  it.each([
    ['nps', 11, 'a Delighted NPS score is a whole number from 0 to 10, got 11'],
    ['nps', -1, 'a Delighted NPS score is a whole number from 0 to 10, got -1'],
    ['nps', 8.5, 'a Delighted NPS score is a whole number from 0 to 10, got 8.5'],
    ['csat', 0, 'a Delighted CSAT score is a whole number from 1 to 5, got 0'],
    ['csat', 6, 'a Delighted CSAT score is a whole number from 1 to 5, got 6'],
  ])('refuses a %s score of %s', (surveyType, score, message) => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.survey_type = surveyType;
      json.event_data.score = score;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'event_data.score', message }]);
  });

  it.each([
    ['nps', 0],
    ['nps', 10],
    ['csat', 1],
    ['csat', 5],
  ])('accepts the %s bound %s', (surveyType, score) => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.survey_type = surveyType;
      json.event_data.score = score;
    });

    // Act
    const event = answered(input(body));

    // Assert
    expect(event.score).toBe(score);
  });

  it.each([
    ['a ticket id with spaces', { 'Ticket ID': '47 11' }, 'event_data.person_properties.Ticket ID', 'must be 1-64 letters, digits or ._:-'],
    ['a user id that is a list', { 'User ID': ['u-1'] }, 'event_data.person_properties.User ID', 'must be a string or a number'],
  ])('names the property of %s', (_label, properties, path, message) => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_data.person_properties = properties;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('invalid Delighted person properties');
    expect(error.issues).toEqual([{ path, message }]);
  });

  it('names every field of the response out of shape', () => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      delete json.event_data.id;
      json.event_data.score = '3';
      json.event_data.created_at = '2026-12-01T10:00:00Z';
      json.event_data.person.email = 'ada at example';
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('invalid Delighted survey_response.created body');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'event_data.created_at',
      'event_data.id',
      'event_data.person.email',
      'event_data.score',
    ]);
  });
});

describe('normaliseDelightedEvent: unsubscribes', () => {
  it('maps unsubscribe.created to a SurveyUnsubscribed event', () => {
    // Arrange
    const body = fixtureText('unsubscribe-created.json');

    // Act
    const event = normaliseDelightedEvent(input(body));

    // Assert
    expect(event).toEqual({
      type: 'SurveyUnsubscribed',
      tenant: 'acme',
      source: 'delighted',
      deliveryId: '0e4f8a2c6b1d5e9f3a7c0b4d8e2f6a1c5b9d3e7f0a4c8b2d6e1f5a9c3b7d0e4f',
      occurredAt: '2026-12-03T09:00:00.000Z',
      receivedAt: '2026-12-01T10:00:01.250Z',
      respondent: { email: 'ada@example.com', name: 'Ada Lovelace', handles: [] },
    });
    expect(SurveyUnsubscribedSchema.safeParse(event).success).toBe(true);
  });

  it('takes the person object form too', () => {
    // Arrange
    const body = JSON.stringify({
      event_type: 'unsubscribe.created',
      event_creation_timestamp: 1796288400,
      event_data: { person: { id: '5975', email: 'ada@example.com', name: 'Ada Lovelace', created_at: 1732186784 } },
    });

    // Act
    const event = normaliseDelightedEvent(input(body));

    // Assert
    expect(event).toMatchObject({
      type: 'SurveyUnsubscribed',
      deliveryId: expect.stringMatching(/^unsubscribe:[\w-]{22}$/),
      occurredAt: '2026-12-03T09:00:00.000Z',
      respondent: { email: 'ada@example.com', name: 'Ada Lovelace', handles: [] },
    });
  });

  it('builds the delivery id from a digest of the body without an event_id: stable on a retry, naming nobody', () => {
    // Arrange
    const body = fixtureWith('unsubscribe-created.json', (json) => {
      delete json.event_id;
    });

    // Act
    const event = normaliseDelightedEvent(input(body));

    // Assert
    expect(event.deliveryId).toMatch(/^unsubscribe:[\w-]{22}$/);
    expect(normaliseDelightedEvent(input(body)).deliveryId).toBe(event.deliveryId);
    // Delivery ids are logged: nothing of the email is in them.
    expect(event.deliveryId).not.toContain('ada@example.com');
    expect(event.deliveryId).not.toContain('tfyF5VdV');
  });

  it('stamps an unsubscribe with no time at all with the time it was received, keeping its key stable', () => {
    // Arrange
    const body = JSON.stringify({ event_type: 'unsubscribe.created', event_data: { email: 'ada@example.com' } });

    // Act
    const event = normaliseDelightedEvent(input(body));

    // Assert
    expect(event).toMatchObject({ deliveryId: expect.stringMatching(/^unsubscribe:[\w-]{22}$/), occurredAt: '2026-12-01T10:00:01.250Z' });
    expect(normaliseDelightedEvent(input(body)).deliveryId).toBe(event.deliveryId);
  });

  it('rejects an unsubscribe that carries no email', () => {
    // Arrange
    const body = JSON.stringify({ event_type: 'unsubscribe.created', event_data: { person_id: '5975', unsubscribed_at: 1796288400 } });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('Delighted unsubscribe.created carried no email');
    expect(error.issues).toEqual([
      { path: 'event_data.email', message: 'needs the email of the person who unsubscribed (or event_data.person.email)' },
    ]);
  });
});

describe('normaliseDelightedEvent: the envelope', () => {
  it('refuses a body that is not JSON', () => {
    // Act
    const error = rejection(input('event_type=survey_response.created'));

    // Assert
    expect(error.message).toBe('Delighted body is not valid JSON');
  });

  it.each(['[]', 'null', '7'])('refuses the JSON value %s', (body) => {
    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: '(root)', message: 'must be a JSON object' }]);
  });

  it.each([
    ['an unknown event type', 'survey_response.deleted', '"survey_response.deleted"'],
    ['no event type', undefined, 'nothing'],
    ['a null event type', null, 'a null'],
  ])('names %s', (_label, type, got) => {
    // Arrange
    const body = fixtureWith('survey-response-created.json', (json) => {
      json.event_type = type;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([
      { path: 'event_type', message: `expected one of survey_response.created, survey_response.updated, unsubscribe.created, got ${got}` },
    ]);
  });

  it('refuses a body without event_data', () => {
    // Arrange
    const body = JSON.stringify({ event_type: 'survey_response.updated', event_id: 'abc' });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues.map((issue) => issue.path)).toEqual(['event_data']);
  });

  it('throws nothing but InvalidPayloadError, whatever the body', () => {
    // Arrange
    const value = fc.oneof(fc.jsonValue(), fc.constant(null), fc.string());
    const eventData = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer(), value),
        person: fc.oneof(
          fc.record({ id: value, email: fc.oneof(fc.constant('ada@example.com'), value), name: value }, { requiredKeys: [] }),
          value,
        ),
        survey_type: fc.oneof(fc.constantFrom('nps', 'csat', 'ces', '__proto__', 'constructor'), value),
        score: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double(), value),
        comment: value,
        created_at: fc.oneof(fc.integer({ min: -10, max: 2 ** 40 }), value),
        updated_at: fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), value),
        person_properties: fc.oneof(fc.dictionary(fc.constantFrom('Ticket ID', 'User ID', '__proto__'), value), value),
        email: value,
        person_id: value,
        unsubscribed_at: value,
      },
      { requiredKeys: [] },
    );
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          {
            event_type: fc.constantFrom('survey_response.created', 'survey_response.updated', 'unsubscribe.created'),
            event_id: value,
            event_creation_timestamp: value,
            event_data: eventData,
          },
          { requiredKeys: ['event_type'] },
        )
        .map((body) => JSON.stringify(body)),
    );

    // Act / Assert
    fc.assert(
      fc.property(bodies, (raw) => {
        try {
          const event = normaliseDelightedEvent(input(raw));
          expect(InboundEventSchema.safeParse(event).success).toBe(true);
        } catch (error) {
          if (!(error instanceof InvalidPayloadError)) throw error;
          expect(error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('DelightedSourceSchema', () => {
  it('fills in the default property names', () => {
    // Act
    const config = DelightedSourceSchema.parse({ apiKeys: [{ secretId: 'acme/delighted', field: 'apiKey' }] });

    // Assert
    expect(config).toEqual({
      apiKeys: [{ secretId: 'acme/delighted', field: 'apiKey' }],
      properties: { ticketId: 'Ticket ID', userId: 'User ID', externalId: 'External ID' },
    });
  });

  it.each([
    ['no key', { apiKeys: [] }, 'apiKeys'],
    ['an unknown key', { apiKeys: [{ env: 'K' }], signingSecrets: [{ env: 'K' }] }, ''],
    ['an unknown property', { apiKeys: [{ env: 'K' }], properties: { customerId: 'Customer' } }, 'properties'],
    ['a blank property name', { apiKeys: [{ env: 'K' }], properties: { userId: ' ' } }, 'properties.userId'],
  ])('refuses %s', (_label, config, path) => {
    // Act
    const result = DelightedSourceSchema.safeParse(config);

    // Assert
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
