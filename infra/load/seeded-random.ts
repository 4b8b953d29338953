/**
 * mulberry32: a small seeded generator of numbers in [0, 1), so a run (its faults, its generated
 * data) can be repeated exactly.
 *
 * @example const random = seeded(1); random() // 0.6270739405881613
 */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
