import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeZendesk from 'node-zendesk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { solvedTriggerTitle, triggerTitle, webhookName } from '../../shared/adapters/helpdesks/zendesk/connect.js';
import { ZENDESK_SOLVED_TRIGGER_BODY } from '../../shared/adapters/helpdesks/zendesk/solved.js';
import { ZENDESK_TRIGGER_BODY_TEMPLATE } from '../../shared/adapters/helpdesks/zendesk/webhook-schemas.js';
import { runConnect } from '../../infra/commands/connect.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import type { CliOutput } from '../../infra/commands/cli.js';
import { startLoopbackSecretsManager } from '../support/secrets-manager-server.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

// `npm run connect:zendesk` against the sandbox Zendesk, which serves the Webhooks, Triggers and
// User Fields APIs with their real shapes and runs its triggers on new tickets, signing each
// webhook request with the webhook's own secret: connected, a new ticket is routed.

const SECRET_VARIABLE = `ACME_CONNECT_SIGNING_SECRET_${randomUUID().slice(0, 8).toUpperCase().replaceAll('-', '')}`;
const FIELDS = {
  followers: 'acme_followers',
  following: 'acme_following',
  engagementPerPost: 'acme_engagement',
  accountAgeDays: 'acme_account_age',
  postCount: 'acme_posts',
};

const acme = (sandboxUrl: string): TenantInput => ({
  id: 'acme',
  helpdesk: {
    kind: 'zendesk',
    baseUrl: sandboxUrl,
    email: ZENDESK_DEMO.agentEmail,
    apiToken: { value: ZENDESK_DEMO.apiToken },
    userFields: FIELDS,
    requestsPerMinute: 700,
  },
  sources: { zendesk: { signingSecrets: [{ env: SECRET_VARIABLE }] } },
  scoring: { provider: 'helpdesk-metrics' },
});

/** A tenant whose signing secret is in Secrets Manager, as deployed tenants' are. */
const globex = (sandboxUrl: string): TenantInput => ({
  id: 'globex',
  helpdesk: { kind: 'zendesk', baseUrl: sandboxUrl, email: ZENDESK_DEMO.agentEmail, apiToken: { value: ZENDESK_DEMO.apiToken } },
  sources: { zendesk: { signingSecrets: [{ secretId: 'influence-router/globex/zendesk-webhook', field: 'current' }] } },
});

let stack: LocalStack;
let folder: string;
let tenantsFile: string;
let client: ReturnType<typeof nodeZendesk.createClient>;

beforeAll(async () => {
  process.env[SECRET_VARIABLE] = 'not-connected-yet';
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    extraTenants: (sandboxUrl) => [acme(sandboxUrl), globex(sandboxUrl)],
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
  });
  folder = mkdtempSync(join(tmpdir(), 'connect-zendesk-'));
  tenantsFile = join(folder, 'tenants.json');
  writeFileSync(
    tenantsFile,
    JSON.stringify({ tenants: [acme(stack.sandbox.part(zendeskPart).baseUrl), globex(stack.sandbox.part(zendeskPart).baseUrl)] }),
  );
  client = nodeZendesk.createClient({
    username: ZENDESK_DEMO.agentEmail,
    token: ZENDESK_DEMO.apiToken,
    endpointUri: `${stack.sandbox.part(zendeskPart).baseUrl}/api/v2`,
    throwOriginalException: true,
  });
});

afterAll(async () => {
  await stack?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  Reflect.deleteProperty(process.env, SECRET_VARIABLE);
});

interface ConnectJson {
  requests: { method: string; path: string; body?: unknown; sent: boolean }[];
  steps: { kind: string; name: string; outcome: string; detail?: string }[];
  secrets: { field: string; outcome: string; value?: string }[];
}

async function connect(...extra: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  return connectTenant('acme', ...extra);
}

async function connectTenant(tenant: string, ...extra: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const state = {
    pid: process.pid,
    url: stack.url,
    sandboxUrl: stack.sandbox.part(zendeskPart).baseUrl,
    dynamoEndpoint: stack.dynamoEndpoint,
    tableName: stack.tableName,
  };
  const code = await runConnect(['--helpdesk', 'zendesk', '--tenant', tenant, '--tenants', tenantsFile, ...extra], process.env, output, {
    stack: state,
  });
  return { code, out, err };
}

async function connectJson(...extra: string[]): Promise<ConnectJson> {
  const { code, out, err } = await connect('--json', ...extra);
  expect(err).toEqual([]);
  expect(code).toBe(0);
  return JSON.parse(out.join('\n')) as ConnectJson;
}

const writes = (result: ConnectJson) => result.requests.filter((request) => request.method !== 'GET');
const outcomes = (result: ConnectJson) => Object.fromEntries(result.steps.map((step) => [`${step.kind} ${step.name}`, step.outcome]));

