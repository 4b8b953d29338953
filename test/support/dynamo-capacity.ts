import type { AwsCallRecord } from '../../shared/adapters/aws/aws-json-client.js';

/** The DynamoDB operations whose capacity is write units. */
export const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * The capacity units a call consumed, as DynamoDB reported them (`ReturnConsumedCapacity: TOTAL`;
 * batch operations report one entry per table).
 *
 * @example unitsOf({ service: 'dynamodb', operation: 'PutItem', attempts: 1, status: 200, consumedCapacity: { CapacityUnits: 2 } }) // 2
 */
export function unitsOf(call: AwsCallRecord): number {
  return ([call.consumedCapacity].flat() as ({ CapacityUnits?: number } | undefined)[]).reduce(
    (sum, c) => sum + (c?.CapacityUnits ?? 0),
    0,
  );
}

/** Write and read units over calls. */
export function unitsOver(calls: readonly AwsCallRecord[]): { writeUnits: number; readUnits: number } {
  let writeUnits = 0;
  let readUnits = 0;
  for (const call of calls) {
    if (WRITE_OPERATIONS.has(call.operation)) writeUnits += unitsOf(call);
    else readUnits += unitsOf(call);
  }
  return { writeUnits, readUnits };
}
