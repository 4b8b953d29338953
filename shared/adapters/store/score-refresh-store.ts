import { type DocumentClient, GetCommand, QueryCommand, UpdateCommand } from '../aws/dynamodb.js';
import * as z from 'zod';
import { type CustomerProfile, CustomerProfileSchema } from '../../domain/customer.js';
import type { ScoreRefreshStore } from '../../domain/ports.js';
import type { DueProfile, ScoreWriteOutcome } from '../../domain/score-refresh.js';
import type { InfluenceScore } from '../../domain/score.js';
import { CorruptItemError } from './errors.js';
import { type ItemKey, profileKey, REFRESH_BUCKET_COUNT, refreshBucketFor, refreshBuckets } from './keys.js';
import { REFRESH_INDEX, withoutStorageAttributes } from './table.js';

/** Attribute counting failed refreshes in a row; queue bookkeeping, not part of the profile. */
export const REFRESH_FAILURES_ATTRIBUTE = 'refreshFailures';

/** Tuning of the due-profile query. */
export interface ScoreRefreshStoreOptions {
  /** Items asked for per Query page (default: the limit spread over the buckets, at least 5). */
  pageSize?: number;
  /**
   * Pages read per bucket per call at most (default 20): a bound on the work one call does when
   * a bucket holds items that fail validation and are skipped.
   */
  maxPagesPerBucket?: number;
  /** Told of a due item that fails validation; it is skipped and left as it is. */
  onCorruptItem?: (error: CorruptItemError) => void;
}

const QueueItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  [REFRESH_INDEX.sortKey]: z.string().min(1),
  [REFRESH_FAILURES_ATTRIBUTE]: z.number().int().min(0).optional(),
});

const NAMES = {
  '#pk': 'pk',
  '#score': 'score',
  '#scoredAt': 'scoredAt',
  '#optedOut': 'optedOut',
  '#bucket': REFRESH_INDEX.partitionKey,
  '#due': REFRESH_INDEX.sortKey,
  '#failures': REFRESH_FAILURES_ATTRIBUTE,
} as const;

/** One bucket's place in the merge: what was read and not yet handed out, and where to go on. */
interface BucketCursor {
  bucket: string;
  order: number;
  buffer: DueProfile[];
  next?: Record<string, unknown>;
  pages: number;
  done: boolean;
}

function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The refresh queue in the single table. The sparse `refresh-due` index (partition
 * `refreshBucket` = `T#<tenant>#REFRESH#0..15`, sort `refreshAfter`) holds every profile that has a score
 * or was queued without one, so finding due profiles is a Query per bucket, never a scan; writes
 * are UpdateItems guarded on the profile being as it was read, so a concurrent import, override,
 * refresh, opt-out or erasure always wins over the refresh.
 *
 * @example const store = new DynamoScoreRefreshStore(documentClient, tableName);
 */
