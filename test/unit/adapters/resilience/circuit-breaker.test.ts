import { describe, expect, it } from 'vitest';
import { type BreakerState, CircuitBreaker } from '../../../../shared/adapters/resilience/circuit-breaker.js';
import { FixedClock } from '../../../support/fakes.js';

function breaker(failureThreshold = 3, resetAfterMs = 30_000) {
  const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
  const changes: [BreakerState, BreakerState][] = [];
  const cb = new CircuitBreaker({ failureThreshold, resetAfterMs, clock, onStateChange: (from, to) => changes.push([from, to]) });
  return { cb, clock, changes };
}

function fail(cb: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) cb.admit()?.failure();
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    const { cb } = breaker(3);

    fail(cb, 2);
    cb.admit()?.success();
    fail(cb, 2);

    expect(cb.state).toBe('closed');
    expect(cb.consecutiveFailures).toBe(2);
  });

  it('opens after the threshold of failures in a row and then fails fast', () => {
    const { cb, changes } = breaker(3);

    fail(cb, 3);

    expect(cb.state).toBe('open');
    expect(cb.admit()).toBeUndefined();
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('lets exactly one trial through once the reset time has passed', () => {
    const { cb, clock } = breaker(1, 30_000);
    fail(cb, 1);

    clock.advance(29_999);
    const early = cb.admit();
    clock.advance(1);
    const trial = cb.admit();
    const second = cb.admit();

    expect(early).toBeUndefined();
    expect(trial).toBeDefined();
    expect(cb.state).toBe('half-open');
    expect(second).toBeUndefined();
  });

  it('closes when the trial succeeds', () => {
    const { cb, clock, changes } = breaker(1, 1000);
    fail(cb, 1);
    clock.advance(1000);

    cb.admit()?.success();

    expect(cb.state).toBe('closed');
    expect(cb.admit()).toBeDefined();
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('opens again for a full period when the trial fails', () => {
    const { cb, clock } = breaker(1, 1000);
    fail(cb, 1);
    clock.advance(1000);

    cb.admit()?.failure();
    clock.advance(999);

    expect(cb.state).toBe('open');
    expect(cb.admit()).toBeUndefined();
    clock.advance(1);
    expect(cb.state).toBe('half-open');
  });

  it('ignores a late result from a call admitted before the breaker opened', () => {
    const { cb } = breaker(2);
    const slow = cb.admit();
    fail(cb, 2);

    slow?.success();

    expect(cb.state).toBe('open');
  });

  it('counts a permit once however often it is settled', () => {
    const { cb } = breaker(2);
    const permit = cb.admit();

    permit?.failure();
    permit?.failure();

    expect(cb.consecutiveFailures).toBe(1);
    expect(cb.state).toBe('closed');
  });

  it('refuses a threshold that is not a positive integer', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, resetAfterMs: 1, clock: new FixedClock(new Date()) })).toThrow(RangeError);
  });
});
