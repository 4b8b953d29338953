import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubPart, type SandboxGithub } from '../../../infra/sandbox/github/index.js';
import { type Sandbox, startSandbox } from '../../../infra/sandbox/sandbox.js';

const TOKEN = 'ghp_sandboxTestToken0000000000000000000000';
const HEADERS = { 'user-agent': 'influence-router-test', accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

let sandbox: Sandbox;
let github: SandboxGithub;

beforeEach(async () => {
  sandbox = await startSandbox({ parts: [githubPart.with({ tokens: [TOKEN] })] });
  github = sandbox.part(githubPart);
  github.addUser({
    login: 'octocat',
    name: 'The Octocat',
    followers: 2000,
    following: 9,
    email: 'octocat@github.test',
    createdAt: '2011-01-25T18:44:36Z',
    repos: Array.from({ length: 130 }, (_, index) => ({ name: `repo-${String(index).padStart(3, '0')}`, stars: index, forks: 1 })),
  });
});

afterEach(async () => {
  await sandbox.close();
});

async function get(path: string, headers: Record<string, string> = HEADERS) {
  const response = await fetch(`${github.apiUrl}${path}`, { headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe('the sandbox GitHub', () => {
  it('answers a user with the public-user fields, the email only to an authenticated caller', async () => {
    const anonymous = await get('/users/octocat');
    const withToken = await get('/users/OctoCat', { ...HEADERS, authorization: `Bearer ${TOKEN}` });

    expect(anonymous.json).toMatchObject({
      login: 'octocat',
      type: 'User',
      followers: 2000,
      following: 9,
      public_repos: 130,
      created_at: '2011-01-25T18:44:36Z',
      email: null,
    });
    expect(withToken.json).toMatchObject({ email: 'octocat@github.test' });
  });

  it("answers an unknown user with GitHub's 404 body", async () => {
    expect(await get('/users/nobody-here')).toMatchObject({
      status: 404,
      json: { message: 'Not Found', documentation_url: expect.any(String) },
    });
  });

  it("refuses a request without User-Agent, without GitHub's media type, or without a supported API version", async () => {
    const { 'user-agent': _agent, ...noAgent } = HEADERS;
    // fetch sends its own User-Agent when none is set, so the sandbox must see an empty one.
    const agentless = await get('/users/octocat', { ...noAgent, 'user-agent': '' });
    const anyType = await get('/users/octocat', { ...HEADERS, accept: '*/*' });
    const oldVersion = await get('/users/octocat', { ...HEADERS, 'x-github-api-version': '2021-01-01' });
    const { 'x-github-api-version': _version, ...noVersion } = HEADERS;
    const versionless = await get('/users/octocat', noVersion);

    expect(agentless.status).toBe(403);
    expect(agentless.text).toContain('User-Agent');
    expect(anyType.status).toBe(415);
    expect(oldVersion).toMatchObject({ status: 400, json: { message: expect.stringContaining('X-GitHub-Api-Version') } });
    expect(versionless.status).toBe(400);
  });

  it('refuses a token it does not know with 401 Bad credentials', async () => {
    expect(await get('/users/octocat', { ...HEADERS, authorization: 'token ghp_wrong' })).toMatchObject({
      status: 401,
      json: { message: 'Bad credentials' },
    });
  });

  it('sends all five x-ratelimit headers, 60 an hour without a token and 5,000 with one, and 403 past the limit', async () => {
    github.setLimits({ anonymousPerHour: 2 });

    const first = await get('/users/octocat');
    await get('/users/nobody-here');
    const refused = await get('/users/octocat');
    const withToken = await get('/users/octocat', { ...HEADERS, authorization: `token ${TOKEN}` });
    const budget = await get('/rate_limit');

    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-used')).toBe('1');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(refused).toMatchObject({ status: 403, json: { message: expect.stringContaining('API rate limit exceeded for') } });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('x-ratelimit-limit')).toBe('5000');
    // /rate_limit costs nothing.
    expect(budget.json).toMatchObject({ resources: { core: { limit: 2, remaining: 0, used: 2 } } });
    expect((await get('/rate_limit')).json).toMatchObject({ resources: { core: { used: 2 } } });
  });

  it('answers a secondary limit with 403, with retry-after or without it', async () => {
    github.secondaryLimitNext(1, { retryAfter: 60 });
    github.secondaryLimitNext(1);

    const withRetry = await get('/users/octocat');
    const without = await get('/users/octocat');

    expect(withRetry).toMatchObject({ status: 403, json: { message: expect.stringContaining('secondary rate limit') } });
    expect(withRetry.headers.get('retry-after')).toBe('60');
    expect(without.status).toBe(403);
    expect(without.headers.get('retry-after')).toBeNull();
  });

  it('pages repositories with a Link header, per_page capped at 100, and refuses an unknown type', async () => {
    const first = await get('/users/octocat/repos?per_page=500');
    const second = await get('/users/octocat/repos?per_page=100&page=2');

    expect(first.json).toHaveLength(100);
    expect(first.headers.get('link')).toMatch(/page=2>; rel="next".*page=2>; rel="last"/);
    expect(second.json).toHaveLength(30);
    expect(second.headers.get('link')).not.toContain('rel="next"');
    expect(await get('/users/octocat/repos?type=everything')).toMatchObject({ status: 422, json: { message: 'Validation Failed' } });
  });

  it('counts requests per path and per caller', async () => {
    await get('/users/octocat');
    await get('/users/octocat', { ...HEADERS, authorization: `Bearer ${TOKEN}` });

    expect(github.counts()).toEqual({ byPath: { '/users/octocat': 2 }, byAuth: { anonymous: 1, [`token:${TOKEN}`]: 1 } });
  });
});
