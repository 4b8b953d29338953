import { PermanentHelpdeskError, RateLimitedError, TransientError } from '../../domain/errors.js';
import type { ScoreFailureKind, ScoreLookup } from '../../domain/score-lookup.js';

/** A failed lookup. */
export type FailedLookup = Extract<ScoreLookup, { outcome: 'failed' }>;

/**
 * A failed lookup with its kind and a short reason an agent or operator can read.
 *
 * @example failed('timeout', 'no answer within 800 ms')
 */
export function failed(kind: ScoreFailureKind, reason: string, retryAfterMs?: number): FailedLookup {
  return { outcome: 'failed', kind, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

/** True when a TransientError came from a timeout rather than a refused or dropped connection. */
export function isTimeout(error: unknown): boolean {
  return error instanceof TransientError && error.cause instanceof Error && error.cause.name === 'TimeoutError';
}

/**
 * Maps an error from an outbound call to a failed lookup: timeouts, transient failures, rate
 * limits, refusals; anything else is reported as unavailable with its name only, since an
 * unknown message may carry data that must not reach a note.
 *
 * @example failureOf(new RateLimitedError('slow down', 30)) // { outcome: 'failed', kind: 'rate-limited', retryAfterMs: 30000, ... }
 */
export function failureOf(error: unknown): FailedLookup {
  if (isTimeout(error)) return failed('timeout', 'no answer in time');
  if (error instanceof RateLimitedError) {
    return failed('rate-limited', `rate limited, retry after ${error.retryAfterSeconds} s`, error.retryAfterSeconds * 1000);
  }
  if (error instanceof TransientError) return failed('unavailable', 'temporarily unavailable');
  if (error instanceof PermanentHelpdeskError) return failed('rejected', `request refused with HTTP ${error.status}`);
  return failed('unavailable', error instanceof Error ? `unexpected ${error.name}` : 'unexpected failure');
}
