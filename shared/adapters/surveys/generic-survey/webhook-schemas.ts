import * as z from 'zod';
import { blankToUndefined, idSchema } from '../../webhooks/json-fields.js';

/** The `type` of the documented body any survey tool (or an integration platform) sends for an answer. */
export const GENERIC_SURVEY_ANSWERED_TYPE = 'survey.answered';

/** The message when a respondent carries nothing to recognise the customer by. */
export const RESPONDENT_IDENTITY_MESSAGE = 'respondent needs an id, email or external_id';

const IsoTimestampSchema = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

const ResponseIdSchema = z
  .union([z.string().trim(), z.int()], { error: 'must be a string or a number' })
  .transform((id) => String(id))
  .pipe(z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'));

const TicketIdSchema = idSchema(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits or ._:-, as a string or a number');

// The same form a helpdesk user id takes in imports and commands.
const UserIdSchema = idSchema(/^[A-Za-z0-9._:@-]{1,64}$/, 'must be 1-64 letters, digits or ._:@-, as a string or a number');

/** Whoever answered; every field is optional, but one identity is required (see the body schema). */
export const GenericSurveyRespondentSchema = z.object({
  /** The respondent's helpdesk user id. */
  id: z.preprocess(blankToUndefined, UserIdSchema.optional()),
  email: z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(254, 'must be at most 254 characters')
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .optional(),
  ),
  /** The tenant's own id of the customer (a CRM id), as imports use it. */
  external_id: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().max(128), z.int()])
      .transform((id) => String(id))
      .optional(),
  ),
  name: z.preprocess(blankToUndefined, z.string().max(200).optional()),
});
export type GenericSurveyRespondent = z.infer<typeof GenericSurveyRespondentSchema>;

/**
 * The documented `survey.answered` body, signed with Standard Webhooks; unknown fields are allowed
 * and dropped. `kind` is `nps` (a whole `score` from 0 to 10; `scale` 10 or left out) or `csat`
 * (a whole `score` from 1 to `scale`, which is then required). A later body with the same
 * `response_id` (a changed score or an added comment) replaces the answer; it says when with
 * `updated_at`.
 *
 * @example { "type": "survey.answered", "response_id": "r-123", "answered_at": "2026-12-01T10:00:00Z", "kind": "nps", "score": 3, "respondent": { "email": "ada@example.com" } }
 */
export const GenericSurveyAnsweredSchema = z
  .object({
    type: z.literal(GENERIC_SURVEY_ANSWERED_TYPE, { error: `must be ${GENERIC_SURVEY_ANSWERED_TYPE}` }),
    /** The survey tool's id of the answer: the same for every body about it. */
    response_id: ResponseIdSchema,
    /** When the answer was first given. */
    answered_at: IsoTimestampSchema,
    /** When it was last changed; absent for a first answer. */
    updated_at: z.preprocess(blankToUndefined, IsoTimestampSchema.optional()),
    kind: z.enum(['nps', 'csat'], { error: 'must be nps or csat' }),
    score: z.number({ error: 'must be a number' }),
    scale: z.preprocess(
      blankToUndefined,
      z.int({ error: 'must be a whole number' }).min(2, 'must be at least 2').max(100, 'must be at most 100').optional(),
    ),
    comment: z.preprocess(blankToUndefined, z.string().max(5000, 'must be at most 5000 characters').optional()),
    /** The helpdesk ticket the survey was about. */
    ticket_id: z.preprocess(blankToUndefined, TicketIdSchema.optional()),
    respondent: z.preprocess((value) => value ?? {}, GenericSurveyRespondentSchema),
  })
  .superRefine((body, ctx) => {
    const { id, email, external_id: externalId } = body.respondent;
    if (id === undefined && email === undefined && externalId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['respondent'], message: RESPONDENT_IDENTITY_MESSAGE });
    }
    if (body.kind === 'nps') {
      if (body.scale !== undefined && body.scale !== 10) {
        ctx.addIssue({ code: 'custom', path: ['scale'], message: 'an NPS answer is on the 0-10 scale: leave scale out or set it to 10' });
      }
      if (!Number.isInteger(body.score) || body.score < 0 || body.score > 10) {
        ctx.addIssue({ code: 'custom', path: ['score'], message: `an NPS score is a whole number from 0 to 10, got ${body.score}` });
      }
    } else if (body.scale === undefined) {
      ctx.addIssue({ code: 'custom', path: ['scale'], message: 'a CSAT answer needs its scale, e.g. 5 for a 1-5 rating' });
    } else if (!Number.isInteger(body.score) || body.score < 1 || body.score > body.scale) {
      ctx.addIssue({
        code: 'custom',
        path: ['score'],
        message: `a CSAT score is a whole number from 1 to its scale ${body.scale}, got ${body.score}`,
      });
    }
    if (body.updated_at !== undefined && Date.parse(body.updated_at) < Date.parse(body.answered_at)) {
      ctx.addIssue({ code: 'custom', path: ['updated_at'], message: 'must not be before answered_at' });
    }
  });
export type GenericSurveyAnswered = z.infer<typeof GenericSurveyAnsweredSchema>;
