import { randomUUID } from 'node:crypto';
import type { DocumentClient } from '../../../../shared/adapters/aws/dynamodb.js';
import { GetCommand, QueryCommand } from '../../../../shared/adapters/aws/dynamodb.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import { runCustomerCommand } from '../../../../infra/commands/customers.js';
import { hmacIdentityHashers } from '../../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../../shared/adapters/store/customer-store.js';
import { DynamoDecisionLog } from '../../../../shared/adapters/store/decision-log.js';
import { createDocumentClient } from '../../../../shared/adapters/store/dynamo-client.js';
import { aliasKey, decisionKey, profileKey, refreshBucketFor } from '../../../../shared/adapters/store/keys.js';
import { DynamoPrivacyStore } from '../../../../shared/adapters/store/privacy-store.js';
import { REFRESH_INDEX, TTL_ATTRIBUTE, createTable } from '../../../../shared/adapters/store/table.js';
import { type CustomerProfile, CustomerProfileSchema, type Identity } from '../../../../shared/domain/customer.js';
import type { DecisionRecord } from '../../../../shared/domain/decision-record.js';
import type { InfluenceScore } from '../../../../shared/domain/score.js';
import { eraseCustomer } from '../../../../shared/use-cases/privacy/erase-customer.js';
import { CUSTOMER_EXPORT_FORMAT, exportCustomer } from '../../../../shared/use-cases/privacy/export-customer.js';
import { optOut } from '../../../../shared/use-cases/privacy/opt-out.js';
import { FixedClock } from '../../../support/fakes.js';
import { storeTenant } from '../../../support/dynamodb-table.js';

const SECRET = 'integration-test-identity-key-0123456789';
const hasherFor = hmacIdentityHashers(SECRET);
const tableName = `privacy-uc-${randomUUID()}`;
const NOW = new Date('2026-11-23T10:00:00.000Z');
let dynamo: DocumentClient;
let endpoint: string;

beforeAll(async () => {
  endpoint = inject('dynamoDbEndpoint');
  dynamo = createDocumentClient({ endpoint });
  await createTable(dynamo, tableName);
});

