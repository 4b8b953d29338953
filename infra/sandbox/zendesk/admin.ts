import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { fail, isPlainObject, type PartRequest, type Reply, stamp } from '../http.js';
import { invalidEndpoint, parseWrite, requireJson, unwrap } from './schemas.js';
import type { SandboxTicket, SandboxUser } from './types.js';

/** A webhook as Zendesk's Webhooks API shows it. */
export interface SandboxWebhook {
  id: string;
  name: string;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  request_format: 'json' | 'xml' | 'form_encoded';
  /** `["conditional_ticket_events"]` for a trigger-connected webhook, else Zendesk event types. */
  subscriptions: string[];
  description?: string;
  created_at: string;
  created_by: string;
  updated_at?: string;
  updated_by?: string;
  signingSecret: string;
}

interface Condition {
  field: string;
  operator: string;
  value?: unknown;
}

/** A trigger as the Triggers API shows it. */
export interface SandboxTrigger {
  id: number;
  title: string;
  active: boolean;
  description: string | null;
  conditions: { all: Condition[]; any: Condition[] };
  actions: { field: string; value: unknown }[];
  position: number;
  created_at: string;
  updated_at: string;
}

/** A user field as the User Fields API shows it. */
export interface SandboxUserField {
  id: number;
  key: string;
  type: string;
  title: string;
  description: string;
  active: boolean;
  position: number;
  created_at: string;
  updated_at: string;
}

/** What a webhook sends when a ticket is created: to where, and what. */
export interface WebhookSend {
  webhook: SandboxWebhook;
  /** The trigger-rendered body; absent for an event-subscribed webhook, which sends the event envelope. */
  body?: string;
}

/** Webhook names, trigger titles: what Zendesk allows. */
const NameSchema = z.string().trim().min(1).max(255);

/** The body of `POST /api/v2/webhooks` and `PUT /api/v2/webhooks/{id}`, inside `{"webhook": ...}`. */
const WebhookInputSchema = z
  .object({
    name: NameSchema,
    status: z.enum(['active', 'inactive']),
    endpoint: z.url(),
    http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    request_format: z.enum(['json', 'xml', 'form_encoded']),
    subscriptions: z.array(z.string().min(1)).min(1),
    description: z.string().optional(),
    authentication: z.unknown().optional(),
    custom_headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((hook) => !hook.subscriptions.includes('conditional_ticket_events') || hook.subscriptions.length === 1, {
    message: 'a trigger or automation webhook subscribes to conditional_ticket_events only',
    path: ['subscriptions'],
  })
  .refine((hook) => hook.subscriptions.includes('conditional_ticket_events') || (hook.http_method === 'POST' && hook.request_format === 'json'), {
    message: 'a webhook subscribed to events must use POST and json',
    path: ['http_method'],
  });
type WebhookInput = z.infer<typeof WebhookInputSchema>;

const ConditionSchema = z.object({ field: z.string().min(1), operator: z.string().min(1), value: z.unknown().optional() }).strict();

/** The body of `POST /api/v2/triggers` and `PUT /api/v2/triggers/{id}`, inside `{"trigger": ...}`. */
const TriggerInputSchema = z
  .object({
    title: NameSchema,
    active: z.boolean().optional(),
    description: z.string().nullable().optional(),
    conditions: z.object({ all: z.array(ConditionSchema).default([]), any: z.array(ConditionSchema).default([]) }).strict(),
    actions: z.array(z.object({ field: z.string().min(1), value: z.unknown() }).strict()).min(1, 'Actions: cannot be blank'),
    position: z.number().int().optional(),
    category_id: z.string().optional(),
  })
  .strict();
type TriggerInput = z.infer<typeof TriggerInputSchema>;

const USER_FIELD_TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'dropdown', 'lookup', 'multiselect'] as const;

/** The body of `POST /api/v2/user_fields`, inside `{"user_field": ...}`. */
const UserFieldInputSchema = z
  .object({
    type: z.enum(USER_FIELD_TYPES),
    key: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'Key: can only contain letters, numbers and underscores')
      .refine((key) => !/^\d+$/.test(key), 'Key: cannot be only numbers'),
    title: NameSchema,
    description: z.string().optional(),
    active: z.boolean().optional(),
    position: z.number().int().optional(),
  })
  .strict();

