import { cancellationReasons, type DocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '../aws/dynamodb.js';
import type { GuardedWriteOutcome } from '../../domain/customer-records.js';
import { StoreError } from './errors.js';

/** Most actions in one TransactWriteItems request. */
export const TRANSACT_WRITE_LIMIT = 100;

/** One action of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The cancellation codes of a failed transaction (`ConditionalCheckFailed`, `TransactionConflict`,
 * `None` for the actions that were fine), or undefined for any other error.
 *
 * @example cancellationCodes(error)?.includes('ConditionalCheckFailed')
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  return cancellationReasons(error)?.map((reason) => reason.Code ?? 'None');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Attempts at a transaction that another transaction on the same items keeps cancelling. */
const TRANSACTION_CONFLICT_ATTEMPTS = 5;

/**
 * Runs one TransactWriteItems request; `conflict` when one of its conditions failed (the caller
 * reads again and decides again). A cancellation because another transaction touched the same
 * items is retried here with jittered backoff.
 *
 * @example await transactWrite(client, [{ Put: { TableName, Item } }]) // 'written'
 */
export async function transactWrite(client: DocumentClient, items: readonly TransactItem[]): Promise<GuardedWriteOutcome> {
  if (items.length > TRANSACT_WRITE_LIMIT)
    throw new StoreError(`a transaction holds at most ${TRANSACT_WRITE_LIMIT} actions, not ${items.length}`);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return 'written';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes('ConditionalCheckFailed')) return 'conflict';
      if (!codes?.includes('TransactionConflict') || attempt >= TRANSACTION_CONFLICT_ATTEMPTS) throw error;
      await sleep(Math.random() * 50 * 2 ** attempt);
    }
  }
}

/** A write's condition, in DynamoDB's expression form. */
export interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * The condition that a stored profile is still the one read: `updatedAt` unchanged, or no item
 * yet when none was read.
 *
 * @example { Put: { TableName, Item, ...unchangedSince(read.updatedAt) } }
 */
export function unchangedSince(expectedUpdatedAt: string | undefined): Condition {
  return expectedUpdatedAt === undefined
    ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }
    : {
        ConditionExpression: '#updatedAt = :expected',
        ExpressionAttributeNames: { '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
      };
}
