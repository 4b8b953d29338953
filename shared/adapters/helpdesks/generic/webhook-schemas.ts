import * as z from 'zod';
import type { TrustLevel } from '../../../domain/events.js';
import { blankToUndefined, idSchema } from '../../webhooks/json-fields.js';
import { PRIORITIES } from '../../../domain/priority.js';

/** The `type` of the documented body a helpdesk or integration platform sends for a new ticket. */
export const GENERIC_TICKET_CREATED_TYPE = 'ticket.created';

/** The `type` of the documented body a helpdesk sends when a ticket is solved, with its times. */
export const GENERIC_TICKET_SOLVED_TYPE = 'ticket.solved';

/** Where a generic ticket's outcome was read: the solved event itself. */
export const GENERIC_OUTCOME_SOURCE = 'generic';

/** The `type` of the body we POST for each decision. */
export const GENERIC_DECISION_CREATED_TYPE = 'decision.created';

const TICKET_ID_MESSAGE = 'must be 1-64 letters, digits or ._-, as a string or a number';
const USER_ID_MESSAGE = 'must be 1-64 letters, digits or ._:@-, as a string or a number';

// No colon: decision ids end with `:<ticket id>`.
const TicketIdSchema = idSchema(/^[A-Za-z0-9._-]{1,64}$/, TICKET_ID_MESSAGE);

// The same form the generic helpdesk's user ids take in imports and commands.
const UserIdSchema = idSchema(/^[A-Za-z0-9._:@-]{1,64}$/, USER_ID_MESSAGE);

const IsoTimestampSchema = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

const PriorityNameSchema = z
  .string({ error: `must be one of ${PRIORITIES.join(', ')} or null` })
  .toLowerCase()
  .pipe(z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')} or null` }));

const TagSchema = z.string().trim().min(1, 'must be a non-empty tag').max(80, 'must be at most 80 characters');

/** The ticket as the sender saw it when it was created; unknown fields are dropped. */
export const GenericTicketSchema = z.object({
  id: TicketIdSchema,
  subject: z.preprocess(blankToUndefined, z.string().max(1000).optional()),
  /** Case-insensitive; null or absent when the ticket has none. */
  priority: z.preprocess(blankToUndefined, PriorityNameSchema.optional()),
  tags: z.preprocess((value) => value ?? undefined, z.array(TagSchema).max(100, 'must hold at most 100 tags').default([])),
  group_id: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().max(128), z.int()])
      .transform((id) => String(id))
      .optional(),
  ),
  channel: z.preprocess(blankToUndefined, z.string().max(64).toLowerCase().optional()),
  /** Passed back verbatim as `updated_stamp` with the decision. */
  updated_at: z.preprocess(blankToUndefined, IsoTimestampSchema.optional()),
});
export type GenericTicket = z.infer<typeof GenericTicketSchema>;

/** A social account the requester gave, e.g. `{ network: 'twitter', handle: 'ada_codes' }`. */
export const GenericHandleSchema = z.object({
  // The network becomes the first half of a `network:handle` identity, so it holds no colon.
  network: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{1,40}$/, 'must be a network name such as twitter'),
  handle: z.string().trim().min(1, 'must be a non-empty handle').max(100),
  /**
   * Where the handle came from, which decides how far it is trusted: `channel` (the ticket came in
   * through that network's own channel), `verified` (the helpdesk verified it), `customer` or
   * `agent` (typed in: declared). Absent means declared, as before this field existed.
   */
  source: z
    .enum(['channel', 'verified', 'customer', 'agent'], { error: 'must be channel, verified, customer or agent' })
    .optional()
    .transform((source): TrustLevel => (source === 'channel' || source === 'verified' ? source : 'declared')),
});

