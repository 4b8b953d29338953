import { describe, expect, inject, it } from 'vitest';
import { formatSimulation, runSimulation } from '../../infra/load/simulation.js';

describe('npm run simulate', () => {
  it('keeps the other tenants fast while one helpdesk times out and one throttles, keeps a big tenant under its limit, and drains faster with more consumers', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';

    const result = await runSimulation(
      {
        tenants: 12,
        perTenantPerMinute: 30,
        bigPerMinute: 300,
        bigLimitPerMinute: 400,
        seconds: 12,
        consumerSteps: [1, 8],
        backlog: 240,
        consumers: 8,
        burst: 500,
        latencyMs: 100,
        seed: 3,
      },
      () => {},
      inject('dynamoDbEndpoint'),
    );

    // More consumers drain the same backlog faster.
    const [one, eight] = result.throughput;
    expect(eight?.eventsPerSecond ?? 0).toBeGreaterThan((one?.eventsPerSecond ?? Infinity) * 1.5);
    for (const phase of [result.clean, result.faulty]) {
      // Every ticket of every healthy tenant written, the big one's backlog flat, and no 429 from
      // any helpdesk's own limit: the router's pace kept every tenant within its share.
      expect(phase.others.count).toBe(phase.sent - phase.big.sent - phase.timingOut.sent - phase.throttled.sent);
      expect(phase.big.count).toBe(phase.big.sent);
      expect(phase.bigBacklog.steady).toBe(true);
      expect(phase.limit429).toBe(0);
    }
    // The faults were real: nothing through the helpdesk that times out, 429s from the other.
    expect(result.faulty.timingOut.count).toBe(0);
    expect(result.faulty.received429['sim-002']).toBeGreaterThan(0);
    expect(result.clean.received429).toEqual({});
    expect(result.othersP99Ratio).toBeLessThanOrEqual(3);
    // A burst above the big tenant's share of a minute is held to its share: no 429 from its limit.
    expect(result.burst).toMatchObject({ sent: 500, written: 500, limit429: 0 });
    expect(result.ok).toBe(true);
    expect(formatSimulation(result).join('\n')).toContain('within every helpdesk limit');
  }, 240_000);
});
