/*
 * The one rule for when a figure may be concluded from, used by the report (its cards and
 * tables), the console and `npm run nps`: a group needs at least MIN_CONCLUSIVE of what it
 * counts (answers, or tickets), and a comparison needs that many in each of its groups. Below it
 * the figure is still shown, with the words TOO_FEW_TO_CONCLUDE, never as a result.
 */

/** Fewest answers (or tickets) a group needs before its figure is shown as a conclusion. */
export const MIN_CONCLUSIVE = 30;

/** What every page and command says of a figure below the minimum. */
export const TOO_FEW_TO_CONCLUDE = 'too few to conclude';

/**
 * Whether groups of these sizes may be concluded from: every one has at least MIN_CONCLUSIVE.
 *
 * @example canConclude(31, 12) // false
 */
export function canConclude(...sizes: readonly number[]): boolean {
  return sizes.length > 0 && sizes.every((size) => size >= MIN_CONCLUSIVE);
}

/**
 * The words a page or a command prints beside an inconclusive figure, with the sizes that fell short.
 *
 * @example tooFewText(3) // 'too few to conclude (3, fewer than 30)'
 */
export function tooFewText(...sizes: readonly number[]): string {
  const short = sizes.filter((size) => size < MIN_CONCLUSIVE);
  return `${TOO_FEW_TO_CONCLUDE} (${short.join(' and ')}, fewer than ${MIN_CONCLUSIVE})`;
}
