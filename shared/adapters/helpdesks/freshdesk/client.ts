import * as z from 'zod';
import { readingFromStats, TicketWithStatsSchema } from './solved.js';
import { parseApiAnswer } from '../../http/payload.js';
import { ConfigurationError, ConflictError, PermanentHelpdeskError } from '../../../domain/errors.js';
import type { RequesterDetails, SocialHandle, SolvedReading, TicketSnapshot } from '../../../domain/events.js';
import type { Clock, HelpdeskClient } from '../../../domain/ports.js';
import type { TicketUpdate } from '../../../domain/ticket-update.js';
import { systemClock } from '../../clock/system-clock.js';
import { helpdeskAnswerError, sendToHelpdesk } from '../../http/helpdesk-answers.js';
import type { JsonRequestMethod } from '../../http/json-request.js';
import { FRESHDESK_PRIORITY_VALUES, channelFromFreshdeskSource, priorityFromFreshdesk } from './webhook-schemas.js';
import { type HandleFields, handlesFromFields } from '../../plugin/handle-fields.js';

/** How to reach one Freshdesk account. */
export interface FreshdeskClientOptions {
  /**
   * `https://{domain}.freshdesk.com`; in local mode it may carry a path prefix
   * (`http://127.0.0.1:3001/freshdesk`). Every request goes to `baseUrl + '/api/v2/...'`.
   */
  baseUrl: string;
  /** An agent's API key; Freshdesk takes it as the Basic username with `X` as the password. */
  apiKey: string;
  /** Per request, connection to last byte (default 8000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
  /** The contact fields that hold the customer's handle on each open network (`helpdesk.handleFields`). */
  handleFields?: HandleFields;
}

/** Freshdesk ids are positive integers; anything else never reaches a URL. */
const NUMERIC_ID = /^\d{1,20}$/;

const FreshdeskTicketSchema = z.object({
  id: z.int().positive(),
  subject: z.string().nullish(),
  priority: z.int().nullish(),
  source: z.int().nullish(),
  tags: z
    .array(z.string())
    .nullish()
    .transform((tags) => tags ?? []),
  group_id: z.int().nullish(),
  updated_at: z.string().min(1),
});
type FreshdeskTicket = z.infer<typeof FreshdeskTicketSchema>;

