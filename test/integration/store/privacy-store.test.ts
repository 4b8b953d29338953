import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '../../../shared/adapters/aws/dynamodb.js';
import { describe, expect, it } from 'vitest';
import { hmacIdentityHashers } from '../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../shared/adapters/store/customer-store.js';
import { DynamoDecisionLog } from '../../../shared/adapters/store/decision-log.js';
import { aliasKey, decisionKey, decisionRefKey, profileKey } from '../../../shared/adapters/store/keys.js';
import { DynamoPrivacyStore, ERASED } from '../../../shared/adapters/store/privacy-store.js';
import { TTL_ATTRIBUTE } from '../../../shared/adapters/store/table.js';
import type { CustomerProfile, Identity } from '../../../shared/domain/customer.js';
import type { DecisionRecord } from '../../../shared/domain/decision-record.js';
import type { InfluenceScore } from '../../../shared/domain/score.js';
import { email, newProfile as sharedProfile, newTenant, useTestTable, zendeskUser } from '../../support/dynamodb-table.js';

const SECRET = 'integration-test-identity-key-0123456789';
const hasherFor = hmacIdentityHashers(SECRET);
const DAY_SECONDS = 86_400;
const table = useTestTable('privacy');
const client = () => table.client();
const { tableName } = table;
const customers = (options = {}) => new DynamoCustomerStore(client(), tableName, hasherFor, options);
const privacy = () => new DynamoPrivacyStore(client(), tableName, hasherFor);
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const score: InfluenceScore = {
  value: 64,
  source: 'helpdesk-metrics',
  modelVersion: 'reach-2',
  scoredAt: '2026-11-20T10:00:00.000Z',
  refreshAfter: '2026-11-27T10:00:00.000Z',
  components: { reach: 48 },
  inputs: { followers: 48000, network: 'twitter' },
  explanation: 'Reach 64 (high): 48k followers.',
};

const newProfile = (tenant: string, first: Identity, extra: Partial<CustomerProfile> = {}) =>
  sharedProfile(hasherFor, tenant, first, extra);

function decision(tenant: string, ticketId: string, customerKey: string | undefined, decidedAt: string): DecisionRecord {
  return {
    tenant,
    decisionId: `zendesk:ticket-created:${ticketId}`,
    deliveryId: `delivery-${ticketId}`,
    source: 'zendesk',
    ticketId,
    ...(customerKey ? { customerKey } : {}),
    receivedAt: decidedAt,
    decidedAt,
    status: 'applied',
    decision: {
      policyVersion: 'v3',
      mode: 'active',
      tier: 'high',
      score: { value: 64, source: 'provider', freshness: 'fresh', explanation: 'Reach 64 (high): 48k followers.', modelVersion: 'reach-2' },
      nps: { category: 'detractor', score: 3, answeredAt: '2026-11-19T09:00:00.000Z' },
      helpdeskPriority: 'normal',
      priority: 'high',
      uplift: 1,
      requestedUplift: 1,
      tags: ['influence_high', 'nps_detractor'],
      matchedRules: [{ id: 'high-detractor', reason: 'Unhappy high-reach customers go to the senior team.' }],
      guardrails: [{ id: 'never-boost', message: 'Manual "never boost" override: Ada asked us to.' }],
      refreshDue: false,
    },
    note: 'Influence Router: priority raised from normal to high (+1). Tier: high (score 64). Reach 64 (high): 48k followers.',
    written: { priority: 'high', tags: ['printer', 'influence_high', 'nps_detractor'], at: decidedAt },
  };
}

