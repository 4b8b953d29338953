import { GetCommand, PutCommand } from '../../../shared/adapters/aws/dynamodb.js';
import { describe, expect, it } from 'vitest';
import { CorruptItemError, StoreError } from '../../../shared/adapters/store/errors.js';
import { answerIndexKey } from '../../../shared/adapters/store/keys.js';
import { DynamoSurveyAnswerIndex, MAX_PERIOD_DAYS } from '../../../shared/adapters/store/survey-index.js';
import { TTL_ATTRIBUTE } from '../../../shared/adapters/store/table.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import type { IndexedAnswer } from '../../../shared/domain/survey-answers.js';
import { newTenant, useTestTable } from '../../support/dynamodb-table.js';

const table = useTestTable('survey-index');
const DAY_SECONDS = 86_400;

function answer(tenant: string, responseId: string, answeredAt: string, extra: Partial<IndexedAnswer> = {}): IndexedAnswer {
  return { tenant, responseId, source: 'typeform', answeredAt, kind: 'nps', score: 9, scale: 10, tier: 'notable', ...extra };
}

/** Queries sent since `mark` (an index into the table's command log). */
const queriesSince = (mark: number) => table.sent.slice(mark).filter((name) => name === 'Query').length;

describe('DynamoSurveyAnswerIndex.put', () => {
  it('writes the answer in its UTC day partition, with a TTL 730 days after it was given', async () => {
    // Arrange
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    // 01:30 at +03:00 is 22:30 UTC on the day before.
    const given = answer(tenant, 'r1', '2026-11-02T01:30:00+03:00');

    // Act
    await index.put(given);

    // Assert
    const { Item } = await table
      .client()
      .send(new GetCommand({ TableName: table.tableName, Key: answerIndexKey(tenant, '2026-11-01', 'r1') }));
    expect(Item).toEqual({
      pk: `T#${tenant}#ANSWERS#2026-11-01`,
      sk: 'r1',
      ...given,
      [TTL_ATTRIBUTE]: Date.parse('2026-11-01T22:30:00Z') / 1000 + 730 * DAY_SECONDS,
    });
  });

  it('keeps answers for the configured survey retention', async () => {
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName, { surveyRetentionDays: 30 });

    await index.put(answer(tenant, 'r1', '2026-11-01T00:00:00Z'));

    const { Item } = await table
      .client()
      .send(new GetCommand({ TableName: table.tableName, Key: answerIndexKey(tenant, '2026-11-01', 'r1') }));
    expect(Item?.[TTL_ATTRIBUTE]).toBe(Date.parse('2026-11-01T00:00:00Z') / 1000 + 30 * DAY_SECONDS);
  });

  it('upserts by response id: an answer sent twice is one item, the later one', async () => {
    // Arrange
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    await index.put(answer(tenant, 'ticket-1', '2026-11-05T10:00:00Z', { kind: 'csat', score: 1, scale: 2 }));

    // Act
    await index.put(answer(tenant, 'ticket-1', '2026-11-05T11:00:00Z', { kind: 'csat', score: 2, scale: 2 }));
    const period = await index.inPeriod(tenant, new Date('2026-11-05T00:00:00Z'), new Date('2026-11-06T00:00:00Z'));

    // Assert
    expect(period.answers).toEqual([answer(tenant, 'ticket-1', '2026-11-05T11:00:00Z', { kind: 'csat', score: 2, scale: 2 })]);
  });

  it('refuses an answer it could not index, before writing anything', async () => {
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    const mark = table.sent.length;

    await expect(index.put(answer(newTenant(), 'r1', 'yesterday'))).rejects.toThrow(StoreError);
    await expect(index.put(answer(newTenant(), 'r1', '2026-11-01T00:00:00Z', { score: 11 }))).rejects.toThrow(StoreError);
    await expect(index.put(answer(newTenant(), 'r1', '2026-11-01T00:00:00Z', { score: 7.5 }))).rejects.toThrow(StoreError);
    await expect(index.put(answer(newTenant(), 'r1', '2026-11-01T00:00:00Z', { kind: 'csat', score: 0, scale: 5 }))).rejects.toThrow(
      StoreError,
    );
    expect(table.sent.slice(mark)).toEqual([]);
  });
});

