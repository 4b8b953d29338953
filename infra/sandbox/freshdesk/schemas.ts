/** What the sandbox Freshdesk accepts: the bodies and queries of its API, refused as Freshdesk refuses them. */
import * as z from 'zod';
import { fail, type HttpFailure, isPlainObject, mediaType, type PartRequest } from '../http.js';

const SOURCES = [1, 2, 3, 5, 6, 7, 9, 10] as const;

/** Freshdesk's 429 body. */
export const RATE_LIMIT_BODY = { message: 'You have exceeded the limit of requests per minute' };
const INVALID_JSON = { code: 'invalid_json', message: 'Request body has invalid json format' };

/** Fields of the real API that the sandbox does not model: refused with a message saying so, not as typos. */
const NOT_MODELLED = new Set([
  'attachments',
  'cc_emails',
  'company_id',
  'due_by',
  'email_config_id',
  'facebook_id',
  'fr_due_by',
  'internal_agent_id',
  'internal_group_id',
  'lookup_parameter',
  'parent_id',
  'phone',
  'product_id',
  'twitter_id',
  'unique_external_id',
]);

const oneOf = <const T extends readonly [number, ...number[]]>(values: T) =>
  z.literal(values, { error: `It should be one of these values: '${values.join(',')}'` });
const IdSchema = z.int({ error: 'It should be a/an Positive Integer' }).positive({ error: 'It should be a/an Positive Integer' });
const TextSchema = (max: number) =>
  z
    .string({ error: 'It should be a/an String' })
    .trim()
    .min(1, { error: 'It should not be blank' })
    .max(max, { error: `It can have maximum of ${max} characters` });
const TagsSchema = z.array(
  z
    .string({ error: 'It should contain elements of type String only' })
    .trim()
    .min(1, { error: 'It should not contain empty elements' })
    .max(32, { error: 'It should only contain elements that have maximum of 32 characters' }),
  { error: 'It should be a/an Array' },
);
const CustomFieldsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
  error: 'It should be a/an key/value pair',
});
const EmailSchema = z.email({ error: "It should be in the 'valid email address' format" });

/** `PUT /api/v2/tickets/{id}`: the fields the sandbox models. */
export const TicketUpdateSchema = z.strictObject({
  priority: oneOf([1, 2, 3, 4]).optional(),
  status: oneOf([2, 3, 4, 5]).optional(),
  group_id: IdSchema.nullable().optional(),
  responder_id: IdSchema.nullable().optional(),
  tags: TagsSchema.optional(),
  subject: TextSchema(255).optional(),
  type: z.string({ error: 'It should be a/an String' }).nullable().optional(),
  custom_fields: CustomFieldsSchema.optional(),
});
/** A parsed ticket update. */
export type TicketUpdateInput = z.infer<typeof TicketUpdateSchema>;

/** `POST /api/v2/tickets`: a requester by id or email, and the fields the sandbox models. */
export const TicketCreateSchema = z
  .strictObject({
    email: EmailSchema.optional(),
    requester_id: IdSchema.optional(),
    name: TextSchema(255).optional(),
    subject: TextSchema(255),
    description: z.string({ error: 'It should be a/an String' }),
    priority: oneOf([1, 2, 3, 4]).optional(),
    status: oneOf([2, 3, 4, 5]).optional(),
    source: oneOf(SOURCES).optional(),
    tags: TagsSchema.optional(),
    group_id: IdSchema.nullable().optional(),
    responder_id: IdSchema.nullable().optional(),
    type: z.string({ error: 'It should be a/an String' }).nullable().optional(),
    custom_fields: CustomFieldsSchema.optional(),
  })
  .refine((ticket) => ticket.email !== undefined || ticket.requester_id !== undefined, {
    path: ['requester_id'],
    message: 'Please fill at least 1 of email, requester_id fields',
  });

