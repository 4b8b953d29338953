import * as z from 'zod';

/** Fires the moment a person gives a score, usually before any comment. */
export const DELIGHTED_RESPONSE_CREATED = 'survey_response.created';

/** Fires whenever the score or the comment of a response changes; most comments arrive this way. */
export const DELIGHTED_RESPONSE_UPDATED = 'survey_response.updated';

/** Fires the moment a person unsubscribes from the account's surveys. */
export const DELIGHTED_UNSUBSCRIBE_CREATED = 'unsubscribe.created';

/** Every event type a Delighted webhook sends, in the order Delighted documents them. */
export const DELIGHTED_EVENT_TYPES = [DELIGHTED_RESPONSE_CREATED, DELIGHTED_RESPONSE_UPDATED, DELIGHTED_UNSUBSCRIBE_CREATED] as const;

// Delighted renders a value it does not have as null (an SMS person's email, say): null and "" mean absent.
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
    schema.optional(),
  );
}

/** Unix seconds, as Delighted stamps everything, up to the last second of year 9999. */
const UnixSecondsSchema = z
  .int({ error: 'must be Unix seconds' })
  .min(0, 'must be Unix seconds')
  .max(253_402_300_799, 'must be Unix seconds');

/** Delighted's ids are strings of digits in its examples; a number is taken too, as a string. */
const IdSchema = z
  .union([z.string().trim().min(1).max(200), z.int().nonnegative()], { error: 'must be a non-empty string or a whole number' })
  .transform((id) => String(id));

const EmailSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(254, 'must be at most 254 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

const NameSchema = z.string({ error: 'must be a string' }).trim().max(200, 'must be at most 200 characters');

/** The person who answered; an SMS survey's person may have no email. */
export const DelightedPersonSchema = z.object({
  id: optional(IdSchema),
  email: optional(EmailSchema),
  name: optional(NameSchema),
  created_at: optional(UnixSecondsSchema),
});

/** A survey response; `permalink`, `notes`, `tags`, `additional_answers` and other keys are allowed and dropped. */
export const DelightedSurveyResponseSchema = z.object({
  /** The response's id: a created-then-updated response keeps it. */
  id: IdSchema,
  person: z.preprocess((value) => value ?? {}, DelightedPersonSchema),
  /** `nps`, `csat`, `ces`, `pmf`, `smileys`, `thumbs`, `enps`, ... */
  survey_type: z.string({ error: 'must be a string' }).min(1).max(40),
  score: z.number({ error: 'must be a number' }),
  comment: optional(z.string({ error: 'must be a string' })),
  created_at: UnixSecondsSchema,
  updated_at: optional(UnixSecondsSchema),
  /** The properties the account sent with the person (`Ticket ID`, `User ID`, ...), by name; often null. */
  person_properties: optional(z.record(z.string(), z.unknown(), { error: 'must be an object of properties' })),
});
export type DelightedSurveyResponse = z.infer<typeof DelightedSurveyResponseSchema>;

/**
 * An unsubscribe. Its shape is not documented: this takes the one the unsubscribes API returns
 * (`person_id`, `email`, `name`, `unsubscribed_at`) and a `person` object like a response's.
 */
export const DelightedUnsubscribeSchema = z.object({
  person_id: optional(IdSchema),
  email: optional(EmailSchema),
  name: optional(NameSchema),
  unsubscribed_at: optional(UnixSecondsSchema),
  person: optional(DelightedPersonSchema),
});
export type DelightedUnsubscribe = z.infer<typeof DelightedUnsubscribeSchema>;

const EnvelopeSchema = z.object({
  /** The delivery's id, in Delighted's documented example; absent, a key is built from the event. */
  event_id: optional(z.string({ error: 'must be a string' }).trim().min(1).max(256)),
  event_creation_timestamp: optional(UnixSecondsSchema),
});

/** A `survey_response.created` or `survey_response.updated` webhook body. */
export const DelightedSurveyResponseEventSchema = EnvelopeSchema.extend({
  event_type: z.enum([DELIGHTED_RESPONSE_CREATED, DELIGHTED_RESPONSE_UPDATED]),
  event_data: DelightedSurveyResponseSchema,
});
export type DelightedSurveyResponseEvent = z.infer<typeof DelightedSurveyResponseEventSchema>;

/** An `unsubscribe.created` webhook body. */
export const DelightedUnsubscribeEventSchema = EnvelopeSchema.extend({
  event_type: z.literal(DELIGHTED_UNSUBSCRIBE_CREATED),
  event_data: DelightedUnsubscribeSchema,
});
export type DelightedUnsubscribeEvent = z.infer<typeof DelightedUnsubscribeEventSchema>;
