/**
 * The item with the latest (`direction` 1) or earliest (-1) ISO date; an item without a date
 * comes last either way, and the earlier item in `items` wins a tie.
 */
export function extremeBy<T>(items: readonly T[], at: (item: T) => string | undefined, direction: 1 | -1 = 1): T | undefined {
  let best: T | undefined;
  let bestRank = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const value = at(item);
    const rank = value === undefined ? Number.NEGATIVE_INFINITY : direction * Date.parse(value);
    if (best === undefined || rank > bestRank) {
      best = item;
      bestRank = rank;
    }
  }
  return best;
}
