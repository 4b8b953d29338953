import { GetCommand } from '../../../shared/adapters/aws/dynamodb.js';
import { describe, expect, it } from 'vitest';
import { hmacIdentityHashers } from '../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../shared/adapters/store/customer-store.js';
import { answerIndexKey, surveyAnswerKey } from '../../../shared/adapters/store/keys.js';
import { DynamoSurveyAnswerIndex } from '../../../shared/adapters/store/survey-index.js';
import type { SurveyAnswerRecord } from '../../../shared/domain/customer.js';
import type { IndexedAnswer } from '../../../shared/domain/survey-answers.js';
import { newTenant, useTestTable } from '../../support/dynamodb-table.js';

const table = useTestTable('answer-versions');
const store = () =>
  new DynamoCustomerStore(table.client(), table.tableName, hmacIdentityHashers('integration-test-identity-key-0123456789'));
const index = () => new DynamoSurveyAnswerIndex(table.client(), table.tableName);

/** Revisions as the use case builds them: the answer's own time, then when ingest received it. */
const CREATED = '2026-11-23T09:00:00.000Z|2026-11-23T09:00:01.000Z';
const UPDATED = '2026-11-23T09:02:00.000Z|2026-11-23T09:02:01.000Z';

function record(tenant: string, extra: Partial<SurveyAnswerRecord> = {}): SurveyAnswerRecord {
  return {
    tenant,
    customerKey: 'k1',
    responseId: 'delighted:r-1',
    source: 'delighted',
    kind: 'nps',
    score: 9,
    scale: 10,
    answeredAt: '2026-11-23T09:00:00.000Z',
    ...extra,
  };
}

function indexed(tenant: string, extra: Partial<IndexedAnswer> = {}): IndexedAnswer {
  return {
    tenant,
    responseId: 'delighted:r-1',
    source: 'delighted',
    answeredAt: '2026-11-23T09:00:00.000Z',
    kind: 'nps',
    score: 9,
    scale: 10,
    tier: 'high',
    ...extra,
  };
}

async function item(key: { pk: string; sk: string }) {
  return (await table.client().send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;
}

describe("an answer in the customer's partition, against DynamoDB Local", () => {
  it('keeps the newer version when an older one is written after it, and says so', async () => {
    // Arrange
    const tenant = newTenant();
    await store().saveSurveyAnswer(record(tenant, { score: 3, comment: 'Still broken', revision: UPDATED }));

    // Act
    const outcome = await store().saveSurveyAnswer(record(tenant, { score: 9, revision: CREATED }));

    // Assert
    expect(outcome).toBe('superseded');
    expect(await item(surveyAnswerKey(tenant, 'k1', 'delighted:r-1'))).toMatchObject({
      score: 3,
      comment: 'Still broken',
      revision: UPDATED,
    });
  });

  it('replaces an older version, and takes the same version again (a retry)', async () => {
    // Arrange
    const tenant = newTenant();
    await store().saveSurveyAnswer(record(tenant, { revision: CREATED }));

    // Act
    const newer = await store().saveSurveyAnswer(record(tenant, { score: 3, comment: 'Still broken', revision: UPDATED }));
    const again = await store().saveSurveyAnswer(record(tenant, { score: 3, comment: 'Still broken', revision: UPDATED }));

    // Assert
    expect([newer, again]).toEqual(['written', 'written']);
    expect(await item(surveyAnswerKey(tenant, 'k1', 'delighted:r-1'))).toMatchObject({ score: 3, revision: UPDATED });
  });

  it('replaces an answer stored before versions were kept', async () => {
    // Arrange
    const tenant = newTenant();
    await store().saveSurveyAnswer(record(tenant));

    // Act
    const outcome = await store().saveSurveyAnswer(record(tenant, { score: 3, revision: CREATED }));

    // Assert
    expect(outcome).toBe('written');
    expect(await item(surveyAnswerKey(tenant, 'k1', 'delighted:r-1'))).toMatchObject({ score: 3 });
  });
});

describe('an answer in the day index, against DynamoDB Local', () => {
  it('keeps the newer version when an older one is written after it, and says so', async () => {
    // Arrange
    const tenant = newTenant();
    await index().put(indexed(tenant, { score: 3, revision: UPDATED }));

    // Act
    const outcome = await index().put(indexed(tenant, { score: 9, revision: CREATED }));

    // Assert
    expect(outcome).toBe('superseded');
    expect(await item(answerIndexKey(tenant, '2026-11-23', 'delighted:r-1'))).toMatchObject({ score: 3, revision: UPDATED });
    const period = await index().inPeriod(tenant, new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'));
    expect(period.answers).toMatchObject([{ score: 3 }]);
  });

  it('replaces an older version, and takes the same version again', async () => {
    // Arrange
    const tenant = newTenant();
    await index().put(indexed(tenant, { revision: CREATED }));

    // Act
    const outcomes = [
      await index().put(indexed(tenant, { score: 3, revision: UPDATED })),
      await index().put(indexed(tenant, { score: 3, revision: UPDATED })),
    ];

    // Assert
    expect(outcomes).toEqual(['written', 'written']);
    expect(await item(answerIndexKey(tenant, '2026-11-23', 'delighted:r-1'))).toMatchObject({ score: 3 });
  });
});
