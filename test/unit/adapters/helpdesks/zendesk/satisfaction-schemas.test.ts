import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  ZENDESK_COMMENT_MAX_LENGTH,
  ZENDESK_SATISFACTION_BODY_TEMPLATE,
  ZendeskSatisfactionBodySchema,
  cleanComment,
  zendeskRating,
} from '../../../../../shared/adapters/helpdesks/zendesk/satisfaction-schemas.js';

describe('ZENDESK_SATISFACTION_BODY_TEMPLATE', () => {
  it('is the documented one-line body, with the comment last', () => {
    // Arrange
    const template = z.record(z.string(), z.string()).parse(JSON.parse(ZENDESK_SATISFACTION_BODY_TEMPLATE));

    // Assert
    expect(ZENDESK_SATISFACTION_BODY_TEMPLATE).toBe(
      '{"event":"satisfaction_rated","ticket_id":"{{ticket.id}}","requester_id":"{{ticket.requester.id}}","requester_email":"{{ticket.requester.email}}","rating":"{{satisfaction.current_rating}}","scale":"2","comment":"{{satisfaction.current_comment}}"}',
    );
    expect(Object.keys(template).at(-1)).toBe('comment');
  });
});

describe('zendeskRating', () => {
  it.each([
    ['good', 2, { kind: 'rated', score: 2, scale: 2, label: 'good' }],
    ["Bad, I'm unsatisfied", 2, { kind: 'rated', score: 1, scale: 2, label: 'bad' }],
    // A word is the collapsed 2-point reading, whatever scale the body names.
    ['Good', 5, { kind: 'rated', score: 2, scale: 2, label: 'good' }],
    [3, 3, { kind: 'rated', score: 3, scale: 3, label: '3' }],
    ['5', 5, { kind: 'rated', score: 5, scale: 5, label: '5' }],
    ['UNOFFERED', 2, { kind: 'not-a-rating', label: 'unoffered' }],
  ])('reads %j on a %i-point scale', (rating, scale, expected) => {
    expect(zendeskRating(rating, scale)).toEqual(expected);
  });

  it.each([
    ['6', 5],
    ['0', 2],
    ['goodish', 2],
    ['-1', 5],
  ])('calls %j on a %i-point scale invalid', (rating, scale) => {
    expect(zendeskRating(rating, scale).kind).toBe('invalid');
  });
});

describe('cleanComment', () => {
  it('drops control characters but newline and tab, trims, and reads blank as none', () => {
    expect(cleanComment(' \u0001ok\u001b\tfine\r\nnext\u007f ')).toBe('ok\tfine\nnext');
    expect(cleanComment(' \u0000\r\n ')).toBeUndefined();
  });

  it(`keeps ${ZENDESK_COMMENT_MAX_LENGTH} characters at most`, () => {
    expect(cleanComment('x'.repeat(ZENDESK_COMMENT_MAX_LENGTH + 1))).toHaveLength(ZENDESK_COMMENT_MAX_LENGTH);
    expect(cleanComment('x'.repeat(ZENDESK_COMMENT_MAX_LENGTH))).toHaveLength(ZENDESK_COMMENT_MAX_LENGTH);
  });
});

describe('ZendeskSatisfactionBodySchema', () => {
  it('reads blank placeholders as absent and ids as strings', () => {
    const parsed = ZendeskSatisfactionBodySchema.parse({
      event: 'satisfaction_rated',
      ticket_id: 35436,
      requester_id: ' ',
      requester_email: '',
      rating: 'good',
      scale: '',
      comment: null,
    });

    expect(parsed).toEqual({ event: 'satisfaction_rated', ticket_id: '35436', rating: 'good', scale: 2 });
  });

  it('takes the scale as a number or a string of digits', () => {
    const base = { event: 'satisfaction_rated', ticket_id: '1', rating: '3' };

    expect(ZendeskSatisfactionBodySchema.parse({ ...base, scale: 3 }).scale).toBe(3);
    expect(ZendeskSatisfactionBodySchema.parse({ ...base, scale: ' 5 ' }).scale).toBe(5);
    expect(ZendeskSatisfactionBodySchema.safeParse({ ...base, scale: 2.5 }).success).toBe(false);
  });
});
