import { describe, expect, it } from 'vitest';
import { maxPriority, raisePriority } from '../../../shared/domain/priority.js';
import { tierForScore } from '../../../shared/domain/tiers.js';
import { npsCategory } from '../../../shared/domain/nps.js';

describe('priority scale', () => {
  it('raises by levels and stops at urgent', () => {
    expect(raisePriority('low', 1)).toBe('normal');
    expect(raisePriority('normal', 2)).toBe('urgent');
    expect(raisePriority('high', 2)).toBe('urgent');
    expect(raisePriority('urgent', 1)).toBe('urgent');
  });

  it('never lowers, even when asked for a negative uplift', () => {
    expect(raisePriority('high', -1)).toBe('high');
  });

  it('picks the higher of two priorities', () => {
    expect(maxPriority('low', 'high')).toBe('high');
    expect(maxPriority('urgent', 'normal')).toBe('urgent');
  });
});

describe('tiers', () => {
  it.each([
    [undefined, 'none'],
    [1, 'standard'],
    [39, 'standard'],
    [40, 'notable'],
    [59, 'notable'],
    [60, 'high'],
    [79, 'high'],
    [80, 'top'],
    [100, 'top'],
  ] as const)('score %s is tier %s', (score, tier) => {
    expect(tierForScore(score)).toBe(tier);
  });
});

describe('NPS categories', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ] as const)('%s is a %s', (score, category) => {
    expect(npsCategory(score)).toBe(category);
  });
});
