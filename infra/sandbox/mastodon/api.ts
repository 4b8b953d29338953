/** The Mastodon REST API subset and WebFinger one sandbox server answers, with Mastodon's entities. */
import { escapeHtml, fail, type PartRequest, type Reply } from '../http.js';
import type { SandboxMastodonAccount, SandboxMastodonStatus } from './types.js';

/** One server's accounts, by username (lower-cased) and by id. */
export interface ServerAccounts {
  /** The server's own name (its web domain), where the API and actors are. */
  readonly name: string;
  /** The domain its handles carry (`@ada@<localDomain>`): the server's name, unless its handles live on another domain. */
  readonly localDomain: string;
  byUsername(username: string): SandboxMastodonAccount | undefined;
  byId(id: string): SandboxMastodonAccount | undefined;
}

const NOT_FOUND = { error: 'Record not found' };

/**
 * A handle domain that is not the server (`@ada@lovelace.example` on `social.example`): it
 * answers WebFinger only, pointing at the account's actor on the server, as the domain's own web
 * server does when an admin splits the two.
 */
export function routeHandleDomain(domain: string, server: ServerAccounts, request: PartRequest): Reply {
  if (request.method !== 'GET' || request.pathname !== '/.well-known/webfinger')
    return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
  const resource = request.query.get('resource');
  if (resource === null || resource === '') return EMPTY_400;
  const match = /^(?:acct:)?@?([^@\s]+)@([^@\s]+)$/.exec(resource);
  if (match?.[2]?.toLowerCase() !== domain || match[1] === undefined) return EMPTY_404;
  return webfinger(server, request.query);
}

/** Answers one request to a server: WebFinger, account lookup, account, statuses; Mastodon's 404 otherwise. */
export function routeServer(server: ServerAccounts, request: PartRequest): Reply {
  if (request.method !== 'GET') throw fail(404, NOT_FOUND);
  if (request.pathname === '/.well-known/webfinger') return webfinger(server, request.query);
  if (request.pathname === '/api/v1/accounts/lookup') {
    const acct = request.query.get('acct');
    if (acct === null || acct === '') throw fail(400, { error: 'Missing parameter: acct' });
    const [username = '', domain] = acct.replace(/^@/, '').split('@');
    // A remote account this server has never seen is not found: lookup skips WebFinger.
    const local = domain === undefined || [server.name, server.localDomain].includes(domain.toLowerCase());
    const account = local ? server.byUsername(username) : undefined;
    if (!account || account.suspended) throw fail(404, NOT_FOUND);
    return { status: 200, body: accountJson(server.name, account) };
  }
  const statuses = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(request.pathname);
  if (statuses?.[1] !== undefined) {
    const account = server.byId(statuses[1]);
    if (!account || account.suspended) throw fail(404, NOT_FOUND);
    return statusesPage(server.name, account, request);
  }
  const one = /^\/api\/v1\/accounts\/([^/]+)$/.exec(request.pathname);
  if (one?.[1] !== undefined) {
    const account = server.byId(one[1]);
    if (!account) throw fail(404, NOT_FOUND);
    return { status: 200, body: accountJson(server.name, account) };
  }
  throw fail(404, NOT_FOUND);
}

// Mastodon's WebFinger answers its errors with `head 400` and `head 404`: no body.
const EMPTY_400: Reply = { status: 400, body: '', headers: { 'content-type': 'text/plain' } };
const EMPTY_404: Reply = { status: 404, body: '', headers: { 'content-type': 'text/plain' } };

/** A JRD as Mastodon's `WebfingerSerializer` writes it, served as `application/jrd+json`. */
function webfinger(server: ServerAccounts, query: URLSearchParams): Reply {
  const resource = query.get('resource');
  if (resource === null || resource === '') return EMPTY_400;
  const match = /^(?:acct:)?@?([^@\s]+)@([^@\s]+)$/.exec(resource);
  const domain = match?.[2]?.toLowerCase() ?? '';
  const account = [server.name, server.localDomain].includes(domain) && match?.[1] !== undefined ? server.byUsername(match[1]) : undefined;
  if (!account || account.suspended) return EMPTY_404;
  const actor = `https://${server.name}/users/${account.username}`;
  return {
    status: 200,
    headers: { 'content-type': 'application/jrd+json; charset=utf-8' },
    body: {
      // The subject is always the handle's form, on the handle's domain.
      subject: `acct:${account.username}@${server.localDomain}`,
      aliases: [`https://${server.name}/@${account.username}`, actor],
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: `https://${server.name}/@${account.username}` },
        { rel: 'self', type: 'application/activity+json', href: actor },
        { rel: 'http://ostatus.org/schema/1.0/subscribe', template: `https://${server.name}/authorize_interaction?uri={uri}` },
      ],
    },
  };
}