describe('npm run connect:zendesk', () => {
  it("sends the trigger body docs/helpdesks.md documents, byte for byte once indented as the page's", () => {
    const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'helpdesks.md'), 'utf8');
    const block = /\*\*Connected to a trigger\*\*[\s\S]*?```json\n([\s\S]*?)\n\s*```/.exec(page)?.[1];
    expect(block).toBeDefined();
    const dedented = (block ?? '')
      .split('\n')
      .map((line) => line.replace(/^ {3}/, ''))
      .join('\n');
    expect(dedented).toBe(ZENDESK_TRIGGER_BODY_TEMPLATE);
  });

  it('plans with --dry-run: reads, prints each write it would make, changes nothing', async () => {
    const { code, out } = await connect('--dry-run');

    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('GET  /api/v2/webhooks?page[size]=100');
    expect(text).toContain('POST /api/v2/webhooks   (dry run: not sent)');
    expect(text).toContain('POST /api/v2/triggers   (dry run: not sent)');
    expect(text.match(/POST \/api\/v2\/user_fields {3}\(dry run: not sent\)/g)).toHaveLength(5);
    expect(text).toContain(`"endpoint": "${stack.url}/webhooks/acme/zendesk"`);
    expect(text.match(/POST \/api\/v2\/triggers {3}\(dry run: not sent\)/g)).toHaveLength(2);
    expect(text).toContain('Dry run: 8 would create.');
    expect(stack.sandbox.part(zendeskPart).webhooks()).toEqual([]);
    expect(stack.sandbox.part(zendeskPart).triggers()).toEqual([]);
    expect(
      stack.sandbox
        .part(zendeskPart)
        .userFields()
        .map((field) => field.key),
    ).not.toContain(FIELDS.followers);
  });

  it('creates the webhook, the trigger with the documented body, the solved trigger and the missing user fields, and gives the secret to set', async () => {
    const result = await connectJson();

    expect(outcomes(result)).toEqual({
      [`webhook ${webhookName('acme')}`]: 'created',
      [`trigger ${triggerTitle('acme')}`]: 'created',
      [`trigger ${solvedTriggerTitle('acme')}`]: 'created',
      ...Object.fromEntries(Object.values(FIELDS).map((key) => [`user field ${key}`, 'created'])),
    });
    // As a real client reads them back.
    const webhooks = (await client.webhooks.list()) as unknown as {
      id: string;
      name: string;
      endpoint: string;
      subscriptions: string[];
      status: string;
    }[];
    const webhook = webhooks.find((hook) => hook.name === webhookName('acme'));
    expect(webhook).toMatchObject({
      endpoint: `${stack.url}/webhooks/acme/zendesk`,
      subscriptions: ['conditional_ticket_events'],
      status: 'active',
    });
    const triggers = (await client.triggers.list()) as unknown as {
      title: string;
      actions: { field: string; value: unknown }[];
      conditions: unknown;
    }[];
    const trigger = triggers.find((each) => each.title === triggerTitle('acme'));
    expect(trigger?.conditions).toEqual({ all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] });
    expect(trigger?.actions).toEqual([{ field: 'notification_webhook', value: [webhook?.id, ZENDESK_TRIGGER_BODY_TEMPLATE] }]);
    const solved = triggers.find((each) => each.title === solvedTriggerTitle('acme'));
    expect(solved?.conditions).toEqual({ all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] });
    expect(solved?.actions).toEqual([{ field: 'notification_webhook', value: [webhook?.id, ZENDESK_SOLVED_TRIGGER_BODY] }]);
    const fields = (await client.userfields.list()) as unknown as { key: string; type: string }[];
    expect(fields.filter((field) => Object.values(FIELDS).includes(field.key)).map((field) => [field.key, field.type])).toEqual([
      [FIELDS.followers, 'integer'],
      [FIELDS.following, 'integer'],
      [FIELDS.engagementPerPost, 'decimal'],
      [FIELDS.accountAgeDays, 'integer'],
      [FIELDS.postCount, 'integer'],
    ]);
    // The configuration names an environment variable: the secret is printed for the admin to set.
    const shown = (await client.webhooks.getSigningSecret(webhook?.id ?? '')) as unknown as {
      result: { signing_secret: { secret: string } };
    };
    expect(result.secrets).toEqual([
      {
        source: 'zendesk',
        field: 'sources.zendesk.signingSecrets.0',
        where: `env ${SECRET_VARIABLE}`,
        outcome: 'set it yourself',
        value: shown.result.signing_secret.secret,
      },
    ]);
  });

  it('changes nothing when run again, and says so once the secret is set', async () => {
    const again = await connectJson();
    expect(writes(again)).toEqual([]);
    expect(new Set(Object.values(outcomes(again)))).toEqual(new Set(['unchanged']));
    const secret = again.secrets[0]?.value;
    expect(secret).toBeDefined();

    process.env[SECRET_VARIABLE] = secret;
    const { code, out } = await connect();
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('Nothing to change: already connected.');
    expect(out).toContain(`signing secret  sources.zendesk.signingSecrets.0 (env ${SECRET_VARIABLE})  unchanged`);
    expect(stack.sandbox.part(zendeskPart).webhooks()).toHaveLength(1);
    expect(stack.sandbox.part(zendeskPart).triggers()).toHaveLength(2);
  });

  it('routes a new ticket: the trigger sends the documented body, signed, and the router writes back', async () => {
    const ada = stack.sandbox.part(zendeskPart).createUser({
      name: 'Ada Connected',
      email: 'ada.connected@example.com',
      external_id: null,
      user_fields: {
        [FIELDS.followers]: 48_000,
        [FIELDS.following]: 300,
        [FIELDS.engagementPerPost]: 900,
        [FIELDS.accountAgeDays]: 3000,
        [FIELDS.postCount]: 4000,
      },
      identities: [],
    });
    const ticket = stack.sandbox
      .part(zendeskPart)
      .createTicket({ subject: 'Printer on fire', description: 'Smoke.', requesterId: ada.id, priority: 'normal', tags: ['printer'] });

    await expect
      .poll(
        () =>
          stack.sandbox
            .part(zendeskPart)
            .webhookDeliveries()
            .find((delivery) => delivery.ticketId === ticket.id)?.status,
        { timeout: 10_000 },
      )
      .toBe(202);
    const delivery = stack.sandbox
      .part(zendeskPart)
      .webhookDeliveries()
      .find((each) => each.ticketId === ticket.id);
    expect(JSON.parse(delivery?.body ?? '{}')).toEqual({
      event: 'ticket_created',
      ticket_id: String(ticket.id),
      requester_id: String(ada.id),
      requester_email: 'ada.connected@example.com',
      requester_external_id: '',
      via: 'Web Form',
    });
    await stack.queue.drained();
    const [decision] = await stack.decisions.listForTicket('acme', String(ticket.id));
    expect(decision?.status).toBe('applied');
    expect(
      stack.sandbox
        .part(zendeskPart)
        .ticket(ticket.id)
        ?.comments.some((comment) => !comment.public),
    ).toBe(true);
    // The demo tenant shares the sandbox account but was never connected: it received nothing.
    expect(await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id))).toEqual([]);

    // Solved through the API an hour and a half after it was opened, after an agent's public reply
    // at 42 minutes: the solved trigger sends the ticket's id, and the outcome is read from Ticket Metrics.
    const opened = Date.now() - 90 * 60_000;
    stack.sandbox.part(zendeskPart).backdateTicket(ticket.id, new Date(opened));
    await client.tickets.update(ticket.id, { ticket: { comment: { body: 'On our way.', public: true } } });
    const replied = stack.sandbox.part(zendeskPart).ticket(ticket.id);
    const firstReply = Math.round((Date.parse(replied?.comments.at(-1)?.created_at ?? '') - opened) / 60_000);
    await client.tickets.update(ticket.id, { ticket: { status: 'solved' } });
    await expect
      .poll(
        () =>
          stack.sandbox
            .part(zendeskPart)
            .webhookDeliveries()
            .find((each) => each.ticketId === ticket.id && each.body.includes('ticket_solved'))?.status,
        { timeout: 10_000 },
      )
      .toBe(202);
    await stack.queue.drained();
    const solvedAt = stack.sandbox.part(zendeskPart).ticket(ticket.id)?.solved_at;
    const [withOutcome] = await stack.decisions.listForTicket('acme', String(ticket.id));
    expect(withOutcome?.outcome).toEqual({
      solvedAt: new Date(solvedAt ?? 0).toISOString(),
      firstReplyMinutes: firstReply,
      firstReplyBusinessMinutes: firstReply,
      resolutionMinutes: Math.round((Date.parse(solvedAt ?? '') - opened) / 60_000),
      resolutionBusinessMinutes: Math.round((Date.parse(solvedAt ?? '') - opened) / 60_000),
      reopens: 0,
      readAt: expect.any(String),
      source: 'zendesk-metrics',
    });
    expect(
      stack.sandbox
        .part(zendeskPart)
        .requests()
        .filter((request) => request.path === `/api/v2/tickets/${ticket.id}/metrics`),
    ).toHaveLength(1);
  });

  it('puts back what an admin changed, then is quiet again', async () => {
    const [webhook] = stack.sandbox.part(zendeskPart).webhooks();
    const [trigger, solved] = stack.sandbox.part(zendeskPart).triggers();
    if (!webhook || !trigger || !solved) throw new Error('not connected');
    await client.webhooks.update(webhook.id, {
      webhook: { ...webhook, endpoint: 'https://old.example/webhooks/acme/zendesk', status: 'inactive' },
    });
    await client.triggers.update(trigger.id, {
      trigger: {
        title: trigger.title,
        active: false,
        conditions: trigger.conditions,
        actions: [{ field: 'notification_webhook', value: [webhook.id, '{"ticket_id":"{{ticket.id}}"}'] }],
      },
    });
    // An admin narrowed the solved trigger to "is solved", which fires on every later update too.
    await client.triggers.update(solved.id, {
      trigger: {
        title: solved.title,
        active: true,
        conditions: { all: [{ field: 'status', operator: 'is', value: 'solved' }], any: [] },
        actions: solved.actions,
      },
    });

    const mended = await connectJson();
    expect(outcomes(mended)).toMatchObject({
      [`webhook ${webhookName('acme')}`]: 'updated',
      [`trigger ${triggerTitle('acme')}`]: 'updated',
      [`trigger ${solvedTriggerTitle('acme')}`]: 'updated',
    });
    expect(mended.steps.find((step) => step.kind === 'webhook')?.detail).toContain(
      'endpoint "https://old.example/webhooks/acme/zendesk" → ',
    );
    expect(writes(mended).map((request) => `${request.method} ${request.path}`)).toEqual([
      `PUT /api/v2/webhooks/${webhook.id}`,
      `PUT /api/v2/triggers/${trigger.id}`,
      `PUT /api/v2/triggers/${solved.id}`,
    ]);
    expect(stack.sandbox.part(zendeskPart).triggers()[0]?.active).toBe(true);

    expect(writes(await connectJson())).toEqual([]);
  });

  it('refuses what it cannot do, naming what to change', async () => {
    const wrongTenant = await connect('--tenant', 'nobody');
    expect(wrongTenant.code).toBe(2);
    expect(wrongTenant.err.join('\n')).toContain('No tenant "nobody" (there are: acme, globex; add one with npm run tenants -- add)');

    const remote = await connect('--webhook-base-url', 'http://203.0.113.9/webhooks/');
    expect(remote.code).toBe(2);
    expect(remote.err.join('\n')).toContain('--webhook-base-url must be https');

    const unreadable = join(folder, 'unreadable-token.json');
    const base = acme(stack.sandbox.part(zendeskPart).baseUrl);
    writeFileSync(
      unreadable,
      JSON.stringify({ tenants: [{ ...base, helpdesk: { ...base.helpdesk, apiToken: { env: 'ACME_CONNECT_TOKEN_NEVER_SET' } } }] }),
    );
    const noToken = await connect('--tenants', unreadable);
    expect(noToken.code).toBe(1);
    expect(noToken.err.join('\n')).toContain('Cannot read helpdesk.apiToken (env ACME_CONNECT_TOKEN_NEVER_SET)');

    stack.sandbox.part(zendeskPart).failNext({ status: 403, count: 1, pathPrefix: '/api/v2/webhooks' });
    const forbidden = await connect();
    expect(forbidden.code).toBe(1);
    expect(forbidden.err.join('\n')).toContain("need an administrator's API token");
  });

  it('stores the signing secret in Secrets Manager where the configuration points, keeping the other fields, once', async () => {
    const sm = await startLoopbackSecretsManager();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    sm.secrets.set('influence-router/globex/zendesk-webhook', JSON.stringify({ current: 'before-connecting', previous: 'older' }));
    try {
      const first = await connectTenant('globex');
      expect(first.code).toBe(0);
      expect(first.out).toContain(
        'signing secret  sources.zendesk.signingSecrets.0 (secretId influence-router/globex/zendesk-webhook field current)  updated',
      );
      const webhook = stack.sandbox
        .part(zendeskPart)
        .webhooks()
        .find((hook) => hook.name === webhookName('globex'));
      const shown = (await client.webhooks.getSigningSecret(webhook?.id ?? '')) as unknown as {
        result: { signing_secret: { secret: string } };
      };
      expect(JSON.parse(sm.secrets.get('influence-router/globex/zendesk-webhook') ?? '')).toEqual({
        current: shown.result.signing_secret.secret,
        previous: 'older',
      });

      const second = await connectTenant('globex');
      expect(second.out.at(-1)).toBe('Nothing to change: already connected.');
      expect(sm.operations.filter((operation) => operation !== 'GetSecretValue')).toEqual(['PutSecretValue']);
    } finally {
      for (const key of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = saved[key];
      }
      await sm.close();
    }
  });
});