const FreshdeskContactSchema = z.object({
  id: z.int().positive(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  other_emails: z.array(z.string()).nullish(),
  unique_external_id: z.union([z.string(), z.number()]).nullish(),
  twitter_id: z.string().nullish(),
  // Read as unknown: a field type Freshdesk adds (or a multi-value field) must not fail the whole read.
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  twitter_followers_count: z.number().nullish(),
  // Freshdesk's verified contact (read only in its API): the person confirmed the primary address.
  active: z.boolean().nullish(),
});
type FreshdeskContact = z.infer<typeof FreshdeskContactSchema>;

const ConversationsSchema = z.array(
  z.object({ body: z.string().nullish(), body_text: z.string().nullish(), private: z.boolean().nullish() }),
);

const NoteResponseSchema = z.object({ id: z.int(), private: z.boolean() });

/** Freshdesk error bodies: `{description, errors: [{field, message, code}]}` or `{code, message}`. */
const FreshdeskErrorSchema = z.object({
  description: z.string().optional(),
  errors: z.array(z.object({ field: z.string().optional(), message: z.string().optional(), code: z.string().optional() })).optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});

/** What a non-2xx answer means depends on what was asked for. */
type Resource = 'ticket' | 'contact';

/** Freshdesk's largest page of conversations, and how many pages a note is looked for in (1,000 conversations). */
const CONVERSATIONS_PER_PAGE = 100;
const MAX_CONVERSATION_PAGES = 10;

/**
 * The Freshdesk API v2 client: reads contacts and tickets, and writes a decision back to a ticket.
 * Errors are the domain errors of the HelpdeskClient port; a 429 is RateLimitedError with its
 * Retry-After. (The account's per-minute budget is kept by the tenant's pace, on its fetch.)
 *
 * @example
 * const freshdesk = new FreshdeskClient({ baseUrl: 'https://acme.freshdesk.com', apiKey });
 * const ticket = await freshdesk.getTicket('12');
 */
export class FreshdeskClient implements HelpdeskClient {
  readonly #base: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #clock: Clock;
  readonly #handleFields: HandleFields;

  constructor(options: FreshdeskClientOptions) {
    this.#base = parseBase(options.baseUrl);
    if (options.apiKey.trim() === '') throw new ConfigurationError('Freshdesk client: apiKey is required');
    this.#authorization = `Basic ${Buffer.from(`${options.apiKey}:X`, 'utf8').toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? 8000;
    this.#fetch = options.fetch;
    this.#clock = options.clock ?? systemClock;
    this.#handleFields = options.handleFields ?? {};
  }

  /**
   * The contact's email, external id, name, Twitter handle and profile fields (its custom fields
   * plus `twitter_followers_count`), in one request.
   *
   * @example await freshdesk.getRequester('43012345678') // { helpdeskUserId: '43012345678', email: 'ada@example.com', handles: [{ network: 'twitter', handle: 'ada' }], ... }
   */
  async getRequester(contactId: string): Promise<RequesterDetails> {
    const id = checkId(contactId, 'contact');
    const json = await this.#send('GET', `/api/v2/contacts/${id}`, 'contact');
    return toRequester(id, parseApiAnswer(FreshdeskContactSchema, json, 'Freshdesk GET /api/v2/contacts/{id}'), this.#handleFields);
  }

  /**
   * The ticket as it is now: priority, tags, group, channel and `updated_at` as its stamp.
   *
   * @example await freshdesk.getTicket('12') // { id: '12', priority: 'normal', tags: ['vip'], channel: 'email', updatedStamp: '2024-04-17T17:18:10Z', ... }
   */
  async getTicket(ticketId: string): Promise<TicketSnapshot> {
    return toSnapshot(await this.#readTicket(checkId(ticketId, 'ticket')));
  }

  /**
   * Whether a private note on the ticket contains `marker` (the first 100 conversations: a
   * ticket being routed has few). The marker is plain text, so it is looked for in the note's
   * text and in its HTML, as written and as escaped.
   *
   * @example await freshdesk.hasInternalNote('12', '[influence-router freshdesk:ticket-created:12]')
   */
  async hasInternalNote(ticketId: string, marker: string): Promise<boolean> {
    const id = checkId(ticketId, 'ticket');
    const escaped = escapeHtml(marker);
    // Freshdesk lists conversations oldest first: page on until a page is not full.
    for (let page = 1; page <= MAX_CONVERSATION_PAGES; page += 1) {
      const json = await this.#send('GET', `/api/v2/tickets/${id}/conversations?per_page=${CONVERSATIONS_PER_PAGE}&page=${page}`, 'ticket');
      const conversations = parseApiAnswer(ConversationsSchema, json, 'Freshdesk GET /api/v2/tickets/{id}/conversations');
      const found = conversations.some(
        (conversation) =>
          conversation.private === true &&
          [conversation.body_text ?? '', conversation.body ?? ''].some((text) => text.includes(marker) || text.includes(escaped)),
      );
      if (found) return true;
      if (conversations.length < CONVERSATIONS_PER_PAGE) return false;
    }
    return false;
  }

  /**
   * Writes a decision in three requests (two when nothing but the note changes, one when nothing
   * changes at all), because Freshdesk has neither a guarded update nor an additive tags field:
   * 1. GET the ticket just before writing; with an `updatedStamp` that its `updated_at` no
   *    longer matches, a person changed it: ConflictError, and nothing is written.
   * 2. PUT only what changes: the priority, the group, and the tags as just read plus
   *    `addedTags` (never `update.tags`, which may be older); no PUT when nothing changes.
   * 3. POST the private note last (none when the note is blank), so a note found by
   *    `hasInternalNote` proves the rest landed.
   *
   * The window that remains: a person's change between the re-read and the PUT (typically
   * milliseconds) can still be replaced by the PUT; a change after the PUT is kept. The snapshot
   * returned is the ticket as written, without a stamp once a note was added (the note moves
   * `updated_at` on, and its new value is not known without another request).
   *
   * @example await freshdesk.updateTicket({ ticketId: '12', decisionId, priority: 'high', tags, addedTags: ['influence_high'], note, updatedStamp })
   */
  async updateTicket(update: TicketUpdate): Promise<TicketSnapshot> {
    const id = checkId(update.ticketId, 'ticket');
    const groupId = update.groupId === undefined ? undefined : toNumber(checkId(update.groupId, 'group'), 'group');
    const note = update.note.trim() === '' ? undefined : noteHtml(update.note);

    const current = await this.#readTicket(id);
    if (update.updatedStamp !== undefined && !sameStamp(update.updatedStamp, current.updated_at)) {
      throw new ConflictError(
        `Freshdesk ticket ${id} changed since it was read (updated_at ${current.updated_at}, read at ${update.updatedStamp.slice(0, 40)})`,
      );
    }

    const changes: Record<string, unknown> = {};
    if (update.priority !== undefined && FRESHDESK_PRIORITY_VALUES[update.priority] !== current.priority) {
      changes['priority'] = FRESHDESK_PRIORITY_VALUES[update.priority];
    }
    if (groupId !== undefined && groupId !== current.group_id) changes['group_id'] = groupId;
    const missing = [...new Set(update.addedTags.map((tag) => tag.trim()))].filter((tag) => tag !== '' && !current.tags.includes(tag));
    // `tags` replaces the whole list, so it carries every tag the ticket has now.
    if (missing.length > 0) changes['tags'] = [...current.tags, ...missing];

    let written = current;
    if (Object.keys(changes).length > 0) {
      const json = await this.#send('PUT', `/api/v2/tickets/${id}`, 'ticket', changes);
      written = parseApiAnswer(FreshdeskTicketSchema, json, 'Freshdesk PUT /api/v2/tickets/{id}');
    }
    if (note === undefined) return toSnapshot(written);

    const json = await this.#send('POST', `/api/v2/tickets/${id}/notes`, 'ticket', { body: note, private: true });
    parseApiAnswer(NoteResponseSchema, json, 'Freshdesk POST /api/v2/tickets/{id}/notes');
    const { updatedStamp: _moved, ...snapshot } = toSnapshot(written);
    return snapshot;
  }

  /**
   * A resolved ticket's first reply and resolution times, from `GET /api/v2/tickets/{id}?include=stats`
   * (one request, two API credits); undefined while its stats show no resolution.
   *
   * @example await freshdesk.readOutcome('12') // { solvedAt: '...', firstReplyMinutes: 42, resolutionMinutes: 300, reopens: 0, source: 'freshdesk-stats' }
   */
  async readOutcome(ticketId: string): Promise<SolvedReading | undefined> {
    const id = checkId(ticketId, 'ticket');
    const json = await this.#send('GET', `/api/v2/tickets/${id}?include=stats`, 'ticket');
    return readingFromStats(parseApiAnswer(TicketWithStatsSchema, json, 'Freshdesk GET /api/v2/tickets/{id}?include=stats'));
  }

  async #readTicket(id: string): Promise<FreshdeskTicket> {
    const json = await this.#send('GET', `/api/v2/tickets/${id}`, 'ticket');
    return parseApiAnswer(FreshdeskTicketSchema, json, 'Freshdesk GET /api/v2/tickets/{id}');
  }

  async #send(method: JsonRequestMethod, path: string, resource: Resource, body?: unknown): Promise<unknown> {
    const url = new URL(`${this.#base}${path}`);
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
      target: `Freshdesk ${method} ${url.pathname}`,
      detail: describeError(response.json),
      // Freshdesk answers a missing record with an empty 404, whatever the record.
      ticketGone: resource === 'ticket',
      urlField: 'baseUrl',
      now: this.#clock.now(),
    });
  }
}