async function partition(tenant: string, customerKey: string) {
  const { Items } = await client().send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': profileKey(tenant, customerKey).pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

const getItem = async (key: { pk: string; sk: string }) =>
  (await client().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

/** A customer known by email, Zendesk user id and a handle, with two survey answers and two decisions. */
async function seededCustomer(tenant: string) {
  const byEmail = email(`ada.${randomUUID()}@example.com`);
  const userId = zendeskUser('4242');
  const handle: Identity = { kind: 'handle', value: 'twitter:ada', trust: 'verified' };
  const profile = newProfile(tenant, byEmail, { score, override: { kind: 'never', reason: 'Ada asked us to' } });
  await customers().saveCustomer(profile, [byEmail, userId, handle]);
  for (const [responseId, answeredAt] of [
    ['r-1', '2026-11-10T09:00:00.000Z'],
    ['r-2', '2026-11-19T09:00:00.000Z'],
  ] as const) {
    await customers().saveSurveyAnswer({
      tenant,
      customerKey: profile.customerKey,
      responseId,
      source: 'delighted',
      kind: 'nps',
      score: 3,
      scale: 10,
      answeredAt,
      comment: 'Still broken.',
    });
  }
  const log = new DynamoDecisionLog(client(), tableName);
  await log.record(decision(tenant, '501', profile.customerKey, '2026-11-20T10:00:00.000Z'));
  await log.record(decision(tenant, '502', profile.customerKey, '2026-11-21T10:00:00.000Z'));
  return { byEmail, userId, handle, profile: (await customers().findCustomer(tenant, [byEmail])) ?? profile };
}

describe('decision pointers', () => {
  it('are written with a decision that names a customer, in its partition, and expire with it', async () => {
    // Arrange
    const tenant = newTenant();
    const log = new DynamoDecisionLog(client(), tableName);

    // Act
    await log.record(decision(tenant, '700', 'ck-1', '2026-11-20T10:00:00.000Z'));
    await log.record(decision(tenant, '701', undefined, '2026-11-20T10:00:00.000Z'));

    // Assert
    const pointer = await getItem(decisionRefKey(tenant, 'ck-1', 'zendesk:ticket-created:700'));
    const record = await getItem(decisionKey(tenant, 'zendesk:ticket-created:700'));
    expect(pointer).toMatchObject({ decisionId: 'zendesk:ticket-created:700', ticketId: '700', customerKey: 'ck-1' });
    expect(pointer?.[TTL_ATTRIBUTE]).toBe(record?.[TTL_ATTRIBUTE]);
    expect(await getItem(decisionRefKey(tenant, 'ck-1', 'zendesk:ticket-created:701'))).toBeUndefined();
  });

  it('leave a final decision final: recording it again is already-final and changes nothing', async () => {
    // Arrange
    const tenant = newTenant();
    const log = new DynamoDecisionLog(client(), tableName);
    const applied = decision(tenant, '710', 'ck-1', '2026-11-20T10:00:00.000Z');
    await log.record(applied);

    // Act
    const again = await log.record({ ...applied, customerKey: 'ck-2', note: 'another note' });

    // Assert
    expect(again).toBe('already-final');
    expect((await log.get(tenant, applied.decisionId))?.note).toBe(applied.note);
    expect(await getItem(decisionRefKey(tenant, 'ck-2', applied.decisionId))).toBeUndefined();
  });
});

describe('DynamoPrivacyStore.records', () => {
  it('lists the aliases, survey answers and decisions held about a profile', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, handle, profile } = await seededCustomer(tenant);

    // Act
    const records = await privacy().records(profile);

    // Assert
    expect(records.profile).toEqual(profile);
    // Retention counts from the customer's last contact, or from when the profile was created.
    expect(records.retainedUntil).toBe(new Date((epoch(profile.createdAt) + 730 * DAY_SECONDS) * 1000).toISOString());
    expect(records.aliases).toEqual(
      expect.arrayContaining([
        { identityHash: hasherFor(tenant).hash(userId), kind: 'helpdesk-user' },
        { identityHash: hasherFor(tenant).hash(handle), kind: 'handle' },
      ]),
    );
    expect(records.aliases).toHaveLength(2);
    expect(records.surveyAnswers.map((a) => a.responseId)).toEqual(['r-1', 'r-2']);
    expect(records.surveyAnswers[0]).toMatchObject({ comment: 'Still broken.', retainedUntil: '2028-11-09T09:00:00.000Z' });
    expect(records.surveyAnswers[0]).not.toHaveProperty('pk');
    expect(records.decisions.map((d) => d.ticketId)).toEqual(['502', '501']);
  });

  it('leaves out an alias that now points at another profile', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, profile } = await seededCustomer(tenant);
    const other = newProfile(tenant, zendeskUser('9'));
    await customers().saveCustomer(other, [userId]);

    // Act
    const records = await privacy().records(profile);

    // Assert
    expect(records.aliases.map((a) => a.kind)).toEqual(['handle']);
  });
});