const client = () => dynamo;
const customers = () => new DynamoCustomerStore(client(), tableName, hasherFor);
const deps = () => ({
  customers: customers(),
  privacy: new DynamoPrivacyStore(client(), tableName, hasherFor),
  hasherFor,
  clock: new FixedClock(NOW),
});
const newTenant = () => `t${randomUUID().slice(0, 8)}`;
const getItem = async (key: { pk: string; sk: string }) =>
  (await client().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

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

const score: InfluenceScore = {
  value: 81,
  source: 'helpdesk-metrics',
  modelVersion: 'reach-2',
  scoredAt: '2026-11-20T10:00:00.000Z',
  refreshAfter: '2026-11-22T10:00:00.000Z',
  components: { reach: 70, engagement: 11 },
  inputs: { followers: 120000, engagementPerPost: 900 },
  explanation: 'Reach 81 (top): 120k followers.',
};

function decision(tenant: string, ticketId: string, customerKey: string): DecisionRecord {
  return {
    tenant,
    decisionId: `zendesk:ticket-created:${ticketId}`,
    deliveryId: `delivery-${ticketId}`,
    source: 'zendesk',
    ticketId,
    customerKey,
    receivedAt: '2026-11-21T10:00:00.000Z',
    decidedAt: '2026-11-21T10:00:01.000Z',
    status: 'applied',
    decision: {
      policyVersion: 'v1',
      mode: 'active',
      tier: 'top',
      score: { value: 81, source: 'provider', freshness: 'fresh', explanation: score.explanation, modelVersion: 'reach-2' },
      helpdeskPriority: 'normal',
      priority: 'high',
      uplift: 1,
      requestedUplift: 1,
      tags: ['influence_top'],
      matchedRules: [{ id: 'top', reason: 'Top-tier reach.' }],
      guardrails: [],
      refreshDue: false,
    },
    note: `Influence Router: priority raised from normal to high (+1). Tier: top (score 81). ${score.explanation}`,
    written: { priority: 'high', tags: ['influence_top'], at: '2026-11-21T10:00:02.000Z' },
  };
}

/** Ada: an imported score, Zendesk user id and handle aliases, a survey answer and a decision. */
async function ada(tenant: string) {
  await storeTenant(client(), tableName, tenant);
  const byEmail: Identity = { kind: 'email', value: 'ada@example.com' };
  const userId: Identity = { kind: 'helpdesk-user', value: 'zendesk:4242' };
  const handle: Identity = { kind: 'handle', value: 'twitter:ada', trust: 'verified' };
  const customerKey = hasherFor(tenant).hash(byEmail);
  const profile: CustomerProfile = {
    tenant,
    customerKey,
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    score,
    optedOut: false,
    override: { kind: 'boost', score: 95, reason: 'Board member', setBy: 'ops@acme.test' },
    latestNps: { score: 3, category: 'detractor', answeredAt: '2026-11-19T09:00:00.000Z', responseId: 'r-1' },
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
  };
  await customers().saveCustomer(profile, [byEmail, userId, handle]);
  await customers().saveSurveyAnswer({
    tenant,
    customerKey,
    responseId: 'r-1',
    source: 'delighted',
    kind: 'nps',
    score: 3,
    scale: 10,
    answeredAt: '2026-11-19T09:00:00.000Z',
    comment: 'Printer still broken',
  });
  await new DynamoDecisionLog(client(), tableName).record(decision(tenant, '501', customerKey));
  return { tenant, byEmail, userId, handle, customerKey };
}

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const run = async (...argv: string[]) => {
    // The command checks the tenant exists, as `npm start` or `npm run tenants` would have stored it.
    const tenant = argv[argv.indexOf('--tenant') + 1];
    if (argv.includes('--tenant') && tenant && /^[a-z0-9-]+$/.test(tenant)) await storeTenant(client(), tableName, tenant);
    return runCustomerCommand(
      argv,
      { DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: tableName, IDENTITY_HASH_KEY: SECRET },
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      new FixedClock(NOW),
    );
  };
  return { run, out, err };
}

describe('opt-out against DynamoDB Local', () => {
  it('deletes the score inputs, the boost and the refresh-index entry, and keeps the opt-out for good', async () => {
    // Arrange
    const tenant = newTenant();
    const { userId, handle, customerKey } = await ada(tenant);

    // Act
    await optOut({ tenant, identity: userId }, deps());

    // Assert
    const item = await getItem(profileKey(tenant, customerKey));
    expect(item).toMatchObject({ optedOut: true, optedOutAt: NOW.toISOString() });
    for (const gone of ['score', 'override', 'latestNps', REFRESH_INDEX.partitionKey, REFRESH_INDEX.sortKey, TTL_ATTRIBUTE])
      expect(item).not.toHaveProperty(gone);
    expect(JSON.stringify(item)).not.toContain('120000');
    const due = await client().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: REFRESH_INDEX.name,
        KeyConditionExpression: '#b = :b',
        ExpressionAttributeNames: { '#b': REFRESH_INDEX.partitionKey },
        ExpressionAttributeValues: { ':b': refreshBucketFor(tenant, customerKey) },
      }),
    );
    expect((due.Items ?? []).map((i) => i.customerKey)).not.toContain(customerKey);
    // Every identity still finds the opted-out profile, and its aliases do not expire
    for (const identity of [userId, handle]) {
      expect((await customers().findCustomer(tenant, [identity]))?.optedOut).toBe(true);
      expect(await getItem(aliasKey(tenant, hasherFor(tenant).hash(identity)))).not.toHaveProperty(TTL_ATTRIBUTE);
    }
    // The decision about them no longer quotes their score
    const decided = await getItem(decisionKey(tenant, 'zendesk:ticket-created:501'));
    expect(decided?.decision).not.toHaveProperty('score');
    expect(decided?.note).toBe('redacted: the customer opted out of influence scoring');
    expect(JSON.stringify(decided)).not.toContain(score.explanation);
    expect(decided?.customerKey).toBe(customerKey);
  });
});

