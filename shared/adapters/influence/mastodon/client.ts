import * as z from 'zod';
import type { ReachInputs } from '../../../domain/score-model.js';
import type { JsonResponse } from '../../http/json-request.js';
import {
  ageInDays,
  isFailure,
  median,
  type NetworkAnswer,
  type NetworkCallContext,
  type NetworkClient,
  type NetworkClientDeps,
  outsideUrl,
  pacedGet,
} from '../network-client.js';
import { failed, type FailedLookup } from '../provider-failures.js';
import { serverFromWebfinger, webfingerPath } from './webfinger.js';

/** Own statuses the engagement median is taken over; Mastodon gives at most 40 a page. */
const STATUSES_COUNTED = 20;
// Mastodon ids are strings "cast from an integer, but not guaranteed to be a number": checked before they go in a path.
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const AccountSchema = z.object({
  id: z.string(),
  acct: z.string().optional(),
  followers_count: z.number().int().nonnegative(),
  following_count: z.number().int().nonnegative(),
  statuses_count: z.number().int().nonnegative(),
  created_at: z.string(),
  noindex: z.boolean().nullish(),
  indexable: z.boolean().optional(),
  suspended: z.boolean().optional(),
  moved: z.unknown().optional(),
  fields: z.array(z.object({ name: z.string(), value: z.string(), verified_at: z.string().nullish() })).default([]),
});
type Account = z.infer<typeof AccountSchema>;

const StatusesSchema = z.array(
  z.object({
    favourites_count: z.number().int().nonnegative().default(0),
    reblogs_count: z.number().int().nonnegative().default(0),
    replies_count: z.number().int().nonnegative().default(0),
    quotes_count: z.number().int().nonnegative().optional(),
    reblog: z.unknown().nullish(),
  }),
);

const HREF = /href="(https?:\/\/[^"]+)"/gi;

/** True when a profile field the server verified (`verified_at`, a rel="me" link back) links to the email's domain. */
function verifiedLinkTo(account: Account, domain: string): boolean {
  return account.fields.some((field) => {
    if (!field.verified_at) return false;
    return [...field.value.matchAll(HREF)].some(([, href]) => {
      const host = URL.canParse(href ?? '') ? new URL(href ?? '').hostname.toLowerCase() : '';
      return host === domain || host.endsWith(`.${domain}`);
    });
  });
}

/**
 * A Mastodon account on the server that hosts it (`GET /api/v1/accounts/lookup?acct=`, then
 * `/api/v1/accounts/:id/statuses` without replies or boosts): followers, following, statuses and
 * account age, and the median favourites + boosts + replies + quotes of the last 20 own
 * statuses. The handle's domain is asked first; when it has no such account (404, or an answer
 * that is not an account: a web site), its WebFinger answer names the server (Mastodon's split of
 * LOCAL_DOMAIN and WEB_DOMAIN), whose name is checked as a handle's domain is, and which must
 * hold the account as its own under the full handle (`acct=user@domain`), so that a domain cannot
 * borrow another server's account. Servers are outside data: requests go through the checked
 * transport (https on port 443, public addresses only, the connection made to the checked
 * address, no redirects, answers capped), each server with its own pace, and only to the
 * tenant's allow-list when it has one. `noindex`, `indexable: false`, a suspended or moved
 * account mean no score. A profile link to the email's domain that the server verified proves
 * the handle is the customer's.
 */
export class MastodonClient implements NetworkClient {
  constructor(private readonly deps: NetworkClientDeps) {}

  async lookup(handle: string, context: NetworkCallContext): Promise<NetworkAnswer> {
    const at = handle.lastIndexOf('@');
    const username = handle.slice(0, at);
    const domain = handle.slice(at + 1);
    if (!this.#allowed(domain)) return { outcome: 'no-score', reason: `${domain} is not on this tenant's list of Mastodon servers` };
    const found = await this.#get(domain, `/api/v1/accounts/lookup?acct=${encodeURIComponent(username)}`, context);
    if ('outcome' in found) return found;
    const direct = found.status === 200 ? AccountSchema.safeParse(found.json) : undefined;
    if (direct?.success) return this.#score(domain, direct.data, context);
    // The handle's domain need not run Mastodon: a 404, or a 200 that is no account (a web site's page), asks its WebFinger.
    if (found.status === 404 || direct !== undefined) return this.#viaWebfinger(username, domain, context);
    if (found.status === 401) return { outcome: 'no-score', reason: `${domain} allows no lookups without an account` };
    return this.#answerProblem(domain, found) ?? failed('rejected', `Mastodon server ${domain} answered HTTP ${found.status}`);
  }

  /** The account on the server the domain's WebFinger names: one WebFinger request, one more server at most. */
  async #viaWebfinger(username: string, domain: string, context: NetworkCallContext): Promise<NetworkAnswer> {
    const accept = { accept: 'application/jrd+json, application/json' };
    const finger = await this.#get(domain, webfingerPath(username, domain), context, accept);
    if ('outcome' in finger) return finger;
    if (finger.status >= 300 && finger.status < 400) {
      return {
        outcome: 'no-score',
        reason: `${domain} answered WebFinger with a redirect (HTTP ${finger.status}), which is never followed`,
      };
    }
    if (finger.status >= 500) return failed('unavailable', `Mastodon server ${domain} answered WebFinger with HTTP ${finger.status}`);
    if (finger.status !== 200) return { outcome: 'no-score', reason: `no such account on ${domain}` };
    const named = serverFromWebfinger(finger.json, username, domain);
    if (!named.ok) return { outcome: 'no-score', reason: named.reason };
    const server = named.server;
    // The domain itself was asked already and had no such account.
    if (server === domain) return { outcome: 'no-score', reason: `no such account on ${domain}` };
    if (!this.#allowed(server)) {
      return {
        outcome: 'no-score',
        reason: `${server}, the server of ${username}@${domain}, is not on this tenant's list of Mastodon servers`,
      };
    }
    // The full handle, not the bare username: only the server whose handles are on this domain holds it as its own.
    const found = await this.#get(server, `/api/v1/accounts/lookup?acct=${encodeURIComponent(`${username}@${domain}`)}`, context);
    if ('outcome' in found) return found;
    if (found.status === 404) {
      return { outcome: 'no-score', reason: `no such account on ${server}, the server named by the WebFinger answer of ${domain}` };
    }
    if (found.status === 401) return { outcome: 'no-score', reason: `${server} allows no lookups without an account` };
    const problem = this.#answerProblem(server, found);
    if (problem) return problem;
    const account = AccountSchema.safeParse(found.json);
    if (!account.success) return failed('malformed', `${server} answered an account that is not one`);
    // A remote account the server merely knows reads `user@domain`; its own reads the bare username.
    if (account.data.acct !== undefined && account.data.acct.includes('@')) {
      return { outcome: 'no-score', reason: `no such account on ${server}, the server named by the WebFinger answer of ${domain}` };
    }
    return this.#score(server, account.data, context);
  }