/** Crockford's base32, which Zendesk's ULID webhook ids are written in. */
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function ulid(): string {
  return `01${[...randomBytes(24)].map((byte) => ULID_ALPHABET[byte % 32]).join('')}`;
}

/** The Webhooks API's error shape: a list of `{code, title, detail}`. */
function webhookError(status: number, code: string, title: string, detail?: string): never {
  throw fail(status, { errors: [{ code, title, ...(detail ? { detail } : {}) }] });
}

/** A ticket placeholder as a trigger renders it to a webhook: raw, unformatted text. */
function placeholderValue(name: string, ticket: SandboxTicket, requester: SandboxUser): string | undefined {
  const values: Record<string, string> = {
    'ticket.id': String(ticket.id),
    'ticket.title': ticket.subject,
    'ticket.status': ticket.status,
    'ticket.priority': ticket.priority ?? '',
    'ticket.tags': ticket.tags.join(' '),
    'ticket.via': ticket.via.channel === 'web' ? 'Web Form' : ticket.via.channel === 'api' ? 'Web Service' : ticket.via.channel,
    'ticket.created_at_with_timestamp': ticket.created_at,
    'ticket.requester.id': String(requester.id),
    'ticket.requester.name': requester.name,
    'ticket.requester.email': requester.email ?? '',
    'ticket.requester.external_id': requester.external_id ?? '',
  };
  return values[name];
}

/**
 * Renders a trigger's webhook body as Zendesk does: each `{{placeholder}}` replaced by its raw
 * text, never JSON-escaped (so a quote in a value breaks a JSON body, as it would in Zendesk); a
 * placeholder it does not know stays as written.
 */
export function renderPlaceholders(body: string, ticket: SandboxTicket, requester: SandboxUser): string {
  return body.replace(/\{\{\s*([a-z0-9_.]+)\s*\}\}/gi, (whole, name: string) => placeholderValue(name, ticket, requester) ?? whole);
}

/**
 * The account's webhooks, triggers and user fields, served with the shapes of Zendesk's Webhooks,
 * Triggers and User Fields APIs: create, show, list (by cursor, and triggers and fields by offset
 * too), update, and each webhook's signing secret. A trigger may only notify a trigger-connected
 * webhook that exists, a webhook's connection method never changes, user field keys are unique.
 */
export class ZendeskAdmin {
  readonly webhooks = new Map<string, SandboxWebhook>();
  readonly triggers = new Map<number, SandboxTrigger>();
  readonly userFields = new Map<number, SandboxUserField>();
  #nextTriggerId = 360_000_001;
  #nextFieldId = 360_100_001;

  constructor(
    private readonly baseUrl: () => string,
    private readonly agentId: number,
  ) {}

  /** Adds a webhook as an admin would in Admin Center, with a known signing secret (the local demo's). */
  addWebhook(input: Omit<WebhookInput, 'subscriptions'> & { subscriptions: string[]; signingSecret?: string }): SandboxWebhook {
    const { signingSecret, ...rest } = input;
    // The sandbox sends no authentication header, so it does not keep one.
    const { authentication: _ignored, ...fields } = WebhookInputSchema.parse(rest);
    const webhook: SandboxWebhook = {
      ...fields,
      id: ulid(),
      created_at: stamp(Date.now()),
      created_by: String(this.agentId),
      signingSecret: signingSecret ?? randomBytes(32).toString('base64'),
    };
    this.webhooks.set(webhook.id, webhook);
    return structuredClone(webhook);
  }