describe('export and erase against DynamoDB Local', () => {
  it('exports everything held, then erases it, verified by reading the table', async () => {
    // Arrange
    const tenant = newTenant();
    const { byEmail, userId, handle, customerKey } = await ada(tenant);
    const neighbour = await ada(newTenant());

    // Act
    const document = await exportCustomer({ tenant, identity: handle }, deps());
    const erased = await eraseCustomer({ tenant, identity: handle }, deps());
    const again = await eraseCustomer({ tenant, identity: handle }, deps());

    // Assert: the export
    const [held] = document?.customers ?? [];
    expect(held?.profile).toMatchObject({
      customerKey,
      score,
      identities: { emailHashes: [customerKey], helpdeskUserIds: ['zendesk:4242'] },
    });
    expect(held?.aliases.map((a) => a.kind).sort()).toEqual(['handle', 'helpdesk-user']);
    expect(held?.surveyAnswers).toEqual([expect.objectContaining({ responseId: 'r-1', comment: 'Printer still broken' })]);
    expect(held?.decisions.map((d) => d.ticketId)).toEqual(['501']);
    expect(JSON.stringify(document)).not.toContain('ada@example.com');
    // ...the erasure
    expect(erased).toMatchObject({
      status: 'erased',
      reports: [
        { customerKey, profileDeleted: true, aliasesDeleted: 2, surveyAnswersDeleted: 1, decisionPointersDeleted: 1, decisionsRedacted: 1 },
      ],
    });
    expect(again).toEqual({ status: 'not-found' });
    expect(await partition(tenant, customerKey)).toEqual([]);
    for (const identity of [byEmail, userId, handle]) {
      expect(await getItem(aliasKey(tenant, hasherFor(tenant).hash(identity)))).toBeUndefined();
      expect(await customers().findCustomers(tenant, [identity])).toEqual([]);
    }
    const record = await getItem(decisionKey(tenant, 'zendesk:ticket-created:501'));
    expect(record).toMatchObject({
      ticketId: '501',
      status: 'applied',
      note: 'erased',
      written: { priority: 'high', tags: ['influence_top'] },
      decision: { policyVersion: 'v1', tier: 'top' },
    });
    expect(record).not.toHaveProperty('customerKey');
    expect(JSON.stringify(record)).not.toContain('120k');
    // ...and nobody else's data
    expect(await partition(neighbour.tenant, neighbour.customerKey)).toHaveLength(3);
  });
});

