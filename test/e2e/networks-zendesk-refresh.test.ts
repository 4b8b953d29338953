import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runRefreshScores } from '../../infra/commands/refresh-scores.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { DEMO_HANDLE_FIELDS, DEMO_NETWORK_PEOPLE } from '../../infra/sandbox/demo-people.js';
import { GITHUB_DEMO_TOKEN } from '../../infra/sandbox/github/index.js';
import { sandboxNetworkUrls } from '../../infra/sandbox/index.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { DynamoScoreRefreshStore } from '../../shared/adapters/store/score-refresh-store.js';
import type { CustomerProfile, Identity } from '../../shared/domain/customer.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const TENANT = 'net-zendesk';
const SIGNING = 'net-zendesk-signing-secret-local-only';
const IDENTITY_KEY = 'networks-zendesk-identity-key-local-only';
// The Zendesk demo's users with handles, from 1005 on in the order of DEMO_NETWORK_PEOPLE (Annie, the generic demo's, left out).
const USER = { mary: 1005, dorothy: 1006, margaret: 1007, evelyn: 1008, joan: 1009, hedy: 1010, radia: 1011, frances: 1012 } as const;

let stack: LocalStack;
let tenant: TenantInput;
const lines: string[] = [];

/** A tenant on the demo Zendesk account scoring from the open networks, its handles in the demo's user fields; YouTube left off. */
function networksTenant(sandboxUrl: string): TenantInput {
  const urls = sandboxNetworkUrls(sandboxUrl);
  return {
    id: TENANT,
    helpdesk: {
      kind: 'zendesk',
      baseUrl: sandboxUrl,
      email: ZENDESK_DEMO.agentEmail,
      apiToken: { value: ZENDESK_DEMO.apiToken },
      handleFields: { ...DEMO_HANDLE_FIELDS },
    },
    sources: { zendesk: { signingSecrets: [{ value: SIGNING }] } },
    scoring: {
      provider: 'networks',
      minTrust: 'verified',
      inlineTimeoutMs: 3000,
      networks: { bluesky: urls.bluesky, mastodon: {}, github: { ...urls.github, token: { value: GITHUB_DEMO_TOKEN } } },
    },
  };
}

const hashers = hmacIdentityHashers(IDENTITY_KEY);
const identityOf = (userId: number): Identity => ({ kind: 'helpdesk-user', value: `zendesk:${userId}` });
const keyOf = (userId: number) => hashers(TENANT).hash(identityOf(userId));
const queued = new Map<number, CustomerProfile>();

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-networks-zendesk-${randomUUID().slice(0, 8)}`,
    identityKey: IDENTITY_KEY,
    seedDemo: true,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    extraTenants: (sandboxUrl) => {
      tenant = networksTenant(sandboxUrl);
      return [tenant];
    },
  });
  // Each demo customer known by their Zendesk user id and queued for the refresh, as a customer the helpdesk told of is.
  const client = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  const customers = new DynamoCustomerStore(client, stack.tableName, hashers);
  const queue = new DynamoScoreRefreshStore(client, stack.tableName);
  const now = new Date().toISOString();
  for (const userId of Object.values(USER)) {
    const profile: CustomerProfile = {
      tenant: TENANT,
      customerKey: keyOf(userId),
      identities: { helpdeskUserIds: [`zendesk:${userId}`], emailHashes: [], handles: [] },
      optedOut: false,
      createdAt: now,
      updatedAt: now,
    };
    await customers.saveCustomer(profile, [identityOf(userId)]);
    queued.set(userId, profile);
    expect(await queue.ensureQueued(profile, new Date())).toBe('written');
  }
  const dir = mkdtempSync(join(tmpdir(), 'networks-zendesk-'));
  writeFileSync(join(dir, 'tenants.json'), JSON.stringify({ tenants: [tenant] }));
  const code = await runRefreshScores(
    ['--endpoint', stack.dynamoEndpoint, '--table', stack.tableName, '--sandbox', stack.sandbox.baseUrl],
    { INFLUENCE_ROUTER_TENANTS: join(dir, 'tenants.json') },
    { out: (line) => lines.push(line), err: (line) => lines.push(`ERR ${line}`) },
  );
  expect(code).toBe(0);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

async function stored(userId: number): Promise<CustomerProfile | undefined> {
  const queue = new DynamoScoreRefreshStore(createDocumentClient({ endpoint: stack.dynamoEndpoint }), stack.tableName);
  const profile = queued.get(userId);
  return profile ? queue.current(profile) : undefined;
}

describe('npm run scores:refresh scores the Zendesk demo customers from their handle fields', () => {
  it('refreshes every queued customer, reaching the sandbox Mastodon server', () => {
    expect(lines).toContain(`  ${TENANT} (networks): examined 8, refreshed 5, no score 3, failed 0, skipped 0`);
    expect(lines.filter((line) => line.startsWith('ERR'))).toEqual([]);
  });

  it('stores Mary verified on Bluesky, from the domain of the email Zendesk verified', async () => {
    const mary = await stored(USER.mary);

    expect(mary?.score).toMatchObject({ source: 'networks', trust: 'verified', inputs: { network: 'bluesky' } });
    expect(mary?.score?.unusedReason).toBeUndefined();
  });

  it('stores Margaret her better score of two networks, both verified', async () => {
    const margaret = await stored(USER.margaret);

    expect(margaret?.score).toMatchObject({ trust: 'verified', inputs: { network: 'mastodon' } });
    expect(margaret?.score?.handles?.map((handle) => [handle.network, handle.trust])).toEqual([
      ['bluesky', 'verified'],
      ['mastodon', 'verified'],
    ]);
  });

  it('keeps Dorothy and Hedy declared: scored and shown, not for priority', async () => {
    for (const userId of [USER.dorothy, USER.hedy]) {
      const profile = await stored(userId);
      expect(profile?.score).toMatchObject({ trust: 'declared', unusedReason: expect.stringContaining('not verified') });
    }
  });

  it('gives no score to Evelyn and Joan, who asked not to be indexed, nor to Frances, as YouTube is off', async () => {
    for (const userId of [USER.evelyn, USER.joan, USER.frances]) expect((await stored(userId))?.score).toBeUndefined();
  });
});

async function ticketFrom(userId: number) {
  const desk = stack.sandbox.part(zendeskPart);
  const ticket = desk.createTicket({ subject: 'Help', description: 'It broke.', requesterId: userId, priority: 'normal', tags: [] });
  const delivery = signedTicketCreated({ ticket, secret: SIGNING });
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/zendesk`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  const [decision] = await stack.decisions.listForTicket(TENANT, String(ticket.id));
  return { priority: desk.ticket(ticket.id)?.priority, note: decision?.note ?? '' };
}

describe('their tickets', () => {
  it("raises Mary's ticket, the note naming Bluesky and the handle verified", async () => {
    const { priority, note } = await ticketFrom(USER.mary);

    expect(priority).not.toBe('normal');
    expect(note).toMatch(/Reach \d+ on Bluesky \(\w+\): .* Bluesky handle verified\./);
  });

  it("leaves Dorothy's ticket as it was, the note saying her handle is declared", async () => {
    const { priority, note } = await ticketFrom(USER.dorothy);

    expect(priority).toBe('normal');
    expect(note).toContain('Bluesky handle declared by the customer, not verified: not used for priority');
  });
});

it('names each demo customer it checks', () => {
  expect(Object.keys(USER).sort()).toEqual(
    Object.keys(DEMO_NETWORK_PEOPLE)
      .filter((name) => name !== 'annie')
      .sort(),
  );
});
