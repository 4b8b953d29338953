import * as z from 'zod';

/** The `event_type` of a submitted response, the only event Typeform's webhooks send. */
export const TYPEFORM_FORM_RESPONSE_EVENT = 'form_response';

/** The field types that ask a 0-10 or 1-n rating and answer with `{ type: 'number', number }`. */
export const TYPEFORM_SCORE_FIELD_TYPES = ['nps', 'opinion_scale'] as const;

const IsoTimestampSchema = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

/** The question an answer is to; older payloads leave `ref` out of the answer (it is in the definition). */
export const TypeformAnswerFieldSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().max(64),
  ref: z.string().max(255).optional(),
});

/**
 * One answer. Its `type` says which value key it carries (`number`, `text`, `email`, `choice`,
 * ...); only those read are typed, the others are allowed and dropped.
 */
export const TypeformAnswerSchema = z.object({
  type: z.string().max(64),
  field: TypeformAnswerFieldSchema,
  number: z.number().optional(),
  text: z.string().optional(),
  email: z.string().optional(),
  choice: z
    .object({ id: z.string().optional(), label: z.string().optional(), ref: z.string().optional(), other: z.string().optional() })
    .optional(),
});
export type TypeformAnswer = z.infer<typeof TypeformAnswerSchema>;

/** A question of the form as it was when the response was submitted. */
export const TypeformDefinitionFieldSchema = z.object({
  id: z.string().min(1).max(255),
  ref: z.string().max(255).optional(),
  type: z.string().max(64),
  title: z.string().optional(),
});

/** The submitted response; `calculated`, `variables`, `ending` and other keys are allowed and dropped. */
export const TypeformFormResponseSchema = z.object({
  form_id: z.string().min(1).max(255),
  /** The response's own id: the same for every delivery of this response. */
  token: z.string().min(1).max(200),
  landed_at: IsoTimestampSchema.optional(),
  submitted_at: IsoTimestampSchema,
  /**
   * The survey link's hidden fields (`?ticket_id=...&email=...`), as the respondent's browser
   * sent them. Values are read by the keys the tenant configured, and checked there.
   */
  hidden: z.record(z.string(), z.unknown()).optional(),
  definition: z.object({ fields: z.array(TypeformDefinitionFieldSchema).max(1000).optional() }).optional(),
  answers: z.array(TypeformAnswerSchema).max(1000).default([]),
});
export type TypeformFormResponse = z.infer<typeof TypeformFormResponseSchema>;

/** The webhook body Typeform POSTs for each submitted response. */
export const TypeformWebhookSchema = z.object({
  /** The delivery's id: Typeform repeats it when it retries. */
  event_id: z.string().min(1).max(256),
  event_type: z.literal(TYPEFORM_FORM_RESPONSE_EVENT, { error: `must be ${TYPEFORM_FORM_RESPONSE_EVENT}` }),
  form_response: TypeformFormResponseSchema,
});
export type TypeformWebhook = z.infer<typeof TypeformWebhookSchema>;