describe('DynamoSurveyAnswerIndex.inPeriod', () => {
  it('reads one partition per day and keeps only answers in [from, to) on the edge days', async () => {
    // Arrange
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    const times = {
      beforeFrom: '2026-11-01T11:59:59.999Z',
      atFrom: '2026-11-01T12:00:00.000Z',
      middle: '2026-11-02T08:00:00.000Z',
      beforeTo: '2026-11-03T05:59:59.999Z',
      atTo: '2026-11-03T06:00:00.000Z',
      dayAfter: '2026-11-04T00:00:00.000Z',
    };
    for (const [id, at] of Object.entries(times)) await index.put(answer(tenant, id, at));
    const mark = table.sent.length;

    // Act
    const period = await index.inPeriod(tenant, new Date(times.atFrom), new Date(times.atTo));

    // Assert
    expect(period.answers.map((a) => a.responseId)).toEqual(['atFrom', 'middle', 'beforeTo']);
    expect(period.partitions).toBe(3);
    expect(period.requests).toBe(3);
    expect(table.sent.slice(mark)).toEqual(['Query', 'Query', 'Query']);
  });

  it('pages through a day with ExclusiveStartKey and counts every request', async () => {
    // Arrange: with 2 items a page, 5 answers take 3 pages, 2 answers take 2 (DynamoDB cannot tell a full last page is last), none take 1.
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName, { limit: 2 });
    for (let i = 0; i < 5; i += 1) await index.put(answer(tenant, `a${i}`, `2026-11-10T0${i}:00:00Z`, { score: i }));
    for (let i = 0; i < 2; i += 1) await index.put(answer(tenant, `b${i}`, `2026-11-11T0${i}:00:00Z`, { score: 10 }));
    const mark = table.sent.length;

    // Act
    const period = await index.inPeriod(tenant, new Date('2026-11-10T00:00:00Z'), new Date('2026-11-13T00:00:00Z'));

    // Assert
    expect(period.answers.map((a) => a.responseId)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1']);
    expect(period.partitions).toBe(3);
    expect(period.requests).toBe(3 + 2 + 1);
    expect(queriesSince(mark)).toBe(period.requests);
    expect(table.sent.slice(mark)).not.toContain('Scan');
  });

  it("never reads another tenant's answers, even with the same response id on the same day", async () => {
    // Arrange
    const acme = newTenant();
    const globex = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    await index.put(answer(acme, 'shared-id', '2026-11-15T10:00:00Z', { score: 10 }));
    await index.put(answer(globex, 'shared-id', '2026-11-15T10:00:00Z', { score: 0 }));
    await index.put(answer(globex, 'other', '2026-11-15T11:00:00Z'));

    // Act
    const period = await index.inPeriod(acme, new Date('2026-11-15T00:00:00Z'), new Date('2026-11-16T00:00:00Z'));

    // Assert
    expect(period.answers).toEqual([answer(acme, 'shared-id', '2026-11-15T10:00:00Z', { score: 10 })]);
  });

  it('counts a response id found on two days once, as its latest answer', async () => {
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    await index.put(answer(tenant, 'ticket-7', '2026-11-20T23:00:00Z', { kind: 'csat', score: 1, scale: 2 }));
    await index.put(answer(tenant, 'ticket-7', '2026-11-21T09:00:00Z', { kind: 'csat', score: 2, scale: 2 }));

    const period = await index.inPeriod(tenant, new Date('2026-11-20T00:00:00Z'), new Date('2026-11-22T00:00:00Z'));

    expect(period.answers).toEqual([answer(tenant, 'ticket-7', '2026-11-21T09:00:00Z', { kind: 'csat', score: 2, scale: 2 })]);
  });

  it('reads nothing for an empty period', async () => {
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    const at = new Date('2026-11-01T00:00:00Z');

    expect(await index.inPeriod(newTenant(), at, at)).toEqual({ answers: [], partitions: 0, requests: 0 });
  });

  it(`reads ${MAX_PERIOD_DAYS} days, and refuses a longer period before sending anything`, async () => {
    // Arrange
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName, { concurrency: 16 });
    const from = new Date('2025-01-01T00:00:00Z');
    const longest = new Date(from.getTime() + MAX_PERIOD_DAYS * DAY_SECONDS * 1000);
    const mark = table.sent.length;

    // Act / Assert
    await expect(index.inPeriod(newTenant(), from, new Date(longest.getTime() + 1))).rejects.toThrow(
      new ConfigurationError(`the period is ${MAX_PERIOD_DAYS + 1} days; at most ${MAX_PERIOD_DAYS} days are read at once`),
    );
    expect(table.sent.slice(mark)).toEqual([]);
    expect((await index.inPeriod(newTenant(), from, longest)).partitions).toBe(MAX_PERIOD_DAYS);
  });

  it('refuses an item that fails its schema instead of counting it', async () => {
    const tenant = newTenant();
    const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
    await table.client().send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...answerIndexKey(tenant, '2026-11-25', 'bad'), tenant, responseId: 'bad', kind: 'nps', score: 'ten' },
      }),
    );

    await expect(index.inPeriod(tenant, new Date('2026-11-25T00:00:00Z'), new Date('2026-11-26T00:00:00Z'))).rejects.toThrow(
      CorruptItemError,
    );
  });

  it('refuses options that are not positive whole numbers, naming them', () => {
    expect(() => new DynamoSurveyAnswerIndex(table.client(), table.tableName, { limit: 0 })).toThrow(/limit/);
    expect(() => new DynamoSurveyAnswerIndex(table.client(), table.tableName, { surveyRetentionDays: 1.5 })).toThrow(/surveyRetentionDays/);
  });
});
