import * as z from 'zod';
import { RotatingSecretsSchema } from '../../plugin/secret-ref.js';
import { parseJsonPayload, payloadIssues } from '../../http/payload.js';
import type { PayloadIssue } from '../../http/payload.js';
import { InvalidPayloadError } from '../../../domain/errors.js';
import { SurveyAnsweredSchema } from '../../../domain/events.js';
import type { SurveyAnswered } from '../../../domain/events.js';
import { TYPEFORM_FORM_RESPONSE_EVENT, TYPEFORM_SCORE_FIELD_TYPES, TypeformWebhookSchema } from './webhook-schemas.js';
import type { TypeformAnswer, TypeformFormResponse } from './webhook-schemas.js';

const FieldRefSchema = z.string().trim().min(1, 'must be a field ref').max(255);
const HiddenKeySchema = z.string().trim().min(1, 'must be a hidden field name').max(100);

/** The hidden fields of the survey link that say who answered and about which ticket. */
export const TypeformHiddenFieldsSchema = z
  .object({
    /** The hidden field holding the helpdesk ticket the survey is about. */
    ticketId: HiddenKeySchema.default('ticket_id'),
    email: HiddenKeySchema.default('email'),
    /** The hidden field holding the respondent's helpdesk user id. */
    userId: HiddenKeySchema.default('user_id'),
    /** The hidden field holding the tenant's own id of the respondent (a CRM id). */
    externalId: HiddenKeySchema.default('external_id'),
    name: HiddenKeySchema.optional(),
  })
  .strict();

/**
 * A tenant's `sources.typeform` entry: the webhook's secrets, and where in the form the score,
 * the comment and the respondent are. Defaults: kind `nps`, scale 10, hidden fields `ticket_id`,
 * `email`, `user_id` and `external_id`.
 */
export const TypeformSourceSchema = z
  .object({
    /** The webhook's `secret` (1-3 during rotation), set through Typeform's Webhooks API. */
    signingSecrets: RotatingSecretsSchema,
    /** The ref of the NPS or opinion-scale question whose answer is the score. */
    scoreField: FieldRefSchema,
    /** The ref of a long_text or short_text question whose answer is the comment. */
    commentField: FieldRefSchema.optional(),
    kind: z.enum(['nps', 'csat']).default('nps'),
    /** The top of the scale: 10 for NPS; for CSAT the opinion scale's steps, e.g. 5. */
    scale: z.int().min(2).max(100).default(10),
    hidden: TypeformHiddenFieldsSchema.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.kind === 'nps' && config.scale !== 10) {
      ctx.addIssue({ code: 'custom', path: ['scale'], message: 'an NPS question is scored 0-10: scale must be 10 (or left out)' });
    }
    if (config.commentField === config.scoreField) {
      ctx.addIssue({ code: 'custom', path: ['commentField'], message: 'must be another question than scoreField' });
    }
  });
export type TypeformSourceConfig = z.output<typeof TypeformSourceSchema>;

/** What normalising reads of the source's configuration: everything but its secrets. */
export type TypeformMapping = Omit<TypeformSourceConfig, 'signingSecrets'>;

/** What normalising a verified Typeform delivery needs. */
export interface TypeformNormaliseInput {
  tenant: string;
  /** The source name the webhook was posted to (`/webhooks/{tenant}/{source}`). */
  source: string;
  /** The verified body text. */
  rawBody: string;
  receivedAt: Date;
  mapping: TypeformMapping;
}

const MAX_COMMENT_LENGTH = 5000;
const NO_IDENTITY = 'the survey link carried no email, user id or external id in its hidden fields';

// The link's hidden fields arrive as the respondent's browser sent them; blank means the link lacked the value.
function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const HiddenIdentitySchema = z.object({
  ticketId: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits or ._:-')
      .optional(),
  ),
  email: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'must be a string' })
      .max(254, 'must be at most 254 characters')
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .optional(),
  ),
  userId: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9._:@-]{1,64}$/, 'must be 1-64 letters, digits or ._:@-')
      .optional(),
  ),
  // As long as the generic webhooks and imports take one.
  externalId: z.preprocess(blankToUndefined, z.string({ error: 'must be a string' }).max(128, 'must be at most 128 characters').optional()),
  name: z.preprocess(blankToUndefined, z.string({ error: 'must be a string' }).max(200, 'must be at most 200 characters').optional()),
});
type HiddenIdentity = z.infer<typeof HiddenIdentitySchema>;