describe('DynamoPrivacyStore.erase', () => {
  it('deletes profile, aliases, survey answers and pointers, and redacts the decisions to their audit facts', async () => {
    // Arrange
    const tenant = newTenant();
    const { byEmail, userId, handle, profile } = await seededCustomer(tenant);
    const bystander = await seededCustomer(newTenant());

    // Act
    const report = await privacy().erase(profile, [userId], '2026-11-23T10:00:00.000Z');

    // Assert: what the report says
    expect(report).toEqual({
      customerKey: profile.customerKey,
      profileDeleted: true,
      aliasesDeleted: 2,
      surveyAnswersDeleted: 2,
      decisionPointersDeleted: 2,
      decisionsRedacted: 2,
    });
    // ...and what DynamoDB Local holds afterwards
    expect(await partition(tenant, profile.customerKey)).toEqual([]);
    for (const identity of [byEmail, userId, handle])
      expect(await getItem(aliasKey(tenant, hasherFor(tenant).hash(identity)))).toBeUndefined();
    const redacted = await getItem(decisionKey(tenant, 'zendesk:ticket-created:501'));
    const original = decision(tenant, '501', profile.customerKey, '2026-11-20T10:00:00.000Z');
    expect(redacted).toMatchObject({
      ticketId: '501',
      deliveryId: original.deliveryId,
      status: 'applied',
      decidedAt: original.decidedAt,
      note: ERASED,
      erasedAt: '2026-11-23T10:00:00.000Z',
      written: original.written,
      decision: {
        policyVersion: 'v3',
        tier: 'high',
        priority: 'high',
        tags: original.decision.tags,
        matchedRules: original.decision.matchedRules,
        guardrails: [{ id: 'never-boost', message: ERASED }],
      },
    });
    expect(redacted).not.toHaveProperty('customerKey');
    expect(redacted?.decision).not.toHaveProperty('score');
    expect(redacted?.decision).not.toHaveProperty('nps');
    expect(redacted?.[TTL_ATTRIBUTE]).toBe(epoch('2026-11-20T10:00:00.000Z') + 400 * DAY_SECONDS);
    expect(JSON.stringify(redacted)).not.toContain('48k');
    // Still counted in the decisions-by-day index, with what is left of it and nothing personal
    const [listed] = (await new DynamoDecisionLog(client(), tableName).listDay(tenant, '2026-11-20', { limit: 10 })).listings;
    expect(listed).toMatchObject({ ticketId: '501', status: 'applied', summary: { tier: 'high', guardrails: ['never-boost'] } });
    expect(listed).not.toHaveProperty('customerKey');
    expect(listed?.summary).not.toHaveProperty('score');
    expect(listed?.summary).not.toHaveProperty('nps');
    // Another tenant's customer is untouched
    expect(await partition(bystander.profile.tenant, bystander.profile.customerKey)).toHaveLength(5);
  });

  it('can run again after it has run: nothing left, nothing redacted twice', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, profile } = await seededCustomer(tenant);
    await privacy().erase(profile, [userId], '2026-11-23T10:00:00.000Z');
    const before = await getItem(decisionKey(tenant, 'zendesk:ticket-created:501'));

    // Act
    const again = await privacy().erase(profile, [userId], '2026-11-24T10:00:00.000Z');

    // Assert
    expect(again).toEqual({
      customerKey: profile.customerKey,
      profileDeleted: false,
      aliasesDeleted: 0,
      surveyAnswersDeleted: 0,
      decisionPointersDeleted: 0,
      decisionsRedacted: 0,
    });
    expect(await getItem(decisionKey(tenant, 'zendesk:ticket-created:501'))).toEqual(before);
  });
});

