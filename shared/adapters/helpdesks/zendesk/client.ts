import * as z from 'zod';
import { parseApiAnswer } from '../../http/payload.js';
import { ConfigurationError, PermanentHelpdeskError } from '../../../domain/errors.js';
import type { RequesterDetails, SocialHandle, SolvedReading, TicketSnapshot } from '../../../domain/events.js';
import type { Clock, HelpdeskClient } from '../../../domain/ports.js';
import type { TicketUpdate } from '../../../domain/ticket-update.js';
import { PrioritySchema } from '../../../domain/priority.js';
import { systemClock } from '../../clock/system-clock.js';
import { helpdeskAnswerError, sendToHelpdesk } from '../../http/helpdesk-answers.js';
import type { JsonRequestMethod } from '../../http/json-request.js';
import { readingFromMetrics, TicketMetricsResponseSchema } from './solved.js';
import { type HandleFields, handlesFromFields } from '../../plugin/handle-fields.js';

/** How to reach one Zendesk account. */
export interface ZendeskClientOptions {
  /** `https://{subdomain}.zendesk.com` (origin only); every request goes to this origin. */
  baseUrl: string;
  /** The agent email the API token belongs to. */
  email: string;
  apiToken: string;
  /** Per request, connection to last byte (default 8000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Reads a Retry-After given as a date (default the system clock). */
  clock?: Clock;
  /** The user fields that hold the customer's handle on each open network (`helpdesk.handleFields`). */
  handleFields?: HandleFields;
}

/** Zendesk ids are positive integers; anything else never reaches a URL. */
const NUMERIC_ID = /^\d{1,20}$/;

/** Identity types that name an account on a social network (Zendesk has twitter and facebook). */
const SOCIAL_IDENTITY_TYPES = new Set([
  'twitter',
  'x',
  'facebook',
  'instagram',
  'linkedin',
  'tiktok',
  'youtube',
  'threads',
  'bluesky',
  'mastodon',
]);

const ZendeskTicketSchema = z.object({
  id: z.number().int(),
  subject: z.string().nullish(),
  // The REST API answers lower case; the event payloads capitalise, so accept either.
  priority: z
    .string()
    .nullish()
    .transform((value) => (value ? value.toLowerCase() : undefined))
    .pipe(PrioritySchema.optional()),
  tags: z.array(z.string()).default([]),
  group_id: z.number().int().nullish(),
  via: z.object({ channel: z.union([z.string(), z.number()]).nullish() }).nullish(),
  updated_at: z.string().min(1),
});
type ZendeskTicket = z.infer<typeof ZendeskTicketSchema>;

const TicketResponseSchema = z.object({ ticket: ZendeskTicketSchema });

const CommentsResponseSchema = z.object({
  comments: z.array(z.object({ body: z.string().nullish(), public: z.boolean() })),
});

