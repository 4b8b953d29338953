/** The GitHub REST subset the sandbox answers: users and their public repositories, with GitHub's bodies. */
import { fail, type PartRequest, type Reply } from '../http.js';
import type { SandboxGithubUser } from './types.js';

const DOCS = 'https://docs.github.com/rest';
const API_VERSIONS = ['2022-11-28', '2026-03-10'];
// GitHub's own media types: a client that leaves Accept at `*/*` (fetch's default) is told to send one.
const MEDIA_TYPES = ['application/vnd.github+json', 'application/vnd.github.v3+json'];
const LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;

/**
 * The request headers GitHub's docs ask for, checked more strictly than GitHub does so a client
 * that forgets one fails here: `User-Agent` (GitHub itself refuses a request without it),
 * `Accept: application/vnd.github+json` and a supported `X-GitHub-Api-Version` (GitHub defaults
 * these two; the sandbox refuses their absence with the answer GitHub gives a wrong value).
 */
export function checkHeaders(request: PartRequest): void {
  if (!request.headers['user-agent'])
    throw fail(
      403,
      'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.\n',
      { 'content-type': 'text/plain; charset=utf-8' },
    );
  const accept = (request.headers.accept ?? '').split(',').map((type) => type.split(';')[0]?.trim().toLowerCase() ?? '');
  if (!accept.some((type) => MEDIA_TYPES.includes(type)))
    throw fail(415, {
      message: `Unsupported 'Accept' header: ${JSON.stringify(request.headers.accept ?? '')}. Must accept 'application/vnd.github+json'.`,
      documentation_url: 'https://docs.github.com/v3/media',
    });
  const version = request.headers['x-github-api-version'];
  if (typeof version !== 'string' || !API_VERSIONS.includes(version))
    throw fail(400, {
      message: `Unsupported 'X-GitHub-Api-Version' header: ${JSON.stringify(version ?? '')}. Supported versions: ${API_VERSIONS.join(', ')}`,
      documentation_url: `${DOCS}/overview/api-versions`,
      status: '400',
    });
}

/** Answers `/users/{username}` and `/users/{username}/repos`; GitHub's 404 for anything else. */
export function routeUsers(users: (login: string) => SandboxGithubUser | undefined, request: PartRequest, authenticated: boolean): Reply {
  const match = /^\/users\/([^/]+)(\/repos)?$/.exec(request.pathname);
  if (request.method !== 'GET' || !match?.[1]) throw fail(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  const login = decodeURIComponent(match[1]);
  const user = LOGIN.test(login) ? users(login) : undefined;
  if (!user) throw fail(404, { message: 'Not Found', documentation_url: `${DOCS}/users/users#get-a-user`, status: '404' });
  if (match[2]) return reposPage(user, request);
  return { status: 200, body: userJson(user, authenticated) };
}

/** The `public-user` schema. */
function userJson(user: SandboxGithubUser, authenticated: boolean): Record<string, unknown> {
  const api = `https://api.github.com/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: `U_kgDO${Buffer.from(String(user.id)).toString('base64url')}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${user.login}`,
    followers_url: `${api}/followers`,
    repos_url: `${api}/repos`,
    type: user.type ?? 'User',
    user_view_type: 'public',
    site_admin: false,
    name: user.name ?? null,
    company: null,
    blog: user.blog ?? '',
    location: null,
    // Public emails are shown to authenticated callers only.
    email: authenticated ? (user.email ?? null) : null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: user.publicRepos ?? (user.repos ?? []).length,
    public_gists: user.publicGists ?? 0,
    followers: user.followers,
    following: user.following,
    created_at: stampOf(user.createdAt),
    updated_at: stampOf(user.createdAt),
  };
}

const TYPES = ['all', 'owner', 'member'];
const SORTS = ['created', 'updated', 'pushed', 'full_name'];

function reposPage(user: SandboxGithubUser, request: PartRequest): Reply {
  const query = request.query;
  const type = query.get('type') ?? 'owner';
  const sort = query.get('sort') ?? 'full_name';
  const direction = query.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
  const invalid = [
    ...(TYPES.includes(type) ? [] : [{ field: 'type', value: type, allowed: TYPES }]),
    ...(SORTS.includes(sort) ? [] : [{ field: 'sort', value: sort, allowed: SORTS }]),
    ...(['asc', 'desc'].includes(direction) ? [] : [{ field: 'direction', value: direction, allowed: ['asc', 'desc'] }]),
  ];
  if (invalid.length > 0)
    throw fail(422, {
      message: 'Validation Failed',
      errors: invalid.map((one) => ({
        resource: 'Repository',
        field: one.field,
        code: 'invalid',
        message: `${one.field} must be one of ${one.allowed.join(', ')}`,
      })),
      documentation_url: `${DOCS}/repos/repos#list-repositories-for-a-user`,
      status: '422',
    });
  // GitHub caps per_page at 100 rather than refusing more.
  const perPage = Math.min(100, Math.max(1, Number.parseInt(query.get('per_page') ?? '30', 10) || 30));
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const repos = [...(user.repos ?? [])].sort((a, b) => {
    const order = sort === 'full_name' ? a.name.localeCompare(b.name) : (a.pushedAt ?? '').localeCompare(b.pushedAt ?? '');
    return direction === 'asc' ? order : -order;
  });
  const last = Math.max(1, Math.ceil(repos.length / perPage));
  const headers: Record<string, string> = {};
  const link = (n: number, rel: string) => `<https://api.github.com/user/${user.id}/repos?per_page=${perPage}&page=${n}>; rel="${rel}"`;
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev'), link(1, 'first')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
  ];
  if (links.length > 0) headers['link'] = links.join(', ');
  const body = repos.slice((page - 1) * perPage, page * perPage).map((repo, index) => ({
    id: user.id * 1000 + index,
    name: repo.name,
    full_name: `${user.login}/${repo.name}`,
    owner: { login: user.login, id: user.id, type: user.type ?? 'User' },
    private: false,
    html_url: `https://github.com/${user.login}/${repo.name}`,
    fork: repo.fork ?? false,
    archived: repo.archived ?? false,
    visibility: 'public',
    stargazers_count: repo.stars,
    watchers_count: repo.stars,
    forks_count: repo.forks,
    open_issues_count: 0,
    created_at: stampOf(user.createdAt),
    updated_at: stampOf(repo.pushedAt ?? user.createdAt),
    pushed_at: stampOf(repo.pushedAt ?? user.createdAt),
  }));
  return { status: 200, headers, body };
}

function stampOf(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
