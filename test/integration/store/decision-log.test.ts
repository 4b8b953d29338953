import { randomUUID } from 'node:crypto';
import type { DocumentClient } from '../../../shared/adapters/aws/dynamodb.js';
import { GetCommand, PutCommand } from '../../../shared/adapters/aws/dynamodb.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDecisionLog, InvalidCursorError } from '../../../shared/adapters/store/decision-log.js';
import { createDocumentClient } from '../../../shared/adapters/store/dynamo-client.js';
import { CorruptItemError, StoreError } from '../../../shared/adapters/store/errors.js';
import { decisionKey } from '../../../shared/adapters/store/keys.js';
import { TTL_ATTRIBUTE, createTable } from '../../../shared/adapters/store/table.js';
import type { DecisionRecord } from '../../../shared/domain/decision-record.js';

const tableName = `decisions-${randomUUID()}`;
let dynamo: DocumentClient;

beforeAll(async () => {
  dynamo = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(dynamo, tableName);
});

function record(ticketId: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    tenant: 'acme',
    decisionId: `zendesk:ticket-created:${ticketId}`,
    deliveryId: `delivery-${randomUUID()}`,
    source: 'zendesk',
    ticketId,
    customerKey: 'ck-1',
    receivedAt: '2026-11-23T10:00:00.000Z',
    decidedAt: '2026-11-23T10:00:01.000Z',
    status: 'pending',
    decision: {
      policyVersion: 'v3',
      mode: 'active',
      tier: 'high',
      score: { value: 64, source: 'provider', freshness: 'fresh', explanation: 'Reach 64 (high).', modelVersion: 'reach-1' },
      nps: { category: 'detractor', score: 3, answeredAt: '2026-11-20T10:00:00.000Z' },
      helpdeskPriority: 'normal',
      priority: 'high',
      uplift: 1,
      requestedUplift: 2,
      tags: ['influence_high', 'nps_detractor'],
      groupId: '360001',
      matchedRules: [{ id: 'high-detractor', reason: 'Unhappy high-reach customers go to the senior team.' }],
      guardrails: [{ id: 'uplift-cap', message: 'Rules asked for +2 levels; capped at +1.' }],
      refreshDue: false,
    },
    note: 'Priority raised from normal to high.',
    ...overrides,
  };
}

describe('DynamoDecisionLog', () => {
  it('records a decision and reads it back by id, with an expiration 400 days after the decision', async () => {
    // Arrange
    const client = dynamo;
    const log = new DynamoDecisionLog(client, tableName);
    const pending = record(String(Date.now()));

    // Act
    const outcome = await log.record(pending);
    const found = await log.get('acme', pending.decisionId);

    // Assert
    expect(outcome).toBe('written');
    expect(found).toEqual(pending);
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: decisionKey('acme', pending.decisionId) }));
    expect(Item?.[TTL_ATTRIBUTE]).toBe(Date.parse('2026-11-23T10:00:01.000Z') / 1000 + 400 * 86_400);
  });

  it('replaces a pending record but never a final one', async () => {
    // Arrange
    const log = new DynamoDecisionLog(dynamo, tableName, { retentionDays: 30 });
    const ticketId = `t-${randomUUID()}`;
    await log.record(record(ticketId));
    const applied = record(ticketId, {
      status: 'applied',
      written: { priority: 'high', tags: ['influence_high'], groupId: '360001', at: '2026-11-23T10:00:02.000Z' },
    });

    // Act
    const first = await log.record(applied);
    const again = await log.record(record(ticketId, { status: 'pending', note: 'replayed' }));
    const skipped = await log.record(record(ticketId, { status: 'skipped', skippedReason: 'duplicate' }));

    // Assert
    expect([first, again, skipped]).toEqual(['written', 'already-final', 'already-final']);
    expect(await log.get('acme', applied.decisionId)).toEqual(applied);
  });

  it.each(['shadow', 'skipped'] as const)('treats %s as final', async (status) => {
    const log = new DynamoDecisionLog(dynamo, tableName);
    const ticketId = `t-${randomUUID()}`;
    await log.record(record(ticketId, { status }));

    expect(await log.record(record(ticketId, { status: 'applied' }))).toBe('already-final');
  });

  it('lists a ticket’s decisions newest first, and nothing of other tickets or tenants', async () => {
    // Arrange
    const log = new DynamoDecisionLog(dynamo, tableName);
    const ticketId = `t-${randomUUID()}`;
    const created = record(ticketId, { decidedAt: '2026-11-23T10:00:00.000Z' });
    const updated = record(ticketId, { decisionId: `zendesk:ticket-updated:${ticketId}`, decidedAt: '2026-11-24T08:00:00.000Z' });
    await log.record(created);
    await log.record(updated);
    await log.record(record(`${ticketId}0`));
    await log.record(record(ticketId, { tenant: 'globex' }));

    // Act
    const listed = await log.listForTicket('acme', ticketId);

    // Assert
    expect(listed.map((r) => r.decisionId)).toEqual([updated.decisionId, created.decisionId]);
    expect(await log.listForTicket('acme', `missing-${ticketId}`)).toEqual([]);
  });

  it('returns undefined for an unknown decision', async () => {
    const log = new DynamoDecisionLog(dynamo, tableName);

    expect(await log.get('acme', 'zendesk:ticket-created:does-not-exist')).toBeUndefined();
  });

  it('refuses a record whose decision id names another ticket', async () => {
    const log = new DynamoDecisionLog(dynamo, tableName);

    await expect(log.record(record('1', { decisionId: 'zendesk:ticket-created:2' }))).rejects.toBeInstanceOf(StoreError);
  });

  it('refuses a stored decision that fails its schema', async () => {
    // Arrange
    const client = dynamo;
    const log = new DynamoDecisionLog(client, tableName);
    const bad = record(`t-${randomUUID()}`);
    await client.send(new PutCommand({ TableName: tableName, Item: { ...bad, ...decisionKey('acme', bad.decisionId), status: 'done' } }));

    // Act
    const read = log.get('acme', bad.decisionId);

    // Assert
    await expect(read).rejects.toBeInstanceOf(CorruptItemError);
  });
});

