import { randomUUID } from 'node:crypto';
import type { DescribeTableCommandOutput, DescribeTimeToLiveCommandOutput } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/store/dynamo-client.js';
import { REFRESH_INDEX, TABLE_PARTITION_KEY, TABLE_SORT_KEY, TTL_ATTRIBUTE, createTable } from '../../../shared/adapters/store/table.js';

describe('createTable', () => {
  it('creates the on-demand table with its refresh index and TTL, and can run again', async () => {
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
    expect(Table?.GlobalSecondaryIndexes?.map((index) => ({ name: index.IndexName, keys: index.KeySchema, projection: index.Projection?.ProjectionType }))).toEqual([
      {
        name: 'refresh-due',
        keys: [
          { AttributeName: REFRESH_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: REFRESH_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        projection: 'ALL',
      },
    ]);
    const ttl = await client.raw.call<DescribeTimeToLiveCommandOutput>('DescribeTimeToLive', { TableName: tableName });
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
  });
});
