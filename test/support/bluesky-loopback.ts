import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One account the loopback AppView serves. */
export interface LoopbackBlueskyAccount {
  handle: string;
  did: string;
  followers: number;
  follows: number;
  posts: number;
  createdAt: string;
  /** Interactions of each own post, newest first. */
  engagement: number[];
  labels?: { val: string; neg?: boolean }[];
  /** What `_atproto.<handle>` answers (`did=...`), and what the DID document claims; both the account's own by default. */
  txt?: string[];
  alsoKnownAs?: string[];
}

/** A loopback Bluesky AppView, PLC directory and DNS-over-HTTPS that hold Bluesky's contract (reference §1.11). */
export interface LoopbackBluesky {
  url: string;
  add(account: LoopbackBlueskyAccount): void;
  /** Requests per path (`/xrpc/app.bsky.actor.getProfiles`, `/plc/...` as `/plc`, `/dns-query`). */
  counts(): Record<string, number>;
  /** The next `count` XRPC requests answer 429 with `Retry-After` and the `RateLimit-*` headers. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** Every XRPC answer waits this long first. */
  delay(ms: number): void;
  /** The most actors one getProfiles call asked for. */
  largestBatch(): number;
  close(): Promise<void>;
}

const ACTOR = /^(did:plc:[a-z2-7]{24}|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*)$/i;
const FILTERS = new Set(['posts_with_replies', 'posts_no_replies', 'posts_with_media', 'posts_and_author_threads', 'posts_with_video']);

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Starts the loopback Bluesky: `/xrpc/app.bsky.actor.getProfile|getProfiles`, `/xrpc/app.bsky.feed.getAuthorFeed`,
 * `/plc/<did>` and `/dns-query?name=_atproto.<handle>&type=TXT`.
 */
export async function startLoopbackBluesky(): Promise<LoopbackBluesky> {
  const accounts = new Map<string, LoopbackBlueskyAccount>();
  const counts: Record<string, number> = {};
  let limited = 0;
  let retryAfter = 30;
  let delayMs = 0;
  let largest = 0;
  const find = (actor: string) => accounts.get(actor.toLowerCase()) ?? [...accounts.values()].find((a) => a.did === actor);
  const profileView = (a: LoopbackBlueskyAccount) => ({
    did: a.did,
    handle: a.handle,
    followersCount: a.followers,
    followsCount: a.follows,
    postsCount: a.posts,
    createdAt: a.createdAt,
    indexedAt: a.createdAt,
    labels: (a.labels ?? []).map((l) => ({ src: a.did, uri: `at://${a.did}/app.bsky.actor.profile/self`, cts: a.createdAt, ...l })),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const key = url.pathname.startsWith('/plc/') ? '/plc' : url.pathname;
    counts[key] = (counts[key] ?? 0) + 1;
    if (url.pathname === '/dns-query') {
      const name = url.searchParams.get('name') ?? '';
      const account = accounts.get(name.replace(/^_atproto\./, ''));
      if (!account || url.searchParams.get('type') !== 'TXT') return json(res, 200, { Status: 3 });
      const txt = account.txt ?? [`did=${account.did}`];
      return json(res, 200, { Status: 0, Answer: txt.map((data) => ({ name, type: 16, TTL: 300, data: `"${data}"` })) });
    }
    if (url.pathname.startsWith('/plc/')) {
      const did = decodeURIComponent(url.pathname.slice('/plc/'.length));
      const account = [...accounts.values()].find((a) => a.did === did);
      if (!account) return json(res, 404, { message: `DID not registered: ${did}` });
      return json(res, 200, { id: did, alsoKnownAs: account.alsoKnownAs ?? [`at://${account.handle}`], service: [] });
    }
    if (!url.pathname.startsWith('/xrpc/')) return json(res, 404, { error: 'XRPCNotSupported', message: 'XRPCNotSupported' });
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const reset = String(Math.floor(Date.now() / 1000) + retryAfter);
    if (limited > 0) {
      limited -= 1;
      return json(
        res,
        429,
        { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
        {
          'retry-after': String(retryAfter),
          'ratelimit-limit': '3000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': reset,
          'ratelimit-policy': '3000;w=300',
        },
      );
    }
    if (req.method !== 'GET')
      return json(res, 400, { error: 'InvalidRequest', message: `Incorrect HTTP method (${req.method}) expected GET` });
    const nsid = url.pathname.slice('/xrpc/'.length);
    if (nsid === 'app.bsky.actor.getProfile') {
      const actor = url.searchParams.get('actor') ?? '';
      if (!ACTOR.test(actor)) return json(res, 400, { error: 'InvalidRequest', message: 'Error: actor must be a valid did or a handle' });
      const account = find(actor);
      return account ? json(res, 200, profileView(account)) : json(res, 400, { error: 'InvalidRequest', message: 'Profile not found' });
    }
    if (nsid === 'app.bsky.actor.getProfiles') {
      const actors = url.searchParams.getAll('actors');
      largest = Math.max(largest, actors.length);
      if (actors.length === 0 || actors.length > 25 || !actors.every((a) => ACTOR.test(a))) {
        return json(res, 400, { error: 'InvalidRequest', message: 'Error: actors must not have more than 25 elements' });
      }
      const found = actors.flatMap((actor) => {
        const account = find(actor);
        return account ? [profileView(account)] : [];
      });
      return json(res, 200, { profiles: found });
    }
    if (nsid === 'app.bsky.feed.getAuthorFeed') {
      const actor = url.searchParams.get('actor') ?? '';
      const limit = Number(url.searchParams.get('limit') ?? '50');
      const filter = url.searchParams.get('filter') ?? 'posts_with_replies';
      if (!ACTOR.test(actor) || !Number.isInteger(limit) || limit < 1 || limit > 100 || !FILTERS.has(filter)) {
        return json(res, 400, { error: 'InvalidRequest', message: 'Error: invalid parameters' });
      }
      const account = find(actor);
      if (!account) return json(res, 400, { error: 'InvalidRequest', message: 'Profile not found' });
      // A repost of someone else first, which a client must not count.
      const repost = {
        post: { author: { did: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa' }, likeCount: 99_999 },
        reason: { $type: 'app.bsky.feed.defs#reasonRepost' },
      };
      const own = account.engagement.map((n) => ({
        post: { author: { did: account.did }, likeCount: n, repostCount: 0, replyCount: 0, quoteCount: 0 },
      }));
      return json(res, 200, { feed: [repost, ...own].slice(0, limit) });
    }
    return json(res, 501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => json(res, 500, { error: 'InternalServerError', message: 'Internal Server Error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    add: (account) => accounts.set(account.handle.toLowerCase(), account),
    counts: () => ({ ...counts }),
    rateLimitNext: (count, seconds) => {
      limited = count;
      retryAfter = seconds;
    },
    delay: (ms) => {
      delayMs = ms;
    },
    largestBatch: () => largest,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