describe('npm run customer', () => {
  it('opts out, overrides, exports and erases, printing JSON', async () => {
    // Arrange
    const tenant = newTenant();
    const { customerKey } = await ada(tenant);
    const { run, out, err } = cli();

    // Act
    const never = await run(
      'override',
      '--tenant',
      tenant,
      '--email',
      'Ada@Example.com',
      '--kind',
      'never',
      '--reason',
      'Asked not to be prioritised',
      '--expires',
      '2027-01-01',
      '--by',
      'admin@acme.test',
    );
    const optedOut = await run('opt-out', '--tenant', tenant, '--zendesk-user-id', '4242');
    const exported = await run('export', '--tenant', tenant, '--handle', 'twitter:@Ada');
    const erased = await run('erase', '--tenant', tenant, '--email', 'ada@example.com');
    const missing = await run('export', '--tenant', tenant, '--email', 'ada@example.com');

    // Assert
    expect([never, optedOut, exported, erased, missing]).toEqual([0, 0, 0, 0, 1]);
    const [overrideResult, optOutResult, exportDocument, eraseResult] = out.map((line): unknown => JSON.parse(line));
    expect(overrideResult).toMatchObject({
      status: 'set',
      profiles: [{ override: { kind: 'never', setBy: 'admin@acme.test', expiresAt: '2027-01-01T00:00:00Z' } }],
    });
    expect(optOutResult).toMatchObject({
      status: 'opted-out',
      written: 1,
      profiles: [{ customerKey, optedOut: true, override: { kind: 'never' } }],
    });
    const document = z
      .object({ format: z.string(), customers: z.array(z.object({ profile: CustomerProfileSchema })) })
      .parse(exportDocument);
    expect(document.format).toBe(CUSTOMER_EXPORT_FORMAT);
    expect(document.customers[0]?.profile.customerKey).toBe(customerKey);
    expect(document.customers[0]?.profile.score).toBeUndefined();
    expect(eraseResult).toMatchObject({ status: 'erased', reports: [{ customerKey, profileDeleted: true }] });
    expect(err.at(-1)).toBe(`No such customer: nobody in tenant ${tenant} is known by that identity.`);
    expect(out.join('\n')).not.toContain('ada@example.com');
  });

  it('names a customer by --external-id: export lists it only as a keyed hash, erase removes its alias', async () => {
    // Arrange
    const tenant = newTenant();
    const hash = (identity: Identity) => hasherFor(tenant).hash(identity);
    const byEmail: Identity = { kind: 'email', value: 'dora@example.com' };
    const external: Identity = { kind: 'external-id', value: 'CRM-0042' };
    const empty = { helpdeskUserIds: [], emailHashes: [], handles: [] };
    await customers().saveCustomer(
      {
        tenant,
        customerKey: hash(byEmail),
        identities: empty,
        score,
        optedOut: false,
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-20T10:00:00.000Z',
      },
      [byEmail, external],
    );
    const { run, out, err } = cli();

    // Act
    const exported = await run('export', '--tenant', tenant, '--external-id', ' CRM-0042 ');
    const otherCase = await run('export', '--tenant', tenant, '--external-id', 'crm-0042');
    const erased = await run('erase', '--tenant', tenant, '--external-id', 'CRM-0042');

    // Assert
    expect([exported, otherCase, erased]).toEqual([0, 1, 0]);
    const document = z
      .object({
        notes: z.array(z.string()),
        customers: z.array(z.object({ profile: CustomerProfileSchema, aliases: z.array(z.unknown()) })),
      })
      .parse(JSON.parse(out[0] ?? ''));
    expect(document.customers[0]?.profile.identities.externalIdHashes).toEqual([hash(external)]);
    expect(document.customers[0]?.aliases).toEqual([{ identityHash: hash(external), kind: 'external-id' }]);
    expect(document.notes.join(' ')).toContain('profile.identities.externalIdHashes');
    expect(out.join('\n')).not.toMatch(/crm-0042|dora@example.com/i);
    expect(err.at(-1)).toContain('No such customer');
    expect(await getItem(aliasKey(tenant, hash(external)))).toBeUndefined();
    expect(await customers().findCustomers(tenant, [external])).toEqual([]);
  });

  it('sets and clears a boost, refuses to boost an opted-out customer, and merges two profiles', async () => {
    // Arrange
    const tenant = newTenant();
    const { run, out, err } = cli();
    await run('opt-in', '--tenant', tenant, '--email', 'grace@example.com');
    const notFound = err.at(-1);

    // Act
    const boost = await run(
      'override',
      '--tenant',
      tenant,
      '--zendesk-user-id',
      '77',
      '--kind',
      'boost',
      '--score',
      '90',
      '--reason',
      'Keynote speaker',
      '--by',
      'ops',
    );
    const cleared = await run('clear-override', '--tenant', tenant, '--zendesk-user-id', '77');
    await run('opt-out', '--tenant', tenant, '--email', 'grace@example.com');
    const refused = await run(
      'override',
      '--tenant',
      tenant,
      '--email',
      'grace@example.com',
      '--kind',
      'boost',
      '--score',
      '90',
      '--reason',
      'VIP',
      '--by',
      'ops',
    );
    const refusal = err.at(-1);
    const merged = await run('merge', '--tenant', tenant, '--zendesk-user-id', '77', '--email', 'grace@example.com');

    // Assert
    expect(notFound).toContain('No such customer');
    expect([boost, cleared, refused, merged]).toEqual([0, 0, 1, 0]);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({
      status: 'set',
      created: true,
      profiles: [{ override: { kind: 'boost', score: 90, setBy: 'ops' } }],
    });
    expect(JSON.parse(out[1] ?? '')).toMatchObject({ status: 'cleared', written: 1 });
    expect(refusal).toContain('opted out');
    const mergeResult: unknown = JSON.parse(out.at(-1) ?? '');
    expect(mergeResult).toMatchObject({ status: 'merged', profile: { optedOut: true, identities: { helpdeskUserIds: ['zendesk:77'] } } });
    expect(
      await customers().findCustomers(tenant, [
        { kind: 'helpdesk-user', value: 'zendesk:77' },
        { kind: 'email', value: 'grace@example.com' },
      ]),
    ).toHaveLength(1);
  });

  it.each([
    [[], 'a command is required'],
    [['forget', '--tenant', 'demo', '--email', 'a@b.co'], 'unknown command "forget"'],
    [['opt-out', '--tenant', 'demo'], 'an identity is required'],
    [['opt-out', '--tenant', 'demo', '--email', 'a@b.co', '--zendesk-user-id', '1'], 'opt-out takes exactly one identity'],
    [['merge', '--tenant', 'demo', '--email', 'a@b.co'], 'merge needs two or more identities'],
    [['export', '--tenant', 'Demo Tenant', '--email', 'a@b.co'], '--tenant'],
    [['export', '--tenant', 'demo', '--email', 'not-an-email'], '--email is not a valid email address'],
    [['export', '--tenant', 'demo', '--zendesk-user-id', 'abc'], '--zendesk-user-id must be a numeric Zendesk user id'],
    [['export', '--tenant', 'demo', '--handle', 'ada'], '--handle must look like network:handle'],
    [['export', '--tenant', 'demo', '--external-id', ' '], '--external-id must not be empty'],
    [
      ['override', '--tenant', 'demo', '--email', 'a@b.co', '--kind', 'boost', '--reason', 'VIP', '--by', 'ops'],
      '--score is required for a boost: a whole number from 1 to 100',
    ],
    [
      ['override', '--tenant', 'demo', '--email', 'a@b.co', '--kind', 'vip', '--reason', 'VIP', '--by', 'ops'],
      '--kind must be boost or never',
    ],
    [['override', '--tenant', 'demo', '--email', 'a@b.co', '--kind', 'never', '--reason', 'Press'], '--by is required'],
    [['opt-out', '--tenant', 'demo', '--email', 'a@b.co', '--reason', 'asked'], '--reason is for the override command only'],
    [['opt-out', '--tenant', 'demo', '--email', 'a@b.co', '--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 on bad arguments: %j', async (argv, message) => {
    // Arrange
    const { run, out, err } = cli();

    // Act
    const code = await run(...argv);

    // Assert
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(message);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/ \(see npm run customer -- --help\)$/);
    expect(out).toEqual([]);
  });

  it('exits 2 with the field when the override itself is invalid, and writes nothing', async () => {
    // Arrange
    const tenant = newTenant();
    const { run, err } = cli();

    // Act
    const code = await run(
      'override',
      '--tenant',
      tenant,
      '--email',
      'a@b.co',
      '--kind',
      'never',
      '--reason',
      'Press',
      '--expires',
      '2020-01-01',
      '--by',
      'ops',
    );

    // Assert
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('expiresAt is not in the future');
    expect(await customers().findCustomers(tenant, [{ kind: 'email', value: 'a@b.co' }])).toEqual([]);
  });
});
