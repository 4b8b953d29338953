import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ZendeskClient } from '../../../../shared/adapters/helpdesks/zendesk/client.js';
import { CircuitBreaker } from '../../../../shared/adapters/resilience/circuit-breaker.js';
import { HelpdeskMetricsProvider, type MetricFieldKeys, readReachInputs } from '../../../../shared/adapters/influence/helpdesk-metrics.js';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import type { RequesterDetails } from '../../../../shared/domain/events.js';
import type { ScoreRequest } from '../../../../shared/domain/score-lookup.js';
import { FixedClock } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const SHOW_MANY = readFileSync(new URL('./fixtures/zendesk-users-show-many-metrics.json', import.meta.url), 'utf8');
const USER_ID = '20978392';

/** The tenant's `helpdesk.userFields`, as an admin would configure them for the fixture account. */
const KEYS: MetricFieldKeys = {
  followers: 'social_followers',
  following: 'social_following',
  engagementPerPost: 'social_engagement_per_post',
  accountAgeDays: 'social_account_opened',
  postCount: 'social_post_count',
  verification: 'social_verification',
};

type Answer = { status: number; body?: string; hang?: boolean };

/** A Zendesk client over a scripted fetch, so requester details go through the real mapping. */
function zendesk(answers: Answer[], seen: string[] = []) {
  const fetchStub: typeof fetch = async (input, init) => {
    seen.push(String(input));
    const answer = answers.shift() ?? { status: 200, body: SHOW_MANY };
    if (answer.hang) {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }
    return new Response(answer.body ?? '', { status: answer.status, headers: { 'content-type': 'application/json', 'retry-after': '45' } });
  };
  return new ZendeskClient({
    baseUrl: 'https://acme.zendesk.com',
    email: 'bot@acme.example.com',
    apiToken: 'token',
    timeoutMs: 50,
    fetch: fetchStub,
  });
}

function profile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    tenant: 'acme',
    customerKey: 'k-maya',
    identities: { helpdeskUserIds: [`zendesk:${USER_ID}`], emailHashes: ['e1'], handles: [{ network: 'twitter', handle: 'mayachen' }] },
    optedOut: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

function request(overrides: Partial<ScoreRequest> = {}): ScoreRequest {
  return { tenant: 'acme', profile: profile(), purpose: 'scheduled', now: NOW, refreshAfterDays: 7, ...overrides };
}

describe('readReachInputs', () => {
  let fields: RequesterDetails['fields'];
  beforeEach(async () => {
    fields = (await zendesk([]).getRequester(USER_ID)).fields;
  });

  it('reads Zendesk integer, decimal, date, text and dropdown fields', () => {
    const reading = readReachInputs(fields, KEYS, NOW);

    expect(reading).toEqual({
      ok: true,
      inputs: { followers: 48_000, following: 1_100, engagementPerPost: 350, accountAgeDays: 2920, postCount: 5_200, verification: 'paid' },
    });
  });

  it.each([
    ['48k', 48_000],
    ['1.2M', 1_200_000],
    [' 12,345 ', 12_345],
    ['980', 980],
  ])('reads the count %j as %d', (text, expected) => {
    const reading = readReachInputs({ ...fields, social_followers: text }, KEYS, NOW);

    expect(reading.ok && reading.inputs.followers).toBe(expected);
  });

  it.each([
    [null, 'user field "social_followers" is empty'],
    ['', 'user field "social_followers" is empty'],
    ['lots', 'user field "social_followers" is not a count'],
    [-5, 'user field "social_followers" is not a count'],
    [true, 'user field "social_followers" is not a count'],
  ])('gives no score when followers is %j, and says why', (value, reason) => {
    expect(readReachInputs({ ...fields, social_followers: value }, KEYS, NOW)).toEqual({ ok: false, reason });
  });

  it('gives no score when a field the user lacks is configured', () => {
    const { social_post_count: _dropped, ...rest } = fields;

    expect(readReachInputs(rest, KEYS, NOW)).toEqual({ ok: false, reason: 'user field "social_post_count" is empty' });
  });

  it('reads the account age as days, or refuses an opening date in the future', () => {
    expect(readReachInputs({ ...fields, social_account_opened: 400 }, KEYS, NOW)).toMatchObject({
      ok: true,
      inputs: { accountAgeDays: 400 },
    });
    expect(readReachInputs({ ...fields, social_account_opened: '2027-01-01' }, KEYS, NOW)).toEqual({
      ok: false,
      reason: 'user field "social_account_opened" is not a number of days or a past date',
    });
  });

  it.each([
    ['gold', 'org'],
    ['Organisation', 'org'],
    ['blue', 'paid'],
    ['', 'none'],
    [null, 'none'],
    [false, 'none'],
    [true, 'paid'],
  ] as const)('reads the verification %j as %s', (value, expected) => {
    expect(readReachInputs({ ...fields, social_verification: value }, KEYS, NOW)).toMatchObject({
      ok: true,
      inputs: { verification: expected },
    });
  });

  it('refuses an unknown verification and reads an unconfigured one as no check', () => {
    const { verification: _v, ...withoutVerification } = KEYS;

    expect(readReachInputs({ ...fields, social_verification: 'purple' }, KEYS, NOW)).toEqual({
      ok: false,
      reason: 'user field "social_verification" is not a known verification',
    });
    expect(readReachInputs(fields, withoutVerification, NOW)).toMatchObject({ ok: true, inputs: { verification: 'none' } });
  });
});

