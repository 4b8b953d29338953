import { RateLimitedError } from './errors.js';

/** How failed events are retried before they go to the dead-letter queue. */
export interface RetryPolicy {
  /** First backoff delay in seconds. */
  baseDelaySeconds: number;
  /** Longest delay in seconds (SQS allows up to 12 hours; webhooks want minutes). */
  maxDelaySeconds: number;
}

/** Default: 2 s, doubling, at most 15 minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelaySeconds: 2, maxDelaySeconds: 900 };

/**
 * Seconds to wait before the next attempt: exactly what a 429's Retry-After asked for, else
 * exponential backoff on the receive count with full jitter (so retries of a burst spread out).
 *
 * @example retryDelaySeconds(new RateLimitedError('slow', 30), 1) // 30
 */
export function retryDelaySeconds(
  error: unknown,
  receiveCount: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  if (error instanceof RateLimitedError) {
    return Math.min(Math.max(1, Math.ceil(error.retryAfterSeconds)), policy.maxDelaySeconds);
  }
  const exponential = policy.baseDelaySeconds * 2 ** Math.max(0, receiveCount - 1);
  const capped = Math.min(exponential, policy.maxDelaySeconds);
  return Math.max(1, Math.ceil(capped / 2 + random() * (capped / 2)));
}