/** Whoever opened the ticket; every field is optional, but one identity is required (see the body schema). */
export const GenericRequesterSchema = z.object({
  id: z.preprocess(blankToUndefined, UserIdSchema.optional()),
  email: z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(254, 'must be at most 254 characters')
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .optional(),
  ),
  external_id: z.preprocess(
    blankToUndefined,
    z
      .union([z.string().max(128), z.int()])
      .transform((id) => String(id))
      .optional(),
  ),
  name: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  handles: z.preprocess((value) => value ?? undefined, z.array(GenericHandleSchema).max(20, 'must hold at most 20 handles').default([])),
});
export type GenericRequester = z.infer<typeof GenericRequesterSchema>;

/** The message when a requester carries nothing to recognise the customer by. */
export const REQUESTER_IDENTITY_MESSAGE = 'requester needs an id, email, external_id or a handle';

/** The documented `ticket.created` body; unknown fields are allowed and dropped. */
export const GenericTicketCreatedSchema = z
  .object({
    type: z.literal(GENERIC_TICKET_CREATED_TYPE, { error: `must be ${GENERIC_TICKET_CREATED_TYPE}` }),
    /** When the ticket was created; the webhook timestamp stands in when absent. */
    occurred_at: z.preprocess(blankToUndefined, IsoTimestampSchema.optional()),
    ticket: GenericTicketSchema,
    requester: z.preprocess((value) => value ?? {}, GenericRequesterSchema),
  })
  .superRefine((body, ctx) => {
    const { id, email, external_id: externalId, handles } = body.requester;
    if (id === undefined && email === undefined && externalId === undefined && handles.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['requester'], message: REQUESTER_IDENTITY_MESSAGE });
    }
  });
export type GenericTicketCreated = z.infer<typeof GenericTicketCreatedSchema>;

/**
 * The documented `ticket.solved` body: the ticket's creation, its (latest) solve, its first public
 * agent reply (null or absent: none yet) and how many times it was reopened; unknown fields are
 * allowed and dropped. A reopened ticket solved again sends another, with its new `solved_at`.
 */
export const GenericTicketSolvedSchema = z.object({
  type: z.literal(GENERIC_TICKET_SOLVED_TYPE, { error: `must be ${GENERIC_TICKET_SOLVED_TYPE}` }),
  ticket: z
    .object({
      id: TicketIdSchema,
      created_at: IsoTimestampSchema,
      solved_at: IsoTimestampSchema,
      first_replied_at: z.preprocess(blankToUndefined, IsoTimestampSchema.optional()),
      reopens: z.preprocess((value) => value ?? undefined, z.int('must be a whole number').min(0).max(10_000).default(0)),
    })
    .refine((ticket) => Date.parse(ticket.solved_at) >= Date.parse(ticket.created_at), {
      message: 'must not be before created_at',
      path: ['solved_at'],
    })
    .refine((ticket) => ticket.first_replied_at === undefined || Date.parse(ticket.first_replied_at) >= Date.parse(ticket.created_at), {
      message: 'must not be before created_at',
      path: ['first_replied_at'],
    }),
});
export type GenericTicketSolved = z.infer<typeof GenericTicketSolvedSchema>;

/** The body of each decision we POST to the tenant's endpoint, signed with Standard Webhooks. */
export const GenericDecisionCreatedSchema = z.object({
  type: z.literal(GENERIC_DECISION_CREATED_TYPE),
  /** Also the `webhook-id`: the same for every retry of one decision, so the receiver deduplicates by it. */
  decision_id: z.string().min(1),
  ticket_id: z.string().min(1),
  /** Null: leave the ticket's priority as it is. */
  priority: z.enum(PRIORITIES).nullable(),
  /** The complete tag list to leave on the ticket: its tags as the event carried them, plus ours. */
  tags: z.array(z.string()),
  /** Our tags alone, for a receiver that adds tags rather than setting them. */
  added_tags: z.array(z.string()),
  /** Null: leave the ticket's group as it is. */
  group_id: z.string().nullable(),
  /** An internal note for the agent, explaining the decision. */
  note: z.string(),
  /** The ticket's `updated_at` from the event, for a receiver that guards its write; null when none was sent. */
  updated_stamp: z.string().nullable(),
});
export type GenericDecisionCreated = z.infer<typeof GenericDecisionCreatedSchema>;
