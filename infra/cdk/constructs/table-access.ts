import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { TENANT_CONFIG_PK_PATTERN } from '../../../shared/adapters/store/keys.js';

/** Item reads and writes, transactions included (they are authorised per underlying action). */
export const ITEM_READ_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * Grants item actions on the base table only. Unlike `table.grant*`, which adds every index
 * (`table/index/*`), an index must be granted on its own with `grantIndexQuery`.
 *
 * @example grantTableItems(table, fn, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
 */
export function grantTableItems(table: ITableV2, grantee: IGrantable, actions: readonly string[]): Grant {
  return Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [table.tableArn] });
}

/**
 * Grants Query on one named global secondary index.
 *
 * @example grantIndexQuery(table, 'refresh-due', fn)
 */
export function grantIndexQuery(table: ITableV2, indexName: string, grantee: IGrantable): Grant {
  return Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [`${table.tableArn}/index/${indexName}`] });
}

/**
 * Grants GetItem on tenants' current configurations only: a condition on the partition key
 * (`T#<tenant>#CONFIG`) keeps the internet-facing ingest function off customers and decisions.
 *
 * @example grantTenantReads(table, ingest)
 */
export function grantTenantReads(table: ITableV2, grantee: IGrantable): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['dynamodb:GetItem'],
    resourceArns: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_CONFIG_PK_PATTERN] } },
  });
}
