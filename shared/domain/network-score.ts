import * as z from 'zod';
import { type SocialHandle, type TrustLevel, TrustLevelSchema } from './events.js';

/**
 * One linked handle as a network showed it when it was last looked up: its own Reach score with
 * the counts it came from, or why it has none (not found, opted out of indexing), and how far the
 * handle can be trusted to be the customer's. Counts only: never a post.
 */
export const HandleScoreSchema = z.object({
  network: z.string().min(1),
  handle: z.string().min(1),
  trust: TrustLevelSchema,
  fetchedAt: z.iso.datetime({ offset: true }),
  /** The handle's own Reach score; absent when the network gave none (`noScore` says why). */
  value: z.number().int().min(1).max(100).optional(),
  /** "Reach 64 on Bluesky (high): 48k followers, ..." or why there is no score. */
  explanation: z.string().min(1),
  /** The counts the score came from (followers, following, engagement per post, age, posts, verification). */
  inputs: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
  noScore: z.string().min(1).optional(),
});
export type HandleScore = z.infer<typeof HandleScoreSchema>;

const TRUST_RANK: Record<TrustLevel, number> = { channel: 3, verified: 2, declared: 1 };

/**
 * True when a handle of this trust may raise priority under the tenant's least trust.
 *
 * @example meetsTrust('declared', 'verified') // false
 */
export function meetsTrust(trust: TrustLevel, minTrust: TrustLevel): boolean {
  return TRUST_RANK[trust] >= TRUST_RANK[minTrust];
}

/**
 * The more trusted of two levels (a handle seen through its channel stays `channel`).
 *
 * @example higherTrust('declared', 'verified') // 'verified'
 */
export function higherTrust(a: TrustLevel | undefined, b: TrustLevel | undefined): TrustLevel {
  const left = a ?? 'declared';
  const right = b ?? 'declared';
  return TRUST_RANK[left] >= TRUST_RANK[right] ? left : right;
}

/**
 * One handle seen twice (two profiles, the event and the helpdesk): the first, with the higher of
 * the two trusts when either says one.
 *
 * @example mergedHandle({ network: 'bluesky', handle: 'ada.example.com' }, { ..., trust: 'channel' }).trust // 'channel'
 */
export function mergedHandle(known: SocialHandle, next: SocialHandle): SocialHandle {
  return known.trust === undefined && next.trust === undefined ? known : { ...known, trust: higherTrust(known.trust, next.trust) };
}

/** What a trust level means, as the note says it: "Bluesky handle declared by the customer, not verified". */
export function trustText(label: string, trust: TrustLevel): string {
  switch (trust) {
    case 'channel':
      return `${label} handle from the ticket's own ${label} channel`;
    case 'verified':
      return `${label} handle verified`;
    case 'declared':
      return `${label} handle declared by the customer, not verified`;
  }
}

/** The customer's score from their handles: the best usable one, or the best shown but unused, and the line that explains it. */
export interface CombinedHandles {
  /** The handle whose score is the customer's. */
  best?: HandleScore;
  /** True when `best` meets the tenant's least trust and may raise priority. */
  usable: boolean;
  explanation: string;
  /** Why the best score raises nothing (its handle is less trusted than the tenant asks), for the note. */
  unusedReason?: string;
}

/**
 * Combines the scores of a customer's handles, each scored on its own: the best score among the
 * handles trusted enough (`minTrust`) is the customer's, and the explanation names it and the
 * others ("Reach 64 on Bluesky (high): ... Also: GitHub 31 (declared, not used for priority)").
 * When no trusted handle has a score, the best of the others is shown with why it raises nothing.
 *
 * @example combineHandleScores(scores, 'verified', (network) => NETWORK_LABELS[network] ?? network)
 */
export function combineHandleScores(
  scores: readonly HandleScore[],
  minTrust: TrustLevel,
  label: (network: string) => string,
): CombinedHandles {
  const scored = scores.filter((s) => s.value !== undefined);
  const order = (a: HandleScore, b: HandleScore) => (b.value ?? 0) - (a.value ?? 0) || TRUST_RANK[b.trust] - TRUST_RANK[a.trust];
  const usable = scored.filter((s) => meetsTrust(s.trust, minTrust)).sort(order);
  const best = usable[0] ?? [...scored].sort(order)[0];
  if (!best) {
    return { usable: false, explanation: scores.map((s) => `${label(s.network)} ${s.handle}: ${s.noScore ?? 'no score'}`).join('; ') };
  }
  const others = scores
    .filter((s) => s !== best)
    .map((s) => {
      if (s.value === undefined) return `${label(s.network)} no score (${s.noScore ?? 'none'})`;
      return meetsTrust(s.trust, minTrust)
        ? `${label(s.network)} ${s.value} (${s.trust})`
        : `${label(s.network)} ${s.value} (${s.trust}, not used for priority)`;
    });
  const trust = `${trustText(label(best.network), best.trust)}.`;
  const also = others.length > 0 ? ` Also: ${others.join('; ')}.` : '';
  const explanation = `${best.explanation} ${trust}${also}`;
  if (usable[0]) return { best, usable: true, explanation };
  return {
    best,
    usable: false,
    explanation: `${best.explanation}${also}`,
    unusedReason: `${trustText(label(best.network), best.trust)}: not used for priority (this tenant counts ${minTrust} handles or better).`,
  };
}
