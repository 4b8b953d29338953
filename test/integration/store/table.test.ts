import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDynamoDbClient } from '../../../shared/adapters/store/dynamo-client.js';
import { REFRESH_INDEX, TABLE_PARTITION_KEY, TABLE_SORT_KEY, TTL_ATTRIBUTE, createTable } from '../../../shared/adapters/store/table.js';

describe('createTable', () => {
  it('creates the on-demand table with its refresh index and TTL, and can run again', async () => {
    // Arrange
    const client = createDynamoDbClient({ endpoint: inject('dynamoDbEndpoint') });
    const tableName = `table-${randomUUID()}`;

    // Act
    await createTable(client, tableName);
    await createTable(client, tableName);

    // Assert
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
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
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
  });
});
