import { GetCommand, QueryCommand, ScanCommand } from '../../../../shared/adapters/aws/dynamodb.js';
import { describe, expect, it } from 'vitest';
import { hmacIdentityHashers } from '../../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../../shared/adapters/store/customer-store.js';
import { DynamoDecisionLog } from '../../../../shared/adapters/store/decision-log.js';
import { aliasKey, profileKey } from '../../../../shared/adapters/store/keys.js';
import { REFRESH_INDEX } from '../../../../shared/adapters/store/table.js';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import type { HelpdeskClient } from '../../../../shared/domain/ports.js';
import type { DecisionRecord } from '../../../../shared/domain/decision-record.js';
import type { InfluenceScore } from '../../../../shared/domain/score.js';
import { loadRequester } from '../../../../shared/use-cases/processing/customer-lookup.js';
import { customerMerger, mergeCustomers } from '../../../../shared/use-cases/privacy/merge-customers.js';
import { email, newProfile, newTenant, useTestTable, zendeskUser } from '../../../support/dynamodb-table.js';
import { FixedClock } from '../../../support/fakes.js';

const SECRET = 'integration-test-identity-key-0123456789';
const hasherFor = hmacIdentityHashers(SECRET);
const table = useTestTable('merge');
const { tableName } = table;
const NOW = new Date('2026-11-23T10:00:00.000Z');
const client = () => table.client();
const store = () => new DynamoCustomerStore(client(), tableName, hasherFor);

const imported: InfluenceScore = {
  value: 72,
  source: 'import',
  modelVersion: 'import-1',
  scoredAt: '2026-11-20T09:00:00.000Z',
  refreshAfter: '2026-11-27T09:00:00.000Z',
  components: {},
  inputs: { file: 'vip.csv' },
  explanation: 'Imported score 72 from vip.csv (2026-11-20).',
};

const profile = (tenant: string, first: Identity, extra: Partial<CustomerProfile> = {}) =>
  newProfile(hasherFor, tenant, first, { updatedAt: '2026-11-01T00:00:00.000Z', ...extra });

function decision(tenant: string, ticketId: string, customerKey: string): DecisionRecord {
  return {
    tenant,
    decisionId: `zendesk:ticket-created:${ticketId}`,
    deliveryId: `d-${ticketId}`,
    source: 'zendesk',
    ticketId,
    customerKey,
    receivedAt: '2026-11-22T10:00:00.000Z',
    decidedAt: '2026-11-22T10:00:01.000Z',
    status: 'skipped',
    decision: {
      policyVersion: 'v1',
      mode: 'active',
      tier: 'none',
      uplift: 0,
      requestedUplift: 0,
      tags: [],
      matchedRules: [],
      guardrails: [{ id: 'no-score', message: 'No influence score is known for this customer: baseline service.' }],
      refreshDue: true,
    },
    note: 'Influence Router: priority unchanged.',
    skippedReason: 'the decision changes nothing on the ticket',
  };
}

async function partition(tenant: string, customerKey: string) {
  const { Items } = await client().send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': profileKey(tenant, customerKey).pk },
    }),
  );
  return Items ?? [];
}

async function tenantItems(tenant: string) {
  const { Items } = await client().send(
    new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :t)', ExpressionAttributeValues: { ':t': `T#${tenant}#` } }),
  );
  return (Items ?? []).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

/**
 * The case: a profile created from a Zendesk user id (with a survey answer and a
 * decision), and another created by a score import from an email.
 */
