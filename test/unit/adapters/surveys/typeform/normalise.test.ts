import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TypeformSourceSchema, normaliseTypeformResponse } from '../../../../../shared/adapters/surveys/typeform/normalise.js';
import type { TypeformMapping, TypeformNormaliseInput } from '../../../../../shared/adapters/surveys/typeform/normalise.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { SurveyAnsweredSchema } from '../../../../../shared/domain/events.js';

const FIXTURES = new URL('../../../../fixtures/typeform/', import.meta.url);
const RECEIVED_AT = new Date('2026-12-01T10:00:01.250Z');

type Json = Record<string, unknown>;
type Body = Json & { form_response: Json & { hidden: unknown; answers: Json[] } };

function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The source configuration as a tenant writes it, parsed, without its secrets. */
function mapping(config: Json = {}): TypeformMapping {
  const { signingSecrets: _secrets, ...rest } = TypeformSourceSchema.parse({
    signingSecrets: [{ env: 'TYPEFORM_SECRET' }],
    scoreField: 'nps_score',
    commentField: 'nps_reason',
    ...config,
  });
  return rest;
}

function input(rawBody: string, config?: Json): TypeformNormaliseInput {
  return { tenant: 'acme', source: 'typeform', rawBody, receivedAt: RECEIVED_AT, mapping: mapping(config) };
}

/** A fixture with `change` applied to a copy of its parsed JSON. */
function fixtureWith(name: string, change: (body: Body) => void): string {
  const body = JSON.parse(fixtureText(name)) as Body;
  change(body);
  return JSON.stringify(body);
}