/** The Account entity, counts as integers, `created_at` at midnight UTC, `last_status_at` a date. */
export function accountJson(server: string, account: SandboxMastodonAccount): Record<string, unknown> {
  const statuses = account.statuses ?? [];
  const lastStatus = statuses.length > 0 ? new Date(Date.now() - 3_600_000).toISOString().slice(0, 10) : null;
  const body: Record<string, unknown> = {
    id: account.id,
    username: account.username,
    acct: account.username,
    display_name: account.displayName ?? account.username,
    locked: account.locked ?? false,
    bot: account.bot ?? false,
    discoverable: account.discoverable === undefined ? true : account.discoverable,
    indexable: account.indexable ?? true,
    group: false,
    created_at: `${account.createdAt.slice(0, 10)}T00:00:00.000Z`,
    note: '<p></p>',
    url: `https://${server}/@${account.username}`,
    uri: `https://${server}/users/${account.username}`,
    avatar: `https://${server}/avatars/original/missing.png`,
    header: `https://${server}/headers/original/missing.png`,
    followers_count: account.followers,
    following_count: account.following,
    statuses_count: account.statusesCount ?? statuses.length,
    last_status_at: lastStatus,
    hide_collections: false,
    noindex: account.noindex ?? false,
    emojis: [],
    roles: [],
    fields: (account.fields ?? []).map((field) => ({
      name: field.name,
      value: /^https?:\/\//.test(field.value)
        ? `<a href="${escapeHtml(field.value)}" target="_blank" rel="nofollow noopener me" translate="no">${escapeHtml(field.value.replace(/^https?:\/\//, ''))}</a>`
        : escapeHtml(field.value),
      verified_at: field.verifiedAt ?? null,
    })),
  };
  if (account.suspended) body['suspended'] = true;
  return body;
}

const MAX_LIMIT = 40;

function statusesPage(server: string, account: SandboxMastodonAccount, request: PartRequest): Reply {
  const query = request.query;
  const raw = Number.parseInt(query.get('limit') ?? '20', 10);
  // Mastodon caps an over-large limit instead of refusing it: min(|limit|, 2 × default).
  const limit = Math.min(Number.isNaN(raw) || raw === 0 ? 20 : Math.abs(raw), MAX_LIMIT);
  const flag = (name: string) => ['true', '1'].includes((query.get(name) ?? '').toLowerCase());
  // Status ids grow with time: the newest (index 0) has the largest.
  const all = (account.statuses ?? []).map((status, index, list) => ({ status, id: statusId(account, list.length - index) }));
  const kept = all.filter(
    ({ status }) =>
      !(flag('exclude_replies') && status.reply) && !(flag('exclude_reblogs') && status.boost) && !(flag('only_media') && !status.media),
  );
  const maxId = query.get('max_id');
  const sinceId = query.get('since_id') ?? query.get('min_id');
  const window = kept.filter(
    ({ id }) => (maxId === null || BigInt(id) < safeBig(maxId)) && (sinceId === null || BigInt(id) > safeBig(sinceId)),
  );
  const page = window.slice(0, limit);
  const headers: Record<string, string> = {};
  const first = page[0];
  const last = page[page.length - 1];
  if (first && last) {
    const base = `https://${server}/api/v1/accounts/${account.id}/statuses?limit=${limit}`;
    const links = [`<${base}&min_id=${first.id}>; rel="prev"`];
    if (window.length > page.length) links.unshift(`<${base}&max_id=${last.id}>; rel="next"`);
    headers['link'] = links.join(', ');
  }
  return { status: 200, headers, body: page.map(({ status, id }) => statusJson(server, account, status, id)) };
}

function safeBig(value: string): bigint {
  return /^\d{1,30}$/.test(value) ? BigInt(value) : 0n;
}

function statusId(account: SandboxMastodonAccount, ordinal: number): string {
  return String(BigInt(account.id) * 100_000n + BigInt(ordinal));
}

function statusJson(server: string, account: SandboxMastodonAccount, status: SandboxMastodonStatus, id: string): Record<string, unknown> {
  const createdAt = new Date(Date.now() - Number(BigInt(id) % 100_000n) * 60_000).toISOString();
  const counts = {
    replies_count: status.replies,
    reblogs_count: status.reblogs,
    favourites_count: status.favourites,
    quotes_count: status.quotes ?? 0,
  };
  const own = {
    id,
    created_at: createdAt,
    in_reply_to_id: status.reply ? '1' : null,
    in_reply_to_account_id: status.reply ? '1' : null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `https://${server}/users/${account.username}/statuses/${id}`,
    url: `https://${server}/@${account.username}/${id}`,
    content: '<p>A status</p>',
    media_attachments: status.media ? [{ id: `${id}1`, type: 'image', url: `https://${server}/media/${id}.png` }] : [],
    mentions: [],
    tags: [],
    emojis: [],
    account: accountJson(server, account),
  };
  if (!status.boost) return { ...own, ...counts, reblog: null };
  // A boost: its own counts are zero, the boosted status carries the engagement.
  const boosted = {
    ...own,
    id: `9${id}`,
    account: { ...accountJson(server, account), id: '1', username: 'someone', acct: 'someone@elsewhere.example' },
    ...counts,
    reblog: null,
  };
  return { ...own, content: '', replies_count: 0, reblogs_count: 0, favourites_count: 0, quotes_count: 0, reblog: boosted };
}
