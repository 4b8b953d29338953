import { AwsServiceError } from '../aws/aws-json-client.js';
import type { DocumentClient } from '../aws/dynamodb.js';
import { ConfigurationError } from '../../domain/errors.js';

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

/**
 * The sparse index of decisions by UTC day, newest first, that the console and the report read:
 * only decided records (not a pending claim) carry its keys, one partition per tenant and day.
 * It projects a small summary, not the note, so an index entry costs one write unit.
 */
export const DECISIONS_INDEX = {
  name: 'decisions-by-day',
  partitionKey: 'decisionDay',
  sortKey: 'decidedKey',
  projectionType: 'INCLUDE',
  nonKeyAttributes: [
    'tenant',
    'decisionId',
    'ticketId',
    'source',
    'status',
    'decidedAt',
    'customerKey',
    'summary',
    'skippedReason',
    'failedReason',
  ],
} as const;

/**
 * The sparse index that lists the tenants without a scan: only a tenant's current configuration
 * carries its keys (one partition, by tenant id). Writes to it are as rare as configuration
 * changes; the functions never query it, they read one tenant's current item by key.
 */
export const TENANTS_INDEX = {
  name: 'tenants',
  partitionKey: 'tenantList',
  sortKey: 'tenantId',
  projectionType: 'ALL',
} as const;

/** Attributes the table adds to an item around the stored record; removed before parsing it. */
export const STORAGE_ATTRIBUTES = [
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TTL_ATTRIBUTE,
  REFRESH_INDEX.partitionKey,
  REFRESH_INDEX.sortKey,
  DECISIONS_INDEX.partitionKey,
  DECISIONS_INDEX.sortKey,
  'summary',
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
  Table?: { TableStatus?: string; GlobalSecondaryIndexes?: { IndexName?: string; IndexStatus?: string }[] };
}

const KEY_ATTRIBUTES = [
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  REFRESH_INDEX.partitionKey,
  REFRESH_INDEX.sortKey,
  DECISIONS_INDEX.partitionKey,
  DECISIONS_INDEX.sortKey,
  TENANTS_INDEX.partitionKey,
  TENANTS_INDEX.sortKey,
];

/** The table's global secondary indexes, as CreateTable and UpdateTable take them. */
const INDEXES = [
  {
    IndexName: REFRESH_INDEX.name,
    KeySchema: [
      { AttributeName: REFRESH_INDEX.partitionKey, KeyType: 'HASH' },
      { AttributeName: REFRESH_INDEX.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: REFRESH_INDEX.projectionType },
  },
  {
    IndexName: DECISIONS_INDEX.name,
    KeySchema: [
      { AttributeName: DECISIONS_INDEX.partitionKey, KeyType: 'HASH' },
      { AttributeName: DECISIONS_INDEX.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: DECISIONS_INDEX.projectionType, NonKeyAttributes: [...DECISIONS_INDEX.nonKeyAttributes] },
  },
  {
    IndexName: TENANTS_INDEX.name,
    KeySchema: [
      { AttributeName: TENANTS_INDEX.partitionKey, KeyType: 'HASH' },
      { AttributeName: TENANTS_INDEX.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: TENANTS_INDEX.projectionType },
  },
];

async function waitUntilActive(client: DocumentClient, tableName: string, timeoutMs: number): Promise<void> {
  // A wait, not the time of day: measured on the monotonic timer, which no clock change moves.
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.raw.call<TableDescription>('DescribeTable', { TableName: tableName });
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (performance.now() > deadline) throw new Error(`table ${tableName} is not ACTIVE after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Refuses a table an earlier version made without every index: its decisions would be missing
 * from the console and the report. DynamoDB Local cannot be relied on to build an index added
 * later, so the table is named with what to do instead. Deployed tables get new indexes from the
 * CDK stack.
 */
async function assertIndexes(client: DocumentClient, tableName: string, timeoutMs: number): Promise<void> {
  await waitUntilActive(client, tableName, timeoutMs);
  const { Table } = await client.raw.call<TableDescription>('DescribeTable', { TableName: tableName });
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = INDEXES.map((index) => index.IndexName).filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Table ${tableName} was made by an earlier version and has no ${missing.join(', ')} index: delete it (its data is local) or set TABLE_NAME to a new table`,
    );
  }
}

/**
 * Creates the table (on demand, with its indexes and TTL) for local mode and tests, and
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
      AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: TABLE_SORT_KEY, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: INDEXES,
    });
  } catch (error) {
    if (!(error instanceof AwsServiceError && error.code === 'ResourceInUseException')) throw error;
    await assertIndexes(client, tableName, options.timeoutMs ?? 60_000);
  }
  await waitUntilActive(client, tableName, options.timeoutMs ?? 60_000);
  const ttl = await client.raw.call<{ TimeToLiveDescription?: { TimeToLiveStatus?: string } }>('DescribeTimeToLive', {
    TableName: tableName,
  });
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.raw.call('UpdateTimeToLive', {
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  }
}