  /** Adds a user field, as an admin would. */
  addUserField(input: z.input<typeof UserFieldInputSchema>): SandboxUserField {
    const parsed = UserFieldInputSchema.parse(input);
    if ([...this.userFields.values()].some((field) => field.key === parsed.key)) throw new Error(`sandbox zendesk: user field ${parsed.key} exists`);
    const now = stamp(Date.now());
    const field: SandboxUserField = {
      id: this.#nextFieldId++,
      key: parsed.key,
      type: parsed.type,
      title: parsed.title,
      description: parsed.description ?? '',
      active: parsed.active ?? true,
      position: parsed.position ?? this.userFields.size,
      created_at: now,
      updated_at: now,
    };
    this.userFields.set(field.id, field);
    return structuredClone(field);
  }

  /**
   * What the account sends for a new ticket: every active webhook subscribed to
   * `zen:event-type:ticket.created`, and every active trigger whose conditions a new ticket meets,
   * through its `notification_webhook` actions to active trigger-connected webhooks, body rendered.
   */
  sendsForNewTicket(ticket: SandboxTicket, requester: SandboxUser): WebhookSend[] {
    const sends: WebhookSend[] = [];
    for (const webhook of this.webhooks.values()) {
      if (webhook.status === 'active' && webhook.subscriptions.includes('zen:event-type:ticket.created')) sends.push({ webhook: structuredClone(webhook) });
    }
    const triggers = [...this.triggers.values()].filter((trigger) => trigger.active).sort((a, b) => a.position - b.position);
    for (const trigger of triggers) {
      if (!meetsOnCreate(trigger.conditions, ticket)) continue;
      for (const action of trigger.actions) {
        if (action.field !== 'notification_webhook' || !Array.isArray(action.value)) continue;
        const [webhookId, body] = action.value as unknown[];
        const webhook = typeof webhookId === 'string' ? this.webhooks.get(webhookId) : undefined;
        if (!webhook || webhook.status !== 'active' || typeof body !== 'string') continue;
        sends.push({ webhook: structuredClone(webhook), body: renderPlaceholders(body, ticket, requester) });
      }
    }
    return sends;
  }

  /** Routes `/api/v2/{webhooks|triggers|user_fields}/...`; undefined for other collections. */
  route(request: PartRequest, collection: string | undefined, id: string | undefined, sub: string | undefined): Reply | undefined {
    if (collection === 'webhooks') return this.#routeWebhooks(request, id, sub);
    if (collection === 'triggers') return this.#routeTriggers(request, id, sub);
    if (collection === 'user_fields') return this.#routeUserFields(request, id, sub);
    return undefined;
  }