/**
 * Maps a verified Typeform `form_response` to a SurveyAnswered event: the answer to the
 * configured score question (an `nps` or `opinion_scale` field, found by its ref) is the score,
 * the configured text question the comment, and the survey link's hidden fields the respondent
 * and the ticket. The delivery id is the `event_id`, the response id Typeform's `token`.
 *
 * @example
 * const event = normaliseTypeformResponse({ tenant: 'acme', source: 'typeform', rawBody, receivedAt: new Date(), mapping });
 * event.score; // 9
 * @throws InvalidPayloadError for a body that is not JSON, another event type, no answer to the
 *   score question, a score outside the scale, or hidden fields that name nobody; `issues` name
 *   the offending fields.
 */
export function normaliseTypeformResponse(input: TypeformNormaliseInput): SurveyAnswered {
  const json = parseJsonPayload(input.rawBody, 'Typeform body is not valid JSON');
  rejectOtherEvents(json);
  const parsed = TypeformWebhookSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPayloadError(`invalid Typeform ${TYPEFORM_FORM_RESPONSE_EVENT} body`, payloadIssues(parsed.error));
  const { event_id: eventId, form_response: response } = parsed.data;
  const { mapping } = input;

  const answers = new Answers(response);
  const score = scoreOf(answers, mapping);
  const comment = mapping.commentField === undefined ? undefined : commentOf(answers, mapping.commentField);
  const identity = hiddenIdentity(response, mapping);

  const result = SurveyAnsweredSchema.safeParse({
    type: 'SurveyAnswered',
    tenant: input.tenant,
    source: input.source,
    deliveryId: eventId,
    occurredAt: response.submitted_at,
    // A response is submitted once; its deliveries are retries of one version.
    revisedAt: response.submitted_at,
    receivedAt: input.receivedAt.toISOString(),
    responseId: response.token,
    answeredAt: response.submitted_at,
    kind: mapping.kind,
    score,
    scale: mapping.scale,
    comment,
    respondent: {
      helpdeskUserId: identity.userId,
      email: identity.email,
      externalId: identity.externalId,
      name: identity.name,
      handles: [],
    },
    // Hidden fields travel in the survey link, where the respondent can change them.
    respondentVerified: false,
    ticketId: identity.ticketId,
  } satisfies z.input<typeof SurveyAnsweredSchema>);
  if (!result.success) throw new InvalidPayloadError('Typeform payload does not make a valid survey answer', payloadIssues(result.error));
  return result.data;
}

/** The answers of a response by field ref, resolving the ref through the definition when an answer lacks it. */
class Answers {
  readonly #answers: readonly TypeformAnswer[];
  readonly #refsById: ReadonlyMap<string, string>;

  constructor(response: TypeformFormResponse) {
    this.#answers = response.answers;
    const refs = new Map<string, string>();
    for (const field of response.definition?.fields ?? []) if (field.ref !== undefined) refs.set(field.id, field.ref);
    this.#refsById = refs;
  }

  /** The first answer to the question with this ref, and its path in the body. */
  find(ref: string): { answer: TypeformAnswer; path: string } | undefined {
    const index = this.#answers.findIndex((answer) => this.#refOf(answer) === ref);
    const answer = this.#answers[index];
    return answer === undefined ? undefined : { answer, path: `form_response.answers.${index}` };
  }

  /** The refs that were answered, quoted and cut short, for a message. */
  describeRefs(): string {
    if (this.#answers.length === 0) return 'the response has no answers';
    const refs = this.#answers.map((answer) => JSON.stringify((this.#refOf(answer) ?? `(id ${answer.field.id})`).slice(0, 64)));
    const shown = refs.slice(0, 20).join(', ');
    return `the answered refs are ${shown}${refs.length > 20 ? `, and ${refs.length - 20} more` : ''}`;
  }

  #refOf(answer: TypeformAnswer): string | undefined {
    return answer.field.ref ?? this.#refsById.get(answer.field.id);
  }
}

