import * as z from 'zod';
import type { ReachInputs } from '../../../domain/score-model.js';
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
import type { NetworkPace } from '../network-pace.js';
import { failed } from '../provider-failures.js';

const API = 'https://api.github.com';
/** Own repositories the engagement median is taken over, most recently pushed first. */
const REPOS_COUNTED = 20;

const UserSchema = z.object({
  login: z.string(),
  followers: z.number().int().nonnegative(),
  following: z.number().int().nonnegative(),
  public_repos: z.number().int().nonnegative(),
  created_at: z.string(),
});
const ReposSchema = z.array(
  z.object({
    fork: z.boolean(),
    stargazers_count: z.number().int().nonnegative().default(0),
    forks_count: z.number().int().nonnegative().default(0),
  }),
);

/**
 * GitHub's users API (`GET /users/{username}` and `/users/{username}/repos`), with the headers
 * GitHub asks for and the tenant's token when it has one (5,000 requests an hour instead of 60).
 * GitHub has no posts: public repositories stand for posts, and the stars plus forks of each of
 * the 20 most recently pushed own repositories (forks skipped) stand for the interactions a post
 * gets, their median being the engagement.
 */
export class GithubClient implements NetworkClient {
  readonly #base: string;
  readonly #paced: Pick<NetworkClientDeps, 'clock'> & { pace: NetworkPace };

  constructor(private readonly deps: NetworkClientDeps) {
    this.#base = (deps.settings.github?.apiUrl ?? API).replace(/\/$/, '');
    this.#paced = { clock: deps.clock, pace: deps.paceFor() };
  }

  async lookup(handle: string, context: NetworkCallContext): Promise<NetworkAnswer> {
    const auth = await this.#headers();
    if (!auth.ok) return auth.failure;
    const { headers } = auth;
    const user = await pacedGet(this.#paced, new URL(`${this.#base}/users/${handle}`), headers, context, 'GitHub', this.deps.fetch);
    if (isFailure(user)) return user;
    if (user.status === 404) return { outcome: 'no-score', reason: 'no such GitHub user' };
    const problem = this.#problem(user.status, user.headers);
    if (problem) return problem;
    const parsed = UserSchema.safeParse(user.json);
    if (!parsed.success) return failed('malformed', 'GitHub answered a user that is not one');

    const url = new URL(`${this.#base}/users/${handle}/repos`);
    url.search = new URLSearchParams({ type: 'owner', sort: 'pushed', direction: 'desc', per_page: '100' }).toString();
    const repos = await pacedGet(this.#paced, url, headers, context, 'GitHub', this.deps.fetch);
    if (isFailure(repos)) return repos;
    const reposProblem = this.#problem(repos.status, repos.headers);
    if (reposProblem) return reposProblem;
    const list = ReposSchema.safeParse(repos.json);
    if (!list.success) return failed('malformed', 'GitHub answered repositories that are not a list of them');
    const own = list.data.filter((repo) => !repo.fork).slice(0, REPOS_COUNTED);
    const inputs: ReachInputs = {
      followers: parsed.data.followers,
      following: parsed.data.following,
      engagementPerPost: median(own.map((repo) => repo.stargazers_count + repo.forks_count)),
      accountAgeDays: ageInDays(parsed.data.created_at, context.now),
      postCount: parsed.data.public_repos,
      verification: 'none',
    };
    return { outcome: 'profile', inputs };
  }

  async #headers(): Promise<{ ok: true; headers: Record<string, string> } | { ok: false; failure: NetworkAnswer }> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'user-agent': 'influence-router',
      'x-github-api-version': '2022-11-28',
    };
    const ref = this.deps.settings.github?.token;
    if (!ref) return { ok: true, headers };
    try {
      return { ok: true, headers: { ...headers, authorization: `Bearer ${await this.deps.secret(ref)}` } };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown error';
      return { ok: false, failure: failed('rejected', `the GitHub token could not be read (${name})`) };
    }
  }

  /** GitHub's primary limit answers 403 or 429 with no requests left; its secondary limit 403 with a message. */
  #problem(status: number, headers: Headers): NetworkAnswer | undefined {
    if (status === 200) return undefined;
    if ((status === 403 || status === 429) && (headers.get('x-ratelimit-remaining') === '0' || headers.has('retry-after'))) {
      const token = this.deps.settings.github?.token ? '' : ' (60 requests an hour without a token)';
      return failed('rate-limited', `GitHub's rate limit is used up${token}`, this.#paced.pace.heldForMs() || 60_000);
    }
    if (status >= 500) return failed('unavailable', `GitHub answered HTTP ${status}`);
    return failed('rejected', `GitHub refused the request with HTTP ${status}`);
  }
}
