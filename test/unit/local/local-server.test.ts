import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../../infra/local/in-process-queue.js';
import type { DeadLetter, LocalQueue } from '../../../infra/local/local-queue.js';
import { type LocalServer, startLocalServer } from '../../../infra/local/server.js';
import { demoTenants } from '../../../infra/sandbox/index.js';
import { parseTenantsFile } from '../../../shared/adapters/config/tenants.js';
import { InMemoryDecisionLog } from '../../support/fakes.js';

/** The demo tenants, one with a name that would be markup if the console did not escape it. */
const TENANTS = parseTenantsFile(
  {
    tenants: demoTenants('http://127.0.0.1:9').map((tenant, index) => ({
      ...tenant,
      ...(index === 0 ? { name: '<img src=x onerror=alert(1)>' } : {}),
    })),
  },
  'local',
).tenants;

let server: LocalServer;
let queue: InProcessQueue;
let ingested: number;

beforeEach(async () => {
  ingested = 0;
  queue = new InProcessQueue({ maxReceiveCount: 3, visibilityTimeoutMs: 1000, batchSize: 10 });
  server = await startLocalServer({
    port: 0,
    ingest: async () => {
      ingested += 1;
      return { statusCode: 202, body: '{}' };
    },
    queue,
    decisions: new InMemoryDecisionLog(),
    tenants: async () => TENANTS,
    requestTimeoutMs: 300,
  });
});

afterEach(async () => {
  queue.stop();
  await server.close();
});

describe('the local server', () => {
  it.each(['/webhooks/%ZZ/zendesk', '/webhooks/demo/%E0%A4%A', '/admin/decisions/%ZZ/1'])(
    'answers 400, not 500, to a malformed percent-escape in %s',
    async (path) => {
      const response = await fetch(`${server.url}${path}`, {
        method: path.startsWith('/admin') ? 'GET' : 'POST',
        body: path.startsWith('/admin') ? null : '{}',
      });

      expect(response.status).toBe(400);
      expect(ingested).toBe(0);
    },
  );

  it('refuses a dead-letter replay asked by another site, and allows one from this server or a command line', async () => {
    const replay = (headers: Record<string, string>) => fetch(`${server.url}/admin/dlq/replay`, { method: 'POST', headers });

    expect((await replay({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await replay({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await replay({ origin: server.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await replay({})).status).toBe(200);
  });

  it('answers a request whose body never arrives whole, instead of hanging', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /webhooks/demo/zendesk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"short":',
        );
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref();
    });

    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(ingested).toBe(0);
  });

  it('serves the console to this machine only: another host name (DNS rebinding) gets 421 and no data', async () => {
    const rebound = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () =>
        socket.end('GET /console/tenants HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n'),
      );
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
    const page = await fetch(`${server.url}/console/tenants`);

    expect(rebound).toMatch(/^HTTP\/1\.1 421 /);
    expect(rebound).not.toContain('demo');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('shows every tenant and its policy with each secret named by where it comes from, never its value, and escapes what it prints', async () => {
    const page = await (await fetch(`${server.url}/console/tenants`)).text();

    for (const tenant of TENANTS) expect(page).toContain(`id="${tenant.id}"`);
    expect(page).toContain('inline secret (hidden)');
    expect(page).toContain('reach-high');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const secrets = TENANTS.flatMap((tenant) => JSON.stringify(tenant).match(/"value":"[^"]+"/g) ?? []).map((found) =>
      found.slice('"value":"'.length, -1),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(page).not.toContain(secret);
  });

  it("answers an unknown tenant's decisions, listed or of one ticket, with 404 JSON naming the tenants there are", async () => {
    for (const path of ['/admin/decisions/nope', '/admin/decisions/nope/1']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: 'unknown_tenant',
        message:
          'No tenant "nope": this server runs demo, demo-freshdesk, demo-generic, demo-shadow, demo-networks, demo-freshdesk-networks',
      });
    }
  });

  it('answers an unknown tenant or decision, or a bad filter, with a 4xx page that says what to change', async () => {
    const unknown = await fetch(`${server.url}/console/decisions/nobody`);
    const badDay = await fetch(`${server.url}/admin/decisions/${TENANTS[0]?.id ?? ''}?from=yesterday`);
    const badCursor = await fetch(`${server.url}/admin/decisions/${TENANTS[0]?.id ?? ''}?cursor=abc`);

    const badId = await fetch(`${server.url}/console/decisions/${TENANTS[0]?.id ?? ''}/not-a-decision-id`);

    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('this server runs demo');
    expect(badId.status).toBe(404);
    expect(badDay.status).toBe(400);
    expect(await badDay.json()).toEqual({ error: 'bad_query', message: 'from: must be a day as YYYY-MM-DD' });
    expect(badCursor.status).toBe(400);
  });
});

describe('the local server on a queue that records less than the in-process one', () => {
  const body = JSON.stringify({ type: 'TicketCreated', tenant: 'demo', source: 'zendesk', deliveryId: 'd-1', ticket: { id: '7' } });
  const queue: LocalQueue = {
    mode: 'sqs',
    caveats: ['The emulator delivers in arrival order: no fair-queue ordering by tenant.'],
    snapshot: async () => {
      // Moved by a redrive policy: no reason, and no time known.
      const moved: DeadLetter = {
        messageId: 'moved-by-redrive',
        body,
        attributes: { tenant: 'demo' },
        receiveCount: 5,
        sentAt: 0,
        visibleAt: 0,
      };
      const sent: DeadLetter = {
        messageId: 'sent-by-processor',
        body,
        attributes: { tenant: 'demo', deadLetterReason: 'failed 5 times' },
        receiveCount: 0,
        sentAt: 0,
        visibleAt: 0,
        deadLetteredAt: Date.UTC(2026, 10, 23, 10, 0),
      };
      return { pending: [], deadLetters: [moved, sent] };
    },
    replay: async () => 0,
    drained: async () => {},
  };
  let local: LocalServer;

  beforeEach(async () => {
    local = await startLocalServer({
      port: 0,
      ingest: async () => ({ statusCode: 202 }),
      queue,
      decisions: new InMemoryDecisionLog(),
      tenants: async () => TENANTS,
    });
  });

  afterEach(async () => {
    await local.close();
  });

  it("says on the queue page how the queue differs, and that a dead letter's time is not recorded rather than showing none", async () => {
    const page = await (await fetch(`${local.url}/console/queue`)).text();
    const json = await (await fetch(`${local.url}/admin/queue`)).json();

    expect(page).toContain('The emulator delivers in arrival order: no fair-queue ordering by tenant.');
    expect(page).toMatch(/<td><small>not recorded<\/small><\/td>/);
    expect(page).toContain('<time datetime="2026-11-23T10:00:00.000Z" title="2026-11-23T10:00:00.000Z">23 Nov 2026, 10:00:00 UTC</time>');
    expect(json).toMatchObject({
      queue: 'sqs',
      deadLetters: [
        { messageId: 'moved-by-redrive', ticketId: '7' },
        { messageId: 'sent-by-processor', deadLetteredAt: '2026-11-23T10:00:00.000Z', deadLetterReason: 'failed 5 times' },
      ],
    });
    expect(json).not.toHaveProperty(['deadLetters', 0, 'deadLetteredAt']);
  });
});