describe('DynamoDecisionLog.claim', () => {
  const log = () => new DynamoDecisionLog(dynamo, tableName);
  const at = (iso: string) => new Date(iso);

  it("lets one delivery hold a decision's write-back until its claim expires, and never past a final record", async () => {
    // Arrange
    const ticketId = String(Math.floor(Math.random() * 1e9));
    const pending = { ...record(ticketId), status: 'pending' as const };
    const until = at('2026-11-23T10:01:00.000Z');

    // Act
    const first = await log().claim(pending, 'delivery-a', until, at('2026-11-23T10:00:00.000Z'));
    const other = await log().claim(pending, 'delivery-b', until, at('2026-11-23T10:00:30.000Z'));
    const again = await log().claim(pending, 'delivery-a', until, at('2026-11-23T10:00:40.000Z'));
    const afterExpiry = await log().claim(pending, 'delivery-b', at('2026-11-23T10:03:00.000Z'), at('2026-11-23T10:02:00.000Z'));
    await log().record({ ...pending, status: 'applied' });
    const afterFinal = await log().claim(pending, 'delivery-c', at('2026-11-23T10:05:00.000Z'), at('2026-11-23T10:04:00.000Z'));

    // Assert
    expect([first, other, again, afterExpiry, afterFinal]).toEqual(['written', 'held', 'written', 'written', 'already-final']);
    expect((await log().get('acme', pending.decisionId))?.status).toBe('applied');
  });

  it('ends a claim early only for its own holder, and keeps the pending record', async () => {
    // Arrange
    const ticketId = String(Math.floor(Math.random() * 1e9));
    const pending = { ...record(ticketId), status: 'pending' as const };
    const until = at('2026-11-23T10:01:00.000Z');
    await log().claim(pending, 'attempt-a', until, at('2026-11-23T10:00:00.000Z'));

    // Act
    await log().release('acme', pending.decisionId, 'attempt-b');
    const stillHeld = await log().claim(pending, 'attempt-c', until, at('2026-11-23T10:00:10.000Z'));
    await log().release('acme', pending.decisionId, 'attempt-a');
    const afterRelease = await log().claim(pending, 'attempt-c', until, at('2026-11-23T10:00:20.000Z'));
    await log().release('acme', 'zendesk:ticket-created:424242', 'attempt-c');

    // Assert: another attempt may claim at once, long before the first claim would expire.
    expect([stillHeld, afterRelease]).toEqual(['held', 'written']);
    expect((await log().get('acme', pending.decisionId))?.status).toBe('pending');
  });
});

describe('the decisions-by-day index', () => {
  it("lists a tenant's decided records of one UTC day newest first, in pages, never a pending claim or another day's", async () => {
    // Arrange: a tenant of its own, five decided records and a pending one on 2026-11-23, one the day after.
    const tenant = `t${randomUUID().slice(0, 8)}`;
    const log = new DynamoDecisionLog(dynamo, tableName);
    const at = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`;
    for (const [index, status] of (['applied', 'skipped', 'shadow', 'failed', 'applied'] as const).entries()) {
      await log.record(
        record(`${index + 1}`, { tenant, status, decidedAt: at(index), ...(status === 'failed' ? { failedReason: 'HTTP 403' } : {}) }),
      );
    }
    await log.record(record('6', { tenant, status: 'pending', decidedAt: at(30) }));
    await log.record(record('7', { tenant, status: 'applied', decidedAt: '2026-11-24T00:00:00.000Z' }));

    // Act
    const first = await log.listDay(tenant, '2026-11-23', { limit: 3 });
    const second = await log.listDay(tenant, '2026-11-23', { limit: 3, ...(first.cursor ? { cursor: first.cursor } : {}) });

    // Assert
    expect(first.listings.map((listing) => listing.ticketId)).toEqual(['5', '4', '3']);
    expect(second.listings.map((listing) => listing.ticketId)).toEqual(['2', '1']);
    expect(first.listings[1]).toMatchObject({ status: 'failed', failedReason: 'HTTP 403', customerKey: 'ck-1' });
    expect(first.listings[0]?.summary).toEqual({
      tier: 'high',
      mode: 'active',
      uplift: 1,
      requestedUplift: 2,
      priority: 'high',
      helpdeskPriority: 'normal',
      rules: ['high-detractor'],
      guardrails: ['uplift-cap'],
      nps: 'detractor',
      score: { value: 64, source: 'provider', freshness: 'fresh' },
    });
    expect((await log.listDay(tenant, '2026-11-24', { limit: 10 })).listings.map((listing) => listing.ticketId)).toEqual(['7']);
  });

  it("refuses a cursor it did not give out, or one of another tenant's day", async () => {
    const log = new DynamoDecisionLog(dynamo, tableName);
    const tenant = `t${randomUUID().slice(0, 8)}`;
    for (const ticket of ['1', '2']) await log.record(record(ticket, { tenant, status: 'applied' }));
    const { cursor } = await log.listDay(tenant, '2026-11-23', { limit: 1 });

    await expect(log.listDay(`other${tenant}`, '2026-11-23', { limit: 1, cursor: cursor ?? '' })).rejects.toThrow(InvalidCursorError);
    await expect(log.listDay(tenant, '2026-11-23', { limit: 1, cursor: 'not-a-cursor' })).rejects.toThrow(InvalidCursorError);
  });
});
