import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { batchGetAll, batchWriteAll, chunk, mapConcurrent } from '../../../../shared/adapters/store/batch.js';
import { createDocumentClient } from '../../../../shared/adapters/store/dynamo-client.js';
import { UnprocessedItemsError } from '../../../../shared/adapters/store/errors.js';

/** A loopback DynamoDB that answers batch calls from a script and records what it was sent. */
interface Call {
  target: string;
  body: unknown;
}

const calls: Call[] = [];
let answers: ((body: unknown) => unknown)[] = [];
let server: Server;
let endpoint: string;

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(Buffer.from(part));
  return Buffer.concat(parts).toString('utf8');
}

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void readBody(request).then((text) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      // The real service refuses unsigned or mistyped requests; so does this fake.
      if (
        !String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256') ||
        request.headers['content-type'] !== 'application/x-amz-json-1.0'
      ) {
        response
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: 'MissingAuthenticationTokenException' }));
        return;
      }
      const body: unknown = JSON.parse(text);
      calls.push({ target, body });
      const answer = answers.shift();
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(answer ? answer(body) : {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  calls.length = 0;
  answers = [];
});

const fast = { baseDelayMs: 1, maxDelayMs: 2 };
const WriteBody = z.object({
  RequestItems: z.record(z.string(), z.array(z.object({ PutRequest: z.object({ Item: z.object({ pk: z.object({ S: z.string() }) }) }) }))),
});
const GetBody = z.object({
  RequestItems: z.record(
    z.string(),
    z.object({ Keys: z.array(z.object({ pk: z.object({ S: z.string() }), sk: z.object({ S: z.string() }) })) }),
  ),
});

describe('batchWriteAll', () => {
  it('sends 25 items per request and retries only the unprocessed ones', async () => {
    // Arrange
    const client = createDocumentClient({ endpoint });
    const requests = Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: { pk: `p${i}`, sk: 'S' } } }));
    answers = [
      (body) => {
        const first = WriteBody.parse(body).RequestItems.t?.[0];
        return { UnprocessedItems: { t: first ? [first] : [] } };
      },
      () => ({}),
      () => ({}),
    ];

    // Act
    await batchWriteAll(client, 't', requests, { ...fast, concurrency: 1 });

    // Assert
    const sizes = calls.map((call) => WriteBody.parse(call.body).RequestItems.t?.length);
    expect(calls.every((call) => call.target === 'DynamoDB_20120810.BatchWriteItem')).toBe(true);
    expect(sizes).toEqual([25, 1, 5]);
    expect(WriteBody.parse(calls[1]?.body).RequestItems.t?.[0]?.PutRequest.Item.pk.S).toBe('p0');
  });

  it('gives up with UnprocessedItemsError when items stay unprocessed', async () => {
    // Arrange
    const client = createDocumentClient({ endpoint });
    answers = Array.from({ length: 3 }, () => (body: unknown) => ({ UnprocessedItems: WriteBody.parse(body).RequestItems }));

    // Act
    const write = batchWriteAll(client, 't', [{ PutRequest: { Item: { pk: 'a', sk: 'b' } } }], { ...fast, maxAttempts: 3 });

    // Assert
    await expect(write).rejects.toBeInstanceOf(UnprocessedItemsError);
    expect(calls).toHaveLength(3);
  });
});

describe('batchGetAll', () => {
  it('asks for each key once, 100 per request, and retries unprocessed keys', async () => {
    // Arrange
    const client = createDocumentClient({ endpoint });
    const keys = Array.from({ length: 120 }, (_, i) => ({ pk: `p${i % 110}`, sk: 'S' }));
    const found = (body: unknown, unprocessed: number) => {
      const asked = GetBody.parse(body).RequestItems.t?.Keys ?? [];
      const kept = asked.slice(unprocessed);
      return {
        Responses: { t: kept.map((key) => ({ ...key, value: { N: '1' } })) },
        ...(unprocessed > 0 ? { UnprocessedKeys: { t: { Keys: asked.slice(0, unprocessed) } } } : {}),
      };
    };
    answers = [(body) => found(body, 2), (body) => found(body, 0), (body) => found(body, 0)];

    // Act
    const items = await batchGetAll(client, 't', keys, { ...fast, concurrency: 1 });

    // Assert
    expect(calls.map((call) => GetBody.parse(call.body).RequestItems.t?.Keys.length)).toEqual([100, 2, 10]);
    expect(new Set(items.map((item) => item.pk)).size).toBe(110);
    expect(items[0]).toMatchObject({ sk: 'S', value: 1 });
  });
});

describe('chunk and mapConcurrent', () => {
  it('chunks without losing or reordering items', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 25)).toEqual([]);
  });

  it('keeps input order and never runs more tasks than allowed', async () => {
    // Arrange
    let running = 0;
    let peak = 0;

    // Act
    const results = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running -= 1;
      return n * 10;
    });

    // Assert
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
