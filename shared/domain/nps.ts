import * as z from 'zod';

/** NPS categories: promoters 9-10, passives 7-8, detractors 0-6. */
export const NpsCategorySchema = z.enum(['promoter', 'passive', 'detractor']);
export type NpsCategory = z.infer<typeof NpsCategorySchema>;

/**
 * The NPS category of a 0-10 answer. Always derived here, never taken from a provider
 * (some providers' own labels disagree with the standard definition).
 *
 * @example npsCategory(9) // 'promoter'
 */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}
