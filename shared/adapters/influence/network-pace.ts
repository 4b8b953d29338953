import type { Clock } from '../../domain/ports.js';
import { parseRetryAfter } from '../http/json-request.js';
import { realSleep, type Sleep } from '../resilience/rate-limiter.js';

/** How one tenant's calls to one network are paced in one process. */
export interface NetworkPaceOptions {
  /** The network's limit used until its rate-limit headers say otherwise. */
  requestsPerWindow: number;
  windowMs: number;
  /** The share (0 to 1] of the network's limit used; the rest is left for other users of the same address or key. */
  share: number;
  clock: Clock;
  sleep?: Sleep;
  /** Waits up to this long are slept through by the scheduled refresh; longer ones end its run for this network (default 2 s). */
  maxSleepMs?: number;
}

/** Whether a request may go now, or how long until it may. */
export type PacePermit = { go: true } | { go: false; waitMs: number; reason: string };

const NUMBER = /^\s*\d+(\.\d+)?\s*$/;

/**
 * A rate-limit reset header as milliseconds from now: seconds to wait (Bluesky's draft headers
 * when small), epoch seconds (GitHub's `x-ratelimit-reset`, Bluesky's xrpc-server) or an ISO 8601
 * time (Mastodon's `X-RateLimit-Reset`).
 *
 * @example resetInMs('2026-12-05T12:00:00.000Z', Date.parse('2026-12-05T11:59:00Z')) // 60000
 */
export function resetInMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  if (NUMBER.test(value)) {
    const n = Number(value);
    return n > 1e9 ? Math.max(0, n * 1000 - nowMs) : n * 1000;
  }
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

function headerNumber(headers: Headers, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null && NUMBER.test(value)) return Number(value);
  }
  return undefined;
}

/**
 * The pace of one tenant's calls to one network. It counts its own calls in a window of the
 * network's size until the network sends rate-limit headers (`RateLimit-*`, `X-RateLimit-*`,
 * `x-ratelimit-*`), then follows them: a call goes out only while the requests left stay above
 * the part of the limit kept for others. A 429 (or GitHub's 403 with no requests left) holds every
 * call back until its `Retry-After` or the window's reset. The ticket path never waits
 * (`permit('inline')` answers how long instead); the scheduled refresh sleeps through short waits.
 *
 * @example const pace = new NetworkPace({ requestsPerWindow: 60, windowMs: 3_600_000, share: 1, clock });
 */
export class NetworkPace {
  readonly #sleep: Sleep;
  #limit: number;
  #remaining: number;
  #resetAt: number;
  #heldUntil = 0;
  #heldReason = 'held back after a 429';
  #inFlight = 0;

  constructor(private readonly options: NetworkPaceOptions) {
    this.#sleep = options.sleep ?? realSleep;
    this.#limit = options.requestsPerWindow;
    this.#remaining = options.requestsPerWindow;
    this.#resetAt = options.clock.now().getTime() + options.windowMs;
  }

  /** Whether a call may go now; for the scheduled refresh, short waits are slept through first. */
  async permit(purpose: 'inline' | 'scheduled'): Promise<PacePermit> {
    for (;;) {
      const answer = this.#check();
      if (answer.go) {
        this.#inFlight += 1;
        return answer;
      }
      if (purpose === 'inline' || answer.waitMs > (this.options.maxSleepMs ?? 2000)) return answer;
      await this.#sleep(answer.waitMs);
    }
  }

  /** Reads a network's answer: its rate-limit headers, and a 429 or an exhausted limit that holds calls back. */
  record(status: number, headers: Headers): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const now = this.options.clock.now().getTime();
    const limit = headerNumber(headers, ['ratelimit-limit', 'x-ratelimit-limit']);
    const remaining = headerNumber(headers, ['ratelimit-remaining', 'x-ratelimit-remaining']);
    const reset = resetInMs(headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset'), now);
    if (limit !== undefined && limit > 0) this.#limit = limit;
    // Without headers the pace counts its own calls; with them, the network's count wins.
    this.#remaining = remaining !== undefined ? Math.max(0, remaining) : Math.max(0, this.#remaining - 1);
    if (reset !== undefined) this.#resetAt = now + reset;
    // GitHub answers its limits with 403 as well as 429: no requests left, or a secondary limit's Retry-After.
    const exhausted = status === 403 && (remaining === 0 || headers.has('retry-after'));
    if (status === 429 || exhausted) {
      const retryAfter = headers.get('retry-after');
      const waitMs =
        retryAfter !== null
          ? parseRetryAfter(retryAfter, now, { fallbackSeconds: 60, maxSeconds: 3600 }) * 1000
          : Math.max(1000, this.#resetAt - now);
      this.#heldUntil = Math.max(this.#heldUntil, now + waitMs);
      this.#heldReason =
        status === 429 ? 'held back after a 429' : `held back: its limit of ${this.#limit} requests is used up until it resets`;
    }
  }

  /** A call that got no answer (a timeout, a refused connection): it no longer counts as in flight. */
  abandon(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#remaining = Math.max(0, this.#remaining - 1);
  }

  /** Milliseconds until calls may go again, 0 when they may now. */
  heldForMs(): number {
    const answer = this.#check();
    return answer.go ? 0 : answer.waitMs;
  }

  #check(): PacePermit {
    const now = this.options.clock.now().getTime();
    if (now < this.#heldUntil) return { go: false, waitMs: this.#heldUntil - now, reason: this.#heldReason };
    if (now >= this.#resetAt) {
      this.#remaining = this.#limit;
      this.#resetAt = now + this.options.windowMs;
    }
    const reserve = Math.floor(this.#limit * (1 - this.options.share));
    if (this.#remaining - this.#inFlight <= reserve) {
      return { go: false, waitMs: Math.max(1, this.#resetAt - now), reason: `its limit of ${this.#limit} requests is used up` };
    }
    return { go: true };
  }
}