  /** The Reach inputs of an account found on `server`, or no score when the account opted out, is suspended or moved. */
  async #score(server: string, account: Account, context: NetworkCallContext): Promise<NetworkAnswer> {
    if (!ACCOUNT_ID.test(account.id)) return failed('malformed', `${server} answered an account that is not one`);
    if (account.noindex === true || account.indexable === false) {
      return { outcome: 'no-score', reason: 'the account asked not to be indexed (noindex)' };
    }
    if (account.suspended === true) return { outcome: 'no-score', reason: 'the Mastodon account is suspended' };
    if (account.moved) return { outcome: 'no-score', reason: 'the Mastodon account has moved' };

    const statuses = await this.#get(
      server,
      `/api/v1/accounts/${account.id}/statuses?limit=40&exclude_replies=true&exclude_reblogs=true`,
      context,
    );
    if ('outcome' in statuses) return statuses;
    const statusProblem = this.#answerProblem(server, statuses);
    if (statusProblem) return statusProblem;
    const list = StatusesSchema.safeParse(statuses.json);
    if (!list.success) return failed('malformed', `${server} answered statuses that are not a list of statuses`);
    const own = list.data.filter((status) => !status.reblog).slice(0, STATUSES_COUNTED);
    const inputs: ReachInputs = {
      followers: account.followers_count,
      following: account.following_count,
      engagementPerPost: median(own.map((s) => s.favourites_count + s.reblogs_count + s.replies_count + (s.quotes_count ?? 0))),
      accountAgeDays: ageInDays(account.created_at, context.now),
      postCount: account.statuses_count,
      verification: 'none',
    };
    const domain = context.emailDomain;
    if (domain && verifiedLinkTo(account, domain)) {
      return { outcome: 'profile', inputs, proven: `${server} verified the profile's link to ${domain}` };
    }
    return { outcome: 'profile', inputs };
  }

  /** True when the tenant lists no servers, or lists this one. */
  #allowed(server: string): boolean {
    const allowed = this.deps.settings.mastodon?.servers;
    return !allowed || allowed.includes(server);
  }

  /** One GET to a server (the handle's domain, or the one its WebFinger names), on that server's pace; a refused address is no score, with the reason. */
  async #get(
    server: string,
    path: string,
    context: NetworkCallContext,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse | NetworkAnswer> {
    const paced = { clock: this.deps.clock, pace: this.deps.paceFor(server) };
    const url = outsideUrl(server, path, this.deps.outsideHosts);
    const answer = await pacedGet(paced, url, headers, context, `Mastodon server ${server}`, this.deps.outsideFetch);
    if (isFailure(answer)) return this.#refusedAsNoScore(answer);
    return answer;
  }

  /** A server the checks refused (an address requests may not go to) is the handle's problem, not a failure to retry. */
  #refusedAsNoScore(failure: FailedLookup): NetworkAnswer {
    return failure.kind === 'rejected' ? { outcome: 'no-score', reason: failure.reason } : failure;
  }

  #answerProblem(server: string, answer: JsonResponse): NetworkAnswer | undefined {
    if (answer.status >= 300 && answer.status < 400) {
      return { outcome: 'no-score', reason: `${server} answered a redirect (HTTP ${answer.status}), which is never followed` };
    }
    if (answer.status >= 500) return failed('unavailable', `Mastodon server ${server} answered HTTP ${answer.status}`);
    if (answer.status !== 200) return failed('rejected', `Mastodon server ${server} refused with HTTP ${answer.status}`);
    return undefined;
  }
}
