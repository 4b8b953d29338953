import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../infra/commands/report/render.js';
import { csatSummary, npsSummary } from '../../../shared/domain/nps-stats.js';
import { TIERS } from '../../../shared/domain/tiers.js';
import type { DecisionReport } from '../../../shared/use-cases/reporting/decision-report.js';
import type { NpsReport } from '../../../shared/use-cases/reporting/nps-report.js';
import { serviceOutcomes } from '../../../shared/use-cases/reporting/service-outcomes.js';

const decisions: DecisionReport = {
  tenant: 'acme',
  from: '2026-11-01',
  to: '2026-11-01',
  decisions: 4,
  byDay: [{ day: '2026-11-01', applied: 4, shadow: 0, skipped: 0, failed: 0, 'held-out': 0 }],
  byTier: TIERS.map((tier) => ({
    tier,
    tickets: tier === 'high' ? 1 : tier === 'none' ? 3 : 0,
    raised: tier === 'high' ? 1 : 0,
    levels: tier === 'high' ? 1 : 0,
    customers: tier === 'high' ? 1 : tier === 'none' ? 2 : 0,
  })),
  raisesByRule: [{ rule: 'reach-high', raised: 1 }],
  shadow: { decisions: 0, wouldRaise: 0, byTier: TIERS.map((tier) => ({ tier, wouldRaise: 0 })) },
  decidedWithoutScore: 3,
  handleNotTrusted: 2,
  providerFailures: { total: 0, byKind: [], byDay: [{ day: '2026-11-01', failed: 0, circuitOpen: 0 }] },
  customers: 3,
  baselineTickets: 0,
  service: [],
  requests: 1,
};

function nps(scores: number[]): NpsReport {
  const empty = npsSummary([]);
  return {
    tenant: 'acme',
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-11-02T00:00:00.000Z',
    overall: npsSummary(scores),
    byTier: { none: npsSummary(scores), standard: empty, notable: empty, high: empty, top: empty },
    csat: csatSummary([]),
    csatByTier: { none: csatSummary([]), standard: csatSummary([]), notable: csatSummary([]), high: csatSummary([]), top: csatSummary([]) },
    partitions: 1,
    requests: 1,
    durationMs: 1,
  };
}

const render = (scores: number[]) =>
  renderReport({
    decisions,
    nps: nps(scores),
    service: serviceOutcomes({
      observations: [],
      answers: [],
      cutoff: new Date('2026-11-02T00:00:00Z'),
      from: '2026-11-01',
      to: '2026-11-01',
    }),
    generatedAt: '2026-11-02T00:00:00.000Z',
    requests: 2,
  });

const cardOf = (page: string) => /<div class="card" id="nps-card"[^>]*>\s*<b>([^<]*)<\/b>/.exec(page)?.[1];

describe('the report file', () => {
  it('shows no NPS figure on its headline card for 3 answers, as its table and npm run nps say: too few to conclude', () => {
    const page = render([10, 0, 3]);

    expect(cardOf(page)).toBe('too few to conclude (3, fewer than 30)');
    expect(page).not.toContain('106.7');
    expect(page).toContain('<td class="num">too few to conclude (3, fewer than 30)</td>');
  });

  it('shows the NPS with its margin once there are 30 answers, on the card and in the table alike', () => {
    const page = render([...Array<number>(20).fill(10), ...Array<number>(10).fill(3)]);

    expect(cardOf(page)).toBe('+33.3 ± 33.7');
    expect(page).toContain('<td class="num">+33.3 ± 33.7</td>');
  });

  it('says "1 level", not "1 levels"', () => {
    const page = render([]);

    expect(page).toContain('1 level<');
    expect(page).not.toMatch(/\b1 levels\b/);
  });

  it('says each customer counts once, in their latest tier, and its shares of customers add up to 100 %', () => {
    const page = render([]);
    const shares = [
      ...page.matchAll(
        /<tr\s+data-tier="[^"]+"[^>]*>\s*<th scope="row">[^<]+<\/th>\s*<td class="num">\d+<\/td>\s*<td class="num">([\d.]+) %/g,
      ),
    ].map((match) => Number(match[1]));

    expect(shares).toHaveLength(5);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(100, 6);
    expect(page).toContain('Each customer counts once, in the tier of their latest decision of the period');
  });
});
