import { describe, expect, it } from 'vitest';
import type { DecisionHistory } from '../../../../shared/domain/ports.js';
import type { DecisionDayPage, DecisionListing, DecisionSummary } from '../../../../shared/domain/decision-listing.js';
import type { ScoreFailureKind } from '../../../../shared/domain/score-lookup.js';
import { decisionReport } from '../../../../shared/use-cases/reporting/decision-report.js';

/** Listings by day, paged `limit` at a time as the index pages them. */
class DayPages implements DecisionHistory {
  readonly queries: string[] = [];
  constructor(private readonly byDay: Record<string, DecisionListing[]>) {}

  async listDay(tenant: string, day: string, options: { limit: number; cursor?: string }): Promise<DecisionDayPage> {
    this.queries.push(day);
    const all = (this.byDay[day] ?? []).filter((listing) => listing.tenant === tenant);
    const start = options.cursor ? Number(options.cursor) : 0;
    const listings = all.slice(start, start + options.limit);
    const end = start + listings.length;
    return { listings, after: listings.map((_, index) => String(start + index + 1)), ...(end < all.length ? { cursor: String(end) } : {}) };
  }
}

let next = 0;
function listing(day: string, summary: Partial<DecisionSummary> = {}, status: DecisionListing['status'] = 'applied'): DecisionListing {
  next += 1;
  return {
    tenant: 'acme',
    decisionId: `zendesk:ticket-created:${next}`,
    ticketId: String(next),
    source: 'zendesk',
    status,
    decidedAt: `${day}T10:00:00.000Z`,
    customerKey: `c${next % 7}`,
    summary: { tier: 'none', mode: 'active', uplift: 0, requestedUplift: 0, rules: [], guardrails: [], ...summary },
  };
}

const failed = (day: string, kind: ScoreFailureKind) => listing(day, { guardrails: ['no-score'], providerFailure: kind });

describe('decisionReport', () => {
  it("counts the provider's failures on the ticket path by kind and by day, the open breaker apart", async () => {
    const history = new DayPages({
      '2026-11-01': [
        failed('2026-11-01', 'timeout'),
        failed('2026-11-01', 'circuit-open'),
        failed('2026-11-01', 'circuit-open'),
        listing('2026-11-01', { tier: 'high', uplift: 1, rules: ['high-reach'] }),
      ],
      '2026-11-02': [listing('2026-11-02')],
      '2026-11-03': [failed('2026-11-03', 'rate-limited'), listing('2026-11-03', { guardrails: ['no-score'] })],
    });

    const report = await decisionReport({ tenant: 'acme', from: '2026-11-01', to: '2026-11-03' }, { history });

    expect(report.providerFailures).toEqual({
      total: 4,
      byKind: [
        { kind: 'circuit-open', tickets: 2 },
        { kind: 'rate-limited', tickets: 1 },
        { kind: 'timeout', tickets: 1 },
      ],
      byDay: [
        { day: '2026-11-01', failed: 3, circuitOpen: 2 },
        { day: '2026-11-02', failed: 0, circuitOpen: 0 },
        { day: '2026-11-03', failed: 1, circuitOpen: 0 },
      ],
    });
    // A provider that knew nothing is decided without a score too, but did not fail.
    expect(report.decidedWithoutScore).toBe(5);
    expect(report.decisions).toBe(7);
    expect(report.byTier.find((tier) => tier.tier === 'high')).toMatchObject({ tickets: 1, raised: 1 });
  });

  it('counts the decisions whose score came from a handle not trusted enough to raise, apart from those without a score', async () => {
    const history = new DayPages({
      '2026-11-04': [
        listing('2026-11-04', { guardrails: ['handle-not-trusted'] }),
        listing('2026-11-04', { guardrails: ['handle-not-trusted'] }),
        listing('2026-11-04', { guardrails: ['no-score'] }),
        listing('2026-11-04', {
          tier: 'high',
          uplift: 1,
          rules: ['high-reach'],
          score: { value: 64, source: 'provider', freshness: 'fresh', trust: 'verified' },
        }),
      ],
    });

    const report = await decisionReport({ tenant: 'acme', from: '2026-11-04', to: '2026-11-04' }, { history });

    expect(report.handleNotTrusted).toBe(2);
    expect(report.decidedWithoutScore).toBe(1);
  });

  it('reads every page of a day, one query each, and never another tenant', async () => {
    const day = Array.from({ length: 2500 }, () => listing('2026-11-05'));
    const history = new DayPages({ '2026-11-05': [...day, { ...listing('2026-11-05'), tenant: 'globex' }] });

    const report = await decisionReport({ tenant: 'acme', from: '2026-11-05', to: '2026-11-05' }, { history });

    expect(report.decisions).toBe(2500);
    expect(report.requests).toBe(3);
    expect(history.queries).toEqual(['2026-11-05', '2026-11-05', '2026-11-05']);
  });

  it('counts each customer once, in the tier of their latest decision, so the shares of customers add up to 100 %', async () => {
    const at = (day: string, hour: string, tier: DecisionSummary['tier'], customerKey: string) => ({
      ...listing(day, { tier }),
      decidedAt: `${day}T${hour}:00:00.000Z`,
      customerKey,
    });
    const history = new DayPages({
      '2026-11-01': [at('2026-11-01', '09', 'standard', 'ada'), at('2026-11-01', '08', 'none', 'grace')],
      '2026-11-02': [at('2026-11-02', '12', 'high', 'ada'), at('2026-11-02', '07', 'standard', 'ada')],
    });

    const report = await decisionReport({ tenant: 'acme', from: '2026-11-01', to: '2026-11-02' }, { history });

    expect(report.customers).toBe(2);
    expect(Object.fromEntries(report.byTier.map((tier) => [tier.tier, tier.customers]))).toEqual({
      none: 1,
      standard: 0,
      notable: 0,
      high: 1,
      top: 0,
    });
    expect(report.byTier.reduce((sum, tier) => sum + tier.customers, 0)).toBe(report.customers);
  });

  it('counts a baseline record (a solved ticket never decided) for service times only, not as a decision', async () => {
    const history = new DayPages({
      '2026-11-01': [
        listing('2026-11-01', { solvedAt: '2026-11-01T12:00:00.000Z', frMin: 30, resMin: 120, reopens: 0 }, 'baseline'),
        listing('2026-11-01'),
      ],
    });

    const report = await decisionReport({ tenant: 'acme', from: '2026-11-01', to: '2026-11-01' }, { history });

    expect(report.decisions).toBe(1);
    expect(report.baselineTickets).toBe(1);
    expect(report.service.map((ticket) => ticket.arm)).toEqual(['everyone-else', 'everyone-else']);
  });
});
