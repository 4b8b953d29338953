import type { Clock } from '../../domain/ports.js';

/** Where a breaker stands: `closed` lets calls through, `open` fails them fast, `half-open` lets one trial through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** When a breaker opens and when it tries again. */
export interface CircuitBreakerOptions {
  /** Failures in a row that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one trial call is let through. */
  resetAfterMs: number;
  clock: Clock;
  /** Told of every change of state, e.g. to log it. */
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/** Permission for one call; report how it went exactly once. */
export interface BreakerPermit {
  success(): void;
  failure(): void;
}

/**
 * A circuit breaker for one outside service: closed until `failureThreshold` failures in a row,
 * then open (calls fail fast) for `resetAfterMs`, then half-open: one trial call goes through,
 * and its outcome closes the breaker or opens it again. Results of calls admitted before the last
 * change of state are ignored, so a slow call from a previous period cannot close a breaker that
 * has since opened.
 *
 * @example
 * const permit = breaker.admit();
 * if (!permit) return failFast();
 * try { const answer = await call(); permit.success(); } catch { permit.failure(); }
 */
export class CircuitBreaker {
  #state: 'closed' | 'open' | 'half-open' = 'closed';
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;
  #generation = 0;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${options.failureThreshold}`);
    }
  }

  /** The state now; an open breaker whose wait is over reads as half-open. */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#waitIsOver()) return 'half-open';
    return this.#state;
  }

  /** Milliseconds until an open breaker lets a trial through (0 when it is not open or the wait is over). */
  get retryInMs(): number {
    if (this.#state !== 'open') return 0;
    return Math.max(0, this.options.resetAfterMs - (this.options.clock.now().getTime() - this.#openedAt));
  }

  /** Failures in a row counted so far while closed. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  /**
   * A permit to make one call, or undefined to fail fast: while open, and while a half-open trial
   * is still out.
   */
  admit(): BreakerPermit | undefined {
    if (this.#state === 'open') {
      if (!this.#waitIsOver()) return undefined;
      this.#moveTo('half-open');
    }
    if (this.#state === 'half-open') {
      if (this.#trialInFlight) return undefined;
      this.#trialInFlight = true;
    }
    return this.#permit(this.#generation);
  }

  #permit(generation: number): BreakerPermit {
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (generation !== this.#generation) return;
      if (ok) this.#onSuccess();
      else this.#onFailure();
    };
    return { success: () => settle(true), failure: () => settle(false) };
  }

  #onSuccess(): void {
    this.#failures = 0;
    if (this.#state === 'half-open') this.#moveTo('closed');
  }

  #onFailure(): void {
    if (this.#state === 'half-open') {
      this.#open();
      return;
    }
    this.#failures += 1;
    if (this.#failures >= this.options.failureThreshold) this.#open();
  }

  #open(): void {
    this.#openedAt = this.options.clock.now().getTime();
    this.#moveTo('open');
  }

  #waitIsOver(): boolean {
    return this.options.clock.now().getTime() - this.#openedAt >= this.options.resetAfterMs;
  }

  #moveTo(next: 'closed' | 'open' | 'half-open'): void {
    const from = this.#state;
    this.#state = next;
    this.#generation += 1;
    this.#trialInFlight = false;
    if (next === 'closed') this.#failures = 0;
    if (from !== next) this.options.onStateChange?.(from, next);
  }
}
