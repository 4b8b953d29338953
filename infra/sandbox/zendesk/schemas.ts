import * as z from 'zod';
import { fail, type HttpFailure, isPlainObject, mediaType, type PartRequest } from '../http.js';

const ZENDESK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;

/** Every field of Zendesk's `TicketUpdateInput` (OAS), to tell a real field the sandbox does not model from a typo. */
const TICKET_UPDATE_INPUT_FIELDS = new Set([
  'additional_collaborators',
  'assignee_email',
  'assignee_id',
  'attribute_value_ids',
  'collaborator_ids',
  'comment',
  'custom_fields',
  'custom_status_id',
  'due_at',
  'email_ccs',
  'external_id',
  'followers',
  'group_id',
  'organization_id',
  'priority',
  'problem_id',
  'requester_id',
  'safe_update',
  'sharing_agreement_ids',
  'status',
  'subject',
  'tags',
  'type',
  'updated_stamp',
]);

const SafeUpdateSchema = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const TagsSchema = z.array(z.string().trim().min(1).max(80));
const CommentSchema = z.object({ body: z.string().trim().min(1, 'Body: cannot be blank'), public: z.boolean().optional() }).strict();

/** The body of `PUT /api/v2/tickets/{id}`, inside its `{"ticket": ...}` envelope. */
export const TicketUpdateSchema = z
  .object({
    subject: z.string().min(1).optional(),
    status: z.enum(STATUSES).optional(),
    priority: z.enum(ZENDESK_PRIORITIES).nullable().optional(),
    tags: TagsSchema.optional(),
    group_id: z.number().int().positive().nullable().optional(),
    comment: CommentSchema.optional(),
    safe_update: SafeUpdateSchema.optional(),
    updated_stamp: z.string().min(1).optional(),
  })
  .strict();
/** A parsed ticket update. */
export type TicketUpdateInput = z.infer<typeof TicketUpdateSchema>;

/** The body of `PUT|POST /api/v2/tickets/{id}/tags`. */
export const TagsBodySchema = z
  .object({ tags: TagsSchema, safe_update: SafeUpdateSchema.optional(), updated_stamp: z.string().min(1).optional() })
  .strict();
/** A parsed tags write. */
export type TagsBody = z.infer<typeof TagsBodySchema>;

/** The body of `POST /api/v2/tickets`, inside its `{"ticket": ...}` envelope. */
export const TicketCreateSchema = z
  .object({
    subject: z.string().min(1).optional(),
    comment: CommentSchema,
    requester_id: z.number().int().positive().optional(),
    requester: z
      .object({ email: z.email(), name: z.string().min(1).optional() })
      .strict()
      .optional(),
    priority: z.enum(ZENDESK_PRIORITIES).nullable().optional(),
    status: z.enum(STATUSES).optional(),
    tags: TagsSchema.optional(),
    group_id: z.number().int().positive().nullable().optional(),
  })
  .strict()
  .refine((ticket) => ticket.requester_id !== undefined || ticket.requester !== undefined, {
    message: 'Requester: is required',
    path: ['requester'],
  });
/** A parsed ticket creation. */
export type TicketCreateInput = z.infer<typeof TicketCreateSchema>;

/** Zendesk's 404 for a ticket or user that does not exist. */
export const recordNotFound = (): HttpFailure => fail(404, { error: 'RecordNotFound', description: 'Not found' });
/** Zendesk's 404 for a path or method it does not serve. */
export const invalidEndpoint = (): HttpFailure => fail(404, { error: 'InvalidEndpoint', description: 'Not found' });

/** Writes must be JSON, as Zendesk requires. */
export function requireJson(request: PartRequest): void {
  if (mediaType(request.headers) !== 'application/json') {
    throw fail(400, { error: 'InvalidContentType', description: 'Content-Type must be application/json' });
  }
}

/**
 * Parses a write body in two steps, like Zendesk: a body that is not JSON or not the expected
 * envelope is a 400; field values that fail validation are a 422 RecordInvalid with details.
 *
 * @example const input = parseWrite(request, (json) => unwrap(json, 'ticket'), TicketCreateSchema);
 */
export function parseWrite<T>(request: PartRequest, envelope: (json: unknown) => unknown, schema: z.ZodType<T>): T {
  requireJson(request);
  let json: unknown;
  try {
    json = JSON.parse(request.raw.toString('utf8'));
  } catch {
    throw fail(400, { error: 'InvalidJSON', description: 'The request body is not valid JSON' });
  }
  const inner = envelope(json);
  if (!isPlainObject(inner)) throw fail(400, { error: 'InvalidValue', description: 'The request body must be a JSON object' });
  const result = schema.safeParse(inner);
  if (result.success) return result.data;
  const unknownKeys = result.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unknownKeys.length > 0) {
    throw fail(400, { error: 'InvalidValue', description: `Unknown or unsupported field(s): ${unknownKeys.join(', ')}` });
  }
  const details: Record<string, { description: string }[]> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'base');
    (details[field] ??= []).push({ description: `${field}: ${issue.message}` });
  }
  throw fail(422, { error: 'RecordInvalid', description: 'Record validation errors', details });
}

/** The value of a body that must be exactly `{"<key>": ...}`. */
export function unwrap(json: unknown, key: string): unknown {
  if (!isPlainObject(json) || Object.keys(json).length !== 1 || !(key in json)) {
    throw fail(400, { error: 'InvalidValue', description: `The request body must be {"${key}": {...}}` });
  }
  return json[key];
}

/** The ticket of an update body, refusing real Zendesk fields the sandbox would otherwise silently ignore. */
export function unwrapTicketUpdate(json: unknown): unknown {
  const inner = unwrap(json, 'ticket');
  if (isPlainObject(inner)) {
    const notModelled = Object.keys(inner).filter((key) => TICKET_UPDATE_INPUT_FIELDS.has(key) && !(key in TicketUpdateSchema.shape));
    if (notModelled.length > 0) {
      throw fail(400, { error: 'InvalidValue', description: `The sandbox does not model ticket field(s): ${notModelled.join(', ')}` });
    }
  }
  return inner;
}
