import { describe, expect, it } from 'vitest';
import { RateLimitedError, TransientError } from '../../../shared/domain/errors.js';
import { retryDelaySeconds } from '../../../shared/domain/retry.js';

describe('retryDelaySeconds', () => {
  it('waits exactly as long as Retry-After asked', () => {
    expect(retryDelaySeconds(new RateLimitedError('slow down', 93), 1)).toBe(93);
    expect(retryDelaySeconds(new RateLimitedError('slow down', 93), 5)).toBe(93);
  });

  it('never waits longer than the maximum delay, even for a long Retry-After', () => {
    expect(retryDelaySeconds(new RateLimitedError('slow down', 5000), 1)).toBe(900);
  });

  it('doubles the backoff with each receive, with jitter in the upper half', () => {
    const low = () => 0;
    const high = () => 0.999;

    expect(retryDelaySeconds(new TransientError('503'), 1, undefined, low)).toBe(1);
    expect(retryDelaySeconds(new TransientError('503'), 1, undefined, high)).toBe(2);
    expect(retryDelaySeconds(new TransientError('503'), 4, undefined, low)).toBe(8);
    expect(retryDelaySeconds(new TransientError('503'), 4, undefined, high)).toBe(16);
  });

  it('caps the backoff', () => {
    expect(retryDelaySeconds(new TransientError('503'), 30, undefined, () => 0.999)).toBe(900);
  });
});
