import * as z from 'zod';
import type { Priority } from '../../../domain/priority.js';

/** The `event` value of the rule body we document. */
export const FRESHDESK_TICKET_CREATED_EVENT = 'ticket_created';

/** Freshdesk's priority numbers for the product's priorities: its 2 ("Medium") is our `normal`. */
export const FRESHDESK_PRIORITY_VALUES = { low: 1, normal: 2, high: 3, urgent: 4 } as const satisfies Record<Priority, number>;

const PRIORITY_BY_VALUE = new Map<number, Priority>([
  [1, 'low'],
  [2, 'normal'],
  [3, 'high'],
  [4, 'urgent'],
]);
const PRIORITY_BY_NAME = new Map<string, Priority>([
  ['low', 'low'],
  ['medium', 'normal'],
  ['high', 'high'],
  ['urgent', 'urgent'],
]);

/** The ticket `source` numbers of API v2 that have a name; other numbers stay numbers. */
const CHANNEL_BY_SOURCE = new Map<number, string>([
  [1, 'email'],
  [2, 'portal'],
  [3, 'phone'],
  [5, 'twitter'],
  [6, 'facebook'],
  [7, 'chat'],
  [9, 'feedback_widget'],
  [10, 'outbound_email'],
]);

const NUMERIC_ID = /^\d{1,20}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
// A placeholder Freshdesk did not fill in arrives as written, braces and all.
const UNRENDERED = /^\{\{[^{}]*\}\}$/;
const IsoTimestampSchema = z.iso.datetime({ offset: true });

/**
 * The product's priority for a Freshdesk priority: 1-4 as a number or a digit string, or the
 * name Freshdesk shows (Low, Medium, High, Urgent, any case); undefined for anything else.
 *
 * @example priorityFromFreshdesk(2) // 'normal'
 * @example priorityFromFreshdesk('Urgent') // 'urgent'
 */
export function priorityFromFreshdesk(value: number | string): Priority | undefined {
  if (typeof value === 'number') return PRIORITY_BY_VALUE.get(value);
  const text = value.trim().toLowerCase();
  return /^\d+$/.test(text) ? PRIORITY_BY_VALUE.get(Number(text)) : PRIORITY_BY_NAME.get(text);
}

/**
 * The channel a ticket came through, from its `source`: a number (1 email, 2 portal, 3 phone,
 * 5 twitter, 6 facebook, 7 chat, 9 feedback widget, 10 outbound email, any other as its number)
 * or the source's name.
 *
 * @example channelFromFreshdeskSource(1) // 'email'
 * @example channelFromFreshdeskSource('Feedback Widget') // 'feedback_widget'
 */
export function channelFromFreshdeskSource(source: number | string): string | undefined {
  if (typeof source === 'number')
    return Number.isInteger(source) && source >= 0 ? (CHANNEL_BY_SOURCE.get(source) ?? String(source)) : undefined;
  const text = source.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return channelFromFreshdeskSource(Number(text));
  return text
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .slice(0, 40);
}

/**
 * How a placeholder reads: `undefined` when it is missing or was left unrendered (nothing is
 * known), `null` when it rendered empty or was sent as null (the ticket has none), otherwise the
 * trimmed text or the value as sent.
 */
function reading(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (UNRENDERED.test(text)) return undefined;
  return text === '' ? null : text;
}

const ID_MESSAGE = 'must be a Freshdesk id: 1-20 digits, as a string or a number';

const TicketIdSchema = z.preprocess(
  reading,
  z
    .union([z.string().regex(NUMERIC_ID), z.int().nonnegative()], { error: ID_MESSAGE })
    .transform((id) => String(id))
    .refine((id) => NUMERIC_ID.test(id) && /[1-9]/.test(id), ID_MESSAGE),
);

// Each reading below ends in `.optional()`: without it zod reports a missing key as an issue
// instead of passing `undefined` to the reading, and a missing field must never lose a delivery.

/** An optional id: a numeric one as a string, `null` for none, `undefined` for anything unreadable. */
const OptionalIdSchema = z
  .unknown()
  .transform((value): string | null | undefined => {
    const read = reading(value);
    if (read === null) return null;
    const text = typeof read === 'number' && Number.isInteger(read) && read >= 0 ? String(read) : read;
    if (typeof text !== 'string' || !NUMERIC_ID.test(text)) return undefined;
    // Freshdesk writes no group as an empty placeholder; a zero id means the same.
    return /[1-9]/.test(text) ? text : null;
  })
  .optional();

const PriorityReadingSchema = z
  .unknown()
  .transform((value): Priority | undefined => {
    const read = reading(value);
    return typeof read === 'number' || typeof read === 'string' ? priorityFromFreshdesk(read) : undefined;
  })
  .optional();

