import * as z from 'zod';
import type { ReachInputs } from '../../../domain/score-model.js';
import { failed } from '../provider-failures.js';
import {
  ageInDays,
  isFailure,
  median,
  type NetworkAnswer,
  type NetworkCallContext,
  type NetworkClient,
  type NetworkClientDeps,
  pacedGet,
} from '../network-client.js';
import { proveHandleOnDomain } from './handle-proof.js';
import type { NetworkPace } from '../network-pace.js';

const APPVIEW = 'https://public.api.bsky.app';
/** `app.bsky.actor.getProfiles` takes at most 25 actors a call. */
export const BLUESKY_PROFILES_PER_CALL = 25;
/** Own posts the engagement median is taken over. */
const POSTS_COUNTED = 20;
/** Feed items asked for: reposts are skipped, so more than the 20 posts counted. */
const FEED_LIMIT = 40;

const LabelSchema = z.object({ src: z.string(), uri: z.string(), val: z.string(), neg: z.boolean().optional() });

/** The parts of `profileViewDetailed` a score needs: counts, dates, labels and Bluesky's own verification. */
const ProfileSchema = z.object({
  did: z.string().min(1),
  handle: z.string().min(1),
  followersCount: z.number().int().nonnegative().optional(),
  followsCount: z.number().int().nonnegative().optional(),
  postsCount: z.number().int().nonnegative().optional(),
  createdAt: z.string().optional(),
  indexedAt: z.string().optional(),
  labels: z.array(LabelSchema).optional(),
  verification: z.object({ verifiedStatus: z.string().optional() }).optional(),
});
type Profile = z.infer<typeof ProfileSchema>;

const ProfilesSchema = z.object({ profiles: z.array(ProfileSchema) });
const XrpcErrorSchema = z.object({ error: z.string(), message: z.string().optional() });

const FeedSchema = z.object({
  feed: z.array(
    z.object({
      post: z.object({
        author: z.object({ did: z.string() }),
        likeCount: z.number().int().nonnegative().optional(),
        repostCount: z.number().int().nonnegative().optional(),
        replyCount: z.number().int().nonnegative().optional(),
        quoteCount: z.number().int().nonnegative().optional(),
      }),
      reason: z.object({ $type: z.string().optional() }).optional(),
    }),
  ),
});

/** Why an XRPC error means the account has no score rather than a failure (lexicon and AppView). */
const GONE: Record<string, string> = {
  InvalidRequest: 'no such Bluesky account',
  AccountTakedown: 'the Bluesky account is suspended',
  AccountDeactivated: 'the Bluesky account is deactivated',
};

/**
 * True when the account labelled itself `!no-unauthenticated`, Bluesky's public-web opt-out (a
 * label on the account or its profile record, not negated): treated as an opt-out, no score.
 */
function optedOutOfPublicWeb(profile: Profile): boolean {
  const onAccount = (uri: string) => uri === profile.did || uri.startsWith(`at://${profile.did}/app.bsky.actor.profile/`);
  return (profile.labels ?? []).some((label) => label.val === '!no-unauthenticated' && label.neg !== true && onAccount(label.uri));
}

/**
 * Bluesky's public AppView (`app.bsky.actor.getProfile`/`getProfiles`, `app.bsky.feed.getAuthorFeed`):
 * followers, follows, posts and account age from the profile, and the median interactions (likes,
 * reposts, replies, quotes) of the last 20 own posts, reposts skipped. A handle on the domain of
 * the customer's email is proven both ways (handle to DID, DID document to handle) before it
 * counts as verified. Counts only: no post text is read or kept.
 */
export class BlueskyClient implements NetworkClient {
  readonly #base: string;
  readonly #paced: Pick<NetworkClientDeps, 'clock'> & { pace: NetworkPace };
  /** Profiles fetched in batches by `prefetch`, each handed out once. */
  readonly #batched = new Map<string, Profile | 'missing'>();

  constructor(private readonly deps: NetworkClientDeps) {
    this.#base = deps.settings.bluesky?.appViewUrl ?? APPVIEW;
    this.#paced = { clock: deps.clock, pace: deps.paceFor() };
  }