describe('HelpdeskMetricsProvider', () => {
  let clock: FixedClock;
  let breaker: CircuitBreaker;
  beforeEach(() => {
    clock = new FixedClock(NOW);
    breaker = new CircuitBreaker({ failureThreshold: 2, resetAfterMs: 30_000, clock });
  });

  it('scores from the requester details the ticket path already fetched, without another call', async () => {
    const seen: string[] = [];
    const details = await zendesk([], seen).getRequester(USER_ID);
    let asked = 0;
    const provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: KEYS,
      helpdesk: async () => ((asked += 1), zendesk([])),
      breaker,
    });

    const lookup = await provider.score(request({ purpose: 'inline', requesterDetails: details }));

    expect(asked).toBe(0);
    expect(lookup).toMatchObject({
      outcome: 'scored',
      score: {
        value: 64,
        source: 'helpdesk-metrics',
        modelVersion: 'reach-2',
        scoredAt: NOW.toISOString(),
        refreshAfter: '2026-11-30T10:00:00.000Z',
        inputs: { followers: 48_000, postCount: 5_200, verification: 'paid' },
      },
    });
    expect(lookup.outcome === 'scored' && lookup.score.explanation).toMatch(/^Reach 64 \(high\): 48k followers/);
  });

  it('reads the requester through the helpdesk for a scheduled refresh', async () => {
    const seen: string[] = [];
    const provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: KEYS,
      helpdesk: async () => zendesk([], seen),
      breaker,
    });

    const lookup = await provider.score(request());

    expect(lookup).toMatchObject({ outcome: 'scored', score: { value: 64 } });
    expect(seen).toEqual([`https://acme.zendesk.com/api/v2/users/show_many?ids=${USER_ID}&include=identities`]);
  });

  it('paces scheduled helpdesk lookups, and needs no token when the details are at hand', async () => {
    let tokens = 0;
    const limiter = { acquire: async () => void (tokens += 1) };
    const details = await zendesk([]).getRequester(USER_ID);
    const provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: KEYS,
      helpdesk: async () => zendesk([]),
      breaker,
      limiter,
    });

    await provider.score(request());
    await provider.score(request());
    await provider.score(request({ purpose: 'inline' }));
    await provider.score(request({ requesterDetails: details }));

    expect(tokens).toBe(2);
  });

  it('has no score for a customer without a Zendesk user id, and asks nobody', async () => {
    const seen: string[] = [];
    const provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: KEYS,
      helpdesk: async () => zendesk([], seen),
      breaker,
    });

    const lookup = await provider.score(
      request({ profile: profile({ identities: { helpdeskUserIds: [], emailHashes: ['e1'], handles: [] } }) }),
    );

    expect(lookup).toEqual({ outcome: 'no-score', reason: 'no zendesk user id is known for this customer' });
    expect(seen).toEqual([]);
  });

  it('has no score for a user the helpdesk no longer knows', async () => {
    const provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: KEYS,
      helpdesk: async () => zendesk([{ status: 200, body: JSON.stringify({ users: [], identities: [] }) }]),
      breaker,
    });

    const lookup = await provider.score(request());

    expect(lookup).toEqual({ outcome: 'no-score', reason: `helpdesk user ${USER_ID} no longer exists` });
    expect(breaker.consecutiveFailures).toBe(0);
  });

  it('reports a helpdesk timeout, a 5xx and a 429 as failures', async () => {
    const client = zendesk([{ status: 0, hang: true }, { status: 503 }, { status: 429 }]);
    const provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: KEYS,
      helpdesk: async () => client,
      breaker: new CircuitBreaker({ failureThreshold: 10, resetAfterMs: 1000, clock }),
    });

    const outcomes = [await provider.score(request()), await provider.score(request()), await provider.score(request())];

    expect(outcomes).toEqual([
      { outcome: 'failed', kind: 'timeout', reason: 'no answer in time' },
      { outcome: 'failed', kind: 'unavailable', reason: 'temporarily unavailable' },
      { outcome: 'failed', kind: 'rate-limited', reason: 'rate limited, retry after 45 s', retryAfterMs: 45_000 },
    ]);
  });

  it('stops asking the helpdesk once its breaker opens', async () => {
    const seen: string[] = [];
    const client = zendesk([{ status: 500 }, { status: 500 }], seen);
    const provider = new HelpdeskMetricsProvider({ helpdeskKind: 'zendesk', fieldKeys: KEYS, helpdesk: async () => client, breaker });

    await provider.score(request());
    await provider.score(request());
    const third = await provider.score(request());

    expect(third).toMatchObject({ outcome: 'failed', kind: 'circuit-open' });
    expect(seen).toHaveLength(2);
  });
});
