import * as z from 'zod';

/** The `event` value of the satisfaction trigger body we document. */
export const ZENDESK_SATISFACTION_EVENT = 'satisfaction_rated';

/**
 * The JSON body an admin pastes into the satisfaction trigger's "Notify by > Active webhook"
 * action, on one line and in this order. The comment is last on purpose: placeholders are
 * inserted raw, so a quote or a newline in it breaks the JSON, and only a last field can be
 * recovered from a broken body. `scale` is the survey's scale (2 for legacy good/bad CSAT; 2, 3
 * or 5 for the newer CSAT).
 */
export const ZENDESK_SATISFACTION_BODY_TEMPLATE =
  '{"event":"satisfaction_rated","ticket_id":"{{ticket.id}}","requester_id":"{{ticket.requester.id}}",' +
  '"requester_email":"{{ticket.requester.email}}","rating":"{{satisfaction.current_rating}}","scale":"2",' +
  '"comment":"{{satisfaction.current_comment}}"}';

/** The scales the newer CSAT offers; legacy good/bad is the 2-point one. */
export const ZENDESK_CSAT_SCALES = [2, 3, 5] as const;

/** The longest comment kept; longer ones are cut, not refused, so the rating still counts. */
export const ZENDESK_COMMENT_MAX_LENGTH = 5000;

const ID_DIGITS = /^\d{1,20}$/;

// Placeholders Zendesk cannot fill render as empty strings; those mean "absent".
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

// The template quotes ids; a body an admin wrote by hand may not.
const IdSchema = (message: string) =>
  z
    .union([z.string(), z.int().nonnegative()], { error: message })
    .transform((id) => String(id))
    .refine((id) => ID_DIGITS.test(id) && /[1-9]/.test(id), message);

const ScaleSchema = z.preprocess(
  (value) => {
    const blank = blankToUndefined(value);
    return typeof blank === 'string' && /^\d+$/.test(blank) ? Number(blank) : blank;
  },
  z
    .union(
      ZENDESK_CSAT_SCALES.map((scale) => z.literal(scale)),
      { error: `must be ${ZENDESK_CSAT_SCALES.join(', ').replace(/, (\d)$/, ' or $1')}` },
    )
    .default(2),
);

/**
 * Drops control characters other than newline and tab (a raw placeholder can carry anything),
 * trims, and cuts the comment to ZENDESK_COMMENT_MAX_LENGTH without splitting a surrogate pair.
 *
 * @example cleanComment('Thanks\u0000!\r\n') // 'Thanks!'
 */
export function cleanComment(text: string): string | undefined {
  const cleaned = text.replace(/(?![\n\t])\p{Cc}/gu, '').trim();
  if (cleaned === '') return undefined;
  if (cleaned.length <= ZENDESK_COMMENT_MAX_LENGTH) return cleaned;
  const cut = cleaned.slice(0, ZENDESK_COMMENT_MAX_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The body our documented satisfaction trigger sends; unknown fields are dropped. */
export const ZendeskSatisfactionBodySchema = z.object({
  event: z.literal(ZENDESK_SATISFACTION_EVENT),
  ticket_id: z.preprocess(blankToUndefined, IdSchema('must be a Zendesk ticket id: 1 to 20 digits')),
  requester_id: z.preprocess(blankToUndefined, IdSchema('must be a numeric Zendesk user id').optional()),
  requester_email: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .optional(),
  ),
  /** As `{{satisfaction.current_rating}}` renders it: a word (legacy) or a number (newer CSAT); read by `zendeskRating`. */
  rating: z.preprocess(blankToUndefined, z.union([z.string(), z.number()], { error: 'is required: good, bad or a number' })),
  scale: ScaleSchema,
  comment: z
    .preprocess((value) => (value === null ? undefined : value), z.string().optional())
    .transform((text) => (text === undefined ? undefined : cleanComment(text))),
});
export type ZendeskSatisfactionBody = z.infer<typeof ZendeskSatisfactionBodySchema>;

/** A rating read: a CSAT score on its scale, or why it is none. */
export type ZendeskRating =
  | { kind: 'rated'; score: number; scale: number; label: string }
  | { kind: 'not-a-rating'; label: string }
  | { kind: 'invalid'; message: string };

/**
 * Reads the rating placeholder. Legacy words (`good`, `bad`, any case, also longer renderings
 * such as `Good, I'm satisfied`, matched on the leading word) are the 2-point scale whatever
 * `scale` says, since good and bad are what Zendesk collapses every scale to; a number is a
 * score from 1 to `scale`. `offered` and `unoffered` are states of the survey, not ratings.
 *
 * @example zendeskRating('Good, I\'m satisfied', 2) // { kind: 'rated', score: 2, scale: 2, label: 'good' }
 * @example zendeskRating('4', 5) // { kind: 'rated', score: 4, scale: 5, label: '4' }
 */
export function zendeskRating(rating: string | number, scale: number): ZendeskRating {
  const text = String(rating).trim();
  const word = /^[a-z]+/i.exec(text)?.[0]?.toLowerCase();
  if (word === 'good') return { kind: 'rated', score: 2, scale: 2, label: 'good' };
  if (word === 'bad') return { kind: 'rated', score: 1, scale: 2, label: 'bad' };
  if (word === 'offered' || word === 'unoffered') return { kind: 'not-a-rating', label: word };
  if (/^\d+$/.test(text)) {
    const score = Number(text);
    if (score >= 1 && score <= scale) return { kind: 'rated', score, scale, label: String(score) };
    return { kind: 'invalid', message: `must be a rating from 1 to ${scale} (the body's scale), got ${score}` };
  }
  return { kind: 'invalid', message: `must be good, bad or a number from 1 to ${scale}, got ${JSON.stringify(text.slice(0, 40))}` };
}
