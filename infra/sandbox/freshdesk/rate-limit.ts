import { fail } from '../http.js';
import { RATE_LIMIT_BODY } from './schemas.js';

const WINDOW_MS = 60_000;

/**
 * The account-wide limit, as Freshdesk counts it: a sliding minute of served requests, failed
 * ones included; refusals are not counted, so waiting Retry-After always frees a slot.
 */
export class AccountLimit {
  readonly #served: number[] = [];

  constructor(private readonly perMinute: number) {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new Error('sandbox freshdesk: ratePerMinute must be a positive integer');
  }

  /** Takes one request of the minute and answers its headers, or throws Freshdesk's 429. */
  take(): Record<string, string> {
    const served = this.#served;
    const now = Date.now();
    while (served[0] !== undefined && served[0] <= now - WINDOW_MS) served.shift();
    const oldest = served[0];
    if (served.length >= this.perMinute && oldest !== undefined) {
      const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
      throw fail(429, RATE_LIMIT_BODY, { ...this.headers(0), 'retry-after': String(retryAfter) });
    }
    served.push(now);
    return this.headers(this.perMinute - served.length);
  }

  /** The rate-limit headers with `remaining` requests left. */
  headers(remaining: number): Record<string, string> {
    return {
      'x-ratelimit-total': String(this.perMinute),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used-currentrequest': '1',
    };
  }

  /** What is left of the minute now, without taking a request. */
  remaining(): number {
    const since = Date.now() - WINDOW_MS;
    return Math.max(0, this.perMinute - this.#served.filter((at) => at > since).length);
  }
}
