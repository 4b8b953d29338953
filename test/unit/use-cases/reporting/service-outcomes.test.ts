import { describe, expect, it } from 'vitest';
import { DecisionListingSchema, decisionIndexAttributes } from '../../../../shared/adapters/store/decision-items.js';
import type { DecisionDayPage, DecisionListing } from '../../../../shared/domain/decision-listing.js';
import type { DecisionRecord } from '../../../../shared/domain/decision-record.js';
import type { DecisionHistory } from '../../../../shared/domain/ports.js';
import type { IndexedAnswer } from '../../../../shared/domain/survey-answers.js';
import { decisionReport } from '../../../../shared/use-cases/reporting/decision-report.js';
import { observeService, serviceOutcomes } from '../../../../shared/use-cases/reporting/service-outcomes.js';
import { generateDecisions, type GeneratedOutcomes } from '../../../support/generated-decisions.js';

/** The records as the decisions-by-day index lists them, one day at a time, pages of `limit`. */
class IndexedDays implements DecisionHistory {
  private readonly byDay = new Map<string, DecisionListing[]>();
  constructor(records: readonly DecisionRecord[]) {
    for (const record of records) {
      const day = record.decidedAt.slice(0, 10);
      const listing = DecisionListingSchema.parse({ ...record, ...decisionIndexAttributes(record) });
      this.byDay.set(day, [...(this.byDay.get(day) ?? []), listing]);
    }
  }

  async listDay(tenant: string, day: string, options: { limit: number; cursor?: string }): Promise<DecisionDayPage> {
    const all = (this.byDay.get(day) ?? []).filter((listing) => listing.tenant === tenant);
    const start = Number(options.cursor ?? 0);
    const listings = all.slice(start, start + options.limit);
    const end = start + listings.length;
    return { listings, after: listings.map((_, i) => String(start + i + 1)), ...(end < all.length ? { cursor: String(end) } : {}) };
  }
}

const PLANTED: GeneratedOutcomes = {
  holdout: 0.3,
  raisedFirstReply: { high: 0.7 },
  openShare: 0.08,
  noReplyShare: 0.03,
  activeFrom: '2026-11-15',
  othersAfterActive: 1.25,
  baselineEvery: 9,
};

async function outcomesOf(records: readonly DecisionRecord[], answers: IndexedAnswer[] = []) {
  const report = await decisionReport({ tenant: 'acme', from: '2026-11-01', to: '2026-11-30' }, { history: new IndexedDays(records) });
  const service = serviceOutcomes({
    observations: report.service,
    answers,
    cutoff: new Date('2026-12-05T00:00:00Z'),
    from: '2026-11-01',
    to: '2026-11-30',
    bootstrap: { resamples: 1999 },
  });
  return { report, service };
}

