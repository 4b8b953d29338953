import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkedFetch, PUBLIC_ADDRESSES_ONLY } from '../../../../shared/adapters/http/checked-request.js';
import { CircuitBreaker } from '../../../../shared/adapters/resilience/circuit-breaker.js';
import { HttpScoreProvider, type HttpScoreProviderOptions } from '../../../../shared/adapters/influence/http-provider.js';
import { TokenBucket } from '../../../../shared/adapters/resilience/rate-limiter.js';
import type { CustomerProfile } from '../../../../shared/domain/customer.js';
import type { ScoreRequest } from '../../../../shared/domain/score-lookup.js';
import { FixedClock, LoopbackScoringService } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const API_KEY = 'scoring-api-key-for-tests';
/** The reference profile C of the Reach model: 64 (high). */
const METRICS = {
  followers: 48_000,
  following: 1_100,
  engagementPerPost: 350,
  accountAgeDays: 2_920,
  postCount: 5_200,
  verification: 'paid',
};

const profile: CustomerProfile = {
  tenant: 'acme',
  customerKey: 'Yk3v9Qm0c8wq1sTzZbq3mXg5xq8b1o2K7uWnS3e0dJc',
  identities: {
    helpdeskUserIds: ['zendesk:20978392'],
    emailHashes: ['hmac-of-the-email'],
    handles: [{ network: 'twitter', handle: 'mayachen' }],
  },
  optedOut: false,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

let service: LoopbackScoringService;
let clock: FixedClock;
let breaker: CircuitBreaker;
let sleeps: number[];

beforeEach(async () => {
  service = await LoopbackScoringService.start({ apiKey: API_KEY });
  clock = new FixedClock(NOW);
  breaker = new CircuitBreaker({ failureThreshold: 5, resetAfterMs: 30_000, clock });
  sleeps = [];
});

afterEach(async () => {
  await service.close();
});

function provider(overrides: Partial<HttpScoreProviderOptions> = {}): HttpScoreProvider {
  return new HttpScoreProvider({
    url: service.url,
    apiKey: async () => API_KEY,
    timeoutMs: 300,
    inlineTimeoutMs: 100,
    maxAttempts: 3,
    breaker,
    clock,
    backoff: { baseMs: 200, maxMs: 5000, retryAfterCapMs: 30_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

function request(overrides: Partial<ScoreRequest> = {}): ScoreRequest {
  return { tenant: 'acme', profile, purpose: 'scheduled', now: NOW, refreshAfterDays: 7, ...overrides };
}

describe('HttpScoreProvider: the contract', () => {
  it('posts the customer without personal data, with the bearer key, and scores the metrics with the Reach model', async () => {
    service.script({ status: 200, body: { metrics: METRICS } });

    const lookup = await provider().score(request());

    expect(service.violations).toEqual([]);
    expect(service.calls.map((c) => c.body)).toEqual([
      {
        tenant: 'acme',
        customer: {
          key: profile.customerKey,
          handles: [{ network: 'twitter', handle: 'mayachen' }],
          helpdeskUserIds: ['zendesk:20978392'],
        },
      },
    ]);
    expect(lookup).toMatchObject({
      outcome: 'scored',
      score: { value: 64, source: 'http', modelVersion: 'reach-2', refreshAfter: '2026-11-30T10:00:00.000Z', inputs: METRICS },
    });
    expect(lookup.outcome === 'scored' && lookup.score.explanation).toMatch(/^Reach 64 \(high\)/);
  });

  it('stores a score the service computed itself, with its explanation and model version', async () => {
    service.script(
      { status: 200, body: { score: 72, explanation: 'Top 5% of our community by referrals.', modelVersion: 'acme-referrals-3' } },
      { status: 200, body: { score: 41, explanation: 'Active forum member.' } },
    );

    const named = await provider().score(request());
    const unnamed = await provider().score(request());

    expect(named).toMatchObject({
      outcome: 'scored',
      score: {
        value: 72,
        source: 'http',
        modelVersion: 'acme-referrals-3',
        explanation: 'Scoring service: Top 5% of our community by referrals.',
        components: {},
        inputs: {},
      },
    });
    expect(unnamed).toMatchObject({ outcome: 'scored', score: { value: 41, modelVersion: 'http-provider' } });
  });

  it.each([
    ['a 404', { status: 404, body: { error: 'not found' } }],
    ['"score": null', { status: 200, body: { score: null } }],
  ])('has no score on %s, which is not a failure', async (_, answer) => {
    service.script(answer);

    const lookup = await provider().score(request());

    expect(lookup.outcome).toBe('no-score');
    expect(service.calls).toHaveLength(1);
    expect(breaker.consecutiveFailures).toBe(0);
  });

  it('is refused by a service holding another key, and does not retry', async () => {
    const lookup = await provider({ apiKey: async () => 'wrong-key' }).score(request());

    expect(lookup).toEqual({ outcome: 'failed', kind: 'rejected', reason: 'HTTP 401' });
    expect(service.violations).toEqual(['bad or missing bearer token']);
    expect(sleeps).toEqual([]);
  });

  it('fails without calling when the API key cannot be read', async () => {
    const lookup = await provider({
      apiKey: async () => {
        throw new Error('secret missing');
      },
    }).score(request());

    expect(lookup).toMatchObject({ outcome: 'failed', kind: 'rejected' });
    expect(service.calls).toHaveLength(0);
  });
});

describe('HttpScoreProvider: malformed answers', () => {
  it.each([
    ['broken JSON', { status: 200, raw: '{"metrics": {"followers": 48' }, 'malformed answer (not JSON)'],
    [
      'a score out of range',
      { status: 200, body: { score: 150, explanation: 'x' } },
      'malformed answer (score: Too big: expected number to be <=100)',
    ],
    [
      'negative followers',
      { status: 200, body: { metrics: { ...METRICS, followers: -1 } } },
      'malformed answer (metrics.followers: Too small: expected number to be >=0)',
    ],
    [
      'both metrics and a score',
      { status: 200, body: { metrics: METRICS, score: 50, explanation: 'x' } },
      'malformed answer (answer either "metrics" or "score", not both)',
    ],
    [
      'a score without an explanation',
      { status: 200, body: { score: 50 } },
      'malformed answer (explanation: a score needs an explanation)',
    ],
    ['an empty object', { status: 200, body: {} }, 'malformed answer (answer "metrics", "score" or "score": null)'],
    ['an array', { status: 200, body: [{ score: 50 }] }, 'malformed answer (Invalid input: expected object, received array)'],
  ])('reports %s as a failure, not a score, and does not retry it', async (_, answer, reason) => {
    service.script(answer);

    const lookup = await provider().score(request());

    expect(lookup).toEqual({ outcome: 'failed', kind: 'malformed', reason });
    expect(service.calls).toHaveLength(1);
    expect(breaker.consecutiveFailures).toBe(1);
  });

  it('refuses a redirect instead of following it', async () => {
    service.script({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });

    expect(await provider().score(request())).toEqual({ outcome: 'failed', kind: 'rejected', reason: 'HTTP 302' });
  });
});

describe('HttpScoreProvider: timeouts and retries', () => {
  it('gives up on a slow answer after the timeout, retrying with growing backoff', async () => {
    service.script(
      { status: 200, body: { metrics: METRICS }, delayMs: 1000 },
      { status: 200, body: { metrics: METRICS }, delayMs: 1000 },
      { status: 200, body: { metrics: METRICS }, delayMs: 1000 },
    );

    const started = Date.now();
    const lookup = await provider({ timeoutMs: 150 }).score(request());

    expect(lookup).toEqual({ outcome: 'failed', kind: 'timeout', reason: 'no answer within 150 ms' });
    expect(service.calls).toHaveLength(3);
    // Full jitter at 0.5: three quarters of 200 × 2^(n-1).
    expect(sleeps).toEqual([150, 300]);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('retries 5xx answers and returns the score that finally comes', async () => {
    service.script({ status: 500 }, { status: 503, body: { error: 'overloaded' } }, { status: 200, body: { metrics: METRICS } });

    const lookup = await provider().score(request());

    expect(lookup).toMatchObject({ outcome: 'scored', score: { value: 64 } });
    expect(service.calls).toHaveLength(3);
    expect(sleeps).toEqual([150, 300]);
    expect(breaker.consecutiveFailures).toBe(0);
  });

  it('waits as long as a 429 says, then retries', async () => {
    service.script({ status: 429, headers: { 'retry-after': '2' } }, { status: 200, body: { metrics: METRICS } });

    const lookup = await provider().score(request());

    expect(lookup.outcome).toBe('scored');
    expect(sleeps).toEqual([2000]);
  });

  it('backs off anyway when a 429 says Retry-After: 0', async () => {
    service.script({ status: 429, headers: { 'retry-after': '0' } }, { status: 200, body: { metrics: METRICS } });

    const lookup = await provider().score(request());

    expect(lookup.outcome).toBe('scored');
    expect(sleeps).toEqual([150]);
  });

  it('does not wait for a Retry-After beyond the cap, and says when to come back', async () => {
    service.script({ status: 429, headers: { 'retry-after': '120' } });

    const lookup = await provider().score(request());

    expect(lookup).toEqual({ outcome: 'failed', kind: 'rate-limited', reason: 'HTTP 429, retry after 120 s', retryAfterMs: 120_000 });
    expect(service.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('caps the backoff', async () => {
    service.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });

    await provider({ maxAttempts: 5, backoff: { baseMs: 1000, maxMs: 2500, retryAfterCapMs: 30_000 }, random: () => 0.8 }).score(request());

    // Between half and all of 1000, 2000, then the 2500 cap: 0.8 of the way.
    expect(sleeps).toEqual([900, 1800, 2250, 2250]);
  });

  it('makes one short attempt on the ticket path', async () => {
    service.script({ status: 200, body: { metrics: METRICS }, delayMs: 600 });

    const started = Date.now();
    const lookup = await provider().score(request({ purpose: 'inline' }));

    expect(lookup).toEqual({ outcome: 'failed', kind: 'timeout', reason: 'no answer within 100 ms' });
    expect(service.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('reports a service that is not listening as unavailable', async () => {
    const url = service.url;
    await service.close();

    const lookup = await provider({ url, maxAttempts: 2 }).score(request());

    expect(lookup).toEqual({ outcome: 'failed', kind: 'unavailable', reason: 'the service could not be reached' });
    expect(sleeps).toEqual([150]);
    service = await LoopbackScoringService.start({ apiKey: API_KEY });
  });
});

describe('HttpScoreProvider: where it connects', () => {
  it('reports an address the policy refuses as a refusal that names it, and does not retry it', async () => {
    let lookups = 0;
    const policy = {
      ...PUBLIC_ADDRESSES_ONLY,
      resolve: async () => {
        lookups += 1;
        return [{ address: '10.0.0.5', family: 4 }];
      },
    };

    const lookup = await provider({
      url: 'https://scores.acme.example/v1/score',
      fetch: checkedFetch({ field: 'scoring.http.url', policy }),
    }).score(request());

    expect(lookup).toEqual({
      outcome: 'failed',
      kind: 'rejected',
      reason:
        'scoring.http.url https://scores.acme.example: scores.acme.example resolves to 10.0.0.5, a private address (10.0.0.0/8): refused, requests go only to public addresses',
    });
    expect(lookups).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe('HttpScoreProvider: rate limit', () => {
  it('paces every scheduled request, retries included, and never the ticket path', async () => {
    const acquired: number[] = [];
    const limiter = new TokenBucket({ ratePerSecond: 5, clock, sleep: async (ms) => clock.advance(ms) });
    const paced = {
      acquire: async () => {
        await limiter.acquire();
        acquired.push(clock.now().getTime() - NOW.getTime());
      },
    };
    service.script(
      { status: 500 },
      { status: 200, body: { metrics: METRICS } },
      { status: 200, body: { metrics: METRICS } },
      { status: 200, body: { score: null } },
    );

    await provider({ limiter: paced }).score(request());
    await provider({ limiter: paced }).score(request());
    await provider({ limiter: paced }).score(request({ purpose: 'inline' }));

    expect(service.calls).toHaveLength(4);
    expect(acquired).toEqual([0, 200, 400]);
  });
});

describe('HttpScoreProvider: circuit breaker', () => {
  it('opens after consecutive failures and then fails fast without calling', async () => {
    breaker = new CircuitBreaker({ failureThreshold: 3, resetAfterMs: 30_000, clock });
    service.script({ status: 500 }, { status: 500 }, { status: 500 });

    const first = await provider().score(request());
    const second = await provider().score(request());

    expect(first).toEqual({ outcome: 'failed', kind: 'unavailable', reason: 'HTTP 500' });
    expect(breaker.state).toBe('open');
    expect(second).toEqual({ outcome: 'failed', kind: 'circuit-open', reason: 'calls paused after repeated failures' });
    expect(service.calls).toHaveLength(3);
  });

  it('stops retrying as soon as the breaker opens mid-call', async () => {
    breaker = new CircuitBreaker({ failureThreshold: 2, resetAfterMs: 30_000, clock });
    service.script({ status: 500 }, { status: 500 }, { status: 500 });

    const lookup = await provider().score(request());

    expect(lookup.outcome === 'failed' && lookup.kind).toBe('circuit-open');
    expect(service.calls).toHaveLength(2);
  });

  it('half-opens after the reset time: one trial call, which closes it on success', async () => {
    breaker = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 30_000, clock });
    service.script({ status: 500 }, { status: 200, body: { metrics: METRICS }, delayMs: 100 });
    await provider({ maxAttempts: 1 }).score(request());

    clock.advance(30_000);
    const [trial, meanwhile] = await Promise.all([provider().score(request()), provider().score(request())]);

    expect(trial).toMatchObject({ outcome: 'scored' });
    expect(meanwhile).toMatchObject({ outcome: 'failed', kind: 'circuit-open' });
    expect(breaker.state).toBe('closed');
    expect(service.calls).toHaveLength(2);
  });

  it('opens again when the half-open trial fails', async () => {
    breaker = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 30_000, clock });
    service.script({ status: 500 }, { status: 502 });
    await provider({ maxAttempts: 1 }).score(request());
    clock.advance(30_000);

    const trial = await provider().score(request());
    const after = await provider().score(request());

    expect(trial.outcome === 'failed' && trial.kind).toBe('circuit-open');
    expect(after.outcome === 'failed' && after.kind).toBe('circuit-open');
    expect(breaker.state).toBe('open');
    expect(service.calls).toHaveLength(2);
  });
});
