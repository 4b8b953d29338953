/** The AppView queries the sandbox Bluesky answers, with the lexicons' parameter rules and error names. */
import { fail, type PartRequest, type Reply } from '../http.js';
import type { SandboxBlueskyAccount, SandboxBlueskyFeedItem } from './types.js';

const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;
const FILTERS = ['posts_with_replies', 'posts_no_replies', 'posts_with_media', 'posts_and_author_threads', 'posts_with_video'];
const OTHER_AUTHOR = { did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', handle: 'atproto.com' };

/** Whether a string is a syntactically valid handle (the atproto handle spec's rule). */
export function isHandle(value: string): boolean {
  return value.length <= 253 && HANDLE.test(value);
}

/** Whether a string is a syntactically valid DID. */
export function isDid(value: string): boolean {
  return value.length <= 2048 && DID.test(value);
}

/** The XRPC error answer: `{"error": <name>, "message": <text>}`. */
export function xrpcError(status: number, error: string, message: string): never {
  throw fail(status, { error, message });
}

/** Where the AppView finds accounts. */
export interface AccountLookup {
  find(actor: string): SandboxBlueskyAccount | undefined;
}

/**
 * Answers one `/xrpc/<nsid>` request as the reference AppView does: GET only, 501 for a method it
 * does not implement, 400 `InvalidRequest` for a parameter the lexicon refuses.
 */
export function routeXrpc(accounts: AccountLookup, request: PartRequest, nsid: string): Reply {
  if (!(nsid in QUERIES)) xrpcError(501, 'MethodNotImplemented', 'Method Not Implemented');
  if (request.method !== 'GET') xrpcError(400, 'InvalidRequest', `Incorrect HTTP method (${request.method}) expected GET`);
  const query = QUERIES[nsid];
  if (!query) xrpcError(501, 'MethodNotImplemented', 'Method Not Implemented');
  return { status: 200, body: query(accounts, request.query) };
}

type Query = (accounts: AccountLookup, params: URLSearchParams) => unknown;

const QUERIES: Record<string, Query> = {
  'app.bsky.actor.getProfile': (accounts, params) => {
    const actor = actorParam(params, 'actor');
    const account = accounts.find(actor);
    if (!account) xrpcError(400, 'InvalidRequest', 'Profile not found');
    if (account.status === 'takendown') xrpcError(400, 'AccountTakedown', 'Account has been suspended');
    if (account.status === 'deactivated') xrpcError(400, 'AccountDeactivated', 'Account is deactivated');
    return profileView(account);
  },
  'app.bsky.actor.getProfiles': (accounts, params) => {
    const actors = params.getAll('actors');
    if (actors.length === 0) xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "actors"');
    if (actors.length > 25) xrpcError(400, 'InvalidRequest', 'Error: Params/actors must not have more than 25 elements');
    for (const actor of actors) checkActor(actor, 'actors');
    // Unknown, suspended and deactivated actors are left out, not errors.
    const found = actors.flatMap((actor) => {
      const account = accounts.find(actor);
      return account && (account.status ?? 'active') === 'active' ? [account] : [];
    });
    return { profiles: [...new Map(found.map((account) => [account.did, profileView(account)])).values()] };
  },
  'app.bsky.feed.getAuthorFeed': (accounts, params) => {
    const actor = actorParam(params, 'actor');
    const limit = intParam(params, 'limit', 1, 100, 50);
    const filter = params.get('filter') ?? 'posts_with_replies';
    if (!FILTERS.includes(filter)) xrpcError(400, 'InvalidRequest', `Error: Params/filter must be one of ${FILTERS.join(', ')}`);
    const account = accounts.find(actor);
    if (!account || (account.status ?? 'active') !== 'active') xrpcError(400, 'InvalidRequest', 'Profile not found');
    const cursor = params.get('cursor');
    // A legacy cursor (with `::`) gives an empty page, as the AppView answers it.
    if (cursor?.includes('::')) return { feed: [] };
    const start = cursor === null ? 0 : Number.parseInt(cursor, 10);
    if (!Number.isInteger(start) || start < 0) return { feed: [] };
    const items = (account.feed ?? []).map((item, index) => ({ item, index })).filter(({ item }) => keeps(filter, item));
    const page = items.slice(start, start + limit);
    const next = start + limit < items.length ? { cursor: String(start + limit) } : {};
    return { ...next, feed: page.map(({ item, index }) => feedItem(account, item, index)) };
  },
  'com.atproto.identity.resolveHandle': (accounts, params) => {
    const handle = params.get('handle');
    if (handle === null) xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "handle"');
    if (!isHandle(handle)) xrpcError(400, 'InvalidRequest', 'Error: handle must be a valid handle');
    const account = accounts.find(handle.toLowerCase());
    // The AppView resolves one way only, and says it could not.
    if (!account) xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
    return { did: account.did };
  },
};

function actorParam(params: URLSearchParams, name: string): string {
  const values = params.getAll(name);
  if (values.length === 0) xrpcError(400, 'InvalidRequest', `Error: Params must have the property "${name}"`);
  if (values.length > 1) xrpcError(400, 'InvalidRequest', `Error: Params/${name} must be a string`);
  const [actor = ''] = values;
  checkActor(actor, name);
  return actor;
}

function checkActor(actor: string, name: string): void {
  if (!isHandle(actor) && !isDid(actor)) xrpcError(400, 'InvalidRequest', `Error: Params/${name} must be a valid did or a handle`);
}

function intParam(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value)) xrpcError(400, 'InvalidRequest', `Error: Params/${name} must be an integer`);
  if (value < min) xrpcError(400, 'InvalidRequest', `Error: Params/${name} can not be less than ${min}`);
  if (value > max) xrpcError(400, 'InvalidRequest', `Error: Params/${name} can not be greater than ${max}`);
  return value;
}