function rejection(value: TypeformNormaliseInput): InvalidPayloadError {
  try {
    normaliseTypeformResponse(value);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('normaliseTypeformResponse: fixtures', () => {
  it('maps an NPS response to a SurveyAnswered event', () => {
    // Arrange
    const body = fixtureText('form-response-nps.json');

    // Act
    const event = normaliseTypeformResponse(input(body));

    // Assert
    expect(event).toEqual({
      type: 'SurveyAnswered',
      tenant: 'acme',
      source: 'typeform',
      deliveryId: '01JEXAMPLE7K3V9Q2M4T8W6Y1Z',
      occurredAt: '2026-12-01T10:00:00Z',
      revisedAt: '2026-12-01T10:00:00Z',
      receivedAt: '2026-12-01T10:00:01.250Z',
      responseId: 'a3a12ec67a1365927098a606107fac15',
      answeredAt: '2026-12-01T10:00:00Z',
      kind: 'nps',
      score: 9,
      scale: 10,
      comment: 'The printer was replaced the next day. Great support!',
      respondent: { helpdeskUserId: 'u-1001', email: 'ada@example.com', handles: [] },
      respondentVerified: false,
      ticketId: '4711',
    });
    expect(SurveyAnsweredSchema.safeParse(event).success).toBe(true);
  });

  it('rejects a response whose link carried only empty hidden fields', () => {
    // Arrange
    const body = fixtureText('form-response-no-hidden.json');

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('the survey link carried no email, user id or external id in its hidden fields');
    expect(error.issues).toEqual([
      { path: 'form_response.hidden', message: 'expected a non-empty "email", "user_id" or "external_id" hidden field' },
    ]);
  });

  it('maps an opinion-scale CSAT response, resolving refs through the definition', () => {
    // Arrange
    const body = fixtureText('form-response-opinion-scale.json');
    const config = { kind: 'csat', scale: 5, scoreField: 'csat_rating', commentField: 'csat_comment', hidden: { name: 'name' } };

    // Act
    const event = normaliseTypeformResponse(input(body, config));

    // Assert
    expect(event).toMatchObject({
      deliveryId: '01JEXAMPLEB5C7D9F1G3H5J7K9',
      responseId: '0b9e8d7c6a5f4e3d2c1b0a9f8e7d6c5b',
      answeredAt: '2026-12-02T08:15:30Z',
      kind: 'csat',
      score: 2,
      scale: 5,
      comment: 'Took three days to get a first answer.',
      ticketId: '4712',
    });
    // The empty user_id is no user id.
    expect(event.respondent).toEqual({ email: 'grace@example.com', name: 'Grace Hopper', handles: [] });
  });

  it('takes an opinion-scale question as the NPS question too', () => {
    // Arrange
    const body = fixtureText('form-response-opinion-scale.json');

    // Act
    const event = normaliseTypeformResponse(input(body, { scoreField: 'csat_rating', commentField: undefined }));

    // Assert
    expect(event).toMatchObject({ kind: 'nps', score: 2, scale: 10 });
    expect(event.comment).toBeUndefined();
  });
});

describe('normaliseTypeformResponse: the score', () => {
  it('names the missing ref and the refs the response did have', () => {
    // Arrange
    const body = fixtureText('form-response-nps.json');

    // Act
    const error = rejection(input(body, { scoreField: 'recommend', commentField: undefined }));

    // Assert
    expect(error.message).toBe('Typeform response has no answer to the score question "recommend"');
    expect(error.issues).toEqual([
      {
        path: 'form_response.answers',
        message: 'no answer to field ref "recommend"; the answered refs are "nps_score", "nps_reason", "main_product"',
      },
    ]);
  });

  it('says so when a response has no answers at all', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      Reflect.deleteProperty(json.form_response, 'answers');
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues[0]?.message).toBe('no answer to field ref "nps_score"; the response has no answers');
  });

  it('refuses a score question that is not an nps or opinion_scale question', () => {
    // Arrange
    const body = fixtureText('form-response-nps.json');

    // Act
    const error = rejection(input(body, { scoreField: 'main_product', commentField: undefined }));

    // Assert
    expect(error.issues).toEqual([
      {
        path: 'form_response.answers.2.field.type',
        message: 'the score question "main_product" must be an nps or opinion_scale question, not "multiple_choice"',
      },
    ]);
  });

  it('refuses a score answer that carries no number', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.answers[0] = { type: 'text', text: '9', field: { id: 'Kx7pQ2mB9vR3', type: 'nps', ref: 'nps_score' } };
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([
      { path: 'form_response.answers.0.number', message: 'the answer to "nps_score" must be a number answer, not "text"' },
    ]);
  });

  it.each([11, -1, 9.5])('refuses an NPS score of %s', (score) => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.answers[0] = { type: 'number', number: score, field: { id: 'Kx7pQ2mB9vR3', type: 'nps', ref: 'nps_score' } };
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([
      { path: 'form_response.answers.0.number', message: `an NPS answer is a whole number from 0 to 10, got ${score}` },
    ]);
  });

  it.each([0, 10])('accepts the NPS bounds, %s', (score) => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.answers[0] = { type: 'number', number: score, field: { id: 'Kx7pQ2mB9vR3', type: 'nps', ref: 'nps_score' } };
    });

    // Act
    const event = normaliseTypeformResponse(input(body));

    // Assert
    expect(event.score).toBe(score);
  });

  it('explains a CSAT score of 0: the opinion scale starts at 0', () => {
    // Arrange
    const body = fixtureWith('form-response-opinion-scale.json', (json) => {
      json.form_response.answers[0] = { type: 'number', number: 0, field: { id: 'NRsxU591jIW9', type: 'opinion_scale' } };
    });

    // Act
    const error = rejection(input(body, { kind: 'csat', scale: 5, scoreField: 'csat_rating', commentField: undefined }));

    // Assert
    expect(error.issues).toEqual([
      {
        path: 'form_response.answers.0.number',
        message:
          'got 0: the opinion scale starts at 0, but a CSAT answer is 1 to 5; make the question start at one, or configure it as nps',
      },
    ]);
  });

  it('refuses a CSAT score above the configured scale', () => {
    // Arrange
    const body = fixtureWith('form-response-opinion-scale.json', (json) => {
      json.form_response.answers[0] = { type: 'number', number: 7, field: { id: 'NRsxU591jIW9', type: 'opinion_scale' } };
    });

    // Act
    const error = rejection(input(body, { kind: 'csat', scale: 5, scoreField: 'csat_rating', commentField: undefined }));

    // Assert
    expect(error.issues[0]).toEqual({
      path: 'form_response.answers.0.number',
      message: "got 7, above the configured scale of 5: the question has more steps than the source's scale",
    });
  });

  it('refuses a fractional CSAT score', () => {
    // Arrange
    const body = fixtureWith('form-response-opinion-scale.json', (json) => {
      json.form_response.answers[0] = { type: 'number', number: 2.5, field: { id: 'NRsxU591jIW9', type: 'opinion_scale' } };
    });

    // Act
    const error = rejection(input(body, { kind: 'csat', scale: 5, scoreField: 'csat_rating', commentField: undefined }));

    // Assert
    expect(error.issues[0]?.message).toBe('a CSAT answer is a whole number from 1 to 5, got 2.5');
  });
});

