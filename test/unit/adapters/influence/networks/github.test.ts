import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GithubClient } from '../../../../../shared/adapters/influence/github/client.js';
import { parseGithubHandle } from '../../../../../shared/adapters/influence/github/descriptor.js';
import type { NetworkCallContext } from '../../../../../shared/adapters/influence/network-client.js';
import { NetworkPace } from '../../../../../shared/adapters/influence/network-pace.js';
import type { GithubSettingsSchema } from '../../../../../shared/adapters/influence/network-settings.js';
import type * as z from 'zod';

const clock = { now: () => new Date() };
let server: Server;
let apiUrl = '';
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let remaining = 60;

beforeAll(async () => {
  // GitHub's contract (reference §3.7): a User-Agent is required, 60 an hour without a token, all five x-ratelimit headers.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: url.pathname, headers: req.headers });
    if (!req.headers['user-agent']) return res.writeHead(403).end('Request forbidden by administrative rules.');
    const limit = req.headers.authorization ? 5000 : 60;
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const rate = (left: number) => ({
      'content-type': 'application/json',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(left),
      'x-ratelimit-used': String(limit - left),
      'x-ratelimit-reset': reset,
      'x-ratelimit-resource': 'core',
    });
    if (!req.headers.authorization) {
      if (remaining <= 0)
        return res
          .writeHead(403, rate(0))
          .end('{"message":"API rate limit exceeded for 127.0.0.1.","documentation_url":"https://docs.github.com"}');
      remaining -= 1;
    }
    const left = req.headers.authorization ? 4999 : remaining;
    if (url.pathname === '/users/octocat') {
      return res
        .writeHead(200, rate(left))
        .end(JSON.stringify({ login: 'octocat', followers: 9000, following: 9, public_repos: 8, created_at: '2025-12-05T00:00:00Z' }));
    }
    if (url.pathname === '/users/octocat/repos' && url.searchParams.get('per_page') === '100') {
      const repos = [
        { fork: true, stargazers_count: 100_000, forks_count: 0 },
        ...[10, 20, 30].map((n) => ({ fork: false, stargazers_count: n, forks_count: 1 })),
      ];
      return res.writeHead(200, rate(left)).end(JSON.stringify(repos));
    }
    res.writeHead(404, rate(left)).end('{"message":"Not Found","documentation_url":"https://docs.github.com/rest/users/users#get-a-user"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  apiUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(github: Partial<z.input<typeof GithubSettingsSchema>> = {}): GithubClient {
  const pace = new NetworkPace({ requestsPerWindow: github.token ? 5000 : 60, windowMs: 3_600_000, share: 1, clock });
  return new GithubClient({
    settings: { github: { apiUrl, ...github } },
    paceFor: () => pace,
    clock,
    secret: async (ref) => ('value' in ref ? ref.value : ''),
    fetch: (input, init) => fetch(input, init),
    outsideFetch: () => Promise.reject(new Error('GitHub has a fixed host')),
  });
}

const context = (): NetworkCallContext => ({ purpose: 'scheduled', now: new Date('2026-12-05T00:00:00Z'), deadlineMs: Date.now() + 3000 });

describe('GitHub', () => {
  it('reads usernames, and refuses what is not one', () => {
    expect(parseGithubHandle('@OctoCat')).toEqual({ ok: true, handle: 'octocat' });
    expect(parseGithubHandle('octo--cat')).toMatchObject({ ok: false });
    expect(parseGithubHandle('../admin')).toMatchObject({ ok: false });
  });

  it('counts followers and public repositories, and the median stars + forks of own repositories, with the headers GitHub asks for', async () => {
    const answer = await client().lookup('octocat', context());

    expect(answer).toEqual({
      outcome: 'profile',
      inputs: { followers: 9000, following: 9, engagementPerPost: 21, accountAgeDays: 365, postCount: 8, verification: 'none' },
    });
    expect(seen.at(-1)?.headers).toMatchObject({
      accept: 'application/vnd.github+json',
      'user-agent': 'influence-router',
      'x-github-api-version': '2022-11-28',
    });
    expect(await client().lookup('nobody-here', context())).toEqual({ outcome: 'no-score', reason: 'no such GitHub user' });
  });

  it('stays within the 60 an hour without a token: the exhausted 403 holds every later lookup back without a request', async () => {
    remaining = 0;
    const github = client();

    const first = await github.lookup('octocat', context());
    const requestsAfterFirst = seen.length;
    const second = await github.lookup('octocat', context());

    expect(first).toMatchObject({
      outcome: 'failed',
      kind: 'rate-limited',
      reason: "GitHub's rate limit is used up (60 requests an hour without a token)",
    });
    expect(second).toMatchObject({
      outcome: 'failed',
      kind: 'rate-limited',
      reason: 'GitHub: held back: its limit of 60 requests is used up until it resets',
    });
    expect(seen.length).toBe(requestsAfterFirst);
    expect(await client({ token: { value: 'ghp_unit' } }).lookup('octocat', context())).toMatchObject({ outcome: 'profile' });
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer ghp_unit');
  });
});