export class DynamoScoreRefreshStore implements ScoreRefreshStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly options: ScoreRefreshStoreOptions = {},
  ) {}

  /**
   * Merges the 16 buckets by due date, reading each a page at a time and only as far as needed, so
   * the longest-due profiles come first whichever bucket they are in.
   */
  async findDue(tenant: string, now: Date, limit: number): Promise<DueProfile[]> {
    if (limit <= 0) return [];
    const pageSize = this.options.pageSize ?? Math.max(5, Math.ceil(limit / REFRESH_BUCKET_COUNT));
    const cursors: BucketCursor[] = refreshBuckets(tenant).map((bucket, order) => ({ bucket, order, buffer: [], pages: 0, done: false }));
    const due: DueProfile[] = [];
    await Promise.all(cursors.map((cursor) => this.#fill(cursor, tenant, now, pageSize)));
    while (due.length < limit) {
      let head: BucketCursor | undefined;
      for (const cursor of cursors) {
        const first = cursor.buffer[0];
        const best = head?.buffer[0];
        if (first && (!best || first.dueAt < best.dueAt)) head = cursor;
      }
      const taken = head?.buffer.shift();
      if (!head || !taken) break;
      due.push(taken);
      if (head.buffer.length === 0) await this.#fill(head, tenant, now, pageSize);
    }
    return due;
  }

  /** Reads pages until the cursor holds a valid item, the bucket ends, or the page budget is spent. */
  async #fill(cursor: BucketCursor, tenant: string, now: Date, pageSize: number): Promise<void> {
    const maxPages = this.options.maxPagesPerBucket ?? 20;
    while (cursor.buffer.length === 0 && !cursor.done && cursor.pages < maxPages) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: REFRESH_INDEX.name,
          // The bucket names the tenant, so the query never reads another tenant's items.
          KeyConditionExpression: '#bucket = :bucket AND #due <= :now',
          ExpressionAttributeNames: { '#bucket': NAMES['#bucket'], '#due': NAMES['#due'] },
          ExpressionAttributeValues: { ':bucket': cursor.bucket, ':now': now.toISOString() },
          Limit: pageSize,
          ...(cursor.next ? { ExclusiveStartKey: cursor.next } : {}),
        }),
      );
      cursor.pages += 1;
      cursor.next = page.LastEvaluatedKey;
      cursor.done = page.LastEvaluatedKey === undefined;
      for (const item of page.Items ?? []) {
        const parsed = this.#parseDue(item, tenant);
        if (parsed) cursor.buffer.push(parsed);
      }
    }
  }

  #parseDue(item: Record<string, unknown>, tenant: string): DueProfile | undefined {
    const queue = QueueItemSchema.safeParse(item);
    const where: ItemKey = queue.success ? { pk: queue.data.pk, sk: queue.data.sk } : { pk: '?', sk: '?' };
    const profile = CustomerProfileSchema.safeParse(withoutStorageAttributes(item));
    if (!queue.success || !profile.success || profile.data.tenant !== tenant) {
      const reason = !queue.success ? 'queue attributes' : !profile.success ? z.prettifyError(profile.error) : 'belongs to another tenant';
      this.options.onCorruptItem?.(new CorruptItemError(`due profile item failed validation: ${reason}`, where));
      return undefined;
    }
    return {
      profile: profile.data,
      dueAt: queue.data[REFRESH_INDEX.sortKey],
      failures: queue.data[REFRESH_FAILURES_ATTRIBUTE] ?? 0,
    };
  }

  /** Writes the score and `updatedAt`, requeues the profile at the score's `refreshAfter` and clears its failures. */
  async saveScore(read: CustomerProfile, score: InfluenceScore, at: Date): Promise<ScoreWriteOutcome> {
    return writeOutcome(
      await this.#guardedUpdate(read, {
        UpdateExpression: 'SET #score = :score, #updatedAt = :at, #bucket = :bucket, #due = :due REMOVE #failures',
        names: { '#updatedAt': 'updatedAt' },
        values: {
          ':score': score,
          ':at': at.toISOString(),
          ':bucket': refreshBucketFor(read.tenant, read.customerKey),
          ':due': new Date(score.refreshAfter).toISOString(),
        },
      }),
    );
  }

  /** Moves the next refresh to `at`; the profile itself is left as it is. */
  async reschedule(read: CustomerProfile, at: Date, failures: number): Promise<ScoreWriteOutcome> {
    return writeOutcome(
      await this.#guardedUpdate(read, {
        UpdateExpression:
          failures > 0
            ? 'SET #bucket = :bucket, #due = :due, #failures = :failures'
            : 'SET #bucket = :bucket, #due = :due REMOVE #failures',
        values: {
          ':bucket': refreshBucketFor(read.tenant, read.customerKey),
          ':due': at.toISOString(),
          ...(failures > 0 ? { ':failures': failures } : {}),
        },
      }),
    );
  }

  /** Removes the score, guarded as every write here is; the profile stays queued at `next.dueAt`. */
  async dropScore(read: CustomerProfile, next: { dueAt: Date; failures: number; at: Date }): Promise<ScoreWriteOutcome> {
    const failures = next.failures > 0 ? ', #failures = :failures' : '';
    return writeOutcome(
      await this.#guardedUpdate(read, {
        UpdateExpression: `SET #updatedAt = :at, #bucket = :bucket, #due = :due${failures} REMOVE #score${next.failures > 0 ? '' : ', #failures'}`,
        names: { '#updatedAt': 'updatedAt' },
        values: {
          ':at': next.at.toISOString(),
          ':bucket': refreshBucketFor(read.tenant, read.customerKey),
          ':due': next.dueAt.toISOString(),
          ...(next.failures > 0 ? { ':failures': next.failures } : {}),
        },
      }),
    );
  }

  /** Queues the profile at `at` only if it is in no queue position yet; a later backoff is kept. */
  async ensureQueued(read: CustomerProfile, at: Date): Promise<ScoreWriteOutcome | 'already-queued'> {
    return this.#guardedUpdate(read, {
      UpdateExpression: 'SET #bucket = :bucket, #due = :due',
      extraCondition: 'attribute_not_exists(#due)',
      values: { ':bucket': refreshBucketFor(read.tenant, read.customerKey), ':due': at.toISOString() },
    });
  }

  /** Reads the profile from the table itself: the index it was found in may lag behind. */
  async current(read: CustomerProfile): Promise<CustomerProfile | undefined> {
    const key = profileKey(read.tenant, read.customerKey);
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!Item) return undefined;
    const parsed = CustomerProfileSchema.safeParse(withoutStorageAttributes(Item));
    if (!parsed.success || parsed.data.tenant !== read.tenant) {
      throw new CorruptItemError(
        `profile item failed validation: ${parsed.success ? 'belongs to another tenant' : z.prettifyError(parsed.error)}`,
        key,
      );
    }
    return parsed.data;
  }

  async dequeue(read: CustomerProfile): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: profileKey(read.tenant, read.customerKey),
          UpdateExpression: 'REMOVE #bucket, #due, #failures',
          ConditionExpression: 'attribute_exists(#pk) AND #optedOut = :true',
          ExpressionAttributeNames: {
            '#pk': NAMES['#pk'],
            '#optedOut': NAMES['#optedOut'],
            '#bucket': NAMES['#bucket'],
            '#due': NAMES['#due'],
            '#failures': NAMES['#failures'],
          },
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      // Gone, or no longer opted out: either way it is not ours to take out of the queue.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async #guardedUpdate(
    read: CustomerProfile,
    update: { UpdateExpression: string; names?: Record<string, string>; values: Record<string, unknown>; extraCondition?: string },
  ): Promise<ScoreWriteOutcome | 'already-queued'> {
    const key = profileKey(read.tenant, read.customerKey);
    const unchanged = read.score ? '#score.#scoredAt = :readScoredAt' : 'attribute_not_exists(#score)';
    const conditions = ['attribute_exists(#pk)', '(attribute_not_exists(#optedOut) OR #optedOut = :false)', unchanged];
    if (update.extraCondition) conditions.push(update.extraCondition);
    const expression = `${update.UpdateExpression} ${conditions.join(' AND ')}`;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: usedNames(expression, { ...NAMES, ...update.names }),
          ExpressionAttributeValues: {
            ...update.values,
            ':false': false,
            ...(read.score ? { ':readScoredAt': read.score.scoredAt } : {}),
          },
        }),
      );
      return 'written';
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      return this.#whyRefused(read, key);
    }
  }

  /** Reads the profile back to say why a guarded write was refused; only on that rare path. */
  async #whyRefused(read: CustomerProfile, key: ItemKey): Promise<ScoreWriteOutcome | 'already-queued'> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!Item) return 'gone';
    const current = z
      .object({
        optedOut: z.boolean().optional(),
        score: z.object({ scoredAt: z.string() }).optional(),
        [REFRESH_INDEX.sortKey]: z.string().optional(),
      })
      .safeParse(Item);
    if (!current.success) return 'changed';
    if (current.data.optedOut === true) return 'opted-out';
    if (current.data.score?.scoredAt !== read.score?.scoredAt) return 'changed';
    return current.data[REFRESH_INDEX.sortKey] !== undefined ? 'already-queued' : 'changed';
  }
}

/** Without a queue condition a refusal that no longer shows (a race with another writer) is a change. */
function writeOutcome(outcome: ScoreWriteOutcome | 'already-queued'): ScoreWriteOutcome {
  return outcome === 'already-queued' ? 'changed' : outcome;
}

/** DynamoDB refuses names an expression does not use, so only those are sent. */
function usedNames(expression: string, names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).filter(([placeholder]) => new RegExp(`${placeholder}\\b`).test(expression)));
}
