import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../../../shared/adapters/aws/dynamodb.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { hmacIdentityHashers } from '../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../shared/adapters/store/customer-store.js';
import { CorruptItemError } from '../../../shared/adapters/store/errors.js';
import { aliasKey, profileKey, refreshBucketFor } from '../../../shared/adapters/store/keys.js';
import { REFRESH_INDEX } from '../../../shared/adapters/store/table.js';
import type { CustomerProfile, Identity } from '../../../shared/domain/customer.js';
import type { InfluenceScore } from '../../../shared/domain/score.js';
import { email, newProfile as sharedProfile, useTestTable, zendeskUser } from '../../support/dynamodb-table.js';

const SECRET = 'integration-test-identity-key-0123456789';
const hasherFor = hmacIdentityHashers(SECRET);
// Counts every command that reaches the wire, to check round trips.
const table = useTestTable('customers');
const { tableName, sent } = table;
const client = () => table.client();

beforeEach(() => {
  sent.length = 0;
});

const score: InfluenceScore = {
  value: 64,
  source: 'helpdesk-metrics',
  modelVersion: 'reach-1',
  scoredAt: '2026-11-20T10:00:00.000Z',
  refreshAfter: '2026-11-27T12:00:00.000+02:00',
  components: { reach: 48 },
  inputs: { followers: 48000, network: 'twitter' },
  explanation: 'Reach 64 (high): 48k followers.',
};

const newProfile = (tenant: string, first: Identity, extra: Partial<CustomerProfile> = {}) =>
  sharedProfile(hasherFor, tenant, first, { createdAt: '2026-11-20T10:00:00.000Z', ...extra });

describe('DynamoCustomerStore', () => {
  it('round-trips a full profile and keys it by the hash of its first identity, never the raw email', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const identity = email(`Ada.${randomUUID()}@Example.com`);
    const profile = newProfile('acme', identity, {
      score,
      override: { kind: 'boost', score: 90, reason: 'Board member', setBy: 'ops@acme.test' },
      latestNps: { score: 3, category: 'detractor', answeredAt: '2026-11-19T09:00:00.000Z', responseId: 'r-1' },
      identitiesResolvedAt: '2026-11-20T10:00:00.000Z',
    });

    // Act
    await store.saveCustomer(profile, [identity]);
    const found = await store.findCustomer('acme', [identity]);

    // Assert
    expect(found).toEqual({ ...profile, identities: { ...profile.identities, emailHashes: [profile.customerKey] } });
    const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: profileKey('acme', profile.customerKey) }));
    expect(JSON.stringify(Item).toLowerCase()).not.toContain(identity.value.toLowerCase());
  });

  it('finds a customer created from an email by a helpdesk user id once that alias is saved', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const byEmail = email(`grace.${randomUUID()}@example.com`);
    const userId = zendeskUser(randomUUID());
    const profile = newProfile('acme', byEmail);
    await store.saveCustomer(profile, [byEmail]);
    expect(await store.findCustomer('acme', [userId])).toBeUndefined();

    // Act
    await store.saveCustomer(profile, [byEmail, userId]);
    sent.length = 0;
    const found = await store.findCustomer('acme', [userId]);

    // Assert
    expect(found?.customerKey).toBe(profile.customerKey);
    expect(found?.identities.helpdeskUserIds).toEqual([userId.value]);
    expect(sent).toEqual(['BatchGetItem', 'GetItem']);
    const { Item } = await client().send(new GetCommand({ TableName: tableName, Key: aliasKey('acme', hasherFor('acme').hash(userId)) }));
    expect(Item).toMatchObject({ customerKey: profile.customerKey, kind: 'helpdesk-user' });
    expect(Item).not.toHaveProperty('value');
  });

  it('finds a customer in one BatchGetItem when any identity is the one it was created from', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const userId = zendeskUser(randomUUID());
    const byEmail = email(`alan.${randomUUID()}@example.com`);
    const profile = newProfile('acme', byEmail, { score });
    await store.saveCustomer(profile, [byEmail, userId]);
    sent.length = 0;

    // Act: the helpdesk user id comes first and only has an alias; the email hits the profile
    const found = await store.findCustomer('acme', [userId, byEmail, { kind: 'handle', value: 'twitter:nobody' }]);

    // Assert
    expect(found?.customerKey).toBe(profile.customerKey);
    expect(sent).toEqual(['BatchGetItem']);
  });

  it('never finds another tenant’s customer by the same email', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const shared = email(`shared.${randomUUID()}@example.com`);
    await store.saveCustomer(newProfile('acme', shared, { score }), [shared]);

    // Act
    const fromGlobex = await store.findCustomer('globex', [shared]);
    await store.saveCustomer(newProfile('globex', shared, { optedOut: true }), [shared]);
    const acme = await store.findCustomer('acme', [shared]);
    const globex = await store.findCustomer('globex', [shared]);

    // Assert
    expect(fromGlobex).toBeUndefined();
    expect(acme?.tenant).toBe('acme');
    expect(acme?.score?.value).toBe(64);
    expect(globex?.tenant).toBe('globex');
    expect(globex?.optedOut).toBe(true);
    expect(acme?.customerKey).not.toBe(globex?.customerKey);
  });

  it('merges identities without duplicates', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const byEmail = email(`merge.${randomUUID()}@example.com`);
    const userId = zendeskUser(randomUUID());
    const profile = newProfile('acme', byEmail, {
      identities: { helpdeskUserIds: [userId.value], emailHashes: [], handles: [{ network: 'twitter', handle: 'Ada' }] },
    });

    // Act
    await store.saveCustomer(profile, [
      byEmail,
      userId,
      { kind: 'email', value: byEmail.value.toUpperCase() },
      { kind: 'handle', value: '@twitter:ada' },
      { kind: 'handle', value: 'mastodon:ada@hachyderm.io' },
    ]);
    const found = await store.findCustomer('acme', [byEmail]);

    // Assert
    expect(found?.identities).toEqual({
      helpdeskUserIds: [userId.value],
      emailHashes: [profile.customerKey],
      handles: [
        { network: 'twitter', handle: 'Ada' },
        { network: 'mastodon', handle: 'ada@hachyderm.io' },
      ],
    });
  });

  it('puts scored profiles in the refresh index and takes them out when the score goes', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const identity = email(`refresh.${randomUUID()}@example.com`);
    const profile = newProfile('acme', identity, { score });
    const bucket = refreshBucketFor(profile.tenant, profile.customerKey);
    const due = () =>
      client().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: REFRESH_INDEX.name,
          KeyConditionExpression: '#b = :b AND #r <= :now',
          ExpressionAttributeNames: { '#b': REFRESH_INDEX.partitionKey, '#r': REFRESH_INDEX.sortKey },
          ExpressionAttributeValues: { ':b': bucket, ':now': '2026-11-27T10:00:00.000Z' },
        }),
      );

    // Act
    await store.saveCustomer(profile, [identity]);
    const whileScored = await due();
    const { score: _dropped, ...unscored } = profile;
    await store.saveCustomer(unscored, [identity]);
    const afterward = await due();

    // Assert: 12:00+02:00 is 10:00Z, so the UTC-normalised sort key is due at 10:00Z
    expect(whileScored.Items?.map((item) => item.customerKey)).toContain(profile.customerKey);
    expect(afterward.Items?.map((item) => item.customerKey) ?? []).not.toContain(profile.customerKey);
  });

  it('returns undefined for no identities without calling DynamoDB', async () => {
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);

    expect(await store.findCustomer('acme', [])).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('refuses a stored profile that fails its schema', async () => {
    // Arrange
    const store = new DynamoCustomerStore(client(), tableName, hasherFor);
    const identity = email(`corrupt.${randomUUID()}@example.com`);
    const profile = newProfile('acme', identity);
    await store.saveCustomer({ ...profile, updatedAt: 'yesterday' }, [identity]);

    // Act
    const find = store.findCustomer('acme', [identity]);

    // Assert
    await expect(find).rejects.toBeInstanceOf(CorruptItemError);
  });
});