async function twoProfilesOfOneCustomer(
  tenant: string,
  extra: { user?: Partial<CustomerProfile>; imported?: Partial<CustomerProfile> } = {},
) {
  const userId = zendeskUser('4242');
  const byEmail = email('ada@example.com');
  const fromTicket = profile(tenant, userId, {
    identities: { helpdeskUserIds: ['zendesk:4242'], emailHashes: [], handles: [{ network: 'twitter', handle: 'ada', trust: 'verified' }] },
    latestNps: { score: 3, category: 'detractor', answeredAt: '2026-11-21T08:00:00.000Z', responseId: 'r-1' },
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-11-21T08:00:00.000Z',
    ...extra.user,
  });
  await store().saveCustomer(fromTicket, [userId, { kind: 'handle', value: 'twitter:ada', trust: 'verified' }]);
  await store().saveSurveyAnswer({
    tenant,
    customerKey: fromTicket.customerKey,
    responseId: 'r-1',
    source: 'delighted',
    kind: 'nps',
    score: 3,
    scale: 10,
    answeredAt: '2026-11-21T08:00:00.000Z',
    comment: 'The printer is still broken.',
  });
  await new DynamoDecisionLog(client(), tableName).record(decision(tenant, '501', fromTicket.customerKey));
  const fromImport = profile(tenant, byEmail, {
    identities: { helpdeskUserIds: [], emailHashes: [hasherFor(tenant).hash(byEmail)], handles: [] },
    score: imported,
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:00.000Z',
    ...extra.imported,
  });
  await store().saveCustomer(fromImport, [byEmail]);
  return { userId, byEmail, fromTicket, fromImport };
}

