import * as z from 'zod';
import type { Clock, RateLimiter, ScoreProvider } from '../../domain/ports.js';
import type { ScoreLookup, ScoreRequest } from '../../domain/score-lookup.js';
import type { InfluenceScore } from '../../domain/score.js';
import { computeReachScore, ReachInputsSchema, toInfluenceScore } from '../../domain/score-model.js';
import { RefusedAddressError } from '../http/checked-request.js';
import { type JsonResponse, jsonRequest, parseRetryAfter } from '../http/json-request.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { failed, type FailedLookup, isTimeout } from './provider-failures.js';
import { realSleep, type Sleep } from '../resilience/rate-limiter.js';

/**
 * The request body sent to a scoring service: the tenant and what identifies the customer
 * without personal data we do not keep (no email: only its keyed hash is held, and that is not
 * sent either).
 */
export interface HttpScoreRequestBody {
  tenant: string;
  customer: {
    /** Our opaque, stable key for the customer. */
    key: string;
    handles: { network: string; handle: string }[];
    /** Helpdesk user ids qualified by helpdesk, e.g. `zendesk:123`. */
    helpdeskUserIds: string[];
  };
}

/**
 * A scoring service's answer: public metrics we score with the Reach model (so the score explains
 * itself), or a score it computed, with its explanation; `{"score": null}` means it has none.
 */
export const HttpScoreResponseSchema = z
  .object({
    metrics: ReachInputsSchema.optional(),
    score: z.number().int().min(1).max(100).nullable().optional(),
    explanation: z.string().trim().min(1).max(500).optional(),
    modelVersion: z.string().trim().min(1).max(64).optional(),
  })
  .superRefine((body, ctx) => {
    const hasScore = body.score !== undefined;
    if (body.metrics !== undefined && hasScore) ctx.addIssue({ code: 'custom', message: 'answer either "metrics" or "score", not both' });
    if (body.metrics === undefined && !hasScore) ctx.addIssue({ code: 'custom', message: 'answer "metrics", "score" or "score": null' });
    if (typeof body.score === 'number' && body.explanation === undefined) {
      ctx.addIssue({ code: 'custom', path: ['explanation'], message: 'a score needs an explanation' });
    }
  });

/** Model version stored with a score the service computed itself and did not name. */
export const HTTP_PROVIDER_MODEL_VERSION = 'http-provider';

/** Retry timing of the HTTP provider. */
export interface HttpBackoff {
  /** First retry delay, doubled each attempt, with jitter (default 200). */
  baseMs: number;
  /** Longest delay between attempts (default 5000). */
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the attempt fails and says when to come back (default 30000). */
  retryAfterCapMs: number;
}

/** How to reach one tenant's scoring service. */
export interface HttpScoreProviderOptions {
  url: string;
  /** Read for each call, so a rotated key is picked up (the resolver caches). */
  apiKey: () => Promise<string>;
  /** Per attempt on the scheduled refresh. */
  timeoutMs: number;
  /** Per attempt on the ticket path, where one attempt is made. */
  inlineTimeoutMs: number;
  /** Attempts per customer on the scheduled refresh. */
  maxAttempts: number;
  breaker: CircuitBreaker;
  /** Paces every request of the scheduled refresh, retries included; the ticket path never waits for it. */
  limiter?: RateLimiter;
  clock: Clock;
  backoff?: Partial<HttpBackoff>;
  sleep?: Sleep;
  /** Jitter source in [0, 1). */
  random?: () => number;
  fetch?: typeof fetch;
}

const DEFAULT_BACKOFF: HttpBackoff = { baseMs: 200, maxMs: 5000, retryAfterCapMs: 30_000 };

type Attempt = { final: ScoreLookup } | { retry: FailedLookup };

/**
 * Scores customers through a company's own scoring service (`POST {url}`, Bearer auth, the JSON
 * contract in the README). Each attempt has a timeout; timeouts, 5xx, 408 and 429 are retried with
 * exponential backoff and jitter (a 429's Retry-After is honoured up to a cap) up to `maxAttempts`
 * on the scheduled refresh and not at all on the ticket path. Every attempt passes the tenant's
 * circuit breaker, so an open breaker fails fast, and on the scheduled refresh waits for the
 * tenant's rate limiter. A 404 or `{"score": null}` is no score; an
 * answer that breaks the contract is a failure.
 *
 * @example await new HttpScoreProvider({ url, apiKey, timeoutMs: 2000, inlineTimeoutMs: 800, maxAttempts: 3, breaker, clock }).score(request)
 */
export class HttpScoreProvider implements ScoreProvider {
  readonly name = 'http';
  readonly #url: URL;
  readonly #backoff: HttpBackoff;
  readonly #sleep: Sleep;
  readonly #random: () => number;

  constructor(private readonly options: HttpScoreProviderOptions) {
    this.#url = new URL(options.url);
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
  }

