/**
 * The sandbox GitHub REST API, mounted at `/github` (standing for `https://api.github.com`):
 * `GET /users/{username}`, `GET /users/{username}/repos` and `GET /rate_limit`.
 *
 * The contract it holds a client to: a `User-Agent` (403 without one), `Accept:
 * application/vnd.github+json` and a supported `X-GitHub-Api-Version` (see `api.ts`); a token is
 * optional (`Bearer` or `token`), a wrong one 401 `Bad credentials`; the primary limit is 60 an
 * hour without a token (per address) and 5,000 an hour per token, every answer carries
 * `x-ratelimit-limit`, `-remaining`, `-used`, `-reset` (epoch seconds) and `-resource`, and past
 * the limit the answer is 403 (or 429) with GitHub's message; `/rate_limit` costs nothing. Unknown
 * users get GitHub's 404; repositories page with a `Link` header, `per_page` capped at 100.
 */
import { countRequests, WindowBudgets } from '../budget.js';
import { escapeHtml, type FaultControl, fail, type PartRequest, type SandboxPart, withHeaders } from '../http.js';
import { SandboxPlugin } from '../sandbox.js';
import { checkHeaders, routeUsers } from './api.js';
import type { SandboxGithub, SandboxGithubOptions, SandboxGithubUser, SandboxGithubUserInput } from './types.js';

const MOUNT = '/github';
const HOUR_MS = 3_600_000;
const RATE_DOCS = 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting';

/**
 * Builds the sandbox GitHub for one sandbox.
 *
 * @example
 * const sandbox = await startSandbox({ parts: [githubPart.with({ tokens: ['ghp_test'] })] });
 * sandbox.part(githubPart).addUser({ login: 'octocat', followers: 20, following: 3 });
 */
export function createGithubPart(
  options: SandboxGithubOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxGithub } {
  const tokens = new Set(options.tokens ?? []);
  const limits = { anonymous: options.anonymousPerHour ?? 60, token: options.tokenPerHour ?? 5000 };
  const budget = new WindowBudgets(limits.anonymous, HOUR_MS);
  const users = new Map<string, SandboxGithubUser>();
  let nextId = 583_231;

  const tokenOf = (request: PartRequest): string | undefined =>
    /^(?:Bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const caller = (request: PartRequest): string => {
    const token = tokenOf(request);
    return token === undefined ? 'anonymous' : `token:${token}`;
  };
  const limitOf = (who: string): number => (who === 'anonymous' ? limits.anonymous : limits.token);
  const rateHeaders = (take: { limit: number; remaining: number; used: number; resetAt: number }): Record<string, string> => ({
    'x-ratelimit-limit': String(take.limit),
    'x-ratelimit-remaining': String(take.remaining),
    'x-ratelimit-used': String(take.used),
    'x-ratelimit-reset': String(Math.ceil(take.resetAt / 1000)),
    'x-ratelimit-resource': 'core',
  });
  const exhausted = (who: string) => ({
    message:
      who === 'anonymous'
        ? "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
        : 'API rate limit exceeded for user ID 1.',
    documentation_url: RATE_DOCS,
  });

  const part: SandboxPart = {
    name: 'github',
    mount: MOUNT,
    route(request) {
      const who = caller(request);
      checkHeaders(request);
      if (request.pathname === '/rate_limit') {
        const core = budget.peek(who, limitOf(who));
        const view = { limit: core.limit, remaining: core.remaining, used: core.used, reset: Math.ceil(core.resetAt / 1000) };
        return { status: 200, headers: rateHeaders(core), body: { resources: { core: view }, rate: view } };
      }
      const take = budget.take(who, limitOf(who));
      if (!take.allowed) throw fail(options.exhaustedStatus ?? 403, exhausted(who), rateHeaders(take));
      return withHeaders(rateHeaders(take), () => routeUsers((login) => users.get(login.toLowerCase()), request, who !== 'anonymous'));
    },
    // No token is fine (the anonymous limit applies); a token GitHub does not know is not.
    authenticated: (request) => {
      const token = tokenOf(request);
      return request.headers.authorization === undefined || (token !== undefined && tokens.has(token));
    },
    unauthorized: () => ({
      status: 401,
      body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
    }),
    authLabel: caller,
    faultBody(status) {
      if (status === 403 || status === 429) return SECONDARY;
      if (status >= 500) return { message: 'Server Error' };
      return { message: 'Injected by the sandbox', documentation_url: 'https://docs.github.com/rest' };
    },
    inspectTickets: () => [],
    inspectTicket: () => undefined,
    renderSection: () => renderSection([...users.values()]),
  };

  function stored(input: SandboxGithubUserInput, existing?: SandboxGithubUser): SandboxGithubUser {
    if (!/^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i.test(input.login)) throw new Error(`sandbox github: ${input.login} is not a login`);
    return {
      ...input,
      id: existing?.id ?? nextId++,
      createdAt: input.createdAt ?? existing?.createdAt ?? new Date(Date.now() - 3 * 365 * 86_400_000).toISOString(),
    };
  }

  const api: SandboxGithub = {
    get apiUrl() {
      return `${baseUrl()}${MOUNT}`;
    },
    addUser(input) {
      if (users.has(input.login.toLowerCase())) throw new Error(`sandbox github: ${input.login} already exists`);
      const user = stored(input);
      users.set(user.login.toLowerCase(), user);
      return structuredClone(user);
    },
    updateUser(login, change) {
      const existing = users.get(login.toLowerCase());
      if (!existing) throw new Error(`sandbox github: no user ${login}`);
      const user = stored({ ...existing, ...change }, existing);
      users.set(user.login.toLowerCase(), user);
      return structuredClone(user);
    },
    user: (login) => {
      const user = users.get(login.toLowerCase());
      return user ? structuredClone(user) : undefined;
    },
    addToken: (token) => {
      tokens.add(token);
    },
    setLimits(next) {
      if (next.anonymousPerHour !== undefined) limits.anonymous = next.anonymousPerHour;
      if (next.tokenPerHour !== undefined) limits.token = next.tokenPerHour;
    },
    rateLimitNext(count) {
      const take = budget.peek('anonymous', limits.anonymous);
      control.add({
        status: options.exhaustedStatus ?? 403,
        count,
        pathPrefix: '/users/',
        headers: rateHeaders({ ...take, remaining: 0, used: take.limit }),
        body: exhausted('anonymous'),
      });
    },
    secondaryLimitNext(count, secondary = {}) {
      const headers: Record<string, string> = secondary.retryAfter === undefined ? {} : { 'retry-after': String(secondary.retryAfter) };
      control.add({ status: 403, count, pathPrefix: '/users/', headers, body: SECONDARY });
    },
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    counts: () => countRequests(control.requests()),
  };
  return { part, api };
}

/** The sandbox GitHub: `startSandbox({ parts: [githubPart.with(options)] })`, then `sandbox.part(githubPart)`. */
export const githubPart = new SandboxPlugin('github', createGithubPart);

const SECONDARY = {
  message:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
  documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};

function renderSection(users: SandboxGithubUser[]): string {
  const rows = users
    .map(
      (user) =>
        `<tr>${[user.login, String(user.followers), String(user.publicRepos ?? (user.repos ?? []).length)].map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<section id="github"><h2>Sandbox GitHub: ${users.length} user(s)</h2>
<table><thead><tr><th>Login</th><th>Followers</th><th>Public repositories</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>
`;
}
