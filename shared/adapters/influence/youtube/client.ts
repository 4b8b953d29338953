import * as z from 'zod';
import type { ReachInputs } from '../../../domain/score-model.js';
import {
  ageInDays,
  isFailure,
  type NetworkAnswer,
  type NetworkCallContext,
  type NetworkClient,
  type NetworkClientDeps,
  pacedGet,
} from '../network-client.js';
import type { NetworkPace } from '../network-pace.js';
import { failed } from '../provider-failures.js';

const API = 'https://www.googleapis.com';
const COUNT = z.string().regex(/^\d+$/).transform(Number);

const ChannelsSchema = z.object({
  items: z
    .array(
      z.object({
        statistics: z.object({
          subscriberCount: COUNT.optional(),
          hiddenSubscriberCount: z.boolean().default(false),
          viewCount: COUNT.default(0),
          videoCount: COUNT.default(0),
        }),
        snippet: z.object({ publishedAt: z.string().optional() }).default({}),
      }),
    )
    .optional(),
});

/**
 * `GET /youtube/v3/channels?part=statistics,snippet` by handle or channel id, one quota unit a
 * call: subscribers, videos and channel age. `channels.list` has no per-video interactions and
 * YouTube has no following count: the average views per video stand for the engagement (views,
 * not interactions, read as such in the docs) and following counts as 0. A hidden subscriber
 * count means no score.
 */
export class YoutubeClient implements NetworkClient {
  readonly #base: string;
  readonly #paced: Pick<NetworkClientDeps, 'clock'> & { pace: NetworkPace };

  constructor(private readonly deps: NetworkClientDeps) {
    this.#base = (deps.settings.youtube?.apiUrl ?? API).replace(/\/$/, '');
    this.#paced = { clock: deps.clock, pace: deps.paceFor() };
  }

  async lookup(handle: string, context: NetworkCallContext): Promise<NetworkAnswer> {
    const ref = this.deps.settings.youtube?.apiKey;
    if (!ref) return failed('rejected', 'YouTube is on without an API key');
    let key: string;
    try {
      key = await this.deps.secret(ref);
    } catch (error) {
      return failed('rejected', `the YouTube API key could not be read (${error instanceof Error ? error.name : 'unknown error'})`);
    }
    const url = new URL(`${this.#base}/youtube/v3/channels`);
    url.searchParams.set('part', 'statistics,snippet');
    url.searchParams.set(handle.startsWith('@') ? 'forHandle' : 'id', handle);
    url.searchParams.set('key', key);
    const answer = await pacedGet(this.#paced, url, {}, context, 'YouTube', this.deps.fetch);
    if (isFailure(answer)) return answer;
    if (answer.status === 403 && JSON.stringify(answer.json ?? '').includes('quotaExceeded')) {
      return failed('rate-limited', "YouTube's daily quota is used up", this.#paced.pace.heldForMs() || 3_600_000);
    }
    if (answer.status >= 500) return failed('unavailable', `YouTube answered HTTP ${answer.status}`);
    if (answer.status !== 200) return failed('rejected', `YouTube refused the request with HTTP ${answer.status}`);
    const parsed = ChannelsSchema.safeParse(answer.json);
    if (!parsed.success) return failed('malformed', 'YouTube answered channels that are not a channel list');
    const channel = parsed.data.items?.[0];
    if (!channel) return { outcome: 'no-score', reason: 'no such YouTube channel' };
    const { statistics } = channel;
    if (statistics.hiddenSubscriberCount || statistics.subscriberCount === undefined) {
      return { outcome: 'no-score', reason: 'the channel hides its subscriber count' };
    }
    const inputs: ReachInputs = {
      followers: statistics.subscriberCount,
      following: 0,
      engagementPerPost: statistics.videoCount > 0 ? Math.round(statistics.viewCount / statistics.videoCount) : 0,
      accountAgeDays: ageInDays(channel.snippet.publishedAt, context.now),
      postCount: statistics.videoCount,
      verification: 'none',
    };
    return { outcome: 'profile', inputs };
  }
}
