import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '../../../shared/adapters/aws/dynamodb.js';
import { describe, expect, it } from 'vitest';
import { hmacIdentityHashers } from '../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../shared/adapters/store/customer-store.js';
import { aliasKey } from '../../../shared/adapters/store/keys.js';
import { type Identity, handleIdentity } from '../../../shared/domain/customer.js';
import { email, newProfile as sharedProfile, useTestTable } from '../../support/dynamodb-table.js';

const hasherFor = hmacIdentityHashers('integration-test-identity-key-0123456789');
const table = useTestTable('handle-trust');
const { tableName } = table;
const client = () => table.client();
const store = () => new DynamoCustomerStore(client(), tableName, hasherFor);
const newProfile = (tenant: string, first: Identity) => sharedProfile(hasherFor, tenant, first, { createdAt: '2026-12-01T10:00:00.000Z' });

describe('DynamoCustomerStore: only verified and channel handles find customers', () => {
  it('writes an alias for a verified handle and none for a declared one, which is listed but finds nobody', async () => {
    // Arrange
    const tenant = `t-${randomUUID()}`;
    const byEmail = email('ada@example.com');
    const verified = handleIdentity('bluesky', 'ada.example.com', 'verified');
    const declared = handleIdentity('github', 'torvalds', 'declared');

    // Act
    await store().saveCustomer(newProfile(tenant, byEmail), [byEmail, verified, declared]);

    // Assert
    const profile = await store().findCustomer(tenant, [byEmail]);
    expect(profile?.identities.handles).toEqual([
      { network: 'bluesky', handle: 'ada.example.com', trust: 'verified' },
      { network: 'github', handle: 'torvalds', trust: 'declared' },
    ]);
    expect((await store().findCustomer(tenant, [verified]))?.customerKey).toBe(profile?.customerKey);
    const typedAlias = await client().send(
      new GetCommand({ TableName: tableName, Key: aliasKey(tenant, hasherFor(tenant).hash(declared)) }),
    );
    expect(typedAlias.Item).toBeUndefined();
    // Whoever types the handle (declared) or names it as verified reaches nobody through it.
    expect(await store().findCustomer(tenant, [declared])).toBeUndefined();
    expect(await store().findCustomer(tenant, [handleIdentity('github', 'torvalds', 'verified')])).toBeUndefined();
    expect(await store().findCustomers(tenant, [handleIdentity('github', 'torvalds', 'verified')])).toEqual([]);
  });

  it('does not let a declared handle overwrite the alias of the customer who verified it', async () => {
    // Arrange: the real owner verified the handle; Mallory typed it in later.
    const tenant = `t-${randomUUID()}`;
    const owner = email('owner@example.com');
    const mallory = email('mallory@example.com');
    await store().saveCustomer(newProfile(tenant, owner), [owner, handleIdentity('bluesky', 'famous.example', 'verified')]);

    // Act
    await store().saveCustomer(newProfile(tenant, mallory), [mallory, handleIdentity('bluesky', 'famous.example', 'declared')]);
    const malloryProfile = await store().findCustomer(tenant, [mallory]);
    if (!malloryProfile) throw new Error('Mallory was not stored');
    await store().replaceCustomer({ ...malloryProfile, updatedAt: '2026-12-02T00:00:00.000Z' }, malloryProfile.updatedAt);

    // Assert: the handle still finds its owner, and merging by it reaches only the owner.
    const found = await store().findCustomers(tenant, [handleIdentity('bluesky', 'famous.example', 'verified'), mallory]);
    expect(found.map((p) => p.customerKey).sort()).toEqual([hasherFor(tenant).hash(owner), hasherFor(tenant).hash(mallory)].sort());
    expect((await store().findCustomer(tenant, [handleIdentity('bluesky', 'famous.example', 'channel')]))?.customerKey).toBe(
      hasherFor(tenant).hash(owner),
    );
  });

  it('ignores keys and aliases written before handles carried trust', async () => {
    // Arrange: a profile keyed by a handle nobody verified, and an alias from a handle without trust.
    const tenant = `t-${randomUUID()}`;
    const legacyHandle = handleIdentity('twitter', 'famous');
    const keyedByHandle = newProfile(tenant, legacyHandle);
    await store().replaceCustomer(keyedByHandle, undefined);
    const grace = email('grace@example.com');
    const graceProfile = newProfile(tenant, grace);
    await store().saveCustomer(
      { ...graceProfile, identities: { ...graceProfile.identities, handles: [{ network: 'twitter', handle: 'grace_h' }] } },
      [grace],
    );
    const aliasOfOld = handleIdentity('twitter', 'grace_h');
    await client().send(
      new PutCommand({
        TableName: tableName,
        Item: { ...aliasKey(tenant, hasherFor(tenant).hash(aliasOfOld)), tenant, customerKey: graceProfile.customerKey, kind: 'handle' },
      }),
    );

    // Act
    const byKey = await store().findCustomer(tenant, [handleIdentity('twitter', 'famous', 'channel')]);
    const byAlias = await store().findCustomer(tenant, [handleIdentity('twitter', 'grace_h', 'channel')]);
    const reached = await store().findCustomers(tenant, [
      handleIdentity('twitter', 'famous', 'channel'),
      handleIdentity('twitter', 'grace_h', 'channel'),
    ]);

    // Assert
    expect(byKey).toBeUndefined();
    expect(byAlias).toBeUndefined();
    expect(reached).toEqual([]);
  });
});
