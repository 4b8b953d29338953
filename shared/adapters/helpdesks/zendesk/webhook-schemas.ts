import * as z from 'zod';

/** The `type` of the event-subscribed webhook body for a new ticket. */
export const ZENDESK_TICKET_CREATED_EVENT_TYPE = 'zen:event-type:ticket.created';

/** The `event` value of the trigger body we document. */
export const ZENDESK_TRIGGER_TICKET_CREATED_EVENT = 'ticket_created';

const ID_MESSAGE = 'must be a Zendesk id: 1 to 20 digits, as a string or a number';

// Event payloads send ids as strings ("35436"); REST-shaped copies send numbers. Both become strings.
const ZendeskIdSchema = z
  // At most 20 digits, as the REST client accepts: an id the API would refuse is refused here, at ingest.
  .union([z.string().regex(/^\d{1,20}$/, ID_MESSAGE), z.int().nonnegative(ID_MESSAGE)], { error: ID_MESSAGE })
  .transform((id) => String(id));

const RequiredZendeskIdSchema = ZendeskIdSchema.refine((id) => /[1-9]/.test(id), 'must be a Zendesk id other than 0');

// Zendesk writes "0" (and sometimes null) where a ticket has no group or organization.
const OptionalZendeskIdSchema = ZendeskIdSchema.nullish().transform((id) =>
  id === null || id === undefined || /^0+$/.test(id) ? undefined : id,
);

const IsoTimestampSchema = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

// The event docs list `tags` without a type; accept a list, or the space-separated string placeholders render.
const TagsSchema = z.union([z.array(z.string()), z.string().transform((tags) => tags.split(/\s+/).filter((tag) => tag !== ''))]).nullish();

/** The ticket snapshot (`detail`) of a `zen:event-type:ticket.created` event; unknown fields are dropped. */
export const ZendeskTicketDetailSchema = z.object({
  id: RequiredZendeskIdSchema,
  requester_id: RequiredZendeskIdSchema,
  group_id: OptionalZendeskIdSchema,
  organization_id: OptionalZendeskIdSchema,
  /** The ticket's own external id, not the requester's. */
  external_id: z.string().nullish(),
  /** Capitalised in event payloads ("Open"), lower-case in the REST API. */
  status: z.string().nullish(),
  /** Casing in event payloads is not documented; mapped case-insensitively. */
  priority: z.string().nullish(),
  subject: z.string().nullish(),
  tags: TagsSchema,
  via: z.object({ channel: z.string().nullish() }).nullish(),
  created_at: IsoTimestampSchema.nullish(),
  /** Passed back verbatim as `updated_stamp` for a guarded update, so only checked to be present. */
  updated_at: z.string().min(1).nullish(),
});
export type ZendeskTicketDetail = z.infer<typeof ZendeskTicketDetailSchema>;

/** The event-subscribed webhook body Zendesk sends when a ticket is created. */
export const ZendeskTicketCreatedEventSchema = z
  .object({
    type: z.literal(ZENDESK_TICKET_CREATED_EVENT_TYPE),
    account_id: ZendeskIdSchema,
    /** The event id: stable for the event, so it is the idempotency key. */
    id: z.union([z.string().trim().min(1), z.int()], { error: 'must be the event id' }).transform((id) => String(id)),
    time: IsoTimestampSchema.optional(),
    zendesk_event_version: z.string().optional(),
    subject: z
      .string()
      .regex(/^zen:ticket:\d+$/, 'must be zen:ticket:<ticket id>')
      .optional(),
    detail: ZendeskTicketDetailSchema,
    event: z.record(z.string(), z.unknown()).nullish(),
  })
  .refine((body) => body.subject === undefined || body.subject === `zen:ticket:${body.detail.id}`, {
    path: ['subject'],
    message: 'must name the same ticket as detail.id',
    // Only meaningful once both fields parsed; otherwise their own issues already say what is wrong.
    when: (payload) => payload.issues.length === 0,
  });
export type ZendeskTicketCreatedEvent = z.infer<typeof ZendeskTicketCreatedEventSchema>;

// Placeholders Zendesk cannot fill render as empty strings; those mean "absent".
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The body our documented trigger sends (see ZENDESK_TRIGGER_BODY_TEMPLATE); unknown fields are dropped. */
export const ZendeskTriggerTicketCreatedSchema = z
  .object({
    event: z.literal(ZENDESK_TRIGGER_TICKET_CREATED_EVENT),
    ticket_id: z.preprocess(blankToUndefined, RequiredZendeskIdSchema),
    requester_id: z.preprocess(blankToUndefined, RequiredZendeskIdSchema.optional()),
    requester_email: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
        .optional(),
    ),
    requester_external_id: z.preprocess(blankToUndefined, z.string().optional()),
    via: z.preprocess(blankToUndefined, z.string().optional()),
  })
  .superRefine((body, ctx) => {
    if (body.requester_id === undefined && body.requester_email === undefined) {
      ctx.addIssue({ code: 'custom', path: ['requester_id'], message: 'requester_id or requester_email is required' });
    }
  });
export type ZendeskTriggerTicketCreated = z.infer<typeof ZendeskTriggerTicketCreatedSchema>;

/**
 * The JSON body an admin pastes into the trigger's "Notify active webhook" action. Only ids and
 * simple strings: placeholders are inserted raw, so a name containing a quote would break the JSON.
 */
export const ZENDESK_TRIGGER_BODY_TEMPLATE: string = JSON.stringify(
  {
    event: ZENDESK_TRIGGER_TICKET_CREATED_EVENT,
    ticket_id: '{{ticket.id}}',
    requester_id: '{{ticket.requester.id}}',
    requester_email: '{{ticket.requester.email}}',
    requester_external_id: '{{ticket.requester.external_id}}',
    via: '{{ticket.via}}',
  },
  null,
  2,
);