function parseBase(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConfigurationError(`Freshdesk client: baseUrl "${baseUrl.slice(0, 100)}" is not a URL`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigurationError('Freshdesk client: baseUrl must be http(s)');
  // The message leaves the URL out: it would repeat the credentials it refuses.
  if (url.username || url.password) throw new ConfigurationError('Freshdesk client: baseUrl must not carry credentials');
  if (url.search || url.hash || /[?#]/.test(baseUrl))
    throw new ConfigurationError('Freshdesk client: baseUrl must not carry a query or fragment');
  const prefix = url.pathname.replace(/\/+$/, '');
  // Requests append /api/v2/...; a base that already holds it would send every request to a wrong path.
  if (/\/api(\/|$)/.test(prefix)) throw new ConfigurationError('Freshdesk client: baseUrl must not include /api/v2, requests add it');
  return `${url.origin}${prefix}`;
}

function checkId(value: string, what: 'ticket' | 'contact' | 'group'): string {
  if (!NUMERIC_ID.test(value)) {
    throw new PermanentHelpdeskError(`Freshdesk ${what} id must be numeric, got ${JSON.stringify(value.slice(0, 40))}`, 400);
  }
  return value;
}

/** A JSON body carries ids as numbers, which are exact only up to 2^53. */
function toNumber(id: string, what: 'group'): number {
  const value = Number(id);
  if (!Number.isSafeInteger(value)) throw new PermanentHelpdeskError(`Freshdesk ${what} id ${id} is too large to send exactly`, 400);
  return value;
}

function describeError(json: unknown): string {
  const parsed = FreshdeskErrorSchema.safeParse(json);
  if (!parsed.success) return '';
  const { description, errors = [], code, message } = parsed.data;
  const parts = [
    description,
    code === undefined && message === undefined ? undefined : [code, message].filter(Boolean).join(': '),
    ...errors.map((error) => `${error.field ?? '(body)'}: ${error.message ?? 'invalid'}${error.code ? ` (${error.code})` : ''}`),
  ].filter((part): part is string => part !== undefined && part !== '');
  const text = parts.join('; ');
  return text ? ` (${text.slice(0, 200)})` : '';
}

/** Compares stamps as instants when both are dates, so a different rendering of one time still matches. */
function sameStamp(read: string, current: string): boolean {
  if (read === current) return true;
  const a = Date.parse(read);
  return Number.isFinite(a) && a === Date.parse(current);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Freshdesk note bodies are HTML: the plain-text note is escaped, and its line breaks kept. */
function noteHtml(note: string): string {
  return escapeHtml(note).replace(/\r?\n/g, '<br>');
}

function toSnapshot(ticket: FreshdeskTicket): TicketSnapshot {
  const snapshot: TicketSnapshot = { id: String(ticket.id), tags: ticket.tags, updatedStamp: ticket.updated_at };
  const priority = ticket.priority === null || ticket.priority === undefined ? undefined : priorityFromFreshdesk(ticket.priority);
  if (priority) snapshot.priority = priority;
  if (ticket.group_id !== null && ticket.group_id !== undefined) snapshot.groupId = String(ticket.group_id);
  const channel = ticket.source === null || ticket.source === undefined ? undefined : channelFromFreshdeskSource(ticket.source);
  if (channel) snapshot.channel = channel;
  if (ticket.subject) snapshot.subject = ticket.subject;
  return snapshot;
}

function toRequester(id: string, contact: FreshdeskContact, handleFields: HandleFields): RequesterDetails {
  const fields: RequesterDetails['fields'] = {};
  for (const [key, value] of Object.entries(contact.custom_fields ?? {})) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  // Read-only and filled by Freshdesk for contacts known on Twitter: a follower count the metrics provider can use.
  if (typeof contact.twitter_followers_count === 'number') fields['twitter_followers_count'] = contact.twitter_followers_count;
  // Freshdesk fills `twitter_id` for a contact who wrote through its Twitter channel (an agent can edit it: declared until a Twitter ticket shows it).
  const handle = contact.twitter_id?.trim().replace(/^@/, '');
  const twitter: SocialHandle[] = handle ? [{ network: 'twitter', handle }] : [];
  const handles = handlesFromFields(handleFields, contact.custom_fields ?? {}, twitter);
  const details: RequesterDetails = { helpdeskUserId: id, handles, fields };
  if (twitter.length > 0) details.channelAccounts = twitter;
  const email = contact.email || contact.other_emails?.find((other) => other.trim() !== '');
  if (email) {
    details.email = email;
    // Only the primary address is the one a verified contact confirmed; an agent cannot set `active`.
    details.emailVerified = email === contact.email && contact.active === true;
  }
  const externalId = contact.unique_external_id;
  if (externalId !== null && externalId !== undefined && String(externalId) !== '') details.externalId = String(externalId);
  if (contact.name) details.name = contact.name;
  return details;
}