  async prefetch(handles: readonly string[], context: NetworkCallContext): Promise<void> {
    const wanted = [...new Set(handles)].filter((handle) => !this.#batched.has(handle));
    for (let start = 0; start < wanted.length; start += BLUESKY_PROFILES_PER_CALL) {
      const batch = wanted.slice(start, start + BLUESKY_PROFILES_PER_CALL);
      const url = this.#xrpc('app.bsky.actor.getProfiles');
      for (const actor of batch) url.searchParams.append('actors', actor);
      const answer = await pacedGet(this.#paced, url, {}, context, 'Bluesky', this.deps.fetch);
      // A failed batch leaves its handles to be looked up one by one (or to fail there).
      if (isFailure(answer) || answer.status !== 200) return;
      const parsed = ProfilesSchema.safeParse(answer.json);
      if (!parsed.success) return;
      for (const handle of batch) this.#batched.set(handle, 'missing');
      for (const profile of parsed.data.profiles) {
        const key = batch.find((handle) => handle === profile.handle.toLowerCase() || handle === profile.did);
        if (key) this.#batched.set(key, profile);
      }
    }
  }

  async lookup(handle: string, context: NetworkCallContext): Promise<NetworkAnswer> {
    const profile = await this.#profile(handle, context);
    if ('outcome' in profile) return profile;
    if (optedOutOfPublicWeb(profile)) {
      return { outcome: 'no-score', reason: 'the account opted out of being shown to logged-out viewers (!no-unauthenticated)' };
    }
    const engagement = await this.#engagement(profile.did, context);
    if (typeof engagement !== 'number') return engagement;
    const inputs: ReachInputs = {
      followers: profile.followersCount ?? 0,
      following: profile.followsCount ?? 0,
      engagementPerPost: engagement,
      accountAgeDays: ageInDays(profile.createdAt ?? profile.indexedAt, context.now),
      postCount: profile.postsCount ?? 0,
      // Bluesky's check comes only from trusted verifiers (Bluesky, newsrooms): an organisation's check, not a bought one.
      verification: profile.verification?.verifiedStatus === 'valid' ? 'org' : 'none',
    };
    const domain = context.emailDomain;
    if (domain && (handle === domain || handle.endsWith(`.${domain}`))) {
      const proven = await proveHandleOnDomain(handle, profile.did, context, this.deps);
      if (proven) return { outcome: 'profile', inputs, proven: `${handle} resolves to its DID and back, on the email's domain ${domain}` };
    }
    return { outcome: 'profile', inputs };
  }

  #xrpc(nsid: string): URL {
    return new URL(`${this.#base.replace(/\/$/, '')}/xrpc/${nsid}`);
  }

  async #profile(handle: string, context: NetworkCallContext): Promise<Profile | NetworkAnswer> {
    const batched = this.#batched.get(handle);
    if (batched !== undefined) {
      this.#batched.delete(handle);
      return batched === 'missing' ? { outcome: 'no-score', reason: GONE.InvalidRequest ?? 'no such account' } : batched;
    }
    const url = this.#xrpc('app.bsky.actor.getProfile');
    url.searchParams.set('actor', handle);
    const answer = await pacedGet(this.#paced, url, {}, context, 'Bluesky', this.deps.fetch);
    if (isFailure(answer)) return answer;
    if (answer.status === 400) {
      const error = XrpcErrorSchema.safeParse(answer.json);
      const gone = error.success ? GONE[error.data.error] : undefined;
      if (gone) return { outcome: 'no-score', reason: gone };
    }
    if (answer.status >= 500) return failed('unavailable', `Bluesky answered HTTP ${answer.status}`);
    if (answer.status !== 200) return failed('rejected', `Bluesky refused the profile request with HTTP ${answer.status}`);
    const parsed = ProfileSchema.safeParse(answer.json);
    return parsed.success ? parsed.data : failed('malformed', 'Bluesky answered a profile that is not one');
  }

  async #engagement(did: string, context: NetworkCallContext): Promise<number | NetworkAnswer> {
    const url = this.#xrpc('app.bsky.feed.getAuthorFeed');
    url.searchParams.set('actor', did);
    url.searchParams.set('limit', String(FEED_LIMIT));
    url.searchParams.set('filter', 'posts_no_replies');
    const answer = await pacedGet(this.#paced, url, {}, context, 'Bluesky', this.deps.fetch);
    if (isFailure(answer)) return answer;
    if (answer.status >= 500) return failed('unavailable', `Bluesky answered HTTP ${answer.status}`);
    if (answer.status !== 200) return failed('rejected', `Bluesky refused the feed request with HTTP ${answer.status}`);
    const parsed = FeedSchema.safeParse(answer.json);
    if (!parsed.success) return failed('malformed', 'Bluesky answered a feed that is not one');
    const own = parsed.data.feed.filter((item) => item.reason === undefined && item.post.author.did === did).slice(0, POSTS_COUNTED);
    return median(own.map(({ post }) => (post.likeCount ?? 0) + (post.repostCount ?? 0) + (post.replyCount ?? 0) + (post.quoteCount ?? 0)));
  }
}