function scoreOf(answers: Answers, mapping: TypeformMapping): number {
  const ref = mapping.scoreField;
  const found = answers.find(ref);
  if (found === undefined) {
    throw new InvalidPayloadError(`Typeform response has no answer to the score question ${JSON.stringify(ref)}`, [
      { path: 'form_response.answers', message: `no answer to field ref ${JSON.stringify(ref)}; ${answers.describeRefs()}` },
    ]);
  }
  const { answer, path } = found;
  const fieldTypes: readonly string[] = TYPEFORM_SCORE_FIELD_TYPES;
  if (!fieldTypes.includes(answer.field.type)) {
    throw scoreError(
      `${path}.field.type`,
      `the score question ${JSON.stringify(ref)} must be an nps or opinion_scale question, not ${quoted(answer.field.type)}`,
    );
  }
  if (answer.type !== 'number' || answer.number === undefined) {
    throw scoreError(`${path}.number`, `the answer to ${JSON.stringify(ref)} must be a number answer, not ${quoted(answer.type)}`);
  }
  const score = answer.number;
  if (mapping.kind === 'nps') {
    if (!Number.isInteger(score) || score < 0 || score > 10)
      throw scoreError(`${path}.number`, `an NPS answer is a whole number from 0 to 10, got ${score}`);
    return score;
  }
  if (score === 0) {
    throw scoreError(
      `${path}.number`,
      `got 0: the opinion scale starts at 0, but a CSAT answer is 1 to ${mapping.scale}; make the question start at one, or configure it as nps`,
    );
  }
  if (!Number.isInteger(score) || score < 1)
    throw scoreError(`${path}.number`, `a CSAT answer is a whole number from 1 to ${mapping.scale}, got ${score}`);
  if (score > mapping.scale) {
    throw scoreError(
      `${path}.number`,
      `got ${score}, above the configured scale of ${mapping.scale}: the question has more steps than the source's scale`,
    );
  }
  return score;
}

function scoreError(path: string, message: string): InvalidPayloadError {
  return new InvalidPayloadError(`invalid Typeform score answer: ${message}`, [{ path, message }]);
}

function commentOf(answers: Answers, ref: string): string | undefined {
  // An optional comment question the respondent skipped has no answer at all.
  const found = answers.find(ref);
  if (found === undefined) return undefined;
  const { answer, path } = found;
  if (answer.type !== 'text' || answer.text === undefined) {
    const message = `the comment question ${JSON.stringify(ref)} must be a long_text or short_text question, not ${quoted(answer.field.type)}`;
    throw new InvalidPayloadError(`invalid Typeform comment answer: ${message}`, [{ path: `${path}.text`, message }]);
  }
  const text = answer.text.trim();
  // Cut rather than refused: an essay of a comment must not cost the score with it.
  return text === '' ? undefined : text.slice(0, MAX_COMMENT_LENGTH);
}

/**
 * The respondent and the ticket from the link's hidden fields. The link's query string is the
 * respondent's to edit, so these name whom the link was sent to only as far as the link stays
 * private: the trust any reply to a survey email gets.
 */
function hiddenIdentity(response: TypeformFormResponse, mapping: TypeformMapping): HiddenIdentity {
  const keys = mapping.hidden;
  const hidden = response.hidden ?? {};
  const read = (key: string | undefined): unknown => (key !== undefined && Object.hasOwn(hidden, key) ? hidden[key] : undefined);
  const parsed = HiddenIdentitySchema.safeParse({
    ticketId: read(keys.ticketId),
    email: read(keys.email),
    userId: read(keys.userId),
    externalId: read(keys.externalId),
    name: read(keys.name),
  });
  if (!parsed.success) {
    const issues: PayloadIssue[] = parsed.error.issues.map((issue) => {
      const part = issue.path[0];
      const key =
        part === 'ticketId' || part === 'email' || part === 'userId' || part === 'externalId' || part === 'name' ? keys[part] : undefined;
      return { path: `form_response.hidden.${key ?? String(part)}`, message: issue.message };
    });
    throw new InvalidPayloadError('invalid Typeform hidden fields', issues);
  }
  if (parsed.data.email === undefined && parsed.data.userId === undefined && parsed.data.externalId === undefined) {
    const names = [keys.email, keys.userId, keys.externalId].map((key) => JSON.stringify(key));
    throw new InvalidPayloadError(NO_IDENTITY, [
      {
        path: 'form_response.hidden',
        message: `expected a non-empty ${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''} hidden field`,
      },
    ]);
  }
  return parsed.data;
}

/** An event of another type gets a message that says so, instead of every field that differs. */
function rejectOtherEvents(json: unknown): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPayloadError(`invalid Typeform ${TYPEFORM_FORM_RESPONSE_EVENT} body`, [
      { path: '(root)', message: 'must be a JSON object' },
    ]);
  }
  const type: unknown = 'event_type' in json ? json.event_type : undefined;
  if (type === TYPEFORM_FORM_RESPONSE_EVENT) return;
  throw new InvalidPayloadError(`unsupported Typeform event type ${quoted(type)}`, [
    { path: 'event_type', message: `expected ${TYPEFORM_FORM_RESPONSE_EVENT}, got ${quoted(type)}` },
  ]);
}

/** The sender's text, quoted and cut short so it cannot flood or forge a message. */
function quoted(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 100));
  return value === undefined ? 'nothing' : `a ${value === null ? 'null' : typeof value}`;
}
