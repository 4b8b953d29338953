import { describe, expect, it } from 'vitest';
import { MIN_CONCLUSIVE_ANSWERS, csatSummary, npsSummary } from '../../../shared/domain/nps-stats.js';

/** `promoters` 10s, `detractors` 3s and passives (8s) for the rest of `n`. */
function answers(promoters: number, detractors: number, n: number): number[] {
  return [...Array<number>(promoters).fill(10), ...Array<number>(detractors).fill(3), ...Array<number>(n - promoters - detractors).fill(8)];
}

const oneDecimal = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

describe('npsSummary', () => {
  // The worked table of the survey research notes, section B.2: p, d, n -> NPS, SE and 95 % MoE.
  it.each([
    { p: 0.5, d: 0.2, n: 100, nps: 30, se: 7.8, moe: 15.3 },
    { p: 0.5, d: 0.2, n: 200, nps: 30, se: 5.5, moe: 10.8 },
    { p: 0.5, d: 0.2, n: 400, nps: 30, se: 3.9, moe: 7.7 },
    { p: 0.5, d: 0.2, n: 1000, nps: 30, se: 2.5, moe: 4.8 },
    { p: 0.4, d: 0.3, n: 200, nps: 10, se: 5.9, moe: 11.5 },
    { p: 0.6, d: 0.1, n: 50, nps: 50, se: 9.5, moe: 18.6 },
  ])('matches the worked table for p=$p, d=$d, n=$n: NPS $nps, SE $se, MoE ±$moe', ({ p, d, n, nps, se, moe }) => {
    // Arrange
    const scores = answers(Math.round(p * n), Math.round(d * n), n);

    // Act
    const summary = npsSummary(scores);

    // Assert
    expect(summary.nps).toBe(nps);
    expect(oneDecimal(summary.standardError)).toBe(se);
    expect(oneDecimal(summary.marginOfError95)).toBe(moe);
    expect(summary.conclusive).toBe(true);
  });

  it('counts the categories at their edges: 9-10 promoters, 7-8 passives, 0-6 detractors', () => {
    // Act
    const summary = npsSummary([0, 6, 7, 8, 9, 10]);

    // Assert
    expect(summary).toMatchObject({ n: 6, promoters: 2, passives: 2, detractors: 2, nps: 0 });
  });

  it('computes a small sample by hand: 10, 9, 8, 3', () => {
    // p = 2/4, d = 1/4: NPS 25; Var = (0.75 - 0.0625) / 4 = 0.171875; SE = 41.458 points; MoE = 81.257.
    const summary = npsSummary([10, 9, 8, 3]);

    expect(summary.nps).toBe(25);
    expect(summary.standardError).toBeCloseTo(41.4578, 3);
    expect(summary.marginOfError95).toBeCloseTo(81.2573, 3);
    expect(summary.conclusive).toBe(false);
  });

  it('gives one answer a margin of 0 but never calls it conclusive', () => {
    // Var = (1 + 0 - 1) / 1 = 0: a single answer has no spread, which says nothing about the rest.
    for (const score of [10, 7, 0]) {
      const summary = npsSummary([score]);
      expect(summary.n).toBe(1);
      expect(summary.standardError).toBe(0);
      expect(summary.marginOfError95).toBe(0);
      expect(summary.conclusive).toBe(false);
    }
    expect(npsSummary([10]).nps).toBe(100);
    expect(npsSummary([7]).nps).toBe(0);
    expect(npsSummary([0]).nps).toBe(-100);
  });

  it('computes two answers by hand', () => {
    // One promoter, one detractor: p = d = 0.5, NPS 0, Var = (1 - 0) / 2, SE = 70.711, MoE = 138.593.
    const split = npsSummary([10, 0]);
    expect(split.nps).toBe(0);
    expect(split.standardError).toBeCloseTo(70.7107, 3);
    expect(split.marginOfError95).toBeCloseTo(138.5929, 3);

    // One promoter, one passive: p = 0.5, d = 0, NPS 50, Var = (0.5 - 0.25) / 2, SE = 35.355, MoE = 69.296.
    const mixed = npsSummary([9, 8]);
    expect(mixed.nps).toBe(50);
    expect(mixed.standardError).toBeCloseTo(35.3553, 3);
    expect(mixed.marginOfError95).toBeCloseTo(69.2965, 3);
  });

  it('gives all promoters NPS 100 with a margin of 0, and all detractors -100', () => {
    expect(npsSummary(Array<number>(40).fill(9))).toMatchObject({ nps: 100, standardError: 0, marginOfError95: 0, conclusive: true });
    expect(npsSummary(Array<number>(40).fill(2))).toMatchObject({ nps: -100, standardError: 0, marginOfError95: 0 });
    expect(npsSummary(Array<number>(40).fill(7))).toMatchObject({ nps: 0, standardError: 0, marginOfError95: 0 });
  });

  it('returns null figures, not zeros, without answers', () => {
    expect(npsSummary([])).toEqual({
      n: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      standardError: null,
      marginOfError95: null,
      conclusive: false,
    });
  });

  it(`becomes conclusive at ${MIN_CONCLUSIVE_ANSWERS} answers, not one before`, () => {
    expect(MIN_CONCLUSIVE_ANSWERS).toBe(30);
    expect(npsSummary(answers(15, 5, 29)).conclusive).toBe(false);
    // 15 promoters, 5 detractors of 30: NPS 33.3, Var = (0.6667 - 0.1111) / 30, SE 13.608, MoE 26.672.
    const thirty = npsSummary(answers(15, 5, 30));
    expect(thirty.conclusive).toBe(true);
    expect(thirty.nps).toBeCloseTo(33.3333, 3);
    expect(thirty.standardError).toBeCloseTo(13.6083, 3);
    expect(thirty.marginOfError95).toBeCloseTo(26.6722, 3);
  });

  it.each([11, -1, 7.5, Number.NaN])('refuses %s, which is no NPS answer', (score) => {
    expect(() => npsSummary([9, score])).toThrow(RangeError);
  });
});

