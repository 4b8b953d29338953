import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '../../../shared/adapters/aws/dynamodb.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { profileItem } from '../../../shared/adapters/store/customer-items.js';
import type { CorruptItemError } from '../../../shared/adapters/store/errors.js';
import { profileKey, refreshBucketFor } from '../../../shared/adapters/store/keys.js';
import { DynamoScoreRefreshStore } from '../../../shared/adapters/store/score-refresh-store.js';
import type { CustomerProfile } from '../../../shared/domain/customer.js';
import type { InfluenceScore } from '../../../shared/domain/score.js';
import { useTestTable } from '../../support/dynamodb-table.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;
const table = useTestTable('score-refresh');
const { tableName, sent } = table;
const doc = () => table.client();

let tenant: string;
beforeEach(() => {
  tenant = `t-${randomUUID().slice(0, 8)}`;
  sent.length = 0;
});

/** A score that became due `minutesAgo` before NOW (negative: not due yet). */
function scoreDue(minutesAgo: number, value = 40): InfluenceScore {
  const refreshAfter = new Date(NOW.getTime() - minutesAgo * MINUTE);
  return {
    value,
    source: 'import',
    modelVersion: 'import-1',
    scoredAt: new Date(refreshAfter.getTime() - 7 * 86_400_000).toISOString(),
    refreshAfter: refreshAfter.toISOString(),
    components: {},
    inputs: { followers: 1200 },
    explanation: `Imported score ${value}.`,
  };
}

function profile(customerKey: string, extra: Partial<CustomerProfile> = {}, owner = tenant): CustomerProfile {
  return {
    tenant: owner,
    customerKey,
    identities: { helpdeskUserIds: [`zendesk:${customerKey.length}`], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

async function put(p: CustomerProfile, extra: Record<string, unknown> = {}): Promise<CustomerProfile> {
  await doc().send(new PutCommand({ TableName: tableName, Item: { ...profileItem(p), ...extra } }));
  return p;
}

async function item(p: CustomerProfile): Promise<Record<string, unknown> | undefined> {
  return (await doc().send(new GetCommand({ TableName: tableName, Key: profileKey(p.tenant, p.customerKey), ConsistentRead: true }))).Item;
}

/** Customer keys that all land in one refresh bucket. */
function keysInOneBucket(count: number): string[] {
  const byBucket = new Map<string, string[]>();
  for (let i = 0; ; i += 1) {
    const key = `same-${randomUUID().slice(0, 6)}-${i}`;
    const keys = byBucket.get(refreshBucketFor(tenant, key)) ?? [];
    keys.push(key);
    byBucket.set(refreshBucketFor(tenant, key), keys);
    if (keys.length === count) return keys;
  }
}

describe('DynamoScoreRefreshStore.findDue', () => {
  it('returns only this tenant’s due profiles, longest due first, across buckets', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    await put(profile('a', { score: scoreDue(30) }));
    await put(profile('b', { score: scoreDue(120) }));
    await put(profile('c', { score: scoreDue(5) }), { refreshFailures: 2 });
    await put(profile('later', { score: scoreDue(-60) }));
    await put(profile('unscored'));
    await put(profile('a', { score: scoreDue(500) }, `${tenant}-other`));

    const due = await store.findDue(tenant, NOW, 10);

    expect(due.map((d) => [d.profile.customerKey, d.failures])).toEqual([
      ['b', 0],
      ['a', 0],
      ['c', 2],
    ]);
    expect(due[0]?.dueAt).toBe(scoreDue(120).refreshAfter);
    expect(due[0]?.profile).toEqual(profile('b', { score: scoreDue(120) }));
    expect(sent.filter((name) => name !== 'Query')).toEqual(['PutItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem']);
  });

  it('follows a bucket page by page and merges it in due order', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName, { pageSize: 2 });
    const keys = keysInOneBucket(5);
    for (const [i, key] of keys.entries()) await put(profile(key, { score: scoreDue(100 - i * 10) }));
    await put(profile('elsewhere', { score: scoreDue(75) }));
    sent.length = 0;

    const due = await store.findDue(tenant, NOW, 10);

    expect(due.map((d) => d.profile.customerKey)).toEqual([keys[0], keys[1], keys[2], 'elsewhere', keys[3], keys[4]]);
    // 16 first pages, then two more pages of the crowded bucket (2 + 2 + 1 items).
    expect(sent.filter((name) => name === 'Query').length).toBeGreaterThanOrEqual(18);
  });

  it('stops at the limit, taking the longest due whichever bucket they are in', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    for (let i = 0; i < 8; i += 1) await put(profile(`k${i}`, { score: scoreDue(10 + i) }));

    const due = await store.findDue(tenant, NOW, 3);

    expect(due.map((d) => d.profile.customerKey)).toEqual(['k7', 'k6', 'k5']);
  });

  it('never reads another tenant’s due items: each tenant has its own buckets', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const [first, second, third, mine = 'x'] = keysInOneBucket(4);
    for (const key of [first, second, third]) if (key) await put(profile(key, { score: scoreDue(100) }, `${tenant}-busy`));
    await put(profile(mine, { score: scoreDue(10) }));
    sent.length = 0;

    const due = await store.findDue(tenant, NOW, 10);

    expect(due.map((d) => d.profile.customerKey)).toEqual([mine]);
    // One page per bucket: the busy tenant's items are in partitions this tenant never queries.
    expect(sent.filter((name) => name === 'Query')).toHaveLength(16);
  });

  it('skips and reports a due item that fails validation', async () => {
    const corrupt: CorruptItemError[] = [];
    const store = new DynamoScoreRefreshStore(doc(), tableName, { onCorruptItem: (error) => corrupt.push(error) });
    await put(profile('good', { score: scoreDue(10) }));
    await put(profile('bad', { score: scoreDue(20) }), { identities: 'not an object' });

    const due = await store.findDue(tenant, NOW, 10);

    expect(due.map((d) => d.profile.customerKey)).toEqual(['good']);
    expect(corrupt.map((e) => e.key)).toEqual([profileKey(tenant, 'bad')]);
  });
});