function keeps(filter: string, item: SandboxBlueskyFeedItem): boolean {
  if (filter === 'posts_no_replies' || filter === 'posts_and_author_threads') return !item.reply;
  if (filter === 'posts_with_media' || filter === 'posts_with_video') return item.media === true && !item.repost;
  return true;
}

/** `app.bsky.actor.defs#profileViewDetailed`: counts only where seeded, labels as self-labels of the profile record. */
export function profileView(account: SandboxBlueskyAccount): Record<string, unknown> {
  const view: Record<string, unknown> = {
    did: account.did,
    handle: account.handle,
    displayName: account.displayName ?? account.handle.split('.')[0],
    description: '',
    indexedAt: account.indexedAt,
    createdAt: account.createdAt,
    associated: { lists: 0, feedgens: 0, starterPacks: 0, labeler: false },
    viewer: { muted: false, blockedBy: false },
    labels: (account.labels ?? []).map((val) => ({
      src: account.did,
      uri: `at://${account.did}/app.bsky.actor.profile/self`,
      cid: 'bafyreigh4r6q5bkd5hdbfuhwn4z3gpqwowmsgwnbgbjohmnrwdykpywtvu',
      val,
      cts: account.createdAt,
    })),
  };
  if (account.followers !== undefined) view['followersCount'] = account.followers;
  if (account.follows !== undefined) view['followsCount'] = account.follows;
  if (account.posts !== undefined) view['postsCount'] = account.posts;
  if (account.verified) {
    view['verification'] = {
      verifications: [
        {
          issuer: 'did:plc:z72i7hdynmk6r22z27h6tvur',
          uri: `at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.graph.verification/${account.did.slice(-13)}`,
          isValid: true,
          createdAt: account.createdAt,
        },
      ],
      verifiedStatus: 'valid',
      trustedVerifierStatus: 'none',
    };
  }
  return view;
}

function feedItem(account: SandboxBlueskyAccount, item: SandboxBlueskyFeedItem, index: number): Record<string, unknown> {
  const author = item.repost ? OTHER_AUTHOR : { did: account.did, handle: account.handle };
  const at = new Date(Date.parse(account.indexedAt) - (index + 1) * 3_600_000).toISOString();
  const rkey = `3l${String(index).padStart(11, '0')}`;
  const parent = { uri: `at://${OTHER_AUTHOR.did}/app.bsky.feed.post/3lparent${rkey}`, cid: `bafyreic${rkey}${'b'.repeat(40)}` };
  // A reply's record points at its parent and root, as the lexicon's post record does.
  const record = {
    $type: 'app.bsky.feed.post',
    text: `Post ${index + 1}`,
    createdAt: at,
    langs: ['en'],
    ...(item.reply ? { reply: { root: parent, parent } } : {}),
  };
  const post: Record<string, unknown> = {
    uri: `at://${author.did}/app.bsky.feed.post/${rkey}`,
    cid: `bafyreib${rkey}${'a'.repeat(40)}`,
    author: { ...author, displayName: author.handle, labels: [], createdAt: account.createdAt },
    record,
    replyCount: item.replies,
    repostCount: item.reposts,
    likeCount: item.likes,
    quoteCount: item.quotes ?? 0,
    indexedAt: at,
    labels: [],
  };
  if (item.media) post['embed'] = { $type: 'app.bsky.embed.images#view', images: [] };
  const entry: Record<string, unknown> = { post };
  if (item.reply) {
    const notFound = { $type: 'app.bsky.feed.defs#notFoundPost', uri: parent.uri, notFound: true };
    entry['reply'] = { root: notFound, parent: notFound };
  }
  if (item.repost)
    entry['reason'] = {
      $type: 'app.bsky.feed.defs#reasonRepost',
      by: { did: account.did, handle: account.handle, labels: [], createdAt: account.createdAt },
      indexedAt: at,
    };
  return entry;
}
