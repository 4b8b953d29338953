import * as z from 'zod';
import { PrioritySchema } from './priority.js';

/**
 * The inbound source an event came from: the `{source}` of `POST /webhooks/{tenant}/{source}`,
 * the name of an adapter's source in the registry.
 */
export const SourceSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'source names are lower-case letters, digits and -');
export type Source = z.infer<typeof SourceSchema>;

/**
 * How far a handle can be trusted to be the customer's, most trusted first: `channel` (the ticket
 * came in through that network's own channel, so the helpdesk authenticated the person),
 * `verified` (the helpdesk verified the identity, or the handle was proven to belong to the
 * domain of the customer's email), `declared` (typed in by the customer or an agent).
 */
export const TrustLevelSchema = z.enum(['channel', 'verified', 'declared']);
export type TrustLevel = z.infer<typeof TrustLevelSchema>;

/**
 * A social handle the customer gave the helpdesk, e.g. `{ network: 'twitter', handle: 'ada' }`,
 * with how far it can be trusted; a handle stored before trust was recorded counts as declared.
 */
export const SocialHandleSchema = z.object({
  network: z.string().min(1),
  handle: z.string().min(1),
  trust: TrustLevelSchema.optional(),
});
export type SocialHandle = z.infer<typeof SocialHandleSchema>;

/** Whatever identifies the person behind a ticket or an answer; any part may be missing. */
export const RequesterSchema = z.object({
  helpdeskUserId: z.string().min(1).optional(),
  email: z.string().min(3).optional(),
  externalId: z.string().min(1).optional(),
  name: z.string().optional(),
  handles: z.array(SocialHandleSchema).default([]),
});
export type Requester = z.infer<typeof RequesterSchema>;

/** What a helpdesk knows about a requester, fetched once per customer. */
export interface RequesterDetails {
  helpdeskUserId: string;
  email?: string;
  /**
   * Whether the helpdesk itself verified that email (Zendesk's `verification_method` full or
   * sso); undefined where the helpdesk does not say. A handle is proven on its domain only when not false.
   */
  emailVerified?: boolean;
  externalId?: string;
  name?: string;
  handles: SocialHandle[];
  /**
   * The accounts the helpdesk itself linked to the person on a network whose channel it runs
   * (Zendesk's identities of a network's type, Freshdesk's `twitter_id`): such an account is
   * `channel` on a ticket that came in through that network's channel (see `withChannelTrust`).
   */
  channelAccounts?: SocialHandle[];
  /** Profile fields the helpdesk holds (e.g. a follower count field), for helpdesk-supplied scores. */
  fields: Record<string, string | number | boolean | null>;
}

/** The ticket as the helpdesk described it when the event fired. */
export const TicketSnapshotSchema = z.object({
  id: z.string().min(1),
  /** The priority the helpdesk set; absent when the helpdesk left it empty. */
  priority: PrioritySchema.optional(),
  tags: z.array(z.string()).default([]),
  groupId: z.string().optional(),
  channel: z.string().optional(),
  subject: z.string().optional(),
  /** The helpdesk's concurrency stamp (its `updated_at`), for guarded updates. */
  updatedStamp: z.string().optional(),
});
export type TicketSnapshot = z.infer<typeof TicketSnapshotSchema>;

/**
 * The longest delivery id an event may carry, from any source: it is copied into the queue message
 * and every log line about the event, so a sender cannot make either grow (Standard Webhooks' own
 * limit for `webhook-id`).
 */
export const MAX_DELIVERY_ID_LENGTH = 256;

const EventBase = z.object({
  tenant: z.string().min(1),
  source: SourceSchema,
  /** Stable id of the delivery (provider event id or invocation id): the idempotency key. */
  deliveryId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  receivedAt: z.iso.datetime({ offset: true }),
});

/** A ticket was created in a helpdesk. */
export const TicketCreatedSchema = EventBase.extend({
  type: z.literal('TicketCreated'),
  ticket: TicketSnapshotSchema,
  requester: RequesterSchema,
});
export type TicketCreated = z.infer<typeof TicketCreatedSchema>;

