import * as z from 'zod';
import { type DocumentClient, GetCommand, QueryCommand } from '../aws/dynamodb.js';
import { CorruptItemError, StoreError } from './errors.js';
import {
  type ItemKey,
  keyPart,
  TENANT_LIST_PARTITION,
  TENANT_VERSION_SK_PREFIX,
  tenantConfigPk,
  tenantCurrentKey,
  tenantVersionKey,
} from './keys.js';
import { TABLE_PARTITION_KEY, TABLE_SORT_KEY, TENANTS_INDEX } from './table.js';
import { type Condition, transactWrite } from './transactions.js';

/** What a change to a tenant's configuration was. */
export const TenantChangeSchema = z.enum(['add', 'update', 'disable', 'enable', 'import']);
export type TenantChange = z.infer<typeof TenantChangeSchema>;

/**
 * One version of a tenant's configuration as stored: the configuration as it was written (parsed
 * by the tenants schema when read, so a default added later applies to it), whether the tenant is
 * enabled, and who changed what, when and why.
 */
export const StoredTenantSchema = z.object({
  tenantId: z.string().min(1),
  version: z.number().int().min(1),
  enabled: z.boolean(),
  /** The tenant's configuration, as JSON text: kept exactly as written, for the diff and `show`. */
  config: z.string().min(2),
  changedAt: z.string(),
  changedBy: z.string().min(1),
  change: TenantChangeSchema,
  reason: z.string().optional(),
});
export type StoredTenant = z.infer<typeof StoredTenantSchema>;

/** A page of tenants or versions, and where the next page starts (absent on the last one). */
export interface TenantPage {
  items: StoredTenant[];
  cursor?: string;
}

/** A cursor this store did not hand out. */
export class InvalidTenantCursorError extends StoreError {}

const STORED_ATTRIBUTES = Object.keys(StoredTenantSchema.shape);

function parseStored(item: Record<string, unknown>, key: ItemKey): StoredTenant {
  const picked = Object.fromEntries(STORED_ATTRIBUTES.filter((name) => name in item).map((name) => [name, item[name]]));
  const parsed = StoredTenantSchema.safeParse(picked);
  if (!parsed.success) {
    throw new CorruptItemError(`tenant item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * The tenants' configurations in the table: one current item per tenant, which the functions
 * read with one GetItem, and one item per version, kept for the history. A change writes both
 * in one transaction, on the condition that the current version is still the one the writer
 * read, so of two writers only one wins; the other is told `conflict` and reads again.
 *
 * @example await new DynamoTenantStore(client, table).current('acme') // { version: 3, enabled: true, config: '{...}', ... }
 */
export class DynamoTenantStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  /** The tenant's current configuration, or undefined when no tenant has this id. One GetItem. */
  async current(tenantId: string, options: { consistent?: boolean } = {}): Promise<StoredTenant | undefined> {
    const key = tenantCurrentKey(tenantId);
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ...(options.consistent ? { ConsistentRead: true } : {}) }),
    );
    return Item ? parseStored(Item, key) : undefined;
  }

  /** One version of a tenant's configuration, or undefined. */
  async version(tenantId: string, version: number): Promise<StoredTenant | undefined> {
    const key = tenantVersionKey(tenantId, version);
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return Item ? parseStored(Item, key) : undefined;
  }

  /**
   * Writes a new version: `next.version` must be one more than `expected` (0 for a tenant that
   * does not exist yet). `conflict` when the stored version is no longer `expected`.
   */
  async write(next: StoredTenant, expected: number): Promise<'written' | 'conflict'> {
    if (next.version !== expected + 1) throw new StoreError(`version ${next.version} does not follow version ${expected}`);
    const current = tenantCurrentKey(next.tenantId);
    const guard: Condition =
      expected === 0
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY } }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expected },
          };
    const outcome = await transactWrite(this.client, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...current, [TENANTS_INDEX.partitionKey]: TENANT_LIST_PARTITION, ...next },
          ...guard,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...tenantVersionKey(next.tenantId, next.version), ...next },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY },
        },
      },
    ]);
    return outcome === 'written' ? 'written' : 'conflict';
  }

  /**
   * A page of the tenants' current configurations, by id, from the sparse tenants index (no scan).
   * The cursor is the last id of the page.
   */
  async list(options: { limit?: number; cursor?: string } = {}): Promise<TenantPage> {
    const startKey = options.cursor === undefined ? undefined : this.listCursor(options.cursor);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TENANTS_INDEX.name,
        KeyConditionExpression: '#list = :list',
        ExpressionAttributeNames: { '#list': TENANTS_INDEX.partitionKey },
        ExpressionAttributeValues: { ':list': TENANT_LIST_PARTITION },
        ...(options.limit !== undefined ? { Limit: options.limit } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = (page.Items ?? []).map((item) =>
      parseStored(item, { pk: String(item[TABLE_PARTITION_KEY]), sk: String(item[TABLE_SORT_KEY]) }),
    );
    const last = items.at(-1);
    return { items, ...(page.LastEvaluatedKey && last ? { cursor: last.tenantId } : {}) };
  }

  /** Every tenant's current configuration, page after page. */
  async listAll(): Promise<StoredTenant[]> {
    const all: StoredTenant[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(cursor === undefined ? {} : { cursor });
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return all;
  }

  /** A page of a tenant's versions, newest first. The cursor is the last version of the page. */
  async history(tenantId: string, options: { limit?: number; cursor?: string } = {}): Promise<TenantPage> {
    const pk = tenantConfigPk(tenantId);
    const before = options.cursor === undefined ? undefined : Number(options.cursor);
    if (before !== undefined && !(Number.isInteger(before) && before > 1)) {
      throw new InvalidTenantCursorError('the cursor is not one this history gave out: start again from the first page');
    }
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY, '#sk': TABLE_SORT_KEY },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': TENANT_VERSION_SK_PREFIX },
        ScanIndexForward: false,
        ...(options.limit !== undefined ? { Limit: options.limit } : {}),
        ...(before !== undefined ? { ExclusiveStartKey: tenantVersionKey(tenantId, before) } : {}),
      }),
    );
    const items = (page.Items ?? []).map((item) => parseStored(item, { pk, sk: String(item[TABLE_SORT_KEY]) }));
    const last = items.at(-1);
    return { items, ...(page.LastEvaluatedKey && last ? { cursor: String(last.version) } : {}) };
  }

  private listCursor(cursor: string): Record<string, string> {
    try {
      keyPart('cursor', cursor);
    } catch (error) {
      throw new InvalidTenantCursorError('the cursor is not one this list gave out: start again from the first page', { cause: error });
    }
    return { ...tenantCurrentKey(cursor), [TENANTS_INDEX.partitionKey]: TENANT_LIST_PARTITION, [TENANTS_INDEX.sortKey]: cursor };
  }
}
