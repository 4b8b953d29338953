import { HeldBackError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { realSleep, type Sleep, TokenBucket } from './rate-limiter.js';
import { parseRetryAfter } from '../http/json-request.js';

/** What a helpdesk's rate-limit headers said in one answer. */
export interface RateLimitReading {
  /** Requests allowed in the window. */
  limit?: number;
  /** Requests left in the window, after this one. */
  remaining?: number;
  /** Milliseconds until the window starts again, when the helpdesk says. */
  resetInMs?: number;
}

const NUMBER = /^\s*-?\d+(\.\d+)?\s*$/;

function firstNumber(headers: Headers, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null && NUMBER.test(value)) return Number(value);
  }
  return undefined;
}

/**
 * Reads the rate-limit headers of an answer, whichever helpdesk sent it: Zendesk's
 * `X-Rate-Limit`, `X-Rate-Limit-Remaining` and `ratelimit-limit`, `ratelimit-remaining`,
 * `ratelimit-reset`; Freshdesk's `X-RateLimit-Total` and `X-RateLimit-Remaining`; and the common
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (seconds, or an epoch time in
 * seconds) of other APIs.
 *
 * @example readRateLimitHeaders(new Headers({ 'x-rate-limit': '700', 'x-rate-limit-remaining': '12', 'ratelimit-reset': '41' }), Date.now())
 * // { limit: 700, remaining: 12, resetInMs: 41000 }
 */
export function readRateLimitHeaders(headers: Headers, nowMs: number): RateLimitReading {
  const reading: RateLimitReading = {};
  const limit = firstNumber(headers, ['ratelimit-limit', 'x-rate-limit', 'x-ratelimit-total', 'x-ratelimit-limit']);
  const remaining = firstNumber(headers, ['ratelimit-remaining', 'x-rate-limit-remaining', 'x-ratelimit-remaining']);
  const reset = firstNumber(headers, ['ratelimit-reset', 'x-ratelimit-reset']);
  if (limit !== undefined && limit > 0) reading.limit = limit;
  if (remaining !== undefined) reading.remaining = Math.max(0, remaining);
  if (reset !== undefined && reset >= 0) {
    // A value past a billion seconds is an epoch time, not a delay.
    reading.resetInMs = reset > 1e9 ? Math.max(0, reset * 1000 - nowMs) : reset * 1000;
  }
  return reading;
}

/** How one tenant's helpdesk calls are paced in one process. */
export interface HelpdeskPaceOptions {
  /** The share (0 to 1] of the helpdesk's limit the router may use; the rest is left to agents and other integrations. */
  share: number;
  /** The helpdesk's limit a minute, used while it has sent no rate-limit headers. */
  requestsPerMinute: number;
  clock: Clock;
  /** Failures in a row (timeouts, resets, 5xx) that stop calls for a while (default 5). */
  failureThreshold?: number;
  /** How long calls stop after those failures before one trial goes through (default 30 s). */
  pauseAfterFailuresMs?: number;
  /** Waits up to this long are slept through; longer ones hand the event back (default 1 s). */
  maxSleepMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

const WINDOW_MS = 60_000;

/** Two readings whose windows end this close together are of the same window. */
const LATE_COUNT_MS = 1500;
/** A rate-limit count older than this is read afresh before others' spending is guessed from it. */
const STALE_COUNT_MS = 2000;

/** What the last answer said of the window, with when it was read. */
interface Window {
  limit: number;
  remaining: number;
  resetAt: number;
  /** When the answer was read. */
  at: number;
}

/**
 * One tenant's helpdesk budget as this process sees it. Every answer's rate-limit headers say how
 * much of the account's limit is left, counting every processor's calls and the account's other
 * users, so the helpdesk itself is the shared state: a call goes out only while the requests left
 * (less those this process has in flight, and less what the others are likely to have spent
 * since the count was read, from how fast it fell beyond this process's own calls) stay above the
 * part of the limit the tenant keeps for others, `limit × (1 − share)`. Past that, or during a 429's Retry-After, or while the helpdesk
 * keeps failing, a call is not sent: HeldBackError says how long to wait, and the event goes back
 * to the queue with that delay instead of holding its batch. With no headers yet, calls are spaced
 * at `requestsPerMinute × share`.
 *
 * @example
 * const pace = new HelpdeskPace({ share: 0.8, requestsPerMinute: 700, clock });
 * const paced = pacedFetch(pace, fetch);
 */
export class HelpdeskPace {
  readonly #options: HelpdeskPaceOptions;
  readonly #breaker: CircuitBreaker;
  readonly #fallback: TokenBucket;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  #window: Window | undefined;
  #blockedUntil = 0;
  #inFlight = 0;
  /** This process's calls answered since the window was last read. */
  #answeredSince = 0;
  /**
   * How fast everyone else (other processors, the account's agents) spends the window, in
   * requests a millisecond: what the remaining count fell by beyond this process's own calls.
   */
  #othersPerMs = 0;
  /** How fast this process spends it, in requests a millisecond, read the same way. */
  #minePerMs = 0;
  /** How long this process's calls take to be answered, in ms (a moving average). */
  #lagMs = 0;

