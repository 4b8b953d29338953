import { seededRandom } from '../../shared/domain/service-times.js';

/**
 * A small seeded generator of numbers in [0, 1), so a run (its faults, its generated data) can be
 * repeated exactly: the domain's mulberry32, which the report's bootstrap draws with too.
 *
 * @example const random = seeded(1); random() // 0.6270739405881613
 */
export const seeded: (seed: number) => () => number = seededRandom;

/**
 * Picks from weighted choices with one draw in [0, 1).
 *
 * @example weighted(0.9, [['a', 1], ['b', 1]]) // 'b'
 */
export function weighted<T>(draw: number, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let left = draw * total;
  for (const [value, weight] of choices) {
    left -= weight;
    if (left < 0) return value;
  }
  const last = choices.at(-1);
  if (!last) throw new Error('no choices');
  return last[0];
}
