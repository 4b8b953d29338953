import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../shared/adapters/resilience/rate-limiter.js';
import { FixedClock } from '../../../support/fakes.js';

/** A clock whose sleep moves time on, so waits are exact and instant. */
function virtualTime() {
  const start = new Date('2026-11-23T10:00:00Z');
  const clock = new FixedClock(start);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const elapsed = () => clock.now().getTime() - start.getTime();
  return { clock, sleep, sleeps, elapsed };
}

describe('TokenBucket', () => {
  it('spaces calls evenly at the rate', async () => {
    const { clock, sleep, elapsed } = virtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 5, clock, sleep });
    const starts: number[] = [];

    for (let i = 0; i < 6; i += 1) {
      await bucket.acquire();
      starts.push(elapsed());
    }

    expect(starts).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it('counts the time a call took towards the next wait', async () => {
    const { clock, sleep, sleeps } = virtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 2, clock, sleep });

    await bucket.acquire();
    clock.advance(300);
    await bucket.acquire();
    clock.advance(600);
    await bucket.acquire();

    expect(sleeps).toEqual([200]);
  });

  it('queues overlapping callers in arrival order', async () => {
    const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
    const bucket = new TokenBucket({ ratePerSecond: 10, clock, sleep: async () => {} });

    const waits = [bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()];

    expect(waits).toEqual([0, 100, 200, 300]);
  });

  it('lets a burst through after a quiet period, then falls back to the rate', () => {
    const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 3, clock, sleep: async () => {} });
    for (let i = 0; i < 3; i += 1) bucket.reserve();

    clock.advance(10_000);
    const waits = [bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()];

    expect(waits).toEqual([0, 0, 0, 250]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, clock: new FixedClock(new Date()) })).toThrow(RangeError);
  });
});