/** `POST /api/v2/tickets/{id}/notes`. */
export const NoteCreateSchema = z.strictObject({
  body: TextSchema(1_000_000),
  private: z.boolean({ error: 'It should be a/an Boolean' }).optional(),
  incoming: z.boolean({ error: 'It should be a/an Boolean' }).optional(),
  notify_emails: z.array(EmailSchema, { error: 'It should be a/an Array' }).optional(),
  user_id: IdSchema.optional(),
});

/** A parsed ticket creation. */
export type TicketCreateInput = z.infer<typeof TicketCreateSchema>;
/** A parsed note. */
export type NoteCreateInput = z.infer<typeof NoteCreateSchema>;

/** Query parameters each listing or show accepts; any other is refused, as Freshdesk does. */
const QUERY_PARAMS = { ticket: ['include'], conversations: ['page', 'per_page'], none: [] } as const satisfies Record<
  string,
  readonly string[]
>;

/** Freshdesk answers a missing record, or a path it does not know, with an empty 404. */
export function notFound(): HttpFailure {
  return fail(404, '', { 'content-type': 'application/json; charset=utf-8' });
}

/** Freshdesk's 405, naming the methods the resource takes. */
export function methodNotAllowed(allowed: string): HttpFailure {
  return fail(405, { code: 'method_not_allowed', message: `${allowed} method(s) supported for this resource` }, { allow: allowed });
}

/** Freshdesk's 400 `Validation failed`, one error per field. */
export function validationFailed(errors: { field: string; message: string; code: string }[]): HttpFailure {
  return fail(400, { description: 'Validation failed', errors });
}

/** Refuses query parameters the resource does not take, as Freshdesk does. */
export function checkQuery(query: URLSearchParams, kind: keyof typeof QUERY_PARAMS): void {
  const allowed: readonly string[] = QUERY_PARAMS[kind];
  const unknown = [...new Set(query.keys())].filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw validationFailed(unknown.map((field) => ({ field, message: 'Unexpected/invalid field in request', code: 'invalid_field' })));
  }
}

/** `include=` values the sandbox models; `company` is real but not modelled, so refused. */
export function includes(query: URLSearchParams): string[] {
  checkQuery(query, 'ticket');
  const raw = query.get('include');
  if (raw === null) return [];
  const values = raw.split(',').map((value) => value.trim());
  const bad = values.filter((value) => value !== 'requester' && value !== 'conversations' && value !== 'stats');
  if (bad.length > 0) {
    throw validationFailed([
      {
        field: 'include',
        message: "It should be one of these values: 'requester,conversations,stats' (the sandbox models no others)",
        code: 'invalid_value',
      },
    ]);
  }
  return values;
}

/** A page number or size from the query, within its bounds (400 otherwise). */
export function pageParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw validationFailed([
      { field: name, message: `It should be a/an Positive Integer between ${min} and ${max}`, code: 'invalid_value' },
    ]);
  }
  return value;
}

/** Parses a write like Freshdesk: JSON content type, a flat JSON object, only known fields with valid values. */
export function parseWrite<T>(request: PartRequest, schema: z.ZodType<T>): T {
  if (mediaType(request.headers) !== 'application/json') {
    throw fail(400, { code: 'invalid_content_type', message: 'Content-Type header should have application/json' });
  }
  let json: unknown;
  try {
    json = JSON.parse(request.raw.toString('utf8'));
  } catch {
    throw fail(400, INVALID_JSON);
  }
  if (!isPlainObject(json)) throw fail(400, INVALID_JSON);
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const body = json;
  const errors = new Map<string, { field: string; message: string; code: string }>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const message = NOT_MODELLED.has(key) ? 'The sandbox does not model this field' : 'Unexpected/invalid field in request';
        errors.set(key, { field: key, message, code: 'invalid_field' });
      }
      continue;
    }
    const field = String(issue.path[0] ?? 'body');
    if (!errors.has(field)) errors.set(field, { field, message: issue.message, code: field in body ? 'invalid_value' : 'missing_field' });
  }
  throw validationFailed([...errors.values()]);
}