describe('retention by TTL', () => {
  it('sets a profile and its aliases to expire 730 days after the customer was last seen, and only contact moves that', async () => {
    // Arrange
    const tenant = newTenant();
    const byEmail = email('ttl@example.com');
    const userId = zendeskUser('1');
    const profile = newProfile(tenant, byEmail, { lastSeenAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    await customers().saveCustomer(profile, [byEmail, userId]);
    const first = await getItem(profileKey(tenant, profile.customerKey));

    // Act: a write that is not contact (a refresh, an import), then the customer writes in again
    await customers().saveCustomer({ ...profile, updatedAt: '2026-03-01T00:00:00.000Z' }, [byEmail, userId]);
    const afterOtherWrite = await getItem(profileKey(tenant, profile.customerKey));
    await customers().saveCustomer({ ...profile, lastSeenAt: '2026-06-01T00:00:00.000Z', updatedAt: '2026-06-01T00:00:00.000Z' }, [
      byEmail,
      userId,
    ]);

    // Assert
    const later = await getItem(profileKey(tenant, profile.customerKey));
    const alias = await getItem(aliasKey(tenant, hasherFor(tenant).hash(userId)));
    expect(first?.[TTL_ATTRIBUTE]).toBe(epoch('2026-01-01T00:00:00.000Z') + 730 * DAY_SECONDS);
    expect(afterOtherWrite?.[TTL_ATTRIBUTE]).toBe(first?.[TTL_ATTRIBUTE]);
    expect(later?.[TTL_ATTRIBUTE]).toBe(epoch('2026-06-01T00:00:00.000Z') + 730 * DAY_SECONDS);
    expect(alias?.[TTL_ATTRIBUTE]).toBe(later?.[TTL_ATTRIBUTE]);
  });

  it('uses the retention the store is given, for profiles, imports and survey answers', async () => {
    // Arrange
    const tenant = newTenant();
    const store = customers({ profileRetentionDays: 30, surveyRetentionDays: 90 });
    const byEmail = email('short@example.com');

    // Act
    await store.upsertScores(tenant, [{ identity: byEmail, score }], '2026-11-23T00:00:00.000Z');
    const customerKey = hasherFor(tenant).hash(byEmail);
    await store.saveSurveyAnswer({
      tenant,
      customerKey,
      responseId: 'r-1',
      source: 'delighted',
      kind: 'nps',
      score: 9,
      scale: 10,
      answeredAt: '2026-11-22T00:00:00.000Z',
    });

    // Assert
    const items = await partition(tenant, customerKey);
    expect(items.find((i) => i.sk === 'PROFILE')?.[TTL_ATTRIBUTE]).toBe(epoch('2026-11-23T00:00:00.000Z') + 30 * DAY_SECONDS);
    expect(items.find((i) => String(i.sk).startsWith('SURVEY#'))?.[TTL_ATTRIBUTE]).toBe(
      epoch('2026-11-22T00:00:00.000Z') + 90 * DAY_SECONDS,
    );
  });

  it('keeps one survey answer per response id, even when the tool sends it again with another time', async () => {
    // Arrange
    const tenant = newTenant();
    const store = customers();
    const customerKey = hasherFor(tenant).hash(email('rated@example.com'));
    const rating = { tenant, customerKey, responseId: 'zendesk-csat:ticket-7', source: 'zendesk-csat', kind: 'csat' as const, scale: 2 };

    // Act: good on one day, changed to bad the next.
    await store.saveSurveyAnswer({ ...rating, score: 2, answeredAt: '2026-11-22T00:00:00.000Z' });
    await store.saveSurveyAnswer({ ...rating, score: 1, answeredAt: '2026-11-23T00:00:00.000Z', comment: 'Changed my mind' });

    // Assert
    const answers = (await partition(tenant, customerKey)).filter((i) => String(i.sk).startsWith('SURVEY#'));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ score: 1, answeredAt: '2026-11-23T00:00:00.000Z', comment: 'Changed my mind' });
  });

  it('keeps an opted-out profile and its aliases without expiry, so the opt-out is honoured', async () => {
    // Arrange
    const tenant = newTenant();
    const byEmail = email('out@example.com');
    const userId = zendeskUser('2');

    // Act
    await customers().saveCustomer(newProfile(tenant, byEmail, { optedOut: true, optedOutAt: '2026-11-20T00:00:00.000Z' }), [
      byEmail,
      userId,
    ]);

    // Assert
    const customerKey = hasherFor(tenant).hash(byEmail);
    expect(await getItem(profileKey(tenant, customerKey))).not.toHaveProperty(TTL_ATTRIBUTE);
    expect(await getItem(aliasKey(tenant, hasherFor(tenant).hash(userId)))).not.toHaveProperty(TTL_ATTRIBUTE);
  });
});

describe('DynamoCustomerStore guards', () => {
  it('saveCustomer never replaces an opted-out profile with one that is not', async () => {
    // Arrange: the ticket path read the profile just before the customer opted out
    const tenant = newTenant();
    const byEmail = email('race@example.com');
    const before = newProfile(tenant, byEmail, { score });
    await customers().saveCustomer(before, [byEmail]);
    await customers().saveCustomer({ ...before, score: undefined, optedOut: true, optedOutAt: '2026-11-21T00:00:00.000Z' }, [byEmail]);

    // Act
    await customers().saveCustomer({ ...before, updatedAt: '2026-11-22T00:00:00.000Z' }, [byEmail, zendeskUser('3')]);

    // Assert
    const stored = await customers().findCustomer(tenant, [byEmail]);
    expect(stored?.optedOut).toBe(true);
    expect(stored?.score).toBeUndefined();
    expect(await getItem(aliasKey(tenant, hasherFor(tenant).hash(zendeskUser('3'))))).toBeUndefined();
  });

  it('replaceCustomer writes only over the profile it read', async () => {
    // Arrange
    const tenant = newTenant();
    const byEmail = email('guard@example.com');
    const profile = newProfile(tenant, byEmail);

    // Act
    const created = await customers().replaceCustomer(profile, undefined);
    const createdTwice = await customers().replaceCustomer(profile, undefined);
    const stale = await customers().replaceCustomer({ ...profile, updatedAt: '2026-11-23T00:00:00.000Z' }, '2026-01-01T00:00:00.000Z');
    const current = await customers().replaceCustomer({ ...profile, updatedAt: '2026-11-23T00:00:00.000Z' }, profile.updatedAt);

    // Assert
    expect([created, createdTwice, stale, current]).toEqual(['written', 'conflict', 'conflict', 'written']);
    expect((await customers().findCustomer(tenant, [byEmail]))?.updatedAt).toBe('2026-11-23T00:00:00.000Z');
  });
});
