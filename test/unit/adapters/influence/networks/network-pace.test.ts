import { describe, expect, it } from 'vitest';
import { NetworkPace, resetInMs } from '../../../../../shared/adapters/influence/network-pace.js';

function manualClock(start = Date.parse('2026-12-05T12:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('NetworkPace', () => {
  it('holds every call back for a 429 Retry-After, answering the ticket path at once with how long', async () => {
    const clock = manualClock();
    const pace = new NetworkPace({ requestsPerWindow: 300, windowMs: 300_000, share: 1, clock });
    await pace.permit('inline');

    pace.record(429, new Headers({ 'retry-after': '30' }));

    expect(await pace.permit('inline')).toEqual({ go: false, waitMs: 30_000, reason: 'held back after a 429' });
    clock.advance(30_000);
    expect(await pace.permit('inline')).toEqual({ go: true });
  });

  it("follows the network's headers: GitHub's exhausted 403 waits for x-ratelimit-reset (epoch seconds)", async () => {
    const clock = manualClock();
    const pace = new NetworkPace({ requestsPerWindow: 60, windowMs: 3_600_000, share: 1, clock });
    await pace.permit('scheduled');
    const reset = String(Math.floor(clock.now().getTime() / 1000) + 600);

    pace.record(403, new Headers({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }));

    expect(await pace.permit('scheduled')).toEqual({
      go: false,
      waitMs: 600_000,
      reason: 'held back: its limit of 60 requests is used up until it resets',
    });
  });

  it('stops at its own count of the limit when the network sends no headers, keeping the share for others', async () => {
    const clock = manualClock();
    const pace = new NetworkPace({ requestsPerWindow: 10, windowMs: 60_000, share: 0.5, clock });
    let sent = 0;
    for (let i = 0; i < 10; i += 1) {
      const permit = await pace.permit('inline');
      if (!permit.go) break;
      pace.record(200, new Headers());
      sent += 1;
    }

    expect(sent).toBe(5);
    clock.advance(60_000);
    expect(await pace.permit('inline')).toEqual({ go: true });
  });

  it("reads Mastodon's ISO 8601 reset, an epoch and a delay in seconds", () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(resetInMs('2026-12-05T12:05:00.000000Z', now)).toBe(300_000);
    expect(resetInMs(String(now / 1000 + 60), now)).toBe(60_000);
    expect(resetInMs('41', now)).toBe(41_000);
    expect(resetInMs('soon', now)).toBeUndefined();
  });
});
