import { setTimeout as sleep } from 'node:timers/promises';
import { ZENDESK_SOLVED_TRIGGER_BODY } from './solved.js';
import { systemClock } from '../../clock/system-clock.js';
import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import { ConfigurationError, PermanentHelpdeskError } from '../../../domain/errors.js';
import { describeSecretRef } from '../../plugin/secret-ref.js';
import { jsonRequest, parseRetryAfter } from '../../http/json-request.js';
import { parseApiAnswer } from '../../http/payload.js';
import type { MetricFields } from '../../plugin/metric-fields.js';
import type { ConnectInput, ConnectRequest, ConnectResult, ConnectStep, HelpdeskConnector } from '../../plugin/descriptors.js';
import { ZendeskHelpdeskSchema } from './descriptor.js';
import { ZENDESK_TRIGGER_BODY_TEMPLATE } from './webhook-schemas.js';

/** The webhook's name in the account; it is how a second run finds it. */
export const webhookName = (tenantId: string): string => `Influence Router: tickets (${tenantId})`;
/** The trigger's title in the account; it is how a second run finds it. */
export const triggerTitle = (tenantId: string): string => `Influence Router: ticket created (${tenantId})`;
/** The solved trigger's title: it sends the ticket's id when its status changes to solved, so its outcome is read. */
export const solvedTriggerTitle = (tenantId: string): string => `Influence Router: ticket solved (${tenantId})`;

const TRIGGER_CONNECTED = 'conditional_ticket_events';
const TICKET_CREATED_EVENT = 'zen:event-type:ticket.created';
/** A dry run's stand-in for the id of a webhook it would create. */
const NEW_WEBHOOK_ID = '<id of the new webhook>';
/** At most this many pages of one list (100 each): an account with more is not one this was built for. */
const MAX_PAGES = 50;
const MAX_RATE_LIMIT_WAITS = 3;
/** What a dry run's write answers: it was described, not sent. */
const DESCRIBED = Symbol('described');

/** The Zendesk field type of each Reach input, so the values typed into it are what the provider reads. */
const FIELD_TYPES: Record<keyof MetricFields, 'integer' | 'decimal' | 'text'> = {
  followers: 'integer',
  following: 'integer',
  engagementPerPost: 'decimal',
  accountAgeDays: 'integer',
  postCount: 'integer',
  verification: 'text',
  socialHandle: 'text',
};

const FIELD_DESCRIPTIONS: Record<keyof MetricFields, string> = {
  followers: 'Followers on the customer’s main social account (read by Influence Router)',
  following: 'Accounts the customer follows (read by Influence Router)',
  engagementPerPost: 'Average likes, replies and shares per post (read by Influence Router)',
  accountAgeDays: 'Age of the social account in days (read by Influence Router)',
  postCount: 'Posts on the social account (read by Influence Router)',
  verification: 'none, paid or org (read by Influence Router)',
  socialHandle: 'The customer’s social handle (kept for reference by Influence Router)',
};

const WebhookSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  status: z.string(),
  endpoint: z.string(),
  http_method: z.string(),
  request_format: z.string(),
  subscriptions: z.array(z.string()).default([]),
});
type Webhook = z.infer<typeof WebhookSchema>;

const TriggerSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  active: z.boolean(),
  conditions: z.object({ all: z.array(z.unknown()).default([]), any: z.array(z.unknown()).default([]) }),
  actions: z.array(z.object({ field: z.string(), value: z.unknown() })),
});
type Trigger = z.infer<typeof TriggerSchema>;

const UserFieldSchema = z.object({ id: z.number().int(), key: z.string(), type: z.string(), active: z.boolean().default(true) });

const CursorMetaSchema = z.object({ has_more: z.boolean(), after_cursor: z.string().nullish() }).optional();
const SigningSecretSchema = z.object({ signing_secret: z.object({ secret: z.string().min(1) }) });

/** The webhook the router needs: trigger-connected, POST, JSON, active, to this tenant's endpoint. */
function desiredWebhook(tenantId: string, endpoint: string): Record<string, unknown> {
  return {
    name: webhookName(tenantId),
    status: 'active',
    endpoint,
    http_method: 'POST',
    request_format: 'json',
    subscriptions: [TRIGGER_CONNECTED],
    description: 'Sends new tickets to Influence Router, which writes back a priority, tags and an internal note.',
  };
}

