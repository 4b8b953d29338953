import {
  cancellationReasons,
  DeleteCommand,
  GetCommand,
  type DocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../aws/dynamodb.js';
import * as z from 'zod';
import type { DecisionHistory, DecisionLog } from '../../domain/ports.js';
import type { DecisionDayPage } from '../../domain/decision-listing.js';
import { type DecisionRecord, isFinal, parseDecisionId, type TicketOutcome } from '../../domain/decision-record.js';
import { DecisionListingSchema, decisionIndexAttributes, parseDecisionItem } from './decision-items.js';
import { CorruptItemError, StoreError } from './errors.js';
import { DECISION_SK_PREFIX, type ItemKey, decisionDayPk, decisionKey, decisionRefKey, ticketDecisionsPk } from './keys.js';
import { DECISIONS_INDEX, TTL_ATTRIBUTE } from './table.js';

/** Statuses after which a decision is never rewritten. */
export const FINAL_STATUSES = ['applied', 'shadow', 'skipped', 'held-out', 'baseline'] as const;

/** Options of the decision log. */
export interface DecisionLogOptions {
  /** Days a record is kept after its decision, through the table's TTL (default 400). */
  retentionDays?: number;
}

const DAY_SECONDS = 86_400;

function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function isCancelledByCondition(error: unknown): boolean {
  return cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed';
}

/**
 * The decision audit log in the single table: one item per decision under the ticket's partition,
 * so a decision is one GetItem away and a ticket's decisions one Query away. A conditional put
 * makes a final record (applied, shadow, skipped) impossible to overwrite.
 *
 * @example const log = new DynamoDecisionLog(documentClient, tableName); await log.record(record);
 */
export class DynamoDecisionLog implements DecisionLog, DecisionHistory {
  private readonly retentionSeconds: number;

  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    options: DecisionLogOptions = {},
  ) {
    this.retentionSeconds = (options.retentionDays ?? 400) * DAY_SECONDS;
  }

  /** The record of one decision, read strongly consistent because it guards the write-back. */
  async get(tenant: string, decisionId: string): Promise<DecisionRecord | undefined> {
    const key = decisionKey(tenant, decisionId);
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item ? parseDecisionItem(Item, key, tenant) : undefined;
  }

  /** Writes the record unless the stored one is final; `already-final` when it was. */
  async record(record: DecisionRecord): Promise<'written' | 'already-final'> {
    return this.#put(record, undefined);
  }

  /**
   * Writes a pending record as a claim for `holder` until `until`, unless the stored one is final
   * or another holder's claim has not expired; which of the two is read back on a refusal.
   */
  async claim(
    record: DecisionRecord & { status: 'pending' },
    holder: string,
    until: Date,
    now: Date,
  ): Promise<'written' | 'already-final' | 'held'> {
    const outcome = await this.#put(record, { holder, until: until.getTime(), now: now.getTime() });
    if (outcome === 'written') return 'written';
    const stored = await this.get(record.tenant, record.decisionId);
    return stored && isFinal(stored.status) ? 'already-final' : 'held';
  }

  /** Removes the claim if `holder` still has it; one request, only after a failed write-back. */
  async release(tenant: string, decisionId: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: decisionKey(tenant, decisionId),
          UpdateExpression: 'REMOVE #holder, #until',
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'claimHolder', '#until': 'claimUntil' },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Someone else's claim by now, or no record: nothing of ours to release.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async #put(
    record: DecisionRecord,
    claim: { holder: string; until: number; now: number } | undefined,
  ): Promise<'written' | 'already-final'> {
    const key = decisionKey(record.tenant, record.decisionId);
    if (parseDecisionId(record.decisionId)?.ticketId !== record.ticketId) {
      throw new StoreError(`decision ${record.decisionId} does not belong to ticket ${record.ticketId}`);
    }
    const decidedAt = Date.parse(record.decidedAt);
    if (Number.isNaN(decidedAt)) throw new StoreError(`decidedAt is not a date: ${record.decidedAt}`);
    const expiration = Math.floor(decidedAt / 1000) + this.retentionSeconds;
    const notFinal = 'attribute_not_exists(#pk) OR NOT (#status IN (:applied, :shadow, :skipped, :heldOut, :baseline))';
    const finalValues = {
      ':applied': 'applied',
      ':shadow': 'shadow',
      ':skipped': 'skipped',
      ':heldOut': 'held-out',
      ':baseline': 'baseline',
    };
    const put: {
      TableName: string;
      Item: Record<string, unknown>;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    } = claim
      ? {
          TableName: this.tableName,
          Item: {
            ...record,
            ...key,
            ...decisionIndexAttributes(record),
            [TTL_ATTRIBUTE]: expiration,
            claimHolder: claim.holder,
            claimUntil: claim.until,
          },
          // Not final, and nobody else's claim still running.
          ConditionExpression: `(${notFinal}) AND (attribute_not_exists(#holder) OR #holder = :holder OR #until < :now)`,
          ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status', '#holder': 'claimHolder', '#until': 'claimUntil' },
          ExpressionAttributeValues: {
            ...finalValues,
            ':holder': claim.holder,
            ':now': claim.now,
          },
        }
      : {
          TableName: this.tableName,
          Item: { ...record, ...key, ...decisionIndexAttributes(record), [TTL_ATTRIBUTE]: expiration },
          ConditionExpression: notFinal,
          ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status' },
          ExpressionAttributeValues: finalValues,
        };
    let pointerKey: ItemKey | undefined;
    try {
      if (record.customerKey) {
        // The pointer in the customer's partition lets export and erasure find this decision
        // without a scan. Written first, on its own (a transaction would double the write units):
        // a pointer whose decision is not there yet is skipped by export and erasure alike, and a
        // decision is never without its pointer.
        pointerKey = decisionRefKey(record.tenant, record.customerKey, record.decisionId);
        const pointer = {
          ...pointerKey,
          tenant: record.tenant,
          customerKey: record.customerKey,
          decisionId: record.decisionId,
          ticketId: record.ticketId,
          [TTL_ATTRIBUTE]: expiration,
        };
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: pointer }));
      }
      await this.client.send(new PutCommand(put));
      return 'written';
    } catch (error) {
      if (!(isConditionalCheckFailure(error) || isCancelledByCondition(error))) throw error;
      // Refused: the stored decision stands. A pointer written for it from another customer's
      // partition would name a decision not about them; it goes again.
      if (pointerKey && (await this.get(record.tenant, record.decisionId))?.customerKey !== record.customerKey) {
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: pointerKey }));
      }
      return 'already-final';
    }
  }

  /**
   * Stores the outcome on the record and in its index summary with one UpdateItem (one write to
   * the item, one to its index entry), if the record is still final with the status read and the
   * stored outcome's solve is the one read (or none): a later solve stored meanwhile is never
   * replaced by an earlier one.
   */
  async recordOutcome(read: DecisionRecord, outcome: TicketOutcome): Promise<'written' | 'changed'> {
    if (!isFinal(read.status)) throw new StoreError(`decision ${read.decisionId} is not final: its outcome waits for it`);
    const { summary } = decisionIndexAttributes({ ...read, outcome });
    const previous = read.outcome?.solvedAt;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: decisionKey(read.tenant, read.decisionId),
          UpdateExpression: 'SET #outcome = :outcome, #summary = :summary',
          ConditionExpression:
            previous === undefined
              ? '#status = :status AND attribute_not_exists(#outcome)'
              : '#status = :status AND #outcome.#solvedAt = :previous',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#outcome': 'outcome',
            '#summary': 'summary',
            ...(previous ? { '#solvedAt': 'solvedAt' } : {}),
          },
          ExpressionAttributeValues: {
            ':status': read.status,
            ':outcome': outcome,
            ':summary': summary,
            ...(previous ? { ':previous': previous } : {}),
          },
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionalCheckFailure(error)) return 'changed';
      throw error;
    }
  }

  /** Every decision about a ticket, newest first. */
  async listForTicket(tenant: string, ticketId: string): Promise<DecisionRecord[]> {
    const pk = ticketDecisionsPk(tenant, ticketId);
    const records: DecisionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': DECISION_SK_PREFIX },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = typeof item.sk === 'string' ? item.sk : '?';
        records.push(parseDecisionItem(item, { pk, sk }, tenant));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    // The sort key orders by decision id; the audit view wants time order.
    return records.sort((a, b) => Date.parse(b.decidedAt) - Date.parse(a.decidedAt) || b.decisionId.localeCompare(a.decisionId));
  }

  /**
   * One page of the decisions a tenant made on one UTC day, newest first, from the
   * decisions-by-day index: one Query, at most `limit` decisions.
   */
  async listDay(tenant: string, day: string, options: { limit: number; cursor?: string }): Promise<DecisionDayPage> {
    const pk = decisionDayPk(tenant, day);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DECISIONS_INDEX.name,
        KeyConditionExpression: '#day = :day',
        ExpressionAttributeNames: { '#day': DECISIONS_INDEX.partitionKey },
        ExpressionAttributeValues: { ':day': pk },
        ScanIndexForward: false,
        Limit: options.limit,
        ...(options.cursor ? { ExclusiveStartKey: parseCursor(options.cursor, pk) } : {}),
      }),
    );
    const items = page.Items ?? [];
    const listings = items.map((item) => {
      const parsed = DecisionListingSchema.safeParse(item);
      const key = { pk: String(item.pk), sk: String(item.sk) };
      if (!parsed.success)
        throw new CorruptItemError(`decision index entry failed validation: ${z.prettifyError(parsed.error)}`, key, {
          cause: parsed.error,
        });
      if (parsed.data.tenant !== tenant) throw new CorruptItemError('decision index entry belongs to another tenant', key);
      return parsed.data;
    });
    // An index entry's position is its table key and its index key, as DynamoDB's LastEvaluatedKey names it.
    const after = items.map((item) =>
      encodeCursor({
        pk: item.pk,
        sk: item.sk,
        [DECISIONS_INDEX.partitionKey]: item[DECISIONS_INDEX.partitionKey],
        [DECISIONS_INDEX.sortKey]: item[DECISIONS_INDEX.sortKey],
      }),
    );
    return { listings, after, ...(page.LastEvaluatedKey ? { cursor: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }
}

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

const CursorSchema = z
  .object({ pk: z.string(), sk: z.string(), [DECISIONS_INDEX.partitionKey]: z.string(), [DECISIONS_INDEX.sortKey]: z.string() })
  .strict();

/** The index position a cursor names, refused unless it is one of this day's partition. */
function parseCursor(cursor: string, pk: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const key = CursorSchema.safeParse(parsed);
  if (!key.success || key.data[DECISIONS_INDEX.partitionKey] !== pk) throw new InvalidCursorError();
  return key.data;
}

/** A paging cursor that this index did not hand out (or for another tenant or day). */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this list gave out: start again from the first page');
    this.name = 'InvalidCursorError';
  }
}