  async score(request: ScoreRequest): Promise<ScoreLookup> {
    const inline = request.purpose === 'inline';
    const attempts = inline ? 1 : Math.max(1, this.options.maxAttempts);
    const timeoutMs = inline ? this.options.inlineTimeoutMs : this.options.timeoutMs;
    let apiKey: string;
    try {
      apiKey = await this.options.apiKey();
    } catch (error) {
      return failed('rejected', `the API key could not be read (${error instanceof Error ? error.name : 'unknown error'})`);
    }
    const body = requestBody(request);

    for (let attempt = 1; ; attempt += 1) {
      if (!inline) await this.options.limiter?.acquire();
      const permit = this.options.breaker.admit();
      if (!permit) return failed('circuit-open', 'calls paused after repeated failures');
      const result = await this.#attempt(request, body, apiKey, timeoutMs);
      if ('final' in result) {
        if (result.final.outcome === 'failed') permit.failure();
        else permit.success();
        return result.final;
      }
      permit.failure();
      if (attempt >= attempts) return result.retry;
      const backoffMs = this.#delay(attempt);
      // A Retry-After of 0, in the past or unreadable must not turn into a retry storm.
      const waitMs = Math.max(backoffMs, result.retry.retryAfterMs ?? 0);
      if (waitMs > this.#backoff.retryAfterCapMs) return result.retry;
      await this.#sleep(waitMs);
    }
  }

  /** Full-jitter exponential backoff: between half and all of base × 2^(attempt-1), capped. */
  #delay(attempt: number): number {
    const exponential = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** (attempt - 1));
    return Math.round(exponential / 2 + this.#random() * (exponential / 2));
  }

  async #attempt(request: ScoreRequest, body: HttpScoreRequestBody, apiKey: string, timeoutMs: number): Promise<Attempt> {
    let response: JsonResponse;
    try {
      response = await jsonRequest({
        method: 'POST',
        url: this.#url,
        headers: { authorization: `Bearer ${apiKey}` },
        body,
        timeoutMs,
        maxResponseBytes: 64 * 1024,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      });
    } catch (error) {
      // Where the URL's name points is not a passing fault: asking again at once would be refused again.
      if (error instanceof Error && error.cause instanceof RefusedAddressError) return { final: failed('rejected', error.cause.message) };
      return {
        retry: isTimeout(error)
          ? failed('timeout', `no answer within ${timeoutMs} ms`)
          : failed('unavailable', 'the service could not be reached'),
      };
    }
    const { status } = response;
    if (status === 404) return { final: { outcome: 'no-score', reason: 'the scoring service does not know this customer' } };
    if (status === 429) {
      const header = response.headers.get('retry-after');
      const retryAfterMs = header
        ? parseRetryAfter(header, this.options.clock.now().getTime(), { minSeconds: 0, maxSeconds: 86_400, fallbackSeconds: 0 }) * 1000
        : undefined;
      const after = retryAfterMs !== undefined ? `, retry after ${Math.round(retryAfterMs / 1000)} s` : '';
      return { retry: failed('rate-limited', `HTTP 429${after}`, retryAfterMs) };
    }
    if (status >= 500 || status === 408) return { retry: failed('unavailable', `HTTP ${status}`) };
    if (status !== 200) return { final: failed('rejected', `HTTP ${status}`) };

    const parsed = HttpScoreResponseSchema.safeParse(response.json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      const what = response.json === undefined ? 'not JSON' : `${where}${issue?.message ?? 'unexpected shape'}`;
      return { final: failed('malformed', `malformed answer (${what})`.slice(0, 200)) };
    }
    return { final: toLookup(parsed.data, request) };
  }
}

function requestBody(request: ScoreRequest): HttpScoreRequestBody {
  const { profile } = request;
  return {
    tenant: request.tenant,
    customer: {
      key: profile.customerKey,
      handles: profile.identities.handles.map(({ network, handle }) => ({ network, handle })),
      helpdeskUserIds: [...profile.identities.helpdeskUserIds],
    },
  };
}

function toLookup(answer: z.infer<typeof HttpScoreResponseSchema>, request: ScoreRequest): ScoreLookup {
  const scoredAt = request.now;
  if (answer.metrics) {
    const result = computeReachScore(answer.metrics);
    return { outcome: 'scored', score: toInfluenceScore(result, { source: 'http', scoredAt, refreshAfterDays: request.refreshAfterDays }) };
  }
  if (typeof answer.score !== 'number') return { outcome: 'no-score', reason: 'the scoring service has no score for this customer' };
  const score: InfluenceScore = {
    value: answer.score,
    source: 'http',
    modelVersion: answer.modelVersion ?? HTTP_PROVIDER_MODEL_VERSION,
    scoredAt: scoredAt.toISOString(),
    refreshAfter: new Date(scoredAt.getTime() + request.refreshAfterDays * 86_400_000).toISOString(),
    components: {},
    inputs: {},
    // Prefixed so an agent knows the words are the scoring service's, not the Reach model's.
    explanation: `Scoring service: ${answer.explanation ?? ''}`,
  };
  return { outcome: 'scored', score };
}