describe('csatSummary', () => {
  it('counts satisfied answers as each scale collapses them, across scales', () => {
    // Satisfied: 2 of 2, 3 of 3, 4 and 5 of 5. Not: 1 of 2, 2 of 3, 3 of 5.
    const summary = csatSummary([
      { score: 2, scale: 2 },
      { score: 1, scale: 2 },
      { score: 3, scale: 3 },
      { score: 2, scale: 3 },
      { score: 5, scale: 5 },
      { score: 4, scale: 5 },
      { score: 3, scale: 5 },
    ]);

    expect(summary).toMatchObject({ n: 7, satisfied: 4, conclusive: false });
    expect(summary.csat).toBeCloseTo((100 * 4) / 7, 9);
  });

  it('computes the margin of a proportion by hand', () => {
    // 80 of 100 satisfied: 1.96 × √(0.8 × 0.2 / 100) × 100 = 1.96 × 4 = 7.84 points.
    const hundred = csatSummary([...Array(80).fill({ score: 2, scale: 2 }), ...Array(20).fill({ score: 1, scale: 2 })]);
    expect(hundred.csat).toBe(80);
    expect(hundred.marginOfError95).toBeCloseTo(7.84, 9);
    expect(hundred.conclusive).toBe(true);

    // 2 of 3: 1.96 × √((2/3)(1/3) / 3) × 100 = 53.344 points.
    const three = csatSummary([
      { score: 5, scale: 5 },
      { score: 4, scale: 5 },
      { score: 1, scale: 5 },
    ]);
    expect(three.csat).toBeCloseTo(66.6667, 3);
    expect(three.marginOfError95).toBeCloseTo(53.3444, 3);
  });

  it('gives one answer, or all satisfied, a margin of 0', () => {
    expect(csatSummary([{ score: 2, scale: 2 }])).toEqual({ n: 1, satisfied: 1, csat: 100, marginOfError95: 0, conclusive: false });
    expect(csatSummary(Array(30).fill({ score: 1, scale: 3 }))).toEqual({
      n: 30,
      satisfied: 0,
      csat: 0,
      marginOfError95: 0,
      conclusive: true,
    });
  });

  it('returns null figures without answers', () => {
    expect(csatSummary([])).toEqual({ n: 0, satisfied: 0, csat: null, marginOfError95: null, conclusive: false });
  });
});
