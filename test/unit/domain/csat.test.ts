import { describe, expect, it } from 'vitest';
import { csatSatisfied } from '../../../shared/domain/csat.js';

describe('csatSatisfied', () => {
  it.each([
    // 2-point: 1 is bad, 2 is good.
    [1, 2, false],
    [2, 2, true],
    // 3-point: 1-2 are bad, 3 is good.
    [1, 3, false],
    [2, 3, false],
    [3, 3, true],
    // 5-point: 1-3 are bad, 4-5 are good.
    [1, 5, false],
    [3, 5, false],
    [4, 5, true],
    [5, 5, true],
  ])('counts %s of %s as satisfied: %s, as Zendesk collapses the scale', (score, scale, expected) => {
    expect(csatSatisfied(score, scale)).toBe(expected);
  });

  it.each([
    // Another scale: satisfied from 0.8 × scale up.
    [7, 10, false],
    [8, 10, true],
    [3, 4, false],
    [4, 4, true],
    [5, 7, false],
    [6, 7, true],
  ])('counts %s of %s as satisfied: %s on a scale with no rule of its own', (score, scale, expected) => {
    expect(csatSatisfied(score, scale)).toBe(expected);
  });
});
