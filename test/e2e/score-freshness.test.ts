import { randomUUID } from 'node:crypto';
import { GetCommand } from '../../shared/adapters/aws/dynamodb.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type SandboxTicket, type SandboxUser, signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { runRefreshScores } from '../../infra/commands/refresh-scores.js';
import { DEMO, DEMO_USER_FIELDS, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { profileKey } from '../../shared/adapters/store/keys.js';
import type { Identity } from '../../shared/domain/customer.js';
import { computeReachScore, toInfluenceScore } from '../../shared/domain/score-model.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const DAY = 86_400_000;
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-freshness-${randomUUID().slice(0, 8)}`,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
  });
});

afterAll(async () => {
  await stack?.close();
});

/** Zendesk user fields as an admin's social-metrics fields hold them: numbers, a text count, a dropdown value. */
function metricsFields(followers: number): SandboxUser['user_fields'] {
  return {
    [DEMO_USER_FIELDS.followers]: followers,
    [DEMO_USER_FIELDS.following]: 1_100,
    [DEMO_USER_FIELDS.engagementPerPost]: 350,
    [DEMO_USER_FIELDS.accountAgeDays]: 2_920,
    [DEMO_USER_FIELDS.postCount]: '5,200',
    [DEMO_USER_FIELDS.verification]: 'paid',
  };
}

function newUser(userFields: SandboxUser['user_fields']): SandboxUser {
  const name = `customer-${randomUUID().slice(0, 8)}`;
  return stack.sandbox
    .part(zendeskPart)
    .createUser({ name, email: `${name}@example.com`, external_id: null, user_fields: userFields, identities: [] });
}

async function ticketFor(user: SandboxUser): Promise<SandboxTicket> {
  const ticket = stack.sandbox
    .part(zendeskPart)
    .createTicket({ subject: 'Help', description: 'It broke.', requesterId: user.id, priority: 'normal', tags: ['printer'] });
  const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
  const response = await fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  return ticket;
}

async function decisionFor(ticket: SandboxTicket) {
  const [decision] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
  return decision;
}

const userIdentity = (user: SandboxUser): Identity => ({ kind: 'helpdesk-user', value: `zendesk:${user.id}` });
const keyOf = (user: SandboxUser) => hmacIdentityHashers(DEMO.identityKey)(DEMO.tenant).hash(userIdentity(user));

async function storedProfile(user: SandboxUser) {
  const documentClient = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: stack.tableName, Key: profileKey(DEMO.tenant, keyOf(user)), ConsistentRead: true }),
  );
  return Item;
}

/** Stores the customer as already resolved through the helpdesk, with no score yet. */
async function knownWithoutScore(user: SandboxUser): Promise<void> {
  const store = new DynamoCustomerStore(
    createDocumentClient({ endpoint: stack.dynamoEndpoint }),
    stack.tableName,
    hmacIdentityHashers(DEMO.identityKey),
  );
  const now = new Date().toISOString();
  await store.saveCustomer(
    {
      tenant: DEMO.tenant,
      customerKey: keyOf(user),
      identities: { helpdeskUserIds: [`zendesk:${user.id}`], emailHashes: [], handles: [] },
      identitiesResolvedAt: now,
      optedOut: false,
      createdAt: now,
      updatedAt: now,
    },
    [userIdentity(user)],
  );
}

describe('score freshness through the local stack', () => {
  it('scores a customer with no score inline from their Zendesk user fields, and the note explains the Reach score', async () => {
    const user = newUser(metricsFields(48_000));

    const ticket = await ticketFor(user);

    const after = stack.sandbox.part(zendeskPart).ticket(ticket.id);
    expect(after?.priority).toBe('high');
    expect(after?.tags).toEqual(['printer', 'influence_high']);
    const notes = after?.comments.filter((c) => !c.public) ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain(
      'Tier: high (score 64). Reach 64 (high): 48k followers, median 350 interactions per post, follower:following 44:1, paid check barely counts.',
    );
    expect((await decisionFor(ticket))?.decision.score).toMatchObject({ value: 64, freshness: 'fresh', modelVersion: 'reach-2' });
    const stored = await storedProfile(user);
    expect(stored).toMatchObject({ score: { value: 64, source: 'helpdesk-metrics', inputs: { followers: 48_000, postCount: 5_200 } } });
    // Only the requester lookup the ticket path makes anyway: the fields came with it.
    const lookups = stack.sandbox
      .part(zendeskPart)
      .requests()
      .filter((r) => r.method === 'GET' && r.path.startsWith(`/api/v2/users/show_many?ids=${user.id}`));
    expect(lookups).toHaveLength(1);
  });

  it('uses a stale score while a refresh is queued, and the scheduled refresh replaces it', async () => {
    const user = newUser(metricsFields(1_200_000));
    const scoredAt = new Date(Date.now() - 10 * DAY);
    const stale = toInfluenceScore(
      computeReachScore({
        followers: 48_000,
        following: 1_100,
        engagementPerPost: 350,
        accountAgeDays: 2_920,
        postCount: 5_200,
        verification: 'paid',
      }),
      { source: 'import', scoredAt, refreshAfterDays: 7 },
    );
    const store = new DynamoCustomerStore(
      createDocumentClient({ endpoint: stack.dynamoEndpoint }),
      stack.tableName,
      hmacIdentityHashers(DEMO.identityKey),
    );
    await store.saveCustomer(
      {
        tenant: DEMO.tenant,
        customerKey: keyOf(user),
        identities: { helpdeskUserIds: [`zendesk:${user.id}`], emailHashes: [], handles: [] },
        identitiesResolvedAt: scoredAt.toISOString(),
        optedOut: false,
        score: stale,
        createdAt: scoredAt.toISOString(),
        updatedAt: scoredAt.toISOString(),
      },
      [userIdentity(user)],
    );

    const first = await ticketFor(user);
    const refresh = await stack.refreshScores();
    const second = await ticketFor(user);

    const firstDecision = await decisionFor(first);
    expect(firstDecision?.decision.score).toMatchObject({ value: 64, freshness: 'stale' });
    expect(firstDecision?.note).toContain('The score is due for refresh; a refresh is queued.');
    expect(refresh.tenants[0]).toMatchObject({ tenant: DEMO.tenant, provider: 'helpdesk-metrics', refreshed: 1, failed: 0 });
    expect((await storedProfile(user))?.score).toMatchObject({ source: 'helpdesk-metrics', inputs: { followers: 1_200_000 } });
    const secondDecision = await decisionFor(second);
    expect(secondDecision?.decision.score?.freshness).toBe('fresh');
    expect(secondDecision?.decision.score?.value).toBeGreaterThan(64);
    expect(secondDecision?.note).not.toContain('due for refresh');
  });

  it('decides without a score when the helpdesk cannot give the metrics, says so, and the scheduled refresh scores the customer later', async () => {
    const user = newUser(metricsFields(48_000));
    await knownWithoutScore(user);
    // The customer is already known, so the only lookup is the provider's, and it fails.
    stack.sandbox.part(zendeskPart).failNext({ status: 503, count: 1, method: 'GET', pathPrefix: '/api/v2/users/show_many' });

    const ticket = await ticketFor(user);

    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('normal');
    const decision = await decisionFor(ticket);
    expect(decision?.status).toBe('skipped');
    expect(decision?.decision.tier).toBe('none');
    expect(decision?.note).toContain(
      'Score provider helpdesk-metrics unavailable (temporarily unavailable): decided without a score; a refresh is queued.',
    );
    // The report counts it from the day index: the failure's kind is in the decision's summary.
    const day = await stack.decisions.listDay(DEMO.tenant, (decision?.decidedAt ?? '').slice(0, 10), { limit: 1000 });
    expect(day.listings.find((listing) => listing.ticketId === String(ticket.id))?.summary.providerFailure).toBe('unavailable');
    expect(stack.queue.deadLettered()).toHaveLength(0);
    expect(await storedProfile(user)).not.toHaveProperty('score');

    const refresh = await stack.refreshScores();

    expect(refresh.tenants[0]).toMatchObject({ refreshed: 1, failed: 0 });
    expect((await storedProfile(user))?.score).toMatchObject({ value: 64, source: 'helpdesk-metrics' });
  });

  it('says why a customer without metrics has no score, and checks again only after the refresh interval', async () => {
    const user = newUser({});

    const ticket = await ticketFor(user);
    const refresh = await stack.refreshScores();

    expect((await decisionFor(ticket))?.note).toContain(
      `Score provider helpdesk-metrics has no score for this customer (user field "${DEMO_USER_FIELDS.followers}" is empty).`,
    );
    const stored = await storedProfile(user);
    expect(Date.parse(String(stored?.refreshAfter)) - Date.now()).toBeGreaterThan(6.9 * DAY);
    expect(refresh.examined).toBe(0);
  });

  it('runs by hand with npm run scores:refresh against the same table', async () => {
    const user = newUser(metricsFields(48_000));
    await knownWithoutScore(user);
    stack.sandbox.part(zendeskPart).failNext({ status: 503, count: 1, method: 'GET', pathPrefix: '/api/v2/users/show_many' });
    await ticketFor(user);
    const out: string[] = [];
    const err: string[] = [];

    const code = await runRefreshScores(
      ['--endpoint', stack.dynamoEndpoint, '--table', stack.tableName, '--sandbox', stack.sandbox.baseUrl],
      {},
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );

    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toMatch(/examined 1, refreshed 1, no score 0, failed 0, skipped 0\.$/);
    expect(out[1]).toBe('  demo (helpdesk-metrics): examined 1, refreshed 1, no score 0, failed 0, skipped 0');
    expect((await storedProfile(user))?.score).toMatchObject({ value: 64 });
  });
});
