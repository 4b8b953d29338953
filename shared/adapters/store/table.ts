import { AwsServiceError } from '../aws/aws-json-client.js';
import type { DocumentClient } from '../aws/dynamodb.js';

/** Partition key attribute of the table (string). */
export const TABLE_PARTITION_KEY = 'pk';
/** Sort key attribute of the table (string). */
export const TABLE_SORT_KEY = 'sk';
/**
 * TTL attribute (epoch seconds). A table has one TTL attribute, so it is the one Powertools
 * idempotency writes too.
 */
export const TTL_ATTRIBUTE = 'expiration';

/**
 * The sparse index the background refresh queries: only profiles with a score carry its keys.
 * Projects every attribute so the job reads whole profiles from the index.
 */
export const REFRESH_INDEX = {
  name: 'refresh-due',
  partitionKey: 'refreshBucket',
  sortKey: 'refreshAfter',
  projectionType: 'ALL',
} as const;

/** Attributes the table adds to an item around the stored record; removed before parsing it. */
export const STORAGE_ATTRIBUTES = [
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TTL_ATTRIBUTE,
  REFRESH_INDEX.partitionKey,
  REFRESH_INDEX.sortKey,
] as const;

/** Settings for the Powertools idempotency persistence layer so its records fit this table. */
export const IDEMPOTENCY_TABLE_ATTRIBUTES = {
  keyAttr: TABLE_PARTITION_KEY,
  sortKeyAttr: TABLE_SORT_KEY,
  expiryAttr: TTL_ATTRIBUTE,
} as const;

/**
 * Returns a copy of an item without the storage attributes.
 *
 * @example withoutStorageAttributes({ pk: 'a', sk: 'b', tenant: 'acme' }) // { tenant: 'acme' }
 */
export function withoutStorageAttributes(item: Record<string, unknown>): Record<string, unknown> {
  const storage = new Set<string>(STORAGE_ATTRIBUTES);
  return Object.fromEntries(Object.entries(item).filter(([name]) => !storage.has(name)));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface TableDescription {
  Table?: { TableStatus?: string; GlobalSecondaryIndexes?: { IndexStatus?: string }[] };
}

async function waitUntilActive(client: DocumentClient, tableName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.raw.call<TableDescription>('DescribeTable', { TableName: tableName });
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} is not ACTIVE after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Creates the table (on demand, with the refresh index and TTL) for local mode and tests, and
 * waits until it is ACTIVE; does nothing that is already done, so it is safe to call on every start.
 * Deployed tables come from the CDK stack, which uses the same constants.
 *
 * @example await createTable(createDocumentClient({ endpoint }), 'influence-router-local');
 */
export async function createTable(client: DocumentClient, tableName: string, options: { timeoutMs?: number } = {}): Promise<void> {
  try {
    await client.raw.call('CreateTable', {
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: TABLE_SORT_KEY, AttributeType: 'S' },
          { AttributeName: REFRESH_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: REFRESH_INDEX.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: TABLE_SORT_KEY, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: REFRESH_INDEX.name,
            KeySchema: [
              { AttributeName: REFRESH_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: REFRESH_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: REFRESH_INDEX.projectionType },
          },
        ],
    });
  } catch (error) {
    if (!(error instanceof AwsServiceError && error.code === 'ResourceInUseException')) throw error;
  }
  await waitUntilActive(client, tableName, options.timeoutMs ?? 60_000);
  const ttl = await client.raw.call<{ TimeToLiveDescription?: { TimeToLiveStatus?: string } }>('DescribeTimeToLive', { TableName: tableName });
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.raw.call('UpdateTimeToLive', {
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  }
}
