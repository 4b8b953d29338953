import { randomUUID } from 'node:crypto';
import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { beforeAll, inject } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';
import type { CustomerProfile, Identity } from '../../shared/domain/customer.js';
import type { IdentityHasher } from '../../shared/domain/ports.js';

/** A table of its own in the run's DynamoDB Local, created before the file's tests. */
export interface TestTable {
  readonly tableName: string;
  /** The low-level client (created in beforeAll). */
  dynamo(): DocumentClient;
  /** A document client over it. */
  client(): DocumentClient;
  /** Every command that reached the wire, by name, to count round trips. */
  readonly sent: string[];
}

/**
 * Registers a beforeAll that creates a uniquely named table in the DynamoDB Local the
 * integration run started, with a client that records every command it sends.
 *
 * @example const table = useTestTable('customers'); ... table.client()
 */
export function useTestTable(prefix: string): TestTable {
  const tableName = `${prefix}-${randomUUID()}`;
  const sent: string[] = [];
  let dynamo: DocumentClient | undefined;
  const ready = (): DocumentClient => {
    if (!dynamo) throw new Error('the test table is created in beforeAll; use it inside a test');
    return dynamo;
  };
  beforeAll(async () => {
    dynamo = createDocumentClient({ endpoint: inject('dynamoDbEndpoint'), onCall: (call) => sent.push(call.operation) });
    await createTable(dynamo, tableName);
  });
  return { tableName, dynamo: ready, client: () => ready(), sent };
}

/** A tenant id no other test uses. */
export const newTenant = (): string => `t${randomUUID().slice(0, 8)}`;

/** An email identity. */
export const email = (value: string): Identity => ({ kind: 'email', value });

/** A Zendesk user identity. */
export const zendeskUser = (id: string): Identity => ({ kind: 'helpdesk-user', value: `zendesk:${id}` });

/** A bare profile keyed by the hash of its first identity. */
export function newProfile(
  hasherFor: (tenant: string) => IdentityHasher,
  tenant: string,
  first: Identity,
  extra: Partial<CustomerProfile> = {},
): CustomerProfile {
  return {
    tenant,
    customerKey: hasherFor(tenant).hash(first),
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...extra,
  };
}

export { storeTenant } from './stored-tenant.js';
