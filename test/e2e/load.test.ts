import { describe, expect, it } from 'vitest';
import { formatLoad, runLoad } from '../../infra/load/load-run.js';

describe('npm run load', () => {
  it('applies every accepted ticket once or dead-letters it with its reason while a third of helpdesk calls fail, and all are applied after the replay', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';

    const result = await runLoad({ events: 120, tenants: 4, concurrency: 8, faultRate: 0.3, seed: 7 }, () => {});

    expect(result.accepted).toBe(120);
    expect(result.helpdesk.faulted / result.helpdesk.requests).toBeGreaterThan(0.15);
    // Every kind of fault the run injects was met: resets (logged as 0), 429, 5xx.
    expect(Object.keys(result.helpdesk.byStatus)).toEqual(expect.arrayContaining(['0', '429', '500', '503', '504']));
    expect(result.ledger).toMatchObject({ ok: true, unaccounted: [], withoutReason: [], wrongNotes: [] });
    expect(result.ledger.final.applied).toBeGreaterThan(0);
    expect(result.afterReplay).toMatchObject({ ok: true, deadLettered: 0 });
    expect(result.afterReplay.final.applied + result.afterReplay.final.skipped).toBe(120);
    expect(formatLoad(result).join('\n')).toContain('ledger holds');
  }, 240_000);
});

describe('npm run load -- --queue sqs', () => {
  it('holds the ledger with the events going through the SQS adapters to the emulator and back through the event source, in real time', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';

    const result = await runLoad({ events: 60, tenants: 3, concurrency: 6, faultRate: 0.1, seed: 11, queue: 'sqs' }, () => {});

    expect(result.accepted).toBe(60);
    expect(result.helpdesk.faulted).toBeGreaterThan(0);
    expect(result.ledger).toMatchObject({ ok: true, unaccounted: [], withoutReason: [], wrongNotes: [] });
    expect(result.afterReplay).toMatchObject({ ok: true, deadLettered: 0 });
    expect(result.afterReplay.final.applied + result.afterReplay.final.skipped).toBe(60);
    expect(formatLoad(result).join('\n')).toContain('SQS (fauxqs emulator, real time)');
  }, 240_000);
});
