import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../../infra/local/in-process-queue.js';
import { type LocalServer, startLocalServer } from '../../../infra/local/server.js';
import { InMemoryDecisionLog } from '../../support/fakes.js';

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
    requestTimeoutMs: 300,
  });
});

afterEach(async () => {
  queue.stop();
  await server.close();
});

describe('the local server', () => {
  it.each(['/webhooks/%ZZ/zendesk', '/webhooks/demo/%E0%A4%A', '/admin/decisions/%ZZ/1'])('answers 400, not 500, to a malformed percent-escape in %s', async (path) => {
    const response = await fetch(`${server.url}${path}`, { method: path.startsWith('/admin') ? 'GET' : 'POST', body: path.startsWith('/admin') ? null : '{}' });

    expect(response.status).toBe(400);
    expect(ingested).toBe(0);
  });

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
        socket.write('POST /webhooks/demo/zendesk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"short":');
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
});