describe('normaliseTypeformResponse: the comment', () => {
  it('leaves the comment out when the respondent skipped the question', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.answers.splice(1, 1);
    });

    // Act
    const event = normaliseTypeformResponse(input(body));

    // Assert
    expect(event.comment).toBeUndefined();
    expect(event.score).toBe(9);
  });

  it('refuses a comment question that is not a text question', () => {
    // Arrange
    const body = fixtureText('form-response-nps.json');

    // Act
    const error = rejection(input(body, { commentField: 'main_product' }));

    // Assert
    expect(error.issues).toEqual([
      {
        path: 'form_response.answers.2.text',
        message: 'the comment question "main_product" must be a long_text or short_text question, not "multiple_choice"',
      },
    ]);
  });

  it('cuts a very long comment to 5000 characters instead of losing the score', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.answers[1] = {
        type: 'text',
        text: 'x'.repeat(6000),
        field: { id: 'DlXFaesGBpoF', type: 'long_text', ref: 'nps_reason' },
      };
    });

    // Act
    const event = normaliseTypeformResponse(input(body));

    // Assert
    expect(event.comment).toHaveLength(5000);
  });

  it('reads no comment when none is configured', () => {
    // Arrange
    const body = fixtureText('form-response-nps.json');

    // Act
    const event = normaliseTypeformResponse(input(body, { commentField: undefined }));

    // Assert
    expect(event.comment).toBeUndefined();
  });
});

describe('normaliseTypeformResponse: hidden fields', () => {
  it.each([
    ['an email alone', { email: 'ada@example.com' }, { email: 'ada@example.com', handles: [] }],
    ['a user id alone', { user_id: 'u-1001' }, { helpdeskUserId: 'u-1001', handles: [] }],
    ['a numeric user id', { user_id: 1001 }, { helpdeskUserId: '1001', handles: [] }],
    [
      'padded values',
      { email: '  ada@example.com ', user_id: ' u-1001 ' },
      { email: 'ada@example.com', helpdeskUserId: 'u-1001', handles: [] },
    ],
    ['an external id alone', { external_id: ' CRM-42 ' }, { externalId: 'CRM-42', handles: [] }],
    ['a numeric external id', { external_id: 4711 }, { externalId: '4711', handles: [] }],
  ])('takes %s as the respondent', (_label, hidden, respondent) => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.hidden = hidden;
    });

    // Act
    const event = normaliseTypeformResponse(input(body));

    // Assert
    expect(event.respondent).toEqual(respondent);
    expect(event.ticketId).toBeUndefined();
  });

  it('reads the hidden fields the tenant named', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.hidden = {
        ticket: '99',
        mail: 'ada@example.com',
        customer: 'u-7',
        crm: 'C-7',
        full_name: 'Ada Lovelace',
        email: 'not-read@example.com',
        external_id: 'not-read',
      };
    });
    const hidden = { ticketId: 'ticket', email: 'mail', userId: 'customer', externalId: 'crm', name: 'full_name' };

    // Act
    const event = normaliseTypeformResponse(input(body, { hidden }));

    // Assert
    expect(event.ticketId).toBe('99');
    expect(event.respondent).toEqual({
      helpdeskUserId: 'u-7',
      email: 'ada@example.com',
      externalId: 'C-7',
      name: 'Ada Lovelace',
      handles: [],
    });
  });

  it('rejects a response with no hidden fields at all', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      Reflect.deleteProperty(json.form_response, 'hidden');
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('the survey link carried no email, user id or external id in its hidden fields');
  });

  it('does not read inherited properties as hidden fields', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.hidden = { email: 'ada@example.com' };
    });

    // Act
    const event = normaliseTypeformResponse(input(body, { hidden: { userId: 'constructor', ticketId: 'toString' } }));

    // Assert
    expect(event.respondent).toEqual({ email: 'ada@example.com', handles: [] });
    expect(event.ticketId).toBeUndefined();
  });

  it.each([
    ['an email that is not one', { email: 'ada at example' }, 'form_response.hidden.email', 'must be an email address'],
    [
      'a ticket id with spaces',
      { email: 'ada@example.com', ticket_id: '47 11' },
      'form_response.hidden.ticket_id',
      'must be 1-64 letters, digits or ._:-',
    ],
    ['a user id that is an object', { user_id: { id: 1 } }, 'form_response.hidden.user_id', 'must be a string'],
    [
      'an external id too long to be one',
      { external_id: 'x'.repeat(129) },
      'form_response.hidden.external_id',
      'must be at most 128 characters',
    ],
  ])('names the hidden field of %s', (_label, hidden, path, message) => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.form_response.hidden = hidden;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('invalid Typeform hidden fields');
    expect(error.issues).toEqual([{ path, message }]);
  });
});