describe('DynamoCustomerStore.upsertScores under concurrent writes', () => {
  /** A document client that runs `meanwhile` once, just before the first transaction it sends. */
  function interleaving(meanwhile: () => Promise<void>): DocumentClient {
    const real = client();
    let done = false;
    return new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: Parameters<DocumentClient['send']>[0]) => {
          if (!done && command instanceof TransactWriteCommand) {
            done = true;
            await meanwhile();
          }
          return real.send(command);
        };
      },
    });
  }

  it('never scores a customer whose opt-out lands between the import reading and writing them', async () => {
    // Arrange
    const tenant = `t${randomUUID().slice(0, 8)}`;
    const identity = email(`racer.${randomUUID()}@example.com`);
    const profile = newProfile(tenant, identity);
    await new DynamoCustomerStore(client(), tableName, hasherFor).saveCustomer(profile, [identity]);
    const optOut = () =>
      client()
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: profileKey(tenant, profile.customerKey),
            UpdateExpression: 'SET optedOut = :t, updatedAt = :u',
            ExpressionAttributeValues: { ':t': true, ':u': '2026-11-23T11:00:00.000Z' },
          }),
        )
        .then(() => undefined);
    const store = new DynamoCustomerStore(interleaving(optOut), tableName, hasherFor);

    // Act
    const result = await store.upsertScores(tenant, [{ identity, score }], '2026-11-23T12:00:00.000Z');

    // Assert
    expect(result.optedOut).toEqual([0]);
    const { Item } = await client().send(
      new GetCommand({ TableName: tableName, Key: profileKey(tenant, profile.customerKey), ConsistentRead: true }),
    );
    expect(Item?.optedOut).toBe(true);
    expect(Item).not.toHaveProperty('score');
  });

  it('does not bring back a customer erased between the import reading and writing them', async () => {
    // Arrange
    const tenant = `t${randomUUID().slice(0, 8)}`;
    const identity = email(`erased.${randomUUID()}@example.com`);
    const profile = newProfile(tenant, identity, { override: { kind: 'never', reason: 'asked' } });
    await new DynamoCustomerStore(client(), tableName, hasherFor).saveCustomer(profile, [identity]);
    const erase = () =>
      client()
        .send(new DeleteCommand({ TableName: tableName, Key: profileKey(tenant, profile.customerKey) }))
        .then(() => undefined);
    const store = new DynamoCustomerStore(interleaving(erase), tableName, hasherFor);

    // Act
    await store.upsertScores(tenant, [{ identity, score }], '2026-11-23T12:00:00.000Z');

    // Assert: the row makes a fresh profile; nothing of the erased one (its override) comes back
    const { Item } = await client().send(
      new GetCommand({ TableName: tableName, Key: profileKey(tenant, profile.customerKey), ConsistentRead: true }),
    );
    expect(Item).not.toHaveProperty('override');
    expect(Item?.createdAt).toBe('2026-11-23T12:00:00.000Z');
  });
});
