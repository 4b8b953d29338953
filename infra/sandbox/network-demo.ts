import type { DemoAudience } from './demo-people.js';
import type { PartMount, Sandbox } from './sandbox.js';

/**
 * One open network of local mode: its sandbox fake, with the demo customers' profiles on it. A
 * network's folder under `infra/sandbox/` exports one, and the list in `index.ts` names it; the
 * sandbox seeds the profiles as it starts, since they are the outside world, not a tenant's data.
 */
export interface NetworkDemo {
  /** The network's name; also its part's name in the sandbox. */
  readonly network: string;
  /** Its sandbox part, with the outside hosts, tokens and keys of local mode. */
  part(): PartMount;
  /** Adds the demo customers' profiles (and their posts) to the sandbox's fake of the network. */
  seed(sandbox: Sandbox): void;
}

// Spread around 1 with the 10th and 11th of 20 at exactly 1: the median of the posts is the audience's figure.
const SPREAD = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1, 1, 1, 1, 1.05, 1.1, 1.2, 1.4, 1.6, 2, 2.5, 4];
const ORDER = [7, 15, 2, 10, 19, 4, 12, 0, 17, 8, 13, 5, 18, 1, 11, 16, 3, 9, 14, 6];

/** The engagement of one post, split as likes, reposts and replies usually are. */
export interface DemoPost {
  likes: number;
  reposts: number;
  replies: number;
}

/**
 * Twenty own posts, newest first, whose total engagement (likes + reposts + replies) has the
 * audience's `engagementPerPost` as its median.
 *
 * @example demoPosts({ ...audience, engagementPerPost: 40 }).length // 20
 */
export function demoPosts(audience: DemoAudience): DemoPost[] {
  return ORDER.map((index) => {
    const total = Math.round(audience.engagementPerPost * (SPREAD[index] ?? 1));
    const likes = Math.round(total * 0.7);
    const reposts = Math.round(total * 0.2);
    return { likes, reposts, replies: total - likes - reposts };
  });
}

/** When an account of `accountAgeDays` was created, as an ISO time. */
export function createdDaysAgo(accountAgeDays: number): string {
  return new Date(Date.now() - accountAgeDays * 86_400_000).toISOString();
}
