import { randomUUID } from 'node:crypto';
import type { DocumentClient } from '../../../../shared/adapters/aws/dynamodb.js';
import { GetCommand, PutCommand } from '../../../../shared/adapters/aws/dynamodb.js';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createRefreshScoresHandler } from '../../../../functions/refresh-scores/chain.js';
import { wireRefreshDeps } from '../../../../functions/refresh-scores/wiring.js';
import { localContext } from '../../../../infra/local/lambda-shapes.js';
import { FixedTenants } from '../../../../shared/adapters/config/tenant-cache.js';
import { parseTenantsFile, type TenantInput } from '../../../../shared/adapters/config/tenants.js';
import { createTelemetry } from '../../../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import { profileItem } from '../../../../shared/adapters/store/customer-items.js';
import { createDocumentClient } from '../../../../shared/adapters/store/dynamo-client.js';
import { profileKey } from '../../../../shared/adapters/store/keys.js';
import { createTable } from '../../../../shared/adapters/store/table.js';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import type { InfluenceScore } from '../../../../shared/domain/score.js';
import { refreshDueScores } from '../../../../shared/use-cases/scoring/refresh-due-scores.js';
import { FixedClock, LoopbackScoringService } from '../../../support/fakes.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const API_KEY = 'acme-scoring-key-local';
const METRICS = {
  followers: 48_000,
  following: 1_100,
  engagementPerPost: 350,
  accountAgeDays: 2_920,
  postCount: 5_200,
  verification: 'paid',
};
const tableName = `refresh-due-${randomUUID()}`;
let dynamo: DocumentClient;
const doc = () => dynamo;

beforeAll(async () => {
  dynamo = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(dynamo, tableName);
});

let service: LoopbackScoringService;
let clock: FixedClock;
let sleeps: number[];
let acme: string;
let globex: string;