describe('mergeCustomers against DynamoDB Local', () => {
  it('folds the Zendesk-user profile into the scored one without losing anything', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, byEmail, fromTicket, fromImport } = await twoProfilesOfOneCustomer(tenant);
    expect(await store().findCustomers(tenant, [userId, byEmail])).toHaveLength(2);

    // Act
    const result = await mergeCustomers(tenant, [userId, byEmail], { customers: store(), clock: new FixedClock(NOW) });

    // Assert: the scored profile survives with everything of both
    expect(result?.absorbedKeys).toEqual([fromTicket.customerKey]);
    const expected: CustomerProfile = {
      tenant,
      customerKey: fromImport.customerKey,
      identities: {
        helpdeskUserIds: ['zendesk:4242'],
        emailHashes: [fromImport.customerKey],
        handles: [{ network: 'twitter', handle: 'ada', trust: 'verified' }],
      },
      score: imported,
      optedOut: false,
      latestNps: fromTicket.latestNps,
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: NOW.toISOString(),
    };
    expect(result?.profile).toEqual(expected);
    for (const identity of [userId, byEmail, { kind: 'handle', value: 'twitter:ada', trust: 'verified' } as const]) {
      expect(await store().findCustomers(tenant, [identity])).toEqual([expected]);
    }
    // The loser's profile is gone; its key and its identities are aliases of the survivor
    const { Item: loserProfile } = await client().send(
      new GetCommand({ TableName: tableName, Key: profileKey(tenant, fromTicket.customerKey) }),
    );
    expect(loserProfile).toBeUndefined();
    const { Item: loserKeyAlias } = await client().send(
      new GetCommand({ TableName: tableName, Key: aliasKey(tenant, fromTicket.customerKey) }),
    );
    expect(loserKeyAlias).toMatchObject({ customerKey: fromImport.customerKey, kind: 'helpdesk-user' });
    // The survey answer and the decision pointer moved to the survivor's partition
    expect(await partition(tenant, fromTicket.customerKey)).toEqual([]);
    const moved = await partition(tenant, fromImport.customerKey);
    expect(moved.map((item) => item.sk).sort()).toEqual(['DECISIONREF#zendesk:ticket-created:501', 'PROFILE', 'SURVEY#r-1']);
    expect(moved.find((item) => String(item.sk).startsWith('SURVEY#'))).toMatchObject({
      customerKey: fromImport.customerKey,
      comment: 'The printer is still broken.',
    });
  });

  it('is harmless to run again: the second run finds one profile and writes nothing', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, byEmail } = await twoProfilesOfOneCustomer(tenant);
    const deps = { customers: store(), clock: new FixedClock(NOW) };
    const first = await mergeCustomers(tenant, [userId, byEmail], deps);
    const before = await tenantItems(tenant);

    // Act
    const again = await mergeCustomers(tenant, [byEmail, userId], { ...deps, clock: new FixedClock(new Date('2026-11-24T00:00:00.000Z')) });

    // Assert
    expect(again).toEqual({ profile: first?.profile, absorbedKeys: [] });
    expect(await tenantItems(tenant)).toEqual(before);
  });

  it('never loses an opt-out: the merged customer is opted out, with no score and out of the refresh index', async () => {
    // Arrange: the unscored profile is the opted-out one
    const tenant = newTenant();
    const { userId, byEmail, fromImport } = await twoProfilesOfOneCustomer(tenant, {
      user: { optedOut: true, optedOutAt: '2026-11-02T00:00:00.000Z', latestNps: undefined },
    });

    // Act
    const result = await mergeCustomers(tenant, [userId, byEmail], { customers: store(), clock: new FixedClock(NOW) });

    // Assert
    expect(result?.profile).toMatchObject({ customerKey: fromImport.customerKey, optedOut: true, optedOutAt: '2026-11-02T00:00:00.000Z' });
    expect(result?.profile.score).toBeUndefined();
    const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: profileKey(tenant, fromImport.customerKey) }));
    expect(Item).toBeDefined();
    expect(Item).not.toHaveProperty('score');
    expect(Item).not.toHaveProperty(REFRESH_INDEX.partitionKey);
    expect(Item).not.toHaveProperty(REFRESH_INDEX.sortKey);
  });

  it('reads again and keeps a write that landed between its read and its switch-over', async () => {
    // Arrange: a store that, right after the first read, lets the ticket path save a newer NPS answer on the loser
    const tenant = newTenant();
    const { userId, byEmail, fromTicket } = await twoProfilesOfOneCustomer(tenant);
    const newerNps = { score: 10, category: 'promoter', answeredAt: '2026-11-22T12:00:00.000Z', responseId: 'r-2' } as const;
    let reads = 0;
    const racing = store();
    const findCustomers = racing.findCustomers.bind(racing);
    racing.findCustomers = async (t, ids) => {
      const found = await findCustomers(t, ids);
      reads += 1;
      if (reads === 1) await store().saveCustomer({ ...fromTicket, latestNps: newerNps, updatedAt: '2026-11-22T12:00:00.000Z' }, [userId]);
      return found;
    };

    // Act
    const result = await mergeCustomers(tenant, [userId, byEmail], { customers: racing, clock: new FixedClock(NOW) });

    // Assert
    expect(reads).toBe(2);
    expect(result?.profile.latestNps).toEqual(newerNps);
    expect(await store().findCustomers(tenant, [userId])).toEqual([result?.profile]);
  });

  it('ends with one profile when two merges of the same customer run at once', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, byEmail, fromImport } = await twoProfilesOfOneCustomer(tenant);
    const deps = { customers: store(), clock: new FixedClock(NOW) };

    // Act
    const results = await Promise.all([mergeCustomers(tenant, [userId, byEmail], deps), mergeCustomers(tenant, [byEmail, userId], deps)]);

    // Assert
    expect(results.map((r) => r?.profile.customerKey)).toEqual([fromImport.customerKey, fromImport.customerKey]);
    const profiles = (await tenantItems(tenant)).filter((item) => item.sk === 'PROFILE');
    expect(profiles.map((item) => item.customerKey)).toEqual([fromImport.customerKey]);
    expect((await partition(tenant, fromImport.customerKey)).map((item) => item.sk)).toHaveLength(3);
  });

  it('moves more items and aliases than one transaction holds', async () => {
    // Arrange: 130 survey answers and 120 handles on the profile that loses
    const tenant = newTenant();
    const userId = zendeskUser('7');
    const handles = Array.from({ length: 120 }, (_, n) => ({ network: 'twitter', handle: `fan${n}`, trust: 'verified' as const }));
    const loser = profile(tenant, userId, { identities: { helpdeskUserIds: ['zendesk:7'], emailHashes: [], handles } });
    await store().saveCustomer(loser, [
      userId,
      ...handles.map((h) => ({ kind: 'handle' as const, value: `${h.network}:${h.handle}`, trust: h.trust })),
    ]);
    for (let n = 0; n < 130; n += 1) {
      await store().saveSurveyAnswer({
        tenant,
        customerKey: loser.customerKey,
        responseId: `r-${n}`,
        source: 'typeform',
        kind: 'csat',
        score: 4,
        scale: 5,
        answeredAt: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
      });
    }
    const byEmail = email('many@example.com');
    const winner = profile(tenant, byEmail, {
      identities: { helpdeskUserIds: [], emailHashes: [hasherFor(tenant).hash(byEmail)], handles: [] },
      score: imported,
    });
    await store().saveCustomer(winner, [byEmail]);

    // Act
    const result = await mergeCustomers(tenant, [userId, byEmail], { customers: store(), clock: new FixedClock(NOW) });

    // Assert
    expect(result?.absorbedKeys).toEqual([loser.customerKey]);
    expect(await partition(tenant, loser.customerKey)).toEqual([]);
    expect((await partition(tenant, winner.customerKey)).filter((item) => String(item.sk).startsWith('SURVEY#'))).toHaveLength(130);
    const lastFan = await store().findCustomers(tenant, [{ kind: 'handle', value: 'twitter:fan119', trust: 'verified' }]);
    expect(lastFan.map((p) => p.customerKey)).toEqual([winner.customerKey]);
    expect(lastFan[0]?.identities.handles).toHaveLength(120);
  });

  it('returns undefined when the identities reach nobody', async () => {
    expect(
      await mergeCustomers(newTenant(), [email('nobody@example.com')], { customers: store(), clock: new FixedClock(NOW) }),
    ).toBeUndefined();
  });
});