  constructor(options: HelpdeskPaceOptions) {
    if (!(options.share > 0 && options.share <= 1)) throw new RangeError(`share must be in (0, 1], got ${options.share}`);
    this.#options = options;
    this.#breaker = new CircuitBreaker({
      failureThreshold: options.failureThreshold ?? 5,
      resetAfterMs: options.pauseAfterFailuresMs ?? 30_000,
      clock: options.clock,
    });
    this.#fallback = new TokenBucket({ ratePerSecond: (options.requestsPerMinute * options.share) / 60, burst: 2, clock: options.clock });
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
  }

  /** Requests this process has sent and not yet had answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Waits for a short turn, or throws HeldBackError with how long to wait; resolves with a ticket
   * to report the answer on.
   */
  async admit(): Promise<PaceTicket> {
    const now = this.#options.clock.now().getTime();
    if (this.#blockedUntil > now) throw this.#heldBack('retry-after', this.#blockedUntil - now);
    const maxSleepMs = this.#options.maxSleepMs ?? 1000;
    const wait = this.#waitForBudget(now, maxSleepMs);
    if (wait > maxSleepMs) throw this.#heldBack('pace', wait);
    if (wait > 0) await this.#sleep(wait);
    const permit = this.#breaker.admit();
    if (!permit) throw this.#heldBack('failing', this.#breaker.state === 'half-open' ? 5_000 : this.#breaker.retryInMs);
    this.#inFlight += 1;
    const sentAt = this.#options.clock.now().getTime();
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.#inFlight -= 1;
      const took = this.#options.clock.now().getTime() - sentAt;
      this.#lagMs = this.#lagMs === 0 ? took : (this.#lagMs * 7 + took) / 8;
      return true;
    };
    return {
      answered: (status, headers) => {
        if (!settle()) return;
        this.#observe(status, headers);
        if (status >= 500) permit.failure();
        else permit.success();
      },
      failed: () => {
        if (settle()) permit.failure();
      },
    };
  }

  /**
   * Milliseconds until the budget allows one more call (0: now). With no headers seen, a wait
   * short enough to sleep through takes its turn now.
   */
  #waitForBudget(now: number, maxSleepMs: number): number {
    const window = this.#window;
    if (!window) {
      const wait = this.#fallback.peek();
      return wait <= maxSleepMs ? this.#fallback.reserve() : wait;
    }
    if (window.resetAt <= now) return 0;
    const reserve = Math.ceil(window.limit * (1 - this.#options.share));
    // An old count says little: one call at a time goes out to read it afresh.
    const age = now - window.at;
    if (age > STALE_COUNT_MS && this.#inFlight === 0) return 0;
    // What is left now: the last answer's count, less what the others have spent since it was
    // taken (at most one call's lag of their spending: they hold back by the same rule), less
    // the calls out: this process's, and the others', which are their rate times a call's lag,
    // or, if more, as many as this process has for each other process spending at its pace.
    const processes = Math.min(100, 1 + (this.#minePerMs > 0 ? this.#othersPerMs / this.#minePerMs : 0));
    const othersOut = Math.max(this.#othersPerMs * this.#lagMs, this.#inFlight * (processes - 1));
    const spentByOthers = this.#othersPerMs * Math.min(age, this.#lagMs) + othersOut;
    const left = window.remaining - spentByOthers - this.#inFlight - reserve;
    return left > 0 ? 0 : window.resetAt - now;
  }

  #observe(status: number, headers: Headers): void {
    const now = this.#options.clock.now().getTime();
    const reading = readRateLimitHeaders(headers, now);
    this.#answeredSince += 1;
    // A 429 while the account still has requests left is about something narrower (Zendesk's
    // per-ticket update limit): only that event waits. Otherwise the whole tenant does.
    if (status === 429 && !(reading.remaining !== undefined && reading.remaining > 0)) {
      const seconds = parseRetryAfter(headers.get('retry-after'), now);
      this.#blockedUntil = Math.max(this.#blockedUntil, now + seconds * 1000);
    }
    if (reading.remaining === undefined) return;
    const limit = reading.limit ?? this.#window?.limit ?? this.#options.requestsPerMinute;
    let resetAt: number;
    if (reading.resetInMs !== undefined) {
      resetAt = now + reading.resetInMs;
    } else {
      // No reset header (Freshdesk's minute slides): one request frees up every minute ÷ limit,
      // so wait for as many as are needed to rise above the reserve.
      const short = Math.ceil(limit * (1 - this.#options.share)) - reading.remaining + 1;
      resetAt = now + Math.max(1000, Math.ceil((short * WINDOW_MS) / limit));
    }
    const previous = this.#window;
    // Answers overtake one another: a higher count for the same window was taken before the one
    // already read, and going back to it would spend requests that are gone.
    if (
      previous &&
      previous.resetAt > now &&
      reading.remaining > previous.remaining &&
      Math.abs(resetAt - previous.resetAt) < LATE_COUNT_MS
    )
      return;
    if (previous && reading.remaining <= previous.remaining && now > previous.at) {
      const others = Math.max(0, previous.remaining - reading.remaining - this.#answeredSince);
      this.#othersPerMs = (this.#othersPerMs + others / (now - previous.at)) / 2;
      this.#minePerMs = (this.#minePerMs + this.#answeredSince / (now - previous.at)) / 2;
    }
    // A new window (the count went up) keeps the rates of the last one: the other processes did
    // not stop at the minute's turn, and forgetting them let every process spend the fresh
    // window as if it were alone, together past the limit, in its first seconds.
    this.#answeredSince = 0;
    this.#window = { limit, remaining: reading.remaining, resetAt, at: now };
  }

  /** A wait spread by up to a quarter more, so events held back together do not return together. */
  #heldBack(reason: HeldBackError['reason'], waitMs: number): HeldBackError {
    const spread = waitMs * (1 + this.#random() * 0.25);
    const seconds = Math.max(1, Math.ceil(spread / 1000));
    const why = {
      'retry-after': 'the helpdesk asked to wait (429)',
      pace: "the tenant's share of the helpdesk's rate limit is used",
      failing: 'the helpdesk keeps failing',
    }[reason];
    return new HeldBackError(`Not sent: ${why}; retry in ${seconds} s`, seconds, reason);
  }
}

/** Report how a paced call went, exactly once. */
export interface PaceTicket {
  /** The helpdesk answered (any status), with these headers. */
  answered(status: number, headers: Headers): void;
  /** No answer came: a timeout, a reset, a refused connection. */
  failed(): void;
}

/**
 * A fetch that asks the pace before each request and tells it every answer: the one place every
 * helpdesk adapter's calls are paced, whatever its client.
 *
 * @example const client = new ZendeskClient({ ..., fetch: pacedFetch(pace, fetch) })
 */
export function pacedFetch(pace: HelpdeskPace, inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const ticket = await pace.admit();
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      ticket.failed();
      throw error;
    }
    ticket.answered(response.status, response.headers);
    return response;
  };
}

/** What a tenant's pace is made from: its helpdesk configuration's two settings. */
export interface PaceSettings {
  apiShare: number;
  requestsPerMinute: number;
}

/**
 * One pace per tenant for this process, made on first use from the tenant's `apiShare` and
 * `requestsPerMinute`, and kept across client rebuilds.
 *
 * @example const paceFor = helpdeskPaces({ clock }); paceFor('acme', tenant.helpdesk)
 */
export function helpdeskPaces(
  options: Omit<HelpdeskPaceOptions, 'share' | 'requestsPerMinute'>,
): (tenantId: string, settings: PaceSettings) => HelpdeskPace {
  const paces = new Map<string, HelpdeskPace>();
  return (tenantId, settings) => {
    let pace = paces.get(tenantId);
    if (!pace) {
      pace = new HelpdeskPace({ ...options, share: settings.apiShare, requestsPerMinute: settings.requestsPerMinute });
      paces.set(tenantId, pace);
    }
    return pace;
  };
}