/** A customer answered an NPS or CSAT survey. */
export const SurveyAnsweredSchema = EventBase.extend({
  type: z.literal('SurveyAnswered'),
  /** The survey tool's id of the answer: a created-then-updated answer keeps it, and is one answer. */
  responseId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^#]+$/, 'a response id cannot hold #'),
  /** When the answer was first given (not when it was last edited): it places the answer in time. */
  answeredAt: z.iso.datetime({ offset: true }),
  /**
   * When this version of the answer was given, by the tool's own clock (an update's `updated_at`);
   * for a tool that sends no time of its own, when ingest first received the delivery. Versions of
   * one answer are kept newest first by it (see `answerRevision`); absent on events queued before
   * it was added, which are ordered by `occurredAt`.
   */
  revisedAt: z.iso.datetime({ offset: true }).optional(),
  /** `nps`: a 0-10 likelihood to recommend. `csat`: a satisfaction rating from 1 to `scale`. */
  kind: z.enum(['nps', 'csat']),
  score: z.number().min(0),
  /** The top of the scale: 10 for NPS; 2, 3 or 5 (or another) for CSAT. */
  scale: z.number().int().positive().max(100),
  comment: z.string().max(5000).optional(),
  respondent: RequesterSchema,
  /**
   * Whether the survey tool vouches for who answered. False where the respondent can change the
   * identity themselves (Typeform hidden fields in the survey link): the answer then counts for a
   * customer only when the ticket it names is that customer's.
   */
  respondentVerified: z.boolean().default(true),
  /** The helpdesk ticket the answer is about, when the survey carried it (no colon: decision ids end with it). */
  ticketId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a ticket id is 1-64 letters, digits or ._-')
    .optional(),
})
  .refine((event) => event.score <= event.scale, { message: 'score must not be above the scale', path: ['score'] })
  .refine((event) => event.kind !== 'nps' || (event.scale === 10 && Number.isInteger(event.score)), {
    message: 'an NPS answer is a whole number from 0 to 10',
    path: ['score'],
  })
  .refine((event) => event.kind !== 'csat' || (event.score >= 1 && Number.isInteger(event.score)), {
    message: 'a CSAT answer is a whole number from 1 to its scale',
    path: ['score'],
  });
export type SurveyAnswered = z.infer<typeof SurveyAnsweredSchema>;

/** A customer unsubscribed from a survey tool's surveys: recorded, so it can be exported and honoured. */
export const SurveyUnsubscribedSchema = EventBase.extend({
  type: z.literal('SurveyUnsubscribed'),
  respondent: RequesterSchema,
});
export type SurveyUnsubscribed = z.infer<typeof SurveyUnsubscribedSchema>;

const MinutesSchema = z.number().min(0).max(10_000_000);

/**
 * What a helpdesk says of a solved ticket's service: when it was solved, the first reply and the
 * full resolution in calendar minutes from its creation (absent: not happened, never 0 in its
 * place), Zendesk's business-hours figures when it gives them, and the reopens. `source` names
 * where it was read (each helpdesk adapter's own value).
 */
export const SolvedReadingSchema = z.object({
  solvedAt: z.iso.datetime({ offset: true }),
  firstReplyMinutes: MinutesSchema.optional(),
  resolutionMinutes: MinutesSchema.optional(),
  firstReplyBusinessMinutes: MinutesSchema.optional(),
  resolutionBusinessMinutes: MinutesSchema.optional(),
  reopens: z.number().int().min(0).max(10_000),
  source: SourceSchema,
  /** When the ticket was created, when the helpdesk said. */
  createdAt: z.iso.datetime({ offset: true }).optional(),
});
export type SolvedReading = z.infer<typeof SolvedReadingSchema>;

/**
 * A ticket was solved in a helpdesk. Its outcome is read back from the helpdesk's API when it
 * has one (Zendesk's Ticket Metrics, Freshdesk's ticket stats); the generic contract carries it
 * in the event (`reading`).
 */
export const TicketSolvedSchema = EventBase.extend({
  type: z.literal('TicketSolved'),
  ticketId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a ticket id is 1-64 letters, digits or ._-'),
  /** When the ticket was created, if the event said. */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  /** The outcome as the event carries it, for a helpdesk that cannot be read back. */
  reading: SolvedReadingSchema.optional(),
});
export type TicketSolved = z.infer<typeof TicketSolvedSchema>;

/**
 * Every normalised event an inbound source may send, helpdesk and survey tool alike, and the queue
 * carries; processing dispatches on `type`.
 */
export const InboundEventSchema = z.discriminatedUnion('type', [
  TicketCreatedSchema,
  TicketSolvedSchema,
  SurveyAnsweredSchema,
  SurveyUnsubscribedSchema,
]);
export type InboundEvent = z.infer<typeof InboundEventSchema>;
