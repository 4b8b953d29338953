import { createServer } from 'node:http';

/** A Mastodon account as `accounts/lookup` answers it, with its statuses' interactions. */
export interface LoopbackMastodonAccount {
  username: string;
  followers: number;
  following: number;
  statuses: number;
  createdAt: string;
  engagement: number[];
  noindex?: boolean;
}

/** A loopback Mastodon server: `accounts/lookup` (404 `Record not found`), statuses (at most 40), `X-RateLimit-*` with an ISO reset, a redirect mode. */
export interface LoopbackMastodon {
  origin: string;
  add(account: LoopbackMastodonAccount): void;
  /** Every request answers 301 to this location while set. */
  redirect(location: string | undefined): void;
  requests(): string[];
  close(): Promise<void>;
}

/** Starts a loopback Mastodon server. */
export async function startLoopbackMastodon(): Promise<LoopbackMastodon> {
  const accounts = new Map<string, LoopbackMastodonAccount & { id: string }>();
  const seen: string[] = [];
  let location: string | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    seen.push(url.pathname);
    if (location) return res.writeHead(301, { location }).end();
    const headers = {
      'content-type': 'application/json',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '299',
      'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
    };
    const notFound = () => res.writeHead(404, headers).end('{"error":"Record not found"}');
    if (req.method !== 'GET') return notFound();
    if (url.pathname === '/api/v1/accounts/lookup') {
      const account = accounts.get(url.searchParams.get('acct') ?? '');
      if (!account) return notFound();
      const body = {
        id: account.id,
        username: account.username,
        acct: account.username,
        followers_count: account.followers,
        following_count: account.following,
        statuses_count: account.statuses,
        created_at: account.createdAt,
        ...(account.noindex !== undefined ? { noindex: account.noindex } : {}),
        fields: [],
      };
      return res.writeHead(200, headers).end(JSON.stringify(body));
    }
    const match = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(url.pathname);
    const account = [...accounts.values()].find((a) => a.id === match?.[1]);
    if (!account) return notFound();
    const limit = Math.min(40, Number(url.searchParams.get('limit') ?? '20'));
    const statuses = account.engagement.map((n, i) => ({
      id: String(i + 1),
      favourites_count: n,
      reblogs_count: 0,
      replies_count: 0,
      reblog: null,
    }));
    return res.writeHead(200, headers).end(JSON.stringify(statuses.slice(0, limit)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the loopback Mastodon has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    add: (account) => accounts.set(account.username, { ...account, id: String(accounts.size + 100) }),
    redirect: (to) => {
      location = to;
    },
    requests: () => [...seen],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
