import { randomBytes } from 'node:crypto';
import type * as z from 'zod';
import { fail, isPlainObject, type PartRequest, type Reply, stamp } from '../http.js';
import {
  type SandboxTrigger,
  type SandboxUserField,
  type SandboxWebhook,
  type TriggerInput,
  TriggerInputSchema,
  UserFieldInputSchema,
  type WebhookInput,
  WebhookInputSchema,
  type WebhookSend,
} from './admin-records.js';
import { cursorPage } from './paging.js';
import { invalidEndpoint, parseWrite, requireJson, unwrap } from './schemas.js';
import { meetsOnCreate, meetsOnSolve, renderPlaceholders } from './triggers.js';
import type { SandboxTicket, SandboxUser } from './types.js';

export type { SandboxTrigger, SandboxUserField, SandboxWebhook, WebhookSend } from './admin-records.js';

/** Crockford's base32, which Zendesk's ULID webhook ids are written in. */
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function ulid(): string {
  return `01${[...randomBytes(24)].map((byte) => ULID_ALPHABET[byte % 32]).join('')}`;
}

/** The Webhooks API's error shape: a list of `{code, title, detail}`. */
function webhookError(status: number, code: string, title: string, detail?: string): never {
  throw fail(status, { errors: [{ code, title, ...(detail ? { detail } : {}) }] });
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
    if ([...this.userFields.values()].some((field) => field.key === parsed.key))
      throw new Error(`sandbox zendesk: user field ${parsed.key} exists`);
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
      if (webhook.status === 'active' && webhook.subscriptions.includes('zen:event-type:ticket.created'))
        sends.push({ webhook: structuredClone(webhook) });
    }
    return [...sends, ...this.#triggerSends(ticket, requester, meetsOnCreate)];
  }

  /** What the account sends when a ticket's status changes to solved: every active trigger on "status changed to solved". */
  sendsForSolved(ticket: SandboxTicket, requester: SandboxUser): WebhookSend[] {
    return this.#triggerSends(ticket, requester, meetsOnSolve);
  }

  #triggerSends(
    ticket: SandboxTicket,
    requester: SandboxUser,
    meets: (conditions: SandboxTrigger['conditions'], ticket: SandboxTicket) => boolean,
  ): WebhookSend[] {
    const sends: WebhookSend[] = [];
    const triggers = [...this.triggers.values()].filter((trigger) => trigger.active).sort((a, b) => a.position - b.position);
    for (const trigger of triggers) {
      if (!meets(trigger.conditions, ticket)) continue;
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
        const all = [...this.webhooks.values()]
          .filter((hook) => hook.name.toLowerCase().includes(contains))
          .sort((a, b) => a.id.localeCompare(b.id));
        return cursorPage(all, (hook) => hook.id, request.query, `${this.baseUrl()}/api/v2/webhooks`, 'webhooks', webhookJson, {
          offset: false,
        });
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
    if (!isPlainObject(json) || !isPlainObject(json['webhook']))
      webhookError(400, 'InvalidInput', 'Invalid input', 'The body must be {"webhook": {...}}');
    // Read-only fields a client echoes back (a read webhook, edited and sent) are ignored, as Zendesk ignores them.
    const {
      id: _id,
      created_at: _createdAt,
      created_by: _createdBy,
      updated_at: _updatedAt,
      updated_by: _updatedBy,
      ...writable
    } = json['webhook'];
    const parsed = WebhookInputSchema.safeParse(writable);
    if (!parsed.success) {
      throw fail(400, {
        errors: parsed.error.issues.map((issue) => ({
          code: 'InvalidInput',
          title: 'Invalid input',
          detail: `${issue.path.join('.')}: ${issue.message}`,
          source: { pointer: `/webhook/${issue.path.join('/')}` },
        })),
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
        const all = [...this.triggers.values()]
          .filter((trigger) => active === null || String(trigger.active) === active)
          .sort((a, b) => a.id - b.id);
        return cursorPage(
          all,
          (trigger) => String(trigger.id),
          request.query,
          `${this.baseUrl()}/api/v2/triggers.json`,
          'triggers',
          (trigger) => this.#triggerJson(trigger),
          { offset: true },
        );
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
      if (problem)
        throw fail(422, {
          error: 'RecordInvalid',
          description: 'Record validation errors',
          details: { actions: [{ description: `Actions: ${problem}` }] },
        });
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
        return cursorPage(
          all,
          (field) => String(field.id),
          request.query,
          `${this.baseUrl()}/api/v2/user_fields.json`,
          'user_fields',
          (field) => this.#fieldJson(field),
          { offset: true },
        );
      }
      if (method === 'POST') {
        const input = parseWrite(request, (json) => unwrap(json, 'user_field'), UserFieldInputSchema);
        if ([...this.userFields.values()].some((field) => field.key === input.key)) {
          throw fail(422, {
            error: 'RecordInvalid',
            description: 'Record validation errors',
            details: { key: [{ description: 'Key: has already been taken', error: 'DuplicateValue' }] },
          });
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
