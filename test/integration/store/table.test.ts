import { randomUUID } from 'node:crypto';
import type { DescribeTableCommandOutput, DescribeTimeToLiveCommandOutput } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/store/dynamo-client.js';
import {
  DECISIONS_INDEX,
  REFRESH_INDEX,
  TENANTS_INDEX,
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TTL_ATTRIBUTE,
  createTable,
} from '../../../shared/adapters/store/table.js';

describe('createTable', () => {
  it('creates the on-demand table with its refresh, decisions and tenants indexes and TTL, and can run again', async () => {
    // Arrange
    const client = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
    const tableName = `table-${randomUUID()}`;

    // Act
    await createTable(client, tableName);
    await createTable(client, tableName);

    // Assert
    const { Table } = await client.raw.call<DescribeTableCommandOutput>('DescribeTable', { TableName: tableName });
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: TABLE_SORT_KEY, KeyType: 'RANGE' },
    ]);
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName ?? '',
      keys: index.KeySchema,
      projection: index.Projection?.ProjectionType,
    }));
    expect(indexes.sort((a, b) => b.name.localeCompare(a.name))).toEqual([
      {
        name: 'tenants',
        keys: [
          { AttributeName: TENANTS_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: TENANTS_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        projection: 'ALL',
      },
      {
        name: 'refresh-due',
        keys: [
          { AttributeName: REFRESH_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: REFRESH_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        projection: 'ALL',
      },
      {
        name: 'decisions-by-day',
        keys: [
          { AttributeName: DECISIONS_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: DECISIONS_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        projection: 'INCLUDE',
      },
    ]);
    const ttl = await client.raw.call<DescribeTimeToLiveCommandOutput>('DescribeTimeToLive', { TableName: tableName });
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
  });

  it('refuses a table an earlier version made without the decisions index, saying what to do', async () => {
    const client = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
    const tableName = `table-${randomUUID()}`;
    await client.raw.call('CreateTable', {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [TABLE_PARTITION_KEY, TABLE_SORT_KEY, REFRESH_INDEX.partitionKey, REFRESH_INDEX.sortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
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
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });

    await expect(createTable(client, tableName)).rejects.toThrow(
      `Table ${tableName} was made by an earlier version and has no decisions-by-day, tenants index: delete it (its data is local) or set TABLE_NAME to a new table`,
    );
  });
});
