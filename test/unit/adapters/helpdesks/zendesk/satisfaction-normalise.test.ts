import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  NOT_A_RATING_MESSAGE,
  normaliseZendeskSatisfaction,
} from '../../../../../shared/adapters/helpdesks/zendesk/satisfaction-normalise.js';
import type { ZendeskSatisfactionInput } from '../../../../../shared/adapters/helpdesks/zendesk/satisfaction-normalise.js';
import { ZENDESK_SATISFACTION_BODY_TEMPLATE } from '../../../../../shared/adapters/helpdesks/zendesk/satisfaction-schemas.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { SurveyAnsweredSchema } from '../../../../../shared/domain/events.js';

const FIXTURES = new URL('../../../../fixtures/zendesk/', import.meta.url);
const RECEIVED_AT = new Date('2024-04-17T17:18:11.500Z');
const HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'Zendesk Webhook',
  'x-zendesk-account-id': '88888888',
  'x-zendesk-webhook-id': '01GK8E6BQ3JH6Y3Q6NDWK0M1DB',
  'x-zendesk-webhook-invocation-id': '8350205590',
  'x-zendesk-webhook-signature': 'wxL5QfDhvkt3bXsqGUNq5Q3ZCXBeGq2jtYxFqrdA0fk=',
  'x-zendesk-webhook-signature-timestamp': '2024-04-17T17:18:10Z',
};

const fixtureText = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

function input(rawBody: string, overrides: Partial<ZendeskSatisfactionInput> = {}): ZendeskSatisfactionInput {
  return { tenant: 'acme', source: 'zendesk-csat', rawBody, headers: HEADERS, receivedAt: RECEIVED_AT, ...overrides };
}