describe('DynamoScoreRefreshStore writes', () => {
  const fresh: InfluenceScore = {
    ...scoreDue(-7 * 24 * 60, 64),
    source: 'http',
    modelVersion: 'reach-2',
    scoredAt: NOW.toISOString(),
    explanation: 'Reach 64.',
  };

  it('writes a refreshed score, moves the queue position, clears failures and leaves everything else alone', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const read = await put(
      profile('k', {
        score: scoreDue(30),
        latestNps: { score: 3, category: 'detractor', answeredAt: '2026-11-01T00:00:00.000Z', responseId: 'r1' },
      }),
      { refreshFailures: 3, expiration: 1_900_000_000, addedByNewerCode: 'kept' },
    );

    const outcome = await store.saveScore(read, fresh, NOW);

    expect(outcome).toBe('written');
    const stored = await item(read);
    expect(stored).toMatchObject({
      score: fresh,
      updatedAt: NOW.toISOString(),
      refreshBucket: refreshBucketFor(tenant, 'k'),
      refreshAfter: fresh.refreshAfter,
      latestNps: read.latestNps,
      expiration: 1_900_000_000,
      addedByNewerCode: 'kept',
    });
    expect(stored).not.toHaveProperty('refreshFailures');
    expect(await store.findDue(tenant, NOW, 10)).toEqual([]);
  });

  it('refuses to overwrite a score written since the profile was read', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const read = await put(profile('k', { score: scoreDue(30) }));
    const imported = { ...scoreDue(-100, 90), scoredAt: '2026-11-23T09:59:00.000Z' };
    await put({ ...read, score: imported });

    const outcome = await store.saveScore(read, fresh, NOW);

    expect(outcome).toBe('changed');
    expect((await item(read))?.score).toEqual(imported);
  });

  it('refuses to score a customer who opted out, or one who is gone', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const read = await put(profile('k', { score: scoreDue(30) }));
    await put({ ...read, optedOut: true, optedOutAt: NOW.toISOString() });
    const gone = profile('never-written');

    expect(await store.saveScore(read, fresh, NOW)).toBe('opted-out');
    expect(await store.saveScore(gone, fresh, NOW)).toBe('gone');
    expect((await item(read))?.score).toEqual(read.score);
    expect(await item(gone)).toBeUndefined();
  });

  it('scores a customer who had no score, unless one arrived meanwhile', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const first = await put(profile('first'));
    const second = await put(profile('second'));
    await put({ ...second, score: scoreDue(-10) });

    expect(await store.saveScore(first, fresh, NOW)).toBe('written');
    expect(await store.saveScore(second, fresh, NOW)).toBe('changed');
    expect((await item(first))?.score).toEqual(fresh);
  });

  it('reschedules with a failure count, and clears it with none', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const read = await put(profile('k', { score: scoreDue(30) }));
    const later = new Date(NOW.getTime() + 2 * 3_600_000);

    expect(await store.reschedule(read, later, 2)).toBe('written');
    expect(await item(read)).toMatchObject({ refreshAfter: later.toISOString(), refreshFailures: 2, score: read.score });
    expect(await store.findDue(tenant, NOW, 10)).toEqual([]);
    expect((await store.findDue(tenant, later, 10)).map((d) => d.failures)).toEqual([2]);

    expect(await store.reschedule(read, NOW, 0)).toBe('written');
    expect(await item(read)).not.toHaveProperty('refreshFailures');
  });

  it('deletes a score kept past what its terms allow, keeps the profile queued, and refuses when the score changed meanwhile', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const read = await put(profile('d', { score: scoreDue(30) }));
    const retry = new Date(NOW.getTime() + 3_600_000);

    expect(await store.dropScore(read, { dueAt: retry, failures: 1, at: NOW })).toBe('written');
    const stored = await item(read);
    expect(stored).not.toHaveProperty('score');
    expect(stored).toMatchObject({ refreshAfter: retry.toISOString(), refreshFailures: 1, updatedAt: NOW.toISOString() });
    expect((await store.findDue(tenant, retry, 10)).map((d) => [d.profile.customerKey, d.profile.score, d.failures])).toEqual([
      ['d', undefined, 1],
    ]);

    // A score written since the profile was read is the newer one: it stays.
    const rescored = await put(profile('e', { score: scoreDue(30) }));
    await store.saveScore(rescored, scoreDue(-60, 70), NOW);
    expect(await store.dropScore(rescored, { dueAt: retry, failures: 1, at: NOW })).toBe('changed');
    expect((await item(rescored))?.score).toMatchObject({ value: 70 });
  });

  it('queues a customer without a score once, and keeps a later position it already has', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const unscored = await put(profile('u'));
    const backedOff = await put(profile('b', { score: scoreDue(-120) }));

    expect(await store.ensureQueued(unscored, NOW)).toBe('written');
    expect(await store.ensureQueued(unscored, new Date(NOW.getTime() + MINUTE))).toBe('already-queued');
    expect(await store.ensureQueued(backedOff, NOW)).toBe('already-queued');

    expect((await store.findDue(tenant, NOW, 10)).map((d) => d.profile.customerKey)).toEqual(['u']);
    expect((await item(backedOff))?.refreshAfter).toBe(scoreDue(-120).refreshAfter);
  });

  it('takes an opted-out customer out of the queue, and nobody else', async () => {
    const store = new DynamoScoreRefreshStore(doc(), tableName);
    const optedOut = await put(profile('o', { score: scoreDue(30), optedOut: true }), { refreshFailures: 1 });
    const active = await put(profile('a', { score: scoreDue(30) }));

    await store.dequeue(optedOut);
    await store.dequeue(active);

    expect(await item(optedOut)).not.toHaveProperty('refreshAfter');
    expect(await item(optedOut)).not.toHaveProperty('refreshFailures');
    expect((await store.findDue(tenant, NOW, 10)).map((d) => d.profile.customerKey)).toEqual(['a']);
    expect(await store.ensureQueued(optedOut, NOW)).toBe('opted-out');
  });
});
