/** The share of the top of a scale that counts as satisfied on a scale with no collapse rule of its own. */
export const SATISFIED_SHARE_OF_SCALE = 0.8;

/**
 * Whether a CSAT rating counts as satisfied, as Zendesk collapses its scales to good and bad.
 *
 * On 2 points only 2; on 3 points only 3; on 5 points 4 and 5. Any other scale counts a score of
 * at least 0.8 × scale, the rule that also gives the 5-point answer, so no scale is left out.
 *
 * @example csatSatisfied(4, 5) // true
 * @example csatSatisfied(2, 3) // false
 */
export function csatSatisfied(score: number, scale: number): boolean {
  switch (scale) {
    case 2:
      return score >= 2;
    case 3:
      return score >= 3;
    case 5:
      return score >= 4;
    default:
      return score >= SATISFIED_SHARE_OF_SCALE * scale;
  }
}