const ZendeskUserSchema = z.object({
  id: z.number().int(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  external_id: z.union([z.string(), z.number()]).nullish(),
  // Multi-select fields hold arrays; only scalar values are kept (see toRequester).
  user_fields: z.record(z.string(), z.unknown()).nullish(),
});

const ZendeskIdentitySchema = z.object({
  user_id: z.number().int(),
  type: z.string(),
  value: z.string(),
  primary: z.boolean().optional(),
  /** `full` or `sso`: Zendesk itself verified the identity (the deprecated `verified` flag an agent can set is not read). */
  verification_method: z.string().nullish(),
});
type ZendeskIdentity = z.infer<typeof ZendeskIdentitySchema>;

const ShowManyUsersResponseSchema = z.object({
  users: z.array(ZendeskUserSchema),
  identities: z.array(ZendeskIdentitySchema).default([]),
});

/** Zendesk error bodies come as `{error: "Title", description}` or `{error: {title, message}}`. */
const ZendeskErrorSchema = z.object({
  error: z.union([z.string(), z.object({ title: z.string().optional(), message: z.string().optional() })]).optional(),
  description: z.string().optional(),
});

/** What a non-2xx answer means depends on what was asked for. */
type Resource = 'ticket' | 'user';

/**
 * The Zendesk Support REST client: reads requesters and tickets, and writes a decision back to a
 * ticket in one guarded update. Errors are the domain errors of the HelpdeskClient port.
 *
 * @example
 * const zendesk = new ZendeskClient({ baseUrl: 'https://acme.zendesk.com', email: 'bot@acme.com', apiToken });
 * const ticket = await zendesk.getTicket('35436');
 */
export class ZendeskClient implements HelpdeskClient {
  /** One PUT writes priority, tags, group and the note; `safe_update` refuses a stale stamp with 409. */
  readonly guardsUpdates = true;

  readonly #origin: URL;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #clock: Clock;
  readonly #handleFields: HandleFields;

  constructor(options: ZendeskClientOptions) {
    this.#origin = parseOrigin(options.baseUrl);
    if (options.email.trim() === '' || options.apiToken.trim() === '') {
      throw new ConfigurationError('Zendesk client: email and apiToken are required');
    }
    this.#authorization = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`, 'utf8').toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? 8000;
    this.#fetch = options.fetch;
    this.#clock = options.clock ?? systemClock;
    this.#handleFields = options.handleFields ?? {};
  }

  /**
   * The requester's email, external id, name, social handles and user fields, in one request.
   *
   * @example await zendesk.getRequester('1234') // { helpdeskUserId: '1234', email: 'ada@example.com', handles: [...], ... }
   */
  async getRequester(userId: string): Promise<RequesterDetails> {
    const id = checkId(userId, 'user');
    const path = `/api/v2/users/show_many?ids=${encodeURIComponent(id)}&include=identities`;
    const json = await this.#send('GET', path, 'user');
    const parsed = parseApiAnswer(ShowManyUsersResponseSchema, json, 'Zendesk GET /api/v2/users/show_many');
    const user = parsed.users.find((candidate) => String(candidate.id) === id);
    if (!user) throw new PermanentHelpdeskError(`Zendesk user ${id} not found`, 404);
    const identities = parsed.identities.filter((identity) => String(identity.user_id) === id);
    return toRequester(id, user, identities, this.#handleFields);
  }

  /**
   * The ticket as it is now: priority, tags, group, channel and the stamp for a guarded update.
   *
   * @example await zendesk.getTicket('35436') // { id: '35436', priority: 'normal', tags: ['vip'], updatedStamp: '2024-04-17T17:18:10Z', ... }
   */
  async getTicket(ticketId: string): Promise<TicketSnapshot> {
    const id = checkId(ticketId, 'ticket');
    const json = await this.#send('GET', `/api/v2/tickets/${encodeURIComponent(id)}`, 'ticket');
    return toSnapshot(parseApiAnswer(TicketResponseSchema, json, 'Zendesk GET /api/v2/tickets/{id}').ticket);
  }

  /**
   * Looks for an internal note containing `marker` among the ticket's 100 newest comments: our
   * note is written last, so it is among them on a ticket with any history.
   *
   * @example await zendesk.hasInternalNote('35436', '[influence-router zendesk:ticket-created:35436]')
   */
  async hasInternalNote(ticketId: string, marker: string): Promise<boolean> {
    const id = checkId(ticketId, 'ticket');
    // Newest first: our note is among the latest comments, whatever the ticket's history.
    const json = await this.#send('GET', `/api/v2/tickets/${encodeURIComponent(id)}/comments?sort_order=desc`, 'ticket');
    const { comments } = parseApiAnswer(CommentsResponseSchema, json, 'Zendesk GET /api/v2/tickets/{id}/comments');
    return comments.some((comment) => !comment.public && (comment.body ?? '').includes(marker));
  }

  /**
   * A solved ticket's first reply and full resolution times and reopens, from its Ticket Metrics
   * (one request); undefined while the metrics show no solve yet (they can lag the status change).
   *
   * @example await zendesk.readOutcome('35436') // { solvedAt: '...', firstReplyMinutes: 42, resolutionMinutes: 300, reopens: 0, source: 'zendesk-metrics' }
   */
  async readOutcome(ticketId: string): Promise<SolvedReading | undefined> {
    const id = checkId(ticketId, 'ticket');
    const json = await this.#send('GET', `/api/v2/tickets/${encodeURIComponent(id)}/metrics`, 'ticket');
    return readingFromMetrics(parseApiAnswer(TicketMetricsResponseSchema, json, 'Zendesk GET /api/v2/tickets/{id}/metrics'));
  }

  /**
   * Writes priority, group, the full tag list and a private note in a single PUT. With an
   * `updatedStamp` the update is guarded (`safe_update`): a ticket changed since it was read
   * answers 409, raised as ConflictError, so tags added meanwhile are never wiped.
   *
   * @example await zendesk.updateTicket({ ticketId: '35436', priority: 'high', tags, addedTags, note, updatedStamp })
   */
  async updateTicket(update: TicketUpdate): Promise<TicketSnapshot> {
    const id = checkId(update.ticketId, 'ticket');
    const ticket: Record<string, unknown> = { tags: update.tags };
    if (update.priority) ticket['priority'] = update.priority;
    if (update.groupId !== undefined) ticket['group_id'] = Number(checkId(update.groupId, 'group'));
    // Zendesk refuses an empty comment body, and an update needs no note to be valid.
    if (update.note.trim() !== '') ticket['comment'] = { body: update.note, public: false };
    if (update.updatedStamp) {
      ticket['safe_update'] = true;
      ticket['updated_stamp'] = update.updatedStamp;
    }
    const json = await this.#send('PUT', `/api/v2/tickets/${encodeURIComponent(id)}`, 'ticket', { ticket });
    return toSnapshot(parseApiAnswer(TicketResponseSchema, json, 'Zendesk PUT /api/v2/tickets/{id}').ticket);
  }

  async #send(method: JsonRequestMethod, path: string, resource: Resource, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.#origin);
    const response = await sendToHelpdesk({
      method,
      url,
      headers: { authorization: this.#authorization },
      body,
      timeoutMs: this.#timeoutMs,
      fetch: this.#fetch,
    });
    if (response.status >= 200 && response.status < 300) return response.json;
    throw helpdeskAnswerError(response, {
      target: `Zendesk ${method} ${url.pathname}`,
      detail: describeError(response.json),
      // Only Zendesk's own "RecordNotFound" means the ticket is gone; a 404 from a proxy or a wrong
      // path must never be taken as a deleted ticket.
      ticketGone: resource === 'ticket' && isRecordNotFound(response.json),
      // The guarded PUT (`safe_update`) answers 409 to a stale stamp.
      conflict: 'ticket-changed',
      urlField: 'baseUrl',
      now: this.#clock.now(),
    });
  }
}

function parseOrigin(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConfigurationError(`Zendesk client: baseUrl "${baseUrl}" is not a URL`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('Zendesk client: baseUrl must be http(s)');
  }
  // Requests are built as origin + fixed path, so anything beyond the origin would be silently dropped.
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigurationError('Zendesk client: baseUrl must be an origin such as https://acme.zendesk.com');
  }
  return new URL(url.origin);
}

function checkId(value: string, what: 'ticket' | 'user' | 'group'): string {
  if (!NUMERIC_ID.test(value)) {
    throw new PermanentHelpdeskError(`Zendesk ${what} id must be numeric, got ${JSON.stringify(value.slice(0, 40))}`, 400);
  }
  return value;
}

function isRecordNotFound(json: unknown): boolean {
  const parsed = ZendeskErrorSchema.safeParse(json);
  if (!parsed.success || parsed.data.error === undefined) return false;
  const { error } = parsed.data;
  return (typeof error === 'string' ? error : error.title) === 'RecordNotFound';
}

function describeError(json: unknown): string {
  const parsed = ZendeskErrorSchema.safeParse(json);
  if (!parsed.success || parsed.data.error === undefined) return '';
  const { error, description } = parsed.data;
  const title = typeof error === 'string' ? error : error.title;
  const detail = typeof error === 'string' ? description : (error.message ?? description);
  const text = [title, detail].filter(Boolean).join(': ');
  return text ? ` (${text.slice(0, 200)})` : '';
}

function toSnapshot(ticket: ZendeskTicket): TicketSnapshot {
  const snapshot: TicketSnapshot = { id: String(ticket.id), tags: ticket.tags, updatedStamp: ticket.updated_at };
  if (ticket.priority) snapshot.priority = ticket.priority;
  if (ticket.group_id !== null && ticket.group_id !== undefined) snapshot.groupId = String(ticket.group_id);
  const channel = ticket.via?.channel;
  if (channel !== null && channel !== undefined) snapshot.channel = String(channel);
  if (ticket.subject) snapshot.subject = ticket.subject;
  return snapshot;
}

function toRequester(
  id: string,
  user: z.infer<typeof ZendeskUserSchema>,
  identities: ZendeskIdentity[],
  handleFields: HandleFields,
): RequesterDetails {
  const emails = identities.filter((identity) => identity.type === 'email');
  const email = user.email || (emails.find((identity) => identity.primary) ?? emails[0])?.value;
  const identityHandles: SocialHandle[] = identities
    .filter((identity) => SOCIAL_IDENTITY_TYPES.has(identity.type.toLowerCase()) && identity.value.trim() !== '')
    .map((identity) => ({
      network: identity.type.toLowerCase(),
      handle: identity.value,
      trust:
        identity.verification_method === 'full' || identity.verification_method === 'sso' ? ('verified' as const) : ('declared' as const),
    }));
  const fields: RequesterDetails['fields'] = {};
  for (const [key, value] of Object.entries(user.user_fields ?? {})) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  const handles = handlesFromFields(handleFields, user.user_fields ?? {}, identityHandles);
  // Zendesk links these identities itself when the person writes through a network's channel.
  const details: RequesterDetails = { helpdeskUserId: id, handles, fields };
  if (identityHandles.length > 0) details.channelAccounts = identityHandles;
  if (email) {
    details.email = email;
    // The agent-set `verified` flag proves nothing; Zendesk's own verification of the address does.
    const method = emails.find((identity) => identity.value.toLowerCase() === email.toLowerCase())?.verification_method;
    details.emailVerified = method === 'full' || method === 'sso';
  }
  if (user.external_id !== null && user.external_id !== undefined && String(user.external_id) !== '')
    details.externalId = String(user.external_id);
  if (user.name) details.name = user.name;
  return details;
}
