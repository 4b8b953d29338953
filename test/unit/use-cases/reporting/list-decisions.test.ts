import { describe, expect, it } from 'vitest';
import type { DecisionHistory } from '../../../../shared/domain/ports.js';
import type { DecisionDayPage, DecisionListing } from '../../../../shared/domain/decision-listing.js';
import type { Tier } from '../../../../shared/domain/tiers.js';
import { DecisionCursorError, listDecisions } from '../../../../shared/use-cases/reporting/list-decisions.js';

/** Decisions by day in memory, paged as the index pages them: newest first, `limit` at a time. */
class MemoryHistory implements DecisionHistory {
  queries: string[] = [];

  constructor(private readonly listings: DecisionListing[]) {}

  async listDay(tenant: string, day: string, options: { limit: number; cursor?: string }): Promise<DecisionDayPage> {
    this.queries.push(day);
    const ofDay = this.listings
      .filter((listing) => listing.tenant === tenant && listing.decidedAt.startsWith(day))
      .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt));
    const start = options.cursor ? Number(options.cursor) : 0;
    const listings = ofDay.slice(start, start + options.limit);
    return {
      listings,
      after: listings.map((_, index) => String(start + index + 1)),
      ...(start + options.limit < ofDay.length ? { cursor: String(start + options.limit) } : {}),
    };
  }
}

function listing(ticketId: number, decidedAt: string, tier: Tier, extra: Partial<DecisionListing> = {}): DecisionListing {
  return {
    tenant: 'acme',
    decisionId: `zendesk:ticket-created:${ticketId}`,
    ticketId: String(ticketId),
    source: 'zendesk',
    status: 'applied',
    decidedAt,
    summary: {
      tier,
      mode: 'active',
      uplift: tier === 'none' ? 0 : 1,
      requestedUplift: 1,
      rules: tier === 'none' ? [] : [`reach-${tier}`],
      guardrails: [],
    },
    ...extra,
  };
}

// 250 decisions a day over three days, every fifth one high tier; one from another tenant.
const LISTINGS = ['2026-11-21', '2026-11-22', '2026-11-23'].flatMap((day, d) =>
  Array.from({ length: 250 }, (_, i) =>
    listing(
      d * 1000 + i,
      `${day}T${String(Math.floor(i / 60) + 8).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000Z`,
      i % 5 === 0 ? 'high' : 'none',
    ),
  ),
);
LISTINGS.push(listing(9999, '2026-11-23T23:00:00.000Z', 'high', { tenant: 'other' }));

describe('listDecisions', () => {
  it('pages every decision of the period newest first, across days, once each, with bounded reads', async () => {
    const history = new MemoryHistory(LISTINGS);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listDecisions(
        { tenant: 'acme', from: '2026-11-21', to: '2026-11-23', limit: 40, ...(cursor ? { cursor } : {}) },
        { history },
      );
      seen.push(...page.decisions.map((decision) => decision.decidedAt));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);

    expect(seen).toHaveLength(750);
    expect(new Set(seen).size).toBe(750);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(pages).toBe(Math.ceil(750 / 40));
  });

  it('filters by tier, status and rule, and goes on from the cursor without repeating or missing one', async () => {
    const history = new MemoryHistory(LISTINGS);

    const first = await listDecisions({ tenant: 'acme', from: '2026-11-21', to: '2026-11-23', tier: 'high', limit: 30 }, { history });
    const second = await listDecisions(
      { tenant: 'acme', from: '2026-11-21', to: '2026-11-23', tier: 'high', limit: 30, ...(first.cursor ? { cursor: first.cursor } : {}) },
      { history },
    );
    const byRule = await listDecisions(
      { tenant: 'acme', from: '2026-11-23', to: '2026-11-23', rule: 'reach-high', limit: 100 },
      { history },
    );
    const failed = await listDecisions({ tenant: 'acme', from: '2026-11-21', to: '2026-11-23', status: 'failed', limit: 10 }, { history });

    const high = LISTINGS.filter((l) => l.tenant === 'acme' && l.summary.tier === 'high').sort((a, b) =>
      b.decidedAt.localeCompare(a.decidedAt),
    );
    expect([...first.decisions, ...second.decisions].map((d) => d.ticketId)).toEqual(high.slice(0, 60).map((d) => d.ticketId));
    expect(byRule.decisions).toHaveLength(50);
    expect(byRule.decisions.every((d) => d.summary.rules.includes('reach-high'))).toBe(true);
    expect(failed.decisions).toEqual([]);
    expect(failed.cursor).toBeUndefined();
    // Three days of 250, read 100 at a time: three queries a day, never a scan.
    expect(failed.requests).toBe(9);
  });

  it('refuses a cursor it did not give out, or one outside the period', async () => {
    const history = new MemoryHistory(LISTINGS);
    const page = await listDecisions({ tenant: 'acme', from: '2026-11-23', to: '2026-11-23', limit: 5 }, { history });

    await expect(
      listDecisions({ tenant: 'acme', from: '2026-11-23', to: '2026-11-23', limit: 5, cursor: 'nonsense' }, { history }),
    ).rejects.toThrow(DecisionCursorError);
    await expect(
      listDecisions({ tenant: 'acme', from: '2026-11-01', to: '2026-11-10', limit: 5, cursor: page.cursor ?? '' }, { history }),
    ).rejects.toThrow(DecisionCursorError);
  });
});