describe('serviceOutcomes over generated tickets with a planted effect', () => {
  const records = generateDecisions('acme', 10_000, { from: '2026-11-01', days: 30, outcomes: PLANTED });

  it('recovers raised tickets replied 30 % faster in tier high within its interval, and no effect in tier top', async () => {
    const { service } = await outcomesOf(records);
    const high = service.byTier.find((tier) => tier.tier === 'high');
    const top = service.byTier.find((tier) => tier.tier === 'top');

    expect(high?.firstReply.conclusive).toBe(true);
    expect(high?.firstReply.ratio?.low).toBeLessThan(0.7);
    expect(high?.firstReply.ratio?.high).toBeGreaterThan(0.7);
    expect(high?.firstReply.ratio?.high).toBeLessThan(1);
    expect(high?.firstReply.clear).toBe(true);
    expect(top?.firstReply.ratio?.low).toBeLessThan(1);
    expect(top?.firstReply.ratio?.high).toBeGreaterThan(1);
    // Resolution had no planted effect beyond the first reply's share of it.
    expect(top?.resolution.clear).toBe(false);
  });

  it('counts open tickets as waiting, and solved tickets with no reply apart, never dropping either', async () => {
    const { service } = await outcomesOf(records);
    const high = service.byTier.find((tier) => tier.tier === 'high');
    const raised = records.filter(
      (r) =>
        r.decision.tier === 'high' &&
        (r.status === 'applied' || r.status === 'failed') &&
        r.decision.mode === 'active' &&
        r.decision.uplift > 0,
    );
    const open = raised.filter((r) => !r.outcome).length;
    const noReply = raised.filter((r) => r.outcome && r.outcome.firstReplyMinutes === undefined).length;

    expect(open).toBeGreaterThan(0);
    expect(high?.raised).toEqual({ tickets: raised.length, solved: raised.length - open, solvedWithoutReply: noReply, open });
    expect(high?.firstReply.first).toMatchObject({ tickets: raised.length - noReply, censored: open });
    expect(high?.resolution.first).toMatchObject({ tickets: raised.length, censored: open });
  });

  it('finds the planted cost to everyone else: their first reply 25 % slower after the tenant went active', async () => {
    const { service, report } = await outcomesOf(records);
    const cost = service.everyoneElse;

    expect(report.baselineTickets).toBeGreaterThan(0);
    expect(cost.wentActive).toBe('2026-11-15');
    expect(cost.before).toEqual({ from: '2026-11-01', to: '2026-11-14' });
    expect(cost.after).toEqual({ from: '2026-11-15', to: '2026-11-30' });
    expect(cost.firstReply?.ratio?.low).toBeLessThan(1.25);
    expect(cost.firstReply?.ratio?.high).toBeGreaterThan(1.25);
    expect(cost.firstReply?.clear).toBe(true);
  });

  it('says too few to conclude where the data are thin', async () => {
    const thin = generateDecisions('acme', 300, { from: '2026-11-01', days: 30, outcomes: PLANTED });
    const { service } = await outcomesOf(thin);
    const high = service.byTier.find((tier) => tier.tier === 'high');

    expect(high?.heldOut.tickets).toBeLessThan(30);
    expect(high?.firstReply.conclusive).toBe(false);
  });

  it('compares the answers about raised and held-out tickets, joined by ticket id', async () => {
    const high = records.filter((r) => r.decision.tier === 'high' && r.decision.mode === 'active');
    const answer = (record: DecisionRecord, score: number, i: number): IndexedAnswer => ({
      tenant: 'acme',
      responseId: `r${i}`,
      source: 'zendesk-csat',
      answeredAt: '2026-11-20T00:00:00.000Z',
      kind: 'csat',
      score,
      scale: 2,
      tier: 'high',
      ticketId: record.ticketId,
    });
    // Every raised ticket rated good, every held-out one bad; an answer about no decided ticket is left out.
    const answers = [
      ...high.map((record, i) => answer(record, record.status === 'held-out' ? 1 : 2, i)),
      { ...answer(high[0] as DecisionRecord, 2, -1), ticketId: 'unknown' },
    ];
    const { service } = await outcomesOf(records, answers);
    const csat = service.byTier.find((tier) => tier.tier === 'high')?.csat;

    expect(csat?.first.n).toBe(high.filter((r) => r.status === 'applied' || r.status === 'failed').length);
    expect(csat?.second).toEqual({ n: high.filter((r) => r.status === 'held-out').length, satisfied: 0 });
    expect(csat?.difference?.estimate).toBeCloseTo(100, 6);
  });
});

describe('observeService', () => {
  const listing = (status: DecisionListing['status'], uplift: number, mode: 'active' | 'shadow' = 'active', event = 'ticket-created') =>
    ({
      tenant: 'acme',
      decisionId: `zendesk:${event}:7`,
      ticketId: '7',
      source: 'zendesk',
      status,
      decidedAt: '2026-11-02T10:00:00.000Z',
      summary: { tier: 'high', mode, uplift, requestedUplift: uplift, rules: [], guardrails: [] },
    }) satisfies DecisionListing;

  it.each([
    { status: 'applied', uplift: 1, mode: 'active', arm: 'raised' },
    { status: 'failed', uplift: 1, mode: 'active', arm: 'raised' },
    { status: 'held-out', uplift: 1, mode: 'active', arm: 'held-out' },
    { status: 'applied', uplift: 0, mode: 'active', arm: 'everyone-else' },
    { status: 'shadow', uplift: 0, mode: 'shadow', arm: 'everyone-else' },
    { status: 'shadow', uplift: 1, mode: 'shadow', arm: undefined },
    { status: 'skipped', uplift: 0, mode: 'active', arm: undefined },
    { status: 'baseline', uplift: 0, mode: 'active', arm: 'everyone-else' },
  ] as const)('puts a $status decision with uplift $uplift in $mode mode in group $arm', ({ status, uplift, mode, arm }) => {
    expect(observeService('2026-11-02', listing(status, uplift, mode))?.arm).toBe(arm);
  });

  it('leaves out the follow-up decision after a survey answer: a ticket counts once', () => {
    expect(observeService('2026-11-02', listing('applied', 1, 'active', 'survey-answered:typeform:r-1:detractor'))).toBeUndefined();
  });
});