describe('a ticket of a helpdesk with no user API, against DynamoDB Local', () => {
  it('folds the profiles its identities reach into one, which each of them then finds', async () => {
    // Arrange: a score imported by email, a profile of the generic user id, one a survey made from an external id
    const tenant = newTenant();
    const hash = (identity: Identity) => hasherFor(tenant).hash(identity);
    const byEmail = email('grace@example.com');
    const userId: Identity = { kind: 'helpdesk-user', value: 'generic:u-7' };
    const external: Identity = { kind: 'external-id', value: 'crm-7' };
    await store().saveCustomer(
      profile(tenant, byEmail, {
        identities: { helpdeskUserIds: [], emailHashes: [hash(byEmail)], handles: [] },
        score: imported,
        createdAt: '2026-10-01T00:00:00.000Z',
      }),
      [byEmail],
    );
    await store().saveCustomer(
      profile(tenant, userId, { identities: { helpdeskUserIds: ['generic:u-7'], emailHashes: [], handles: [] } }),
      [userId],
    );
    const latestNps = {
      score: 4,
      category: 'detractor' as const,
      answeredAt: '2026-11-15T00:00:00.000Z',
      responseId: 'generic-survey:r-7',
    };
    await store().saveCustomer(
      profile(tenant, external, {
        identities: { helpdeskUserIds: [], emailHashes: [], externalIdHashes: [hash(external)], handles: [] },
        latestNps,
      }),
      [external],
    );
    const customers = store();
    const clock = new FixedClock(NOW);
    const deps = { customers, hasherFor, clock, logger: { warn: () => {} }, findOrMergeCustomer: customerMerger({ customers, clock }) };
    const generic: HelpdeskClient = {
      getTicket: async () => {
        throw new Error('not read');
      },
      updateTicket: async () => {
        throw new Error('not written');
      },
      hasInternalNote: async () => false,
    };

    // Act
    const loaded = await loadRequester(
      {
        tenant,
        requester: {
          helpdeskUserId: 'u-7',
          email: 'Grace@example.com',
          externalId: 'crm-7',
          handles: [{ network: 'mastodon', handle: 'grace@hachyderm.io', trust: 'verified' }],
        },
      },
      'generic',
      deps,
      generic,
    );

    // Assert
    expect(loaded.details).toBeUndefined();
    expect(loaded.profile).toMatchObject({
      customerKey: hash(byEmail),
      score: imported,
      latestNps,
      identities: {
        helpdeskUserIds: ['generic:u-7'],
        emailHashes: [hash(byEmail)],
        externalIdHashes: [hash(external)],
        handles: [{ network: 'mastodon', handle: 'grace@hachyderm.io', trust: 'verified' }],
      },
    });
    for (const identity of [
      byEmail,
      userId,
      external,
      { kind: 'handle', value: 'mastodon:grace@hachyderm.io', trust: 'verified' } as const,
    ]) {
      expect((await store().findCustomers(tenant, [identity])).map((p) => p.customerKey)).toEqual([hash(byEmail)]);
    }
    const { Item: externalAlias } = await client().send(new GetCommand({ TableName: tableName, Key: aliasKey(tenant, hash(external)) }));
    expect(externalAlias).toMatchObject({ customerKey: hash(byEmail), kind: 'external-id' });
  });
});