/** The trigger: on every new ticket, notify the webhook with the documented body. */
function desiredTrigger(
  tenantId: string,
  webhookId: string,
): { title: string; active: boolean; description: string; conditions: Trigger['conditions']; actions: Trigger['actions'] } {
  return {
    title: triggerTitle(tenantId),
    active: true,
    description: 'Created by npm run connect:zendesk; run it again rather than editing this trigger.',
    conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
    actions: [{ field: 'notification_webhook', value: [webhookId, ZENDESK_TRIGGER_BODY_TEMPLATE] }],
  };
}

/** The solved trigger: when a ticket's status changes to solved, notify the webhook with its id (the times are read back). */
function desiredSolvedTrigger(tenantId: string, webhookId: string): ReturnType<typeof desiredTrigger> {
  return {
    title: solvedTriggerTitle(tenantId),
    active: true,
    description: 'Created by npm run connect:zendesk; run it again rather than editing this trigger.',
    conditions: { all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] },
    actions: [{ field: 'notification_webhook', value: [webhookId, ZENDESK_SOLVED_TRIGGER_BODY] }],
  };
}

/** What differs between a webhook and the one wanted, by field. */
const COMPARED_WEBHOOK_FIELDS = ['endpoint', 'status', 'http_method', 'request_format'] as const;

function webhookDifferences(webhook: Webhook, wanted: Record<string, unknown>): (typeof COMPARED_WEBHOOK_FIELDS)[number][] {
  return COMPARED_WEBHOOK_FIELDS.filter((field) => webhook[field] !== wanted[field]);
}

/**
 * Zendesk onboarding through its API (`npm run connect:zendesk`): a trigger-connected webhook to
 * the tenant's endpoint, the trigger that sends it the documented body for every new ticket, the
 * trigger that sends it a solved ticket's id (so its outcome is read from Ticket Metrics), the
 * webhook's signing secret, and the user fields the helpdesk-metrics provider reads. Each is
 * found by its name (the webhook, the trigger) or key (a field) and created only when missing,
 * updated only when it differs. A webhook already subscribed to `ticket.created` and sending to
 * the same endpoint is kept instead: a trigger as well would send every ticket twice.
 */
