import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseGenericSurveyAnswered } from '../../../../../shared/adapters/surveys/generic-survey/normalise.js';
import type { GenericSurveyNormaliseInput } from '../../../../../shared/adapters/surveys/generic-survey/normalise.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { SurveyAnsweredSchema } from '../../../../../shared/domain/events.js';

const FIXTURES = new URL('../../../../fixtures/generic-survey/', import.meta.url);
const RECEIVED_AT = new Date('2026-12-01T10:00:01.250Z');
const HEADERS = { 'content-type': 'application/json', 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' };

type Json = Record<string, unknown>;
type Body = Json & { respondent: Json };

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function input(rawBody: string, overrides: Partial<GenericSurveyNormaliseInput> = {}): GenericSurveyNormaliseInput {
  return { tenant: 'acme', source: 'generic-survey', rawBody, headers: HEADERS, receivedAt: RECEIVED_AT, ...overrides };
}

/** The NPS fixture with `change` applied to a copy of its parsed JSON. */
function npsWith(change: (body: Body) => void): string {
  const body = JSON.parse(fixtureText('survey-answered-nps.json')) as Body;
  change(body);
  return JSON.stringify(body);
}

function rejection(value: GenericSurveyNormaliseInput): InvalidPayloadError {
  try {
    normaliseGenericSurveyAnswered(value);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('normaliseGenericSurveyAnswered: fixtures', () => {
  it('orders the versions of an answer by updated_at, else answered_at', () => {
    // Act
    const original = normaliseGenericSurveyAnswered(input(fixtureText('survey-answered-nps.json')));
    const update = normaliseGenericSurveyAnswered(input(fixtureText('survey-answered-csat.json')));

    // Assert
    expect(original.revisedAt).toBe('2026-12-01T10:00:00Z');
    expect(update.revisedAt).toBe('2026-12-02T08:20:00+01:00');
  });

  it('maps the documented NPS body to a SurveyAnswered event', () => {
    // Act
    const event = normaliseGenericSurveyAnswered(input(fixtureText('survey-answered-nps.json')));

    // Assert
    expect(event).toEqual({
      type: 'SurveyAnswered',
      tenant: 'acme',
      source: 'generic-survey',
      deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      occurredAt: '2026-12-01T10:00:00Z',
      revisedAt: '2026-12-01T10:00:00Z',
      receivedAt: '2026-12-01T10:00:01.250Z',
      responseId: 'r-123',
      answeredAt: '2026-12-01T10:00:00Z',
      kind: 'nps',
      score: 3,
      scale: 10,
      comment: 'The printer broke again and nobody called back.',
      respondent: { helpdeskUserId: 'u-1001', email: 'ada@example.com', externalId: 'crm-42', name: 'Ada Lovelace', handles: [] },
      respondentVerified: true,
      ticketId: '4711',
    });
    expect(SurveyAnsweredSchema.safeParse(event).success).toBe(true);
  });

  it('maps a CSAT body: numeric ids as strings, blanks as absent, updated_at as the time', () => {
    // Act
    const event = normaliseGenericSurveyAnswered(input(fixtureText('survey-answered-csat.json')));

    // Assert
    expect(event).toMatchObject({
      responseId: '98231',
      answeredAt: '2026-12-02T08:15:30+01:00',
      occurredAt: '2026-12-02T08:20:00+01:00',
      kind: 'csat',
      score: 4,
      scale: 5,
      ticketId: '4712',
    });
    expect(event.comment).toBeUndefined();
    expect(event.respondent).toEqual({ email: 'grace@example.com', handles: [] });
  });

  it('maps the minimal body: NPS on the 0-10 scale by default, an external id alone', () => {
    // Act
    const event = normaliseGenericSurveyAnswered(input(fixtureText('survey-answered-minimal.json')));

    // Assert
    expect(event).toMatchObject({ responseId: 'r-124', kind: 'nps', score: 10, scale: 10, occurredAt: '2026-12-01T11:00:00Z' });
    expect(event.respondent).toEqual({ externalId: 'crm-43', handles: [] });
    expect(event.ticketId).toBeUndefined();
  });
});

describe('normaliseGenericSurveyAnswered: errors', () => {
  it.each([
    ['missing', undefined],
    ['blank', '  '],
    ['too long', 'm'.repeat(257)],
  ])('refuses a delivery whose webhook-id is %s', (_label, id) => {
    // Act
    const error = rejection(input(fixtureText('survey-answered-nps.json'), { headers: { ...HEADERS, 'webhook-id': id } }));

    // Assert
    expect(error.issues).toEqual([{ path: 'webhook-id', message: 'must be 1-256 characters' }]);
  });

  it('refuses a body that is not JSON', () => {
    // Act
    const error = rejection(input('{"type":'));

    // Assert
    expect(error.issues).toEqual([{ path: '(root)', message: 'body is not valid JSON' }]);
  });

  it.each([
    ['another type', 'ticket.created', 'expected survey.answered, got "ticket.created"'],
    ['no type', undefined, 'expected survey.answered, got nothing'],
    ['a null type', null, 'expected survey.answered, got a null'],
  ])('names the type of a body with %s', (_label, type, message) => {
    // Arrange
    const body = npsWith((json) => {
      json.type = type;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'type', message }]);
  });

  it.each([
    ['an NPS score above 10', { score: 11 }, 'score', 'an NPS score is a whole number from 0 to 10, got 11'],
    ['a fractional NPS score', { score: 6.5 }, 'score', 'an NPS score is a whole number from 0 to 10, got 6.5'],
    ['an NPS answer on another scale', { scale: 5 }, 'scale', 'an NPS answer is on the 0-10 scale: leave scale out or set it to 10'],
    [
      'a CSAT answer without its scale',
      { kind: 'csat', scale: undefined, score: 4 },
      'scale',
      'a CSAT answer needs its scale, e.g. 5 for a 1-5 rating',
    ],
    ['a CSAT score of 0', { kind: 'csat', scale: 5, score: 0 }, 'score', 'a CSAT score is a whole number from 1 to its scale 5, got 0'],
    [
      'a CSAT score above its scale',
      { kind: 'csat', scale: 3, score: 4 },
      'score',
      'a CSAT score is a whole number from 1 to its scale 3, got 4',
    ],
    ['a scale of 1', { kind: 'csat', scale: 1, score: 1 }, 'scale', 'must be at least 2'],
    ['another kind', { kind: 'ces' }, 'kind', 'must be nps or csat'],
    ['a score as text', { score: '3' }, 'score', 'must be a number'],
    ['an updated_at before answered_at', { updated_at: '2026-11-30T10:00:00Z' }, 'updated_at', 'must not be before answered_at'],
    ['an answered_at that is no date-time', { answered_at: '01/12/2026' }, 'answered_at', 'must be an ISO-8601 date-time'],
    ['an empty response id', { response_id: '' }, 'response_id', 'must not be empty'],
    ['a ticket id with spaces', { ticket_id: '47 11' }, 'ticket_id', 'must be 1-64 letters, digits or ._:-, as a string or a number'],
    ['a comment over 5000 characters', { comment: 'z'.repeat(5001) }, 'comment', 'must be at most 5000 characters'],
  ])('refuses %s, naming the field', (_label, change, path, message) => {
    // Arrange
    const body = npsWith((json) => Object.assign(json, change));

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('invalid survey.answered body');
    expect(error.issues).toContainEqual({ path, message });
  });

  it.each([
    ['no respondent', undefined],
    ['a null respondent', null],
    ['a respondent with a name only', { name: 'Ada Lovelace' }],
    ['a respondent of blanks', { id: '', email: ' ', external_id: null }],
  ])('refuses %s', (_label, respondent) => {
    // Arrange
    const body = npsWith((json) => {
      json.respondent = respondent as Json;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'respondent', message: 'respondent needs an id, email or external_id' }]);
  });

  it('names the respondent fields out of shape', () => {
    // Arrange
    const body = npsWith((json) => {
      json.respondent = { id: 'u 1', email: 'ada at example' };
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['respondent.email', 'respondent.id']);
  });

  it('throws nothing but InvalidPayloadError, whatever the body', () => {
    // Arrange
    const value = fc.oneof(fc.jsonValue(), fc.constant(null), fc.string());
    const fields = fc.record(
      {
        type: fc.oneof(fc.constant('survey.answered'), value),
        response_id: fc.oneof(fc.string(), fc.integer(), value),
        answered_at: fc.oneof(fc.constant('2026-12-01T10:00:00Z'), value),
        updated_at: fc.oneof(fc.constant('2026-12-01T09:00:00Z'), fc.constant('2026-12-02T10:00:00Z'), value),
        kind: fc.oneof(fc.constantFrom('nps', 'csat'), value),
        score: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.double(), value),
        scale: fc.oneof(fc.integer({ min: 0, max: 120 }), value),
        comment: value,
        ticket_id: value,
        respondent: fc.oneof(
          fc.record(
            { id: value, email: fc.oneof(fc.constant('ada@example.com'), value), external_id: value, name: value },
            { requiredKeys: [] },
          ),
          value,
        ),
      },
      { requiredKeys: [] },
    );
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fields.map((body) => JSON.stringify(body)),
    );

    // Act / Assert
    fc.assert(
      fc.property(bodies, (raw) => {
        try {
          const event = normaliseGenericSurveyAnswered(input(raw));
          expect(SurveyAnsweredSchema.safeParse(event).success).toBe(true);
        } catch (error) {
          if (!(error instanceof InvalidPayloadError)) throw error;
          expect(error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