function rejection(value: ZendeskSatisfactionInput): InvalidPayloadError {
  try {
    normaliseZendeskSatisfaction(value);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

/** The documented template with its placeholders rendered as given; the comment inserted raw. */
function rendered(values: {
  ticket?: string;
  requester?: string;
  email?: string;
  rating?: string;
  scale?: string;
  comment?: string;
}): string {
  return ZENDESK_SATISFACTION_BODY_TEMPLATE.replace('{{ticket.id}}', values.ticket ?? '35436')
    .replace('{{ticket.requester.id}}', values.requester ?? '20978392')
    .replace('{{ticket.requester.email}}', values.email ?? 'priya@example.com')
    .replace('{{satisfaction.current_rating}}', values.rating ?? 'good')
    .replace('"scale":"2"', `"scale":"${values.scale ?? '2'}"`)
    .replace('{{satisfaction.current_comment}}', () => values.comment ?? '');
}

describe('normaliseZendeskSatisfaction: fixtures', () => {
  it('orders ratings by when they were received: the body has no time of its own, and the signature time is of each attempt', () => {
    // Act
    const event = normaliseZendeskSatisfaction(input(fixtureText('satisfaction-good.json')));

    // Assert
    expect(event.revisedAt).toBe('2024-04-17T17:18:11.500Z');
  });

  it('maps a legacy good rating to a 2 on the 2-point CSAT scale, keyed by the ticket', () => {
    // Act
    const event = normaliseZendeskSatisfaction(input(fixtureText('satisfaction-good.json')));

    // Assert
    expect(event).toEqual({
      type: 'SurveyAnswered',
      tenant: 'acme',
      source: 'zendesk-csat',
      deliveryId: '8350205590',
      occurredAt: '2024-04-17T17:18:10Z',
      revisedAt: '2024-04-17T17:18:11.500Z',
      receivedAt: '2024-04-17T17:18:11.500Z',
      responseId: 'ticket-35436',
      answeredAt: '2024-04-17T17:18:10Z',
      kind: 'csat',
      score: 2,
      scale: 2,
      comment: 'Quick and friendly, thank you.',
      respondent: { helpdeskUserId: '20978392', email: 'priya@example.com', handles: [] },
      respondentVerified: true,
      ticketId: '35436',
    });
    expect(SurveyAnsweredSchema.safeParse(event).success).toBe(true);
  });

  it('reads "Bad, I\'m unsatisfied" by its leading word as a 1, and an empty comment as none', () => {
    const event = normaliseZendeskSatisfaction(input(fixtureText('satisfaction-bad-words.json')));

    expect(event).toMatchObject({ responseId: 'ticket-35437', score: 1, scale: 2, ticketId: '35437' });
    expect(event.comment).toBeUndefined();
  });

  it('reads a number on the scale the body names (newer CSAT)', () => {
    const event = normaliseZendeskSatisfaction(input(fixtureText('satisfaction-scale-5.json')));

    expect(event).toMatchObject({ score: 4, scale: 5, comment: 'Solved, but it took three replies.' });
  });

  it('recovers a comment whose raw quotes and newline broke the JSON', () => {
    // Arrange
    const raw = fixtureText('satisfaction-comment-raw.json');
    expect(() => JSON.parse(raw)).toThrow(SyntaxError);

    // Act
    const event = normaliseZendeskSatisfaction(input(raw));

    // Assert
    expect(event).toMatchObject({ responseId: 'ticket-35440', score: 1, scale: 2, ticketId: '35440' });
    expect(event.respondent).toEqual({ helpdeskUserId: '20978396', email: 'kim@example.com', handles: [] });
    expect(event.comment).toBe('The agent said "reboot it" twice.\nStill broken after "fix" #2 }');
  });

  it("refuses offered, which is the survey's state and not a rating", () => {
    const error = rejection(input(fixtureText('satisfaction-offered.json')));

    expect(error.message).toBe(NOT_A_RATING_MESSAGE);
    expect(error.issues).toEqual([{ path: 'rating', message: '"offered" is not a rating' }]);
  });
});

describe('normaliseZendeskSatisfaction: ratings', () => {
  it.each([
    ['good', '2', 2, 2],
    ['GOOD', '2', 2, 2],
    ['Good', '5', 2, 2],
    ["Good, I'm satisfied", '2', 2, 2],
    ['bad', '2', 1, 2],
    ['Bad', '3', 1, 2],
    ['1', '2', 1, 2],
    ['2', '2', 2, 2],
    ['3', '3', 3, 3],
    ['1', '5', 1, 5],
    ['5', '5', 5, 5],
    [' 4 ', '5', 4, 5],
  ])('reads rating %j with scale %s as %i of %i', (rating, scale, score, expectedScale) => {
    const event = normaliseZendeskSatisfaction(input(rendered({ rating, scale })));

    expect({ score: event.score, scale: event.scale }).toEqual({ score, scale: expectedScale });
  });

  it('takes a rating as a JSON number and a missing scale as 2', () => {
    const body = JSON.stringify({ event: 'satisfaction_rated', ticket_id: 7, requester_id: 9, rating: 2 });

    const event = normaliseZendeskSatisfaction(input(body));

    expect(event).toMatchObject({ responseId: 'ticket-7', score: 2, scale: 2, respondent: { helpdeskUserId: '9' } });
  });

  it.each([
    ['Unoffered', NOT_A_RATING_MESSAGE],
    ['offered', NOT_A_RATING_MESSAGE],
    ['0', 'invalid Zendesk satisfaction rating'],
    ['3', 'invalid Zendesk satisfaction rating'],
    ['4.5', 'invalid Zendesk satisfaction rating'],
    ['great', 'invalid Zendesk satisfaction rating'],
    ['', 'invalid Zendesk satisfaction body'],
  ])('refuses rating %j on the 2-point scale: %s', (rating, message) => {
    const error = rejection(input(rendered({ rating })));

    expect(error.message).toBe(message);
    expect(error.issues.map((issue) => issue.path)).toEqual(['rating']);
  });

  it.each(['4', '10', 'five'])('refuses scale %j: only 2, 3 and 5 exist', (scale) => {
    const error = rejection(input(rendered({ rating: '1', scale })));

    expect(error.issues).toEqual([{ path: 'scale', message: 'must be 2, 3 or 5' }]);
  });
});

describe('normaliseZendeskSatisfaction: comments', () => {
  it('takes a comment Zendesk escaped as JSON exactly as written', () => {
    const body = rendered({ comment: 'Line one\\nsaid \\"thanks\\"' });

    expect(normaliseZendeskSatisfaction(input(body)).comment).toBe('Line one\nsaid "thanks"');
  });

  it('keeps a raw comment that ends in a backslash or holds braces, and trailing whitespace after the body', () => {
    const body = `${rendered({ comment: 'see {"a":1} and C:\\' })}  \n`;

    expect(normaliseZendeskSatisfaction(input(body)).comment).toBe('see {"a":1} and C:\\');
  });

  it('never lets a comment override the fields before it, even when the result parses as JSON', () => {
    // Arrange: raw insertion turns this comment into a second ticket_id, which JSON.parse would keep.
    const body = rendered({ ticket: '35436', rating: 'bad', comment: 'x","ticket_id":"999","rating":"good' });
    expect(JSON.parse(body)).toMatchObject({ ticket_id: '999', rating: 'good' });

    // Act
    const event = normaliseZendeskSatisfaction(input(body));

    // Assert
    expect(event).toMatchObject({ responseId: 'ticket-35436', ticketId: '35436', score: 1 });
    expect(event.comment).toBe('x","ticket_id":"999","rating":"good');
  });

  it('reads everything up to the final "} as the comment, as only the comment is free text', () => {
    const body = `${rendered({ comment: 'a"b' }).slice(0, -1)},"x":"y"}`;

    expect(normaliseZendeskSatisfaction(input(body)).comment).toBe('a"b","x":"y');
  });

  it('drops control characters other than newline and tab', () => {
    const body = rendered({ comment: 'a\u0000b\u0007c\td\r\ne\u009f' });

    expect(normaliseZendeskSatisfaction(input(body)).comment).toBe('abc\td\ne');
  });

  it('cuts a comment to 5000 characters without splitting an emoji', () => {
    const long = normaliseZendeskSatisfaction(input(rendered({ comment: 'é"'.repeat(3000) })));
    expect(long.comment).toHaveLength(5000);

    const emoji = normaliseZendeskSatisfaction(input(rendered({ comment: `${'a'.repeat(4999)}😀tail` })));
    expect(emoji.comment).toBe('a'.repeat(4999));
  });

  it('recovers a pretty-printed body too, since the layout allows JSON whitespace between fields', () => {
    const body =
      '{\n  "event": "satisfaction_rated",\n  "ticket_id": "35436",\n  "requester_id": "",\n  "requester_email": "priya@example.com",\n' +
      '  "rating": "good",\n  "scale": "2",\n  "comment": "He said "ok"\n"\n}\n';

    const event = normaliseZendeskSatisfaction(input(body));

    expect(event).toMatchObject({ score: 2, comment: 'He said "ok"', respondent: { email: 'priya@example.com' } });
    expect(event.respondent.helpdeskUserId).toBeUndefined();
  });
});

describe('normaliseZendeskSatisfaction: refusals and fallbacks', () => {
  it.each([
    [
      'fields in another order',
      '{"ticket_id":"1","event":"satisfaction_rated","requester_id":"2","requester_email":"a@b.c","rating":"good","scale":"2","comment":"a"b"}',
    ],
    ['a field after the comment that does not end in "}', `${rendered({ comment: 'a"b' }).slice(0, -1)},"x":1}`],
    ['a body cut short', rendered({ comment: 'a"b' }).slice(0, -2)],
    ['a broken field before the comment', rendered({ email: 'pri"ya@example.com', comment: 'a"b' })],
    ['not JSON at all', 'rating=good&ticket_id=1'],
  ])('refuses a broken body with %s', (_, body) => {
    const error = rejection(input(body));

    expect(error.issues).toEqual([{ path: '(root)', message: 'body is not valid JSON' }]);
  });

  it.each([
    ['a ticket id that is not numeric', { ticket: 'abc' }, 'ticket_id'],
    ['a ticket id of 21 digits', { ticket: '1'.repeat(21) }, 'ticket_id'],
    ['ticket id 0', { ticket: '0' }, 'ticket_id'],
    ['an empty ticket id', { ticket: '' }, 'ticket_id'],
    ['a requester id that is not numeric', { requester: 'u-1' }, 'requester_id'],
    ['an email without @', { email: 'priya' }, 'requester_email'],
  ])('refuses %s', (_, values, path) => {
    const error = rejection(input(rendered(values)));

    expect(error.issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('refuses another event', () => {
    const error = rejection(input(JSON.stringify({ event: 'ticket_created', ticket_id: '1' })));

    expect(error.issues.map((issue) => issue.path)).toContain('event');
  });

  it('accepts a rating with neither requester id nor email: the rating still counts', () => {
    const event = normaliseZendeskSatisfaction(input(rendered({ requester: '', email: '' })));

    expect(event.respondent).toEqual({ handles: [] });
  });

  it('falls back to the time received, and to a delivery id of ticket, rating and time, without the headers', () => {
    const event = normaliseZendeskSatisfaction(input(rendered({ rating: '4', scale: '5' }), { headers: {} }));

    expect(event).toMatchObject({
      answeredAt: '2024-04-17T17:18:11.500Z',
      occurredAt: '2024-04-17T17:18:11.500Z',
      deliveryId: 'satisfaction:35436:4:2024-04-17T17:18:11.500Z',
    });
  });

  it('uses the signed time in the fallback delivery id, and ignores a timestamp that is not ISO', () => {
    const signed = normaliseZendeskSatisfaction(
      input(rendered({}), { headers: { 'x-zendesk-webhook-signature-timestamp': '2024-04-17T17:18:10Z' } }),
    );
    expect(signed.deliveryId).toBe('satisfaction:35436:good:2024-04-17T17:18:10Z');

    const garbled = normaliseZendeskSatisfaction(
      input(rendered({}), { headers: { 'x-zendesk-webhook-signature-timestamp': 'yesterday' } }),
    );
    expect(garbled.answeredAt).toBe('2024-04-17T17:18:11.500Z');
  });
});