beforeEach(async () => {
  clock = new FixedClock(NOW);
  sleeps = [];
  service = await LoopbackScoringService.start({ apiKey: API_KEY, now: () => clock.now().getTime() - NOW.getTime() });
  acme = `acme-${randomUUID().slice(0, 8)}`;
  globex = `globex-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await service.close();
});

function tenant(id: string, scoring?: TenantInput['scoring']): TenantInput {
  return {
    id,
    helpdesk: { kind: 'zendesk', baseUrl: 'http://127.0.0.1:9', email: 'bot@example.test', apiToken: { value: 'unused' } },
    sources: {},
    ...(scoring ? { scoring } : {}),
  };
}

function deps(maxPerRun: number) {
  const file = parseTenantsFile(
    {
      tenants: [
        tenant(acme, {
          provider: 'http',
          maxPerRun,
          http: {
            url: service.url,
            apiKey: { value: API_KEY },
            timeoutMs: 500,
            maxAttempts: 2,
            ratePerSecond: 5,
            breaker: { failureThreshold: 5, resetAfterMs: 30_000 },
          },
        }),
        tenant(globex),
      ],
    },
    'local',
  );
  return wireRefreshDeps({
    tenants: new FixedTenants(file),
    allTenants: async () => file.tenants,
    documentClient: doc(),
    tableName,
    secrets: new RefSecretResolver(),
    telemetry: createTelemetry('refresh-scores'),
    // Local mode: the scoring service listens on loopback.
    serviceAddresses: 'any',
    clock,
    // Virtual time: every wait moves the clock on, so the schedule is exact and costs no wall time.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    random: () => 0.5,
  });
}

function importedScore(dueMinutesAgo: number): InfluenceScore {
  const refreshAfter = new Date(NOW.getTime() - dueMinutesAgo * MINUTE);
  return {
    value: 30,
    source: 'import',
    modelVersion: 'import-1',
    scoredAt: new Date(refreshAfter.getTime() - 7 * 86_400_000).toISOString(),
    refreshAfter: refreshAfter.toISOString(),
    components: {},
    inputs: {},
    explanation: 'Imported score 30.',
  };
}

async function due(owner: string, key: string, dueMinutesAgo: number, extra: Partial<CustomerProfile> = {}): Promise<CustomerProfile> {
  const profile: CustomerProfile = {
    tenant: owner,
    customerKey: key,
    identities: {
      helpdeskUserIds: [`zendesk:${1000 + dueMinutesAgo}`],
      emailHashes: ['hmac-hash-only'],
      handles: [{ network: 'twitter', handle: key }],
    },
    optedOut: false,
    score: importedScore(dueMinutesAgo),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
  await doc().send(new PutCommand({ TableName: tableName, Item: profileItem(profile) }));
  return profile;
}

async function stored(owner: string, key: string): Promise<Record<string, unknown> | undefined> {
  return (await doc().send(new GetCommand({ TableName: tableName, Key: profileKey(owner, key), ConsistentRead: true }))).Item;
}

describe('refreshDueScores against DynamoDB Local and a loopback scoring service', () => {
  it('refreshes the longest-due customers within the rate limit, and keeps the queue right for each outcome', async () => {
    await due(acme, 'opted', 200, { optedOut: true, optedOutAt: '2026-11-01T00:00:00.000Z' });
    for (const [key, minutes] of [
      ['c1', 100],
      ['c2', 90],
      ['c3', 80],
    ] as const) {
      await due(acme, key, minutes);
      service.byCustomer.set(key, { status: 200, body: { metrics: METRICS } });
    }
    await due(acme, 'c4', 70);
    await due(acme, 'c5', 60);
    service.byCustomer.set('c5', { status: 500, body: { error: 'database down' } });
    await due(acme, 'c6', 50);
    await due(acme, 'later', -60);
    await due(globex, 'g1', 500);

    const result = await refreshDueScores({}, deps(6));

    expect(result).toMatchObject({ examined: 6, refreshed: 3, unchanged: 1, failed: 1, skipped: 1 });
    expect(result.tenants.map((t) => t.tenant)).toEqual([acme]);
    expect(service.violations).toEqual([]);
    expect(service.calls.map((c) => c.body.customer.key)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c5']);
    // 5 a second: one request every 200 ms, the retry of c5 included (after its 150 ms backoff).
    expect(service.calls.map((c) => c.at)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(sleeps).toEqual([200, 200, 200, 200, 150, 50]);

    expect(await stored(acme, 'c1')).toMatchObject({
      score: { value: 64, source: 'http', modelVersion: 'reach-2', scoredAt: NOW.toISOString() },
      refreshAfter: new Date(NOW.getTime() + 7 * 86_400_000).toISOString(),
    });
    expect(await stored(acme, 'c4')).toMatchObject({
      score: { value: 30 },
      refreshAfter: new Date(NOW.getTime() + 600 + 7 * 86_400_000).toISOString(),
    });
    expect(await stored(acme, 'c5')).toMatchObject({
      score: { value: 30 },
      refreshFailures: 1,
      refreshAfter: new Date(NOW.getTime() + 1000 + HOUR).toISOString(),
    });
    expect(await stored(acme, 'opted')).not.toHaveProperty('refreshAfter');
    expect(await stored(globex, 'g1')).toMatchObject({ score: { value: 30 }, refreshAfter: importedScore(500).refreshAfter });

    const second = await refreshDueScores({}, deps(6));

    expect(second).toMatchObject({ examined: 1, unchanged: 1 });
    expect(service.calls.at(-1)?.body.customer.key).toBe('c6');
  });

  it('stops the tenant’s run when the breaker opens, leaving the rest due as they were', async () => {
    for (const [key, minutes] of [
      ['d1', 40],
      ['d2', 30],
      ['d3', 20],
      ['d4', 10],
    ] as const) {
      await due(acme, key, minutes);
      service.byCustomer.set(key, { status: 503 });
    }

    const result = await refreshDueScores({}, deps(10));

    expect(result.tenants[0]).toMatchObject({ examined: 3, failed: 3, stoppedEarly: 'provider-unavailable' });
    expect(service.calls.map((c) => c.body.customer.key)).toEqual(['d1', 'd1', 'd2', 'd2', 'd3']);
    expect(await stored(acme, 'd1')).toMatchObject({ refreshFailures: 1 });
    expect(await stored(acme, 'd3')).toMatchObject({ refreshAfter: importedScore(20).refreshAfter });
    expect(await stored(acme, 'd3')).not.toHaveProperty('refreshFailures');
    expect(await stored(acme, 'd4')).toMatchObject({ refreshAfter: importedScore(10).refreshAfter });
  });

  it('runs as the scheduled function, stopping new refreshes before the Lambda timeout', async () => {
    for (const [key, minutes] of [
      ['e1', 30],
      ['e2', 20],
      ['e3', 10],
    ] as const) {
      await due(acme, key, minutes);
      service.byCustomer.set(key, { status: 200, body: { metrics: METRICS } });
    }
    const handler = createRefreshScoresHandler({ ...deps(10), safetyMarginMs: 15_000 });
    const scheduled = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event' as const,
      source: 'aws.events' as const,
      account: '000000000000',
      time: NOW.toISOString(),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/refresh'],
      detail: {},
    };

    // 15.1 s left and a 15 s margin: refreshes may start for 100 ms of virtual time, one every 200 ms.
    const result = await handler(scheduled, localContext('refresh-scores', 15_100));

    expect(result).toMatchObject({ examined: 2, refreshed: 2, tenants: [{ tenant: acme, stoppedEarly: 'deadline' }] });
    expect(service.calls.map((c) => c.body.customer.key)).toEqual(['e1', 'e2']);
  });
});