  #routeWebhooks(request: PartRequest, id: string | undefined, sub: string | undefined): Reply {
    const { method } = request;
    if (id === undefined) {
      if (method === 'GET') {
        const contains = (request.query.get('filter[name_contains]') ?? '').toLowerCase();
        const all = [...this.webhooks.values()].filter((hook) => hook.name.toLowerCase().includes(contains)).sort((a, b) => a.id.localeCompare(b.id));
        return cursorPage(all, (hook) => hook.id, request.query, `${this.baseUrl()}/api/v2/webhooks`, 'webhooks', webhookJson, { offset: false });
      }
      if (method === 'POST') {
        const input = this.#webhookInput(request);
        const webhook = this.addWebhook(input);
        return { status: 201, body: { webhook: webhookJson(webhook) } };
      }
      throw invalidEndpoint();
    }
    const webhook = this.webhooks.get(id) ?? webhookError(404, 'WebhookNotFound', 'Webhook not found', `No webhook with id ${id}`);
    if (sub === 'signing_secret') {
      if (method === 'GET') return { status: 200, body: { signing_secret: { algorithm: 'SHA256', secret: webhook.signingSecret } } };
      if (method === 'POST') {
        webhook.signingSecret = randomBytes(32).toString('base64');
        return { status: 200, body: { signing_secret: { algorithm: 'SHA256', secret: webhook.signingSecret } } };
      }
      throw invalidEndpoint();
    }
    if (sub !== undefined) throw invalidEndpoint();
    if (method === 'GET') return { status: 200, body: { webhook: webhookJson(webhook) } };
    if (method === 'PUT') {
      const input = this.#webhookInput(request);
      const wasTriggered = webhook.subscriptions.includes('conditional_ticket_events');
      if (wasTriggered !== input.subscriptions.includes('conditional_ticket_events')) {
        webhookError(400, 'InvalidWebhookSubscriptions', 'Invalid subscriptions', "A webhook's connection method cannot be changed");
      }
      const { authentication: _ignored, ...fields } = input;
      Object.assign(webhook, fields, { updated_at: stamp(Date.now()), updated_by: String(this.agentId) });
      // Zendesk answers an update with no content.
      return { status: 204, body: undefined };
    }
    throw invalidEndpoint();
  }

  #webhookInput(request: PartRequest): WebhookInput {
    requireJson(request);
    let json: unknown;
    try {
      json = JSON.parse(request.raw.toString('utf8'));
    } catch {
      webhookError(400, 'InvalidJSON', 'Invalid JSON', 'The request body is not valid JSON');
    }
    if (!isPlainObject(json) || !isPlainObject(json['webhook'])) webhookError(400, 'InvalidInput', 'Invalid input', 'The body must be {"webhook": {...}}');
    // Read-only fields a client echoes back (a read webhook, edited and sent) are ignored, as Zendesk ignores them.
    const { id: _id, created_at: _createdAt, created_by: _createdBy, updated_at: _updatedAt, updated_by: _updatedBy, ...writable } = json['webhook'];
    const parsed = WebhookInputSchema.safeParse(writable);
    if (!parsed.success) {
      throw fail(400, {
        errors: parsed.error.issues.map((issue) => ({ code: 'InvalidInput', title: 'Invalid input', detail: `${issue.path.join('.')}: ${issue.message}`, source: { pointer: `/webhook/${issue.path.join('/')}` } })),
      });
    }
    return parsed.data;
  }

  #routeTriggers(request: PartRequest, id: string | undefined, sub: string | undefined): Reply {
    const { method } = request;
    if (sub !== undefined) throw invalidEndpoint();
    if (id === undefined) {
      if (method === 'GET') {
        const active = request.query.get('active');
        const all = [...this.triggers.values()].filter((trigger) => active === null || String(trigger.active) === active).sort((a, b) => a.id - b.id);
        return cursorPage(all, (trigger) => String(trigger.id), request.query, `${this.baseUrl()}/api/v2/triggers.json`, 'triggers', (trigger) => this.#triggerJson(trigger), { offset: true });
      }
      if (method === 'POST') {
        const input = this.#triggerInput(request);
        const now = stamp(Date.now());
        const trigger: SandboxTrigger = {
          id: this.#nextTriggerId++,
          title: input.title,
          active: input.active ?? true,
          description: input.description ?? null,
          conditions: input.conditions,
          actions: input.actions,
          position: input.position ?? this.triggers.size + 1,
          created_at: now,
          updated_at: now,
        };
        this.triggers.set(trigger.id, trigger);
        return { status: 201, body: { trigger: this.#triggerJson(trigger) } };
      }
      throw invalidEndpoint();
    }
    const trigger = (/^\d+$/.test(id) ? this.triggers.get(Number(id)) : undefined) ?? notFound();
    if (method === 'GET') return { status: 200, body: { trigger: this.#triggerJson(trigger) } };
    if (method === 'PUT') {
      const input = this.#triggerInput(request);
      Object.assign(trigger, {
        title: input.title,
        active: input.active ?? trigger.active,
        description: input.description === undefined ? trigger.description : input.description,
        conditions: input.conditions,
        actions: input.actions,
        position: input.position ?? trigger.position,
        updated_at: stamp(Date.now()),
      });
      return { status: 200, body: { trigger: this.#triggerJson(trigger) } };
    }
    throw invalidEndpoint();
  }

  #triggerInput(request: PartRequest): TriggerInput {
    const input = parseWrite(request, (json) => unwrap(json, 'trigger'), TriggerInputSchema);
    for (const action of input.actions) {
      if (action.field !== 'notification_webhook') continue;
      const value = action.value;
      const webhook = Array.isArray(value) && typeof value[0] === 'string' ? this.webhooks.get(value[0]) : undefined;
      const problem =
        !Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'string'
          ? 'notification_webhook takes [webhook id, body]'
          : !webhook
            ? `webhook ${String(value[0])} does not exist`
            : !webhook.subscriptions.includes('conditional_ticket_events')
              ? `webhook ${webhook.id} is subscribed to events and cannot be used by a trigger`
              : undefined;
      if (problem) throw fail(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { actions: [{ description: `Actions: ${problem}` }] } });
    }
    return input;
  }

  #triggerJson(trigger: SandboxTrigger): Record<string, unknown> {
    return {
      url: `${this.baseUrl()}/api/v2/triggers/${trigger.id}.json`,
      id: trigger.id,
      title: trigger.title,
      raw_title: trigger.title,
      active: trigger.active,
      default: false,
      description: trigger.description,
      conditions: structuredClone(trigger.conditions),
      actions: structuredClone(trigger.actions),
      position: trigger.position,
      category_id: '1',
      created_at: trigger.created_at,
      updated_at: trigger.updated_at,
    };
  }

  #routeUserFields(request: PartRequest, id: string | undefined, sub: string | undefined): Reply {
    const { method } = request;
    if (sub !== undefined) throw invalidEndpoint();
    if (id === undefined) {
      if (method === 'GET') {
        const all = [...this.userFields.values()].sort((a, b) => a.position - b.position || a.id - b.id);
        return cursorPage(all, (field) => String(field.id), request.query, `${this.baseUrl()}/api/v2/user_fields.json`, 'user_fields', (field) => this.#fieldJson(field), { offset: true });
      }
      if (method === 'POST') {
        const input = parseWrite(request, (json) => unwrap(json, 'user_field'), UserFieldInputSchema);
        if ([...this.userFields.values()].some((field) => field.key === input.key)) {
          throw fail(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { key: [{ description: 'Key: has already been taken', error: 'DuplicateValue' }] } });
        }
        return { status: 201, body: { user_field: this.#fieldJson(this.addUserField(input)) } };
      }
      throw invalidEndpoint();
    }
    const field = (/^\d+$/.test(id) ? this.userFields.get(Number(id)) : undefined) ?? notFound();
    if (method === 'GET') return { status: 200, body: { user_field: this.#fieldJson(field) } };
    throw invalidEndpoint();
  }

  #fieldJson(field: SandboxUserField): Record<string, unknown> {
    return {
      url: `${this.baseUrl()}/api/v2/user_fields/${field.id}.json`,
      id: field.id,
      type: field.type,
      key: field.key,
      title: field.title,
      raw_title: field.title,
      description: field.description,
      raw_description: field.description,
      position: field.position,
      active: field.active,
      system: false,
      regexp_for_validation: null,
      created_at: field.created_at,
      updated_at: field.updated_at,
    };
  }
}

function notFound(): never {
  throw fail(404, { error: 'RecordNotFound', description: 'Not found' });
}

/** A webhook as the API answers it: never its signing secret. */
function webhookJson(webhook: SandboxWebhook): Record<string, unknown> {
  const { signingSecret: _secret, ...shown } = webhook;
  return structuredClone(shown);
}

/** Whether a trigger's conditions hold for a ticket just created (the sandbox knows `update_type`, `status` and `priority`). */
function meetsOnCreate(conditions: SandboxTrigger['conditions'], ticket: SandboxTicket): boolean {
  const holds = (condition: Condition): boolean => {
    const value = String(condition.value ?? '').toLowerCase();
    const actual = condition.field === 'update_type' ? 'create' : condition.field === 'status' ? ticket.status : condition.field === 'priority' ? (ticket.priority ?? '') : undefined;
    if (actual === undefined) return false;
    if (condition.operator === 'is') return actual === value;
    if (condition.operator === 'is_not') return actual !== value;
    return false;
  };
  return conditions.all.every(holds) && (conditions.any.length === 0 || conditions.any.some(holds));
}

/** A page size from 1 to 100, as Zendesk allows; anything else is its 400. */
function pageSize(value: string, name: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 100) throw fail(400, { error: 'InvalidPaginationParameter', description: `${name} must be from 1 to 100` });
  return size;
}

/** An opaque cursor for a record's key, as Zendesk's are opaque; one the sandbox did not make is its 400. */
function cursor(key: string): string {
  return Buffer.from(`k${key}`).toString('base64url');
}

function cursorKey(value: string): string {
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  if (!decoded.startsWith('k')) throw fail(400, { error: 'InvalidPaginationParameter', description: 'the page cursor is not one this API gave' });
  return decoded.slice(1);
}

/**
 * One page of a list, paged as Zendesk pages: by cursor with `page[size]` (`meta.has_more`,
 * `meta.after_cursor`, `links.next`), else, where the endpoint allows it, by offset with `page` and
 * `per_page` (`next_page`, `count`). `all` is in the order the keys sort.
 */
export function cursorPage<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
  listUrl: string,
  name: string,
  toJson: (item: T) => unknown,
  options: { offset: boolean },
): Reply {
  const url = (params: Record<string, string>): string => `${listUrl}?${new URLSearchParams(params).toString()}`;
  const keys = all.map(keyOf);
  const cursorSize = query.get('page[size]');
  if (cursorSize !== null || !options.offset) {
    const size = pageSize(cursorSize ?? '100', 'page[size]');
    const after = query.get('page[after]');
    const before = query.get('page[before]');
    let start = 0;
    let end = size;
    if (after !== null) {
      const afterKey = cursorKey(after);
      start = keys.filter((key) => compareKeys(key, afterKey) <= 0).length;
      end = start + size;
    } else if (before !== null) {
      const beforeKey = cursorKey(before);
      end = keys.filter((key) => compareKeys(key, beforeKey) < 0).length;
      start = Math.max(0, end - size);
    }
    const page = all.slice(start, end);
    const last = page.at(-1);
    const first = page[0];
    const hasMore = page.length > 0 && end < all.length;
    const afterCursor = last ? cursor(keyOf(last)) : null;
    const beforeCursor = first ? cursor(keyOf(first)) : null;
    return {
      status: 200,
      body: {
        [name]: page.map(toJson),
        meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
        links: {
          next: hasMore && afterCursor ? url({ 'page[after]': afterCursor, 'page[size]': String(size) }) : null,
          prev: beforeCursor && start > 0 ? url({ 'page[before]': beforeCursor, 'page[size]': String(size) }) : null,
        },
      },
    };
  }
  const perPage = pageSize(query.get('per_page') ?? '100', 'per_page');
  const pageNumber = Number(query.get('page') ?? '1');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw fail(400, { error: 'InvalidPaginationParameter', description: 'page must be a positive integer' });
  const page = all.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  return {
    status: 200,
    body: {
      [name]: page.map(toJson),
      next_page: pageNumber * perPage < all.length ? url({ page: String(pageNumber + 1), per_page: String(perPage) }) : null,
      previous_page: pageNumber > 1 ? url({ page: String(pageNumber - 1), per_page: String(perPage) }) : null,
      count: all.length,
    },
  };
}

/** Numeric keys compare as numbers (ticket and trigger ids), others as text (ULIDs sort as text). */
function compareKeys(a: string, b: string): number {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b);
}
