import type { Clock, RateLimiter } from '../../domain/ports.js';

/** Waits `ms` milliseconds; injected so tests need not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep, on the event loop's timers. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** How fast a token bucket refills and how many calls it lets through at once. */
export interface TokenBucketOptions {
  ratePerSecond: number;
  /** Calls allowed back to back after a quiet period (default 1: calls are evenly spaced). */
  burst?: number;
  clock: Clock;
  sleep?: Sleep;
}

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up; each call takes one.
 * A caller finding the bucket empty reserves the next token at once (the balance goes negative)
 * and sleeps until it is due, so callers queue in arrival order even when they overlap.
 *
 * @example
 * const limiter = new TokenBucket({ ratePerSecond: 5, clock: { now: () => new Date() } });
 * await limiter.acquire(); // at most 5 of these a second
 */
export class TokenBucket implements RateLimiter {
  readonly #intervalMs: number;
  readonly #burst: number;
  readonly #sleep: Sleep;
  #tokens: number;
  #at: number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!Number.isFinite(options.ratePerSecond) || options.ratePerSecond <= 0) {
      throw new RangeError(`ratePerSecond must be positive, got ${options.ratePerSecond}`);
    }
    this.#intervalMs = 1000 / options.ratePerSecond;
    this.#burst = Math.max(1, options.burst ?? 1);
    this.#sleep = options.sleep ?? realSleep;
    this.#tokens = this.#burst;
    this.#at = options.clock.now().getTime();
  }

  /** Resolves when the caller may make its call; how long that took is up to the rate. */
  async acquire(): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs > 0) await this.#sleep(waitMs);
  }

  /** Milliseconds until a token is free, without taking one (0: one is free now). */
  peek(): number {
    const now = this.options.clock.now().getTime();
    const tokens = Math.min(this.#burst, this.#tokens + Math.max(0, now - this.#at) / this.#intervalMs);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * this.#intervalMs);
  }

  /** Takes a token now and returns how many milliseconds to wait before using it. */
  reserve(): number {
    const now = this.options.clock.now().getTime();
    const elapsed = Math.max(0, now - this.#at);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed / this.#intervalMs);
    this.#at = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil(-this.#tokens * this.#intervalMs);
  }
}