/** Tags as a list, or as the comma-separated text a placeholder renders; `[]` when rendered empty. */
const TagsReadingSchema = z
  .unknown()
  .transform((value): string[] | undefined => {
    const read = reading(value);
    if (read === null) return [];
    let tags: unknown[];
    if (typeof read === 'string') tags = read.split(',');
    else if (Array.isArray(read)) tags = read;
    else return undefined;
    const texts = tags.flatMap((tag) => (typeof tag === 'string' && tag.trim() !== '' ? [tag.trim()] : []));
    return [...new Set(texts)];
  })
  .optional();

const SourceReadingSchema = z
  .unknown()
  .transform((value): string | undefined => {
    const read = reading(value);
    return typeof read === 'number' || typeof read === 'string' ? channelFromFreshdeskSource(read) : undefined;
  })
  .optional();

const TextReadingSchema = z
  .unknown()
  .transform((value): string | undefined => {
    const read = reading(value);
    return typeof read === 'string' ? read : undefined;
  })
  .optional();

/** Only an ISO-8601 date-time can be compared with the API's `updated_at`; any other rendering is dropped. */
const UpdatedAtReadingSchema = z
  .unknown()
  .transform((value): string | undefined => {
    const read = reading(value);
    return typeof read === 'string' && IsoTimestampSchema.safeParse(read).success ? read : undefined;
  })
  .optional();

const EmailReadingSchema = z
  .unknown()
  .transform((value): string | undefined => {
    const read = reading(value);
    return typeof read === 'string' && EMAIL.test(read) ? read : undefined;
  })
  .optional();

/**
 * The `ticket` of the rule body. Every field but `id` is read leniently, because how Freshdesk
 * renders each placeholder is not documented: a value that cannot be read is left out, never a
 * reason to lose the delivery. `group_id` and `tags` tell "rendered empty" (null, []) from
 * "unknown" (undefined), so the normaliser knows whether the body is a complete snapshot.
 */
export const FreshdeskRuleTicketSchema = z.object({
  id: TicketIdSchema,
  subject: TextReadingSchema,
  priority: PriorityReadingSchema,
  tags: TagsReadingSchema,
  group_id: OptionalIdSchema,
  source: SourceReadingSchema,
  updated_at: UpdatedAtReadingSchema,
});
/** The rule body's ticket as read: each field known, none (null, []), or unknown (undefined). */
export type FreshdeskRuleTicket = z.infer<typeof FreshdeskRuleTicketSchema>;

/** The `requester` of the rule body; each part is optional and dropped when unreadable. */
export const FreshdeskRuleRequesterSchema = z.object({
  id: OptionalIdSchema,
  email: EmailReadingSchema,
  name: TextReadingSchema,
});

/** The body our documented "Trigger Webhook" action sends (see FRESHDESK_RULE_BODY_TEMPLATE); unknown fields are dropped. */
export const FreshdeskTicketCreatedSchema = z
  .object({
    event: z.literal(FRESHDESK_TICKET_CREATED_EVENT, { error: `must be "${FRESHDESK_TICKET_CREATED_EVENT}"` }),
    ticket: FreshdeskRuleTicketSchema,
    requester: FreshdeskRuleRequesterSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (typeof body.requester?.id !== 'string' && body.requester?.email === undefined) {
      ctx.addIssue({ code: 'custom', path: ['requester', 'id'], message: 'requester.id (numeric) or requester.email is required' });
    }
  });
/** A rule body as read, before it is mapped to a TicketCreated event. */
export type FreshdeskTicketCreated = z.infer<typeof FreshdeskTicketCreatedSchema>;

/**
 * The JSON an admin pastes as the content of the automation rule's "Trigger Webhook" action
 * (rule: "Ticket is created"; request type POST; encoding JSON; advanced content), as one line:
 *
 * ```json
 * {"event":"ticket_created","ticket":{"id":"{{ticket.id}}","priority":"{{ticket.priority}}","tags":"{{ticket.tags}}","group_id":"{{ticket.group.id}}","source":"{{ticket.source}}","updated_at":"{{ticket.updated_at}}"},"requester":{"id":"{{ticket.requester.id}}","email":"{{ticket.requester.email}}"}}
 * ```
 *
 * Freshdesk inserts placeholders raw, without JSON escaping, so the body holds no free text (no
 * subject, no name): a quote in one would break it, and it would be refused as invalid JSON
 * (400). Names and subjects are read over the API when needed.
 */
export const FRESHDESK_RULE_BODY_TEMPLATE: string = JSON.stringify({
  event: FRESHDESK_TICKET_CREATED_EVENT,
  ticket: {
    id: '{{ticket.id}}',
    priority: '{{ticket.priority}}',
    tags: '{{ticket.tags}}',
    group_id: '{{ticket.group.id}}',
    source: '{{ticket.source}}',
    updated_at: '{{ticket.updated_at}}',
  },
  requester: { id: '{{ticket.requester.id}}', email: '{{ticket.requester.email}}' },
});