export const zendeskConnector: HelpdeskConnector = {
  helpdesk: 'zendesk',
  async connect(input: ConnectInput): Promise<ConnectResult> {
    const config = ZendeskHelpdeskSchema.parse(input.helpdesk);
    const apiToken = await input.resolve(config.apiToken).catch((error: unknown) => {
      throw new ConfigurationError(
        `Cannot read helpdesk.apiToken (${describeSecretRef(config.apiToken)}): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const api = new AdminApi(config.baseUrl, config.email, apiToken, input);
    const endpoint = new URL(`${encodeURIComponent(input.tenantId)}/zendesk`, input.webhookBaseUrl).href;
    const steps: ConnectStep[] = [];
    const secrets: ConnectResult['secrets'] = [];

    const webhooks = await api.list('/api/v2/webhooks', 'webhooks', WebhookSchema);
    const subscribed = webhooks.find(
      (hook) => hook.endpoint === endpoint && hook.status === 'active' && hook.subscriptions.includes(TICKET_CREATED_EVENT),
    );
    let webhookId: string;
    if (subscribed) {
      steps.push({
        kind: 'webhook',
        name: subscribed.name,
        outcome: 'kept',
        detail: `subscribed to ticket.created and sending to ${endpoint} already; no trigger added, as one would send every ticket twice`,
      });
      webhookId = subscribed.id;
    } else {
      webhookId = await connectWebhook(api, input, webhooks, endpoint, steps);
      await connectTrigger(
        api,
        desiredTrigger(input.tenantId, webhookId),
        'Ticket is Created → notify the webhook with the documented body',
        steps,
      );
      await connectTrigger(
        api,
        desiredSolvedTrigger(input.tenantId, webhookId),
        'Status changed to Solved → notify the webhook with the ticket id (its outcome is read from Ticket Metrics)',
        steps,
      );
    }
    if (webhookId !== NEW_WEBHOOK_ID && !input.dryRun) {
      const answer = await api.send('GET', `/api/v2/webhooks/${encodeURIComponent(webhookId)}/signing_secret`);
      secrets.push({
        source: 'zendesk',
        secret: parseApiAnswer(SigningSecretSchema, answer, 'Zendesk GET /api/v2/webhooks/{id}/signing_secret').signing_secret.secret,
      });
    }
    await connectUserFields(api, config.userFields, steps);
    return { steps, secrets };
  },
};

async function connectWebhook(
  api: AdminApi,
  input: ConnectInput,
  webhooks: Webhook[],
  endpoint: string,
  steps: ConnectStep[],
): Promise<string> {
  const wanted = desiredWebhook(input.tenantId, endpoint);
  const name = webhookName(input.tenantId);
  const existing = webhooks.filter((hook) => hook.name === name);
  if (existing.length > 1) {
    throw new ConfigurationError(
      `Zendesk has ${existing.length} webhooks named "${name}" (${existing.map((hook) => hook.id).join(', ')}): delete all but one in Admin Center → Webhooks, then run again`,
    );
  }
  const [webhook] = existing;
  if (!webhook) {
    const answer = await api.write('POST', '/api/v2/webhooks', { webhook: wanted });
    if (answer === DESCRIBED) {
      steps.push({ kind: 'webhook', name, outcome: 'would create', detail: `to ${endpoint}` });
      return NEW_WEBHOOK_ID;
    }
    const created = parseApiAnswer(z.object({ webhook: WebhookSchema }), answer, 'Zendesk POST /api/v2/webhooks').webhook;
    steps.push({ kind: 'webhook', name, outcome: 'created', detail: `${created.id}, to ${endpoint}` });
    return created.id;
  }
  if (!webhook.subscriptions.includes(TRIGGER_CONNECTED)) {
    throw new ConfigurationError(
      `Zendesk webhook "${name}" (${webhook.id}) is subscribed to events, so a trigger cannot use it, and Zendesk cannot change how a webhook connects: delete or rename it in Admin Center → Webhooks, then run again`,
    );
  }
  const differences = webhookDifferences(webhook, wanted);
  if (differences.length === 0) {
    steps.push({ kind: 'webhook', name, outcome: 'unchanged', detail: `${webhook.id}, to ${endpoint}` });
    return webhook.id;
  }
  const detail = differences.map((field) => `${field} ${JSON.stringify(webhook[field])} → ${JSON.stringify(wanted[field])}`).join(', ');
  const answer = await api.write('PUT', `/api/v2/webhooks/${encodeURIComponent(webhook.id)}`, { webhook: wanted });
  steps.push({ kind: 'webhook', name, outcome: answer === DESCRIBED ? 'would update' : 'updated', detail });
  return webhook.id;
}

async function connectTrigger(api: AdminApi, wanted: ReturnType<typeof desiredTrigger>, what: string, steps: ConnectStep[]): Promise<void> {
  const triggers = await api.list('/api/v2/triggers', 'triggers', TriggerSchema);
  const existing = triggers.filter((trigger) => trigger.title === wanted.title);
  if (existing.length > 1) {
    throw new ConfigurationError(
      `Zendesk has ${existing.length} triggers titled "${wanted.title}" (${existing.map((trigger) => trigger.id).join(', ')}): delete all but one in Admin Center → Triggers, then run again`,
    );
  }
  const [trigger] = existing;
  if (!trigger) {
    const answer = await api.write('POST', '/api/v2/triggers', { trigger: wanted });
    if (answer === DESCRIBED) {
      steps.push({ kind: 'trigger', name: wanted.title, outcome: 'would create', detail: what });
      return;
    }
    const created = parseApiAnswer(z.object({ trigger: TriggerSchema }), answer, 'Zendesk POST /api/v2/triggers').trigger;
    steps.push({ kind: 'trigger', name: wanted.title, outcome: 'created', detail: `${created.id}: ${what}` });
    return;
  }
  const differences = [
    ...(trigger.active ? [] : ['it was inactive']),
    ...(isDeepStrictEqual(trigger.conditions, wanted.conditions) ? [] : ['its conditions']),
    ...(isDeepStrictEqual(trigger.actions, wanted.actions) ? [] : ['its action (webhook or body)']),
  ];
  if (differences.length === 0) {
    steps.push({ kind: 'trigger', name: wanted.title, outcome: 'unchanged', detail: String(trigger.id) });
    return;
  }
  const answer = await api.write('PUT', `/api/v2/triggers/${trigger.id}`, { trigger: wanted });
  steps.push({
    kind: 'trigger',
    name: wanted.title,
    outcome: answer === DESCRIBED ? 'would update' : 'updated',
    detail: differences.join(', '),
  });
}

async function connectUserFields(api: AdminApi, fields: MetricFields, steps: ConnectStep[]): Promise<void> {
  const wanted = (Object.entries(fields) as [keyof MetricFields, string | undefined][]).flatMap(([input, key]) =>
    key ? [{ input, key }] : [],
  );
  if (wanted.length === 0) return;
  const existing = new Map((await api.list('/api/v2/user_fields', 'user_fields', UserFieldSchema)).map((field) => [field.key, field]));
  for (const { input, key } of wanted) {
    const field = existing.get(key);
    if (field) {
      steps.push({
        kind: 'user field',
        name: key,
        outcome: field.active ? 'unchanged' : 'kept',
        detail: field.active
          ? `${field.type}, holds ${input}`
          : `inactive: activate it in Admin Center → People → User fields, or the provider reads nothing from it`,
      });
      continue;
    }
    const answer = await api.write('POST', '/api/v2/user_fields', {
      user_field: { type: FIELD_TYPES[input], key, title: key, description: FIELD_DESCRIPTIONS[input] },
    });
    steps.push({
      kind: 'user field',
      name: key,
      outcome: answer === DESCRIBED ? 'would create' : 'created',
      detail: `${FIELD_TYPES[input]}, holds ${input}`,
    });
  }
}

/** Zendesk's admin API for one account: only its configured origin, Basic API-token auth, 429s waited out. */
class AdminApi {
  readonly #origin: URL;
  readonly #authorization: string;

  constructor(
    baseUrl: string,
    email: string,
    apiToken: string,
    private readonly input: ConnectInput,
  ) {
    this.#origin = new URL(new URL(baseUrl).origin);
    this.#authorization = `Basic ${Buffer.from(`${email}/token:${apiToken}`, 'utf8').toString('base64')}`;
  }

  /** Makes a write and answers what came back; in a dry run, only tells of it and answers DESCRIBED. */
  async write(method: 'POST' | 'PUT', path: string, body: unknown): Promise<unknown> {
    if (!this.input.dryRun) return this.send(method, path, body);
    this.input.onRequest({ method, path, body, sent: false });
    return DESCRIBED;
  }

  async send(method: ConnectRequest['method'], path: string, body?: unknown): Promise<unknown> {
    this.input.onRequest({ method, path, ...(body === undefined ? {} : { body }), sent: true });
    const url = new URL(path, this.#origin);
    for (let waits = 0; ; waits += 1) {
      const response = await jsonRequest({
        method,
        url,
        headers: { authorization: this.#authorization },
        body,
        timeoutMs: this.input.timeoutMs ?? 10_000,
        fetch: this.input.fetch,
      });
      if (response.status >= 200 && response.status < 300) return response.json;
      if (response.status === 429 && waits < MAX_RATE_LIMIT_WAITS) {
        await sleep(
          Math.min(60_000, parseRetryAfter(response.headers.get('retry-after'), (this.input.clock ?? systemClock).now().getTime())),
        );
        continue;
      }
      throw new PermanentHelpdeskError(explain(response.status, `${method} ${url.pathname}`, response.json), response.status);
    }
  }

  /** Every item of a list, following the cursor the answers give (never a URL they give). */
  async list<T>(path: string, key: string, schema: z.ZodType<T>): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ 'page[size]': '100', ...(after ? { 'page[after]': after } : {}) });
      const answer = await this.send('GET', `${path}?${query.toString()}`);
      const parsed = parseApiAnswer(z.object({ [key]: z.array(schema), meta: CursorMetaSchema }), answer, `Zendesk GET ${path}`);
      items.push(...(parsed[key] as T[]));
      const meta = parsed['meta'] as z.infer<typeof CursorMetaSchema>;
      if (!meta?.has_more || !meta.after_cursor) return items;
      after = meta.after_cursor;
    }
    throw new ConfigurationError(`Zendesk ${path} has more than ${MAX_PAGES * 100} items: tidy the account up first`);
  }
}

/** A refused request as an admin can act on it. */
function explain(status: number, target: string, json: unknown): string {
  const said = json === undefined ? '' : `: ${JSON.stringify(json).slice(0, 300)}`;
  if (status === 401)
    return `Zendesk refused the credentials (401) for ${target}: check helpdesk.email and the API token helpdesk.apiToken names`;
  if (status === 403) return `Zendesk refused ${target} (403): webhooks, triggers and user fields need an administrator's API token${said}`;
  if (status === 429) return `Zendesk kept answering 429 to ${target}: wait a minute and run again`;
  return `Zendesk answered ${status} to ${target}${said}`;
}
