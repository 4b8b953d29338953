import { describe, expect, it } from 'vitest';
import type { SurveyAnswerIndex } from '../../../../shared/domain/ports.js';
import type { IndexedAnswer, IndexedPeriod, SurveyAnswerWrite } from '../../../../shared/domain/survey-answers.js';
import { TIERS, type Tier } from '../../../../shared/domain/tiers.js';
import { npsReport } from '../../../../shared/use-cases/reporting/nps-report.js';

/** Answers in memory, read back as the DynamoDB index would: [from, to), one partition and request per day. */
class MemoryIndex implements SurveyAnswerIndex {
  readonly answers: IndexedAnswer[] = [];
  readonly reads: { tenant: string; from: Date; to: Date }[] = [];
  async put(answer: IndexedAnswer): Promise<SurveyAnswerWrite> {
    this.answers.push(answer);
    return 'written';
  }
  async inPeriod(tenant: string, from: Date, to: Date): Promise<IndexedPeriod> {
    this.reads.push({ tenant, from, to });
    const days = Math.ceil((to.getTime() - from.getTime()) / 86_400_000);
    const answers = this.answers.filter(
      (a) => a.tenant === tenant && Date.parse(a.answeredAt) >= from.getTime() && Date.parse(a.answeredAt) < to.getTime(),
    );
    return { answers, partitions: days, requests: days + 1 };
  }
}

const FROM = new Date('2026-11-01T00:00:00Z');
const TO = new Date('2026-12-01T00:00:00Z');
let sequence = 0;

function nps(score: number, tier: Tier, at = '2026-11-10T10:00:00Z', tenant = 'acme'): IndexedAnswer {
  sequence += 1;
  return { tenant, responseId: `r${sequence}`, source: 'typeform', answeredAt: at, kind: 'nps', score, scale: 10, tier };
}

function csat(score: number, scale: number, tier: Tier): IndexedAnswer {
  sequence += 1;
  return {
    tenant: 'acme',
    responseId: `ticket-${sequence}`,
    source: 'zendesk-csat',
    answeredAt: '2026-11-12T10:00:00Z',
    kind: 'csat',
    score,
    scale,
    tier,
  };
}

async function indexWith(answers: IndexedAnswer[]): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  for (const answer of answers) await index.put(answer);
  return index;
}

describe('npsReport', () => {
  it('summarises NPS overall and by tier from NPS answers only, every tier present from none to top', async () => {
    // Arrange: top has 2 promoters and 1 detractor; none has 1 passive; a CSAT answer must not count.
    const index = await indexWith([nps(10, 'top'), nps(9, 'top'), nps(3, 'top'), nps(8, 'none'), csat(1, 2, 'top')]);

    // Act
    const report = await npsReport({ tenant: 'acme', from: FROM, to: TO }, { index });

    // Assert
    expect(Object.keys(report.byTier)).toEqual([...TIERS]);
    expect(report.overall).toMatchObject({ n: 4, promoters: 2, passives: 1, detractors: 1, nps: 25, conclusive: false });
    expect(report.byTier.top).toMatchObject({ n: 3, promoters: 2, detractors: 1 });
    expect(report.byTier.top.nps).toBeCloseTo(33.333, 3);
    expect(report.byTier.none).toMatchObject({ n: 1, passives: 1, nps: 0 });
    expect(report.byTier.standard).toMatchObject({ n: 0, nps: null, marginOfError95: null });
  });

  it('summarises CSAT overall and by tier from CSAT answers only, as each scale collapses', async () => {
    const index = await indexWith([
      csat(2, 2, 'high'),
      csat(1, 2, 'high'),
      csat(4, 5, 'notable'),
      csat(3, 3, 'notable'),
      csat(2, 3, 'none'),
      nps(10, 'high'),
    ]);

    const report = await npsReport({ tenant: 'acme', from: FROM, to: TO }, { index });

    expect(Object.keys(report.csatByTier)).toEqual([...TIERS]);
    expect(report.csat).toMatchObject({ n: 5, satisfied: 3, csat: 60 });
    expect(report.csatByTier.high).toMatchObject({ n: 2, satisfied: 1, csat: 50 });
    expect(report.csatByTier.notable).toMatchObject({ n: 2, satisfied: 2, csat: 100, marginOfError95: 0 });
    expect(report.csatByTier.top).toEqual({ n: 0, satisfied: 0, csat: null, marginOfError95: null, conclusive: false });
  });

  it('calls a tier conclusive from 30 answers', async () => {
    const index = await indexWith([
      ...Array.from({ length: 30 }, () => nps(9, 'notable')),
      ...Array.from({ length: 29 }, () => nps(9, 'high')),
    ]);

    const report = await npsReport({ tenant: 'acme', from: FROM, to: TO }, { index });

    expect(report.byTier.notable.conclusive).toBe(true);
    expect(report.byTier.high.conclusive).toBe(false);
    expect(report.overall).toMatchObject({ n: 59, nps: 100, marginOfError95: 0, conclusive: true });
  });

  it("reads the tenant's period once and reports what the read took", async () => {
    // Arrange
    const index = await indexWith([nps(10, 'top'), nps(0, 'top', '2026-12-01T00:00:00Z'), nps(0, 'top', '2026-11-10T10:00:00Z', 'globex')]);

    // Act
    const report = await npsReport({ tenant: 'acme', from: FROM, to: TO }, { index });

    // Assert
    expect(index.reads).toEqual([{ tenant: 'acme', from: FROM, to: TO }]);
    expect(report).toMatchObject({
      tenant: 'acme',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      partitions: 30,
      requests: 31,
    });
    expect(report.overall.n).toBe(1);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports an empty period with null figures', async () => {
    const report = await npsReport({ tenant: 'acme', from: FROM, to: TO }, { index: new MemoryIndex() });

    expect(report.overall).toMatchObject({ n: 0, nps: null });
    expect(report.csat).toMatchObject({ n: 0, csat: null });
  });
});