describe('normaliseTypeformResponse: the envelope', () => {
  it('refuses a body that is not JSON', () => {
    // Arrange
    const body = '{"event_type": "form_response",';

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('Typeform body is not valid JSON');
    expect(error.issues).toEqual([{ path: '(root)', message: 'body is not valid JSON' }]);
  });

  it.each(['[]', 'null', '"form_response"', '42'])('refuses the JSON value %s', (body) => {
    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: '(root)', message: 'must be a JSON object' }]);
  });

  it.each([
    ['another event type', 'form_response_partial', 'expected form_response, got "form_response_partial"'],
    ['no event type', undefined, 'expected form_response, got nothing'],
    ['a numeric event type', 7, 'expected form_response, got a number'],
  ])('names the event type of a body with %s', (_label, type, message) => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.event_type = type;
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.issues).toEqual([{ path: 'event_type', message }]);
  });

  it('names every envelope field out of shape', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      delete json.event_id;
      delete json.form_response.token;
      json.form_response.submitted_at = 'yesterday';
    });

    // Act
    const error = rejection(input(body));

    // Assert
    expect(error.message).toBe('invalid Typeform form_response body');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['event_id', 'form_response.submitted_at', 'form_response.token']);
  });

  it('allows keys it does not know', () => {
    // Arrange
    const body = fixtureWith('form-response-nps.json', (json) => {
      json.future_key = { anything: true };
      json.form_response.response_url = 'https://admin.typeform.com/form/lT4Z3j/results';
    });

    // Act
    const event = normaliseTypeformResponse(input(body));

    // Assert
    expect(event.score).toBe(9);
  });

  it('throws nothing but InvalidPayloadError, whatever the body', () => {
    // Arrange
    const answer = fc.record(
      {
        type: fc.oneof(fc.constantFrom('number', 'text', 'choice', 'email'), fc.string()),
        number: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double(), fc.jsonValue()),
        text: fc.oneof(fc.string(), fc.jsonValue()),
        field: fc.record(
          {
            id: fc.string(),
            type: fc.constantFrom('nps', 'opinion_scale', 'long_text', 'rating'),
            ref: fc.constantFrom('nps_score', 'nps_reason', 'other'),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    const formResponse = fc.record(
      {
        form_id: fc.oneof(fc.string(), fc.jsonValue()),
        token: fc.oneof(fc.string(), fc.jsonValue()),
        submitted_at: fc.oneof(fc.constant('2026-12-01T10:00:00Z'), fc.string()),
        hidden: fc.oneof(
          fc.dictionary(fc.constantFrom('email', 'user_id', 'ticket_id', 'name', '__proto__'), fc.jsonValue()),
          fc.jsonValue(),
        ),
        definition: fc.jsonValue(),
        answers: fc.oneof(fc.array(answer, { maxLength: 4 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          { event_id: fc.oneof(fc.string(), fc.jsonValue()), event_type: fc.constant('form_response'), form_response: formResponse },
          { requiredKeys: ['event_type'] },
        )
        .map((value) => JSON.stringify(value)),
    );
    const kinds = fc.constantFrom({}, { kind: 'csat', scale: 5 });

    // Act / Assert
    fc.assert(
      fc.property(bodies, kinds, (raw, config) => {
        try {
          const event = normaliseTypeformResponse(input(raw, config));
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

describe('TypeformSourceSchema', () => {
  it('fills in the defaults', () => {
    // Act
    const config = TypeformSourceSchema.parse({ signingSecrets: [{ env: 'TYPEFORM_SECRET' }], scoreField: 'nps_score' });

    // Assert
    expect(config).toEqual({
      signingSecrets: [{ env: 'TYPEFORM_SECRET' }],
      scoreField: 'nps_score',
      kind: 'nps',
      scale: 10,
      hidden: { ticketId: 'ticket_id', email: 'email', userId: 'user_id', externalId: 'external_id' },
    });
  });

  it('keeps the defaults of the hidden fields not named', () => {
    // Act
    const config = TypeformSourceSchema.parse({ signingSecrets: [{ env: 'S' }], scoreField: 'nps_score', hidden: { email: 'mail' } });

    // Assert
    expect(config.hidden).toEqual({ ticketId: 'ticket_id', email: 'mail', userId: 'user_id', externalId: 'external_id' });
  });

  it.each([
    ['an NPS question on another scale', { kind: 'nps', scale: 5 }, 'scale'],
    ['a comment question that is the score question', { commentField: 'nps_score' }, 'commentField'],
    ['no secret', { signingSecrets: [] }, 'signingSecrets'],
    ['four secrets', { signingSecrets: [{ env: 'A' }, { env: 'B' }, { env: 'C' }, { env: 'D' }] }, 'signingSecrets'],
    ['an unknown key', { scoreRef: 'nps_score' }, ''],
    ['an empty score ref', { scoreField: ' ' }, 'scoreField'],
    ['a scale of 1', { kind: 'csat', scale: 1 }, 'scale'],
  ])('refuses %s', (_label, change, path) => {
    // Act
    const result = TypeformSourceSchema.safeParse({ signingSecrets: [{ env: 'S' }], scoreField: 'nps_score', ...change });

    // Assert
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
