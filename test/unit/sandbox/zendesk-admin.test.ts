import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyZendeskSignature } from '../../../shared/adapters/helpdesks/zendesk/signature.js';
import { type SandboxZendeskServer, startSandboxZendesk } from '../../../infra/sandbox/zendesk/index.js';

// The sandbox's Webhooks, Triggers and User Fields APIs: the contract the onboarding command meets.

const EMAIL = 'admin@acme.test';
const TOKEN = 'sandbox-admin-token';
const AUTH = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;

let zendesk: SandboxZendeskServer;

beforeEach(async () => {
  zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN });
});
afterEach(async () => {
  await zendesk.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${zendesk.baseUrl}${path}`, {
    method,
    headers: { authorization: AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

const hook = (endpoint: string, subscriptions = ['conditional_ticket_events']) => ({
  webhook: { name: 'Router', status: 'active', endpoint, http_method: 'POST', request_format: 'json', subscriptions },
});

describe('the sandbox Zendesk admin APIs', () => {
  it('creates a webhook (201), never shows its secret outside signing_secret, and updates it with 204', async () => {
    const created = await api('POST', '/api/v2/webhooks', hook('http://127.0.0.1:9/in'));
    expect(created.status).toBe(201);
    const { webhook } = created.json as { webhook: { id: string } };
    expect(webhook.id).toMatch(/^01[0-9A-HJKMNP-TV-Z]{24}$/);
    expect(JSON.stringify(created.json)).not.toContain('ecret');

    const secret = await api('GET', `/api/v2/webhooks/${webhook.id}/signing_secret`);
    expect(secret).toMatchObject({ status: 200, json: { signing_secret: { algorithm: 'SHA256', secret: expect.any(String) } } });

    const updated = await api('PUT', `/api/v2/webhooks/${webhook.id}`, hook('http://127.0.0.1:9/other'));
    expect(updated).toEqual({ status: 204, json: undefined });
    expect(zendesk.webhooks()[0]?.endpoint).toBe('http://127.0.0.1:9/other');
  });

  it("refuses a webhook that mixes connection methods, and changing a webhook's method", async () => {
    expect(
      (await api('POST', '/api/v2/webhooks', hook('http://127.0.0.1:9/in', ['conditional_ticket_events', 'zen:event-type:ticket.created'])))
        .status,
    ).toBe(400);
    const { webhook } = (await api('POST', '/api/v2/webhooks', hook('http://127.0.0.1:9/in'))).json as { webhook: { id: string } };

    const changed = await api('PUT', `/api/v2/webhooks/${webhook.id}`, hook('http://127.0.0.1:9/in', ['zen:event-type:ticket.created']));

    expect(changed.status).toBe(400);
    expect(JSON.stringify(changed.json)).toContain('connection method cannot be changed');
  });

  it('lets a trigger notify only an existing trigger-connected webhook (422 otherwise)', async () => {
    const subscribed = (await api('POST', '/api/v2/webhooks', hook('http://127.0.0.1:9/in', ['zen:event-type:ticket.created']))).json as {
      webhook: { id: string };
    };
    const trigger = (webhookId: string) => ({
      trigger: {
        title: 'T',
        conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
        actions: [{ field: 'notification_webhook', value: [webhookId, '{}'] }],
      },
    });

    expect((await api('POST', '/api/v2/triggers', trigger('01NOSUCHWEBHOOK'))).status).toBe(422);
    expect((await api('POST', '/api/v2/triggers', trigger(subscribed.webhook.id))).status).toBe(422);
  });

  it('keeps user field keys unique (422 DuplicateValue) and lists them by cursor', async () => {
    const field = { user_field: { type: 'integer', key: 'social_followers', title: 'Followers' } };
    expect((await api('POST', '/api/v2/user_fields', field)).status).toBe(201);

    const again = await api('POST', '/api/v2/user_fields', field);

    expect(again.status).toBe(422);
    expect(JSON.stringify(again.json)).toContain('DuplicateValue');
    const listed = await api('GET', '/api/v2/user_fields?page[size]=100');
    expect(listed.json).toMatchObject({ user_fields: [{ key: 'social_followers', type: 'integer' }], meta: { has_more: false } });
  });

  it("runs a ticket-created trigger: the body's placeholders rendered raw, signed with the webhook's secret", async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
      const { webhook } = (await api('POST', '/api/v2/webhooks', hook(endpoint))).json as { webhook: { id: string } };
      const body = '{"ticket_id":"{{ticket.id}}","name":"{{ticket.requester.name}}","unknown":"{{ticket.nothing}}"}';
      await api('POST', '/api/v2/triggers', {
        trigger: {
          title: 'T',
          conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
          actions: [{ field: 'notification_webhook', value: [webhook.id, body] }],
        },
      });
      const user = zendesk.createUser({
        name: 'Ada "The Countess"',
        email: 'ada@example.com',
        external_id: null,
        user_fields: {},
        identities: [],
      });
      const ticket = zendesk.createTicket({ subject: 'Help', description: 'Broken', requesterId: user.id });

      await expect.poll(() => zendesk.webhookDeliveries()[0]?.status).toBe(202);
      const [delivery] = received;
      // Raw text: the quote in the name is not escaped, as Zendesk does not escape it.
      expect(delivery?.body).toBe(`{"ticket_id":"${ticket.id}","name":"Ada "The Countess"","unknown":"{{ticket.nothing}}"}`);
      const { json: secret } = await api('GET', `/api/v2/webhooks/${webhook.id}/signing_secret`);
      const key = (secret as { signing_secret: { secret: string } }).signing_secret.secret;
      expect(delivery?.headers['x-zendesk-webhook-id']).toBe(webhook.id);
      const headers = Object.fromEntries(Object.entries(delivery?.headers ?? {}).map(([name, value]) => [name, String(value)]));
      expect(
        verifyZendeskSignature({ rawBody: Buffer.from(delivery?.body ?? ''), headers, secrets: [key], now: new Date() }).timestamp,
      ).toBe(headers['x-zendesk-webhook-signature-timestamp']);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('sends nowhere but loopback', async () => {
    await api('POST', '/api/v2/webhooks', hook('https://example.com/in', ['zen:event-type:ticket.created']));
    const user = zendesk.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
    zendesk.createTicket({ subject: 'Help', description: 'Broken', requesterId: user.id });

    expect(zendesk.webhookDeliveries()).toMatchObject([
      { endpoint: 'https://example.com/in', status: 0, error: 'the sandbox sends webhooks to loopback addresses only' },
    ]);
  });
});
