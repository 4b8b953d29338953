import { BatchGetCommand, BatchWriteCommand, type BatchWriteCommandInput, type DocumentClient, QueryCommand } from '../aws/dynamodb.js';
import { UnprocessedItemsError } from './errors.js';
import type { ItemKey } from './keys.js';

/** DynamoDB's limits per BatchGetItem and per BatchWriteItem request. */
export const BATCH_GET_LIMIT = 100;
/** Most put or delete requests in one BatchWriteItem. */
export const BATCH_WRITE_LIMIT = 25;

/** How unprocessed keys and items are retried: exponential backoff with full jitter. */
export interface BatchRetryOptions {
  /** Requests per chunk, the first one included (default 8). */
  maxAttempts?: number;
  /** First backoff ceiling in ms, doubled per attempt (default 50). */
  baseDelayMs?: number;
  /** Largest backoff in ms (default 2000). */
  maxDelayMs?: number;
  /** Chunks in flight at once (default 4). */
  concurrency?: number;
}

/** One request of a BatchWriteItem: put an item or delete a key. */
export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const DEFAULTS = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2000, concurrency: 4 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function backoff(attempt: number, options: Required<BatchRetryOptions>): number {
  return Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
}

/**
 * Splits a list into chunks of at most `size`.
 *
 * @example chunk([1, 2, 3], 2) // [[1, 2], [3]]
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Runs `task` over `items` with at most `concurrency` in flight; results keep the input order.
 *
 * @example await mapConcurrent(chunks, 4, (c) => write(c));
 */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  // One iterator shared by every worker: each `next()` hands out the next item exactly once.
  const queue = items.entries();
  const worker = async () => {
    for (const [index, item] of queue) results[index] = await task(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/**
 * Reads many keys with BatchGetItem, 100 per request, retrying unprocessed keys with backoff.
 * Items come back in no particular order; duplicate keys are asked for once.
 *
 * @example const items = await batchGetAll(client, 'table', [{ pk: 'a', sk: 'b' }]);
 */
export async function batchGetAll(
  client: DocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  options: BatchRetryOptions & { projection?: readonly string[]; consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const settings = { ...DEFAULTS, ...options };
  const unique = [...new Map(keys.map((key) => [`${key.pk}\n${key.sk}`, key])).values()];
  const projection = options.projection
    ? {
        ProjectionExpression: options.projection.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(options.projection.map((name, i) => [`#p${i}`, name])),
      }
    : {};
  const pages = await mapConcurrent(chunk(unique, BATCH_GET_LIMIT), settings.concurrency, async (keysChunk) => {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keysChunk.map((key) => ({ pk: key.pk, sk: key.sk }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= settings.maxAttempts) {
        throw new UnprocessedItemsError(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`, pending.length);
      }
      if (attempt > 0) await sleep(backoff(attempt, settings));
      const output = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ...projection, ...(options.consistentRead ? { ConsistentRead: true } : {}) } },
        }),
      );
      found.push(...(output.Responses?.[tableName] ?? []));
      pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    return found;
  });
  return pages.flat();
}

/**
 * Writes many requests with BatchWriteItem, 25 per request, retrying unprocessed items with
 * backoff. A request must not name the same key twice (DynamoDB rejects the whole batch).
 *
 * @example await batchWriteAll(client, 'table', [{ PutRequest: { Item: { pk: 'a', sk: 'b' } } }]);
 */
export async function batchWriteAll(
  client: DocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchRetryOptions = {},
): Promise<void> {
  const settings = { ...DEFAULTS, ...options };
  await mapConcurrent(chunk(requests, BATCH_WRITE_LIMIT), settings.concurrency, async (requestsChunk) => {
    let pending = [...requestsChunk];
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= settings.maxAttempts) {
        throw new UnprocessedItemsError(
          `BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`,
          pending.length,
        );
      }
      if (attempt > 0) await sleep(backoff(attempt, settings));
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
  });
}

/**
 * Every item of one partition, read strongly consistent, page by page.
 *
 * @example const items = await queryPartition(client, tableName, profileKey('acme', key).pk);
 */
export async function queryPartition(client: DocumentClient, tableName: string, pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
