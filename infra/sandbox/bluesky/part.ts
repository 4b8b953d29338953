/**
 * The sandbox Bluesky, mounted at `/bluesky`: the public AppView (`/bluesky/xrpc/<nsid>`, standing
 * for `https://public.api.bsky.app`), plc.directory (`/bluesky/plc/<did>`), DNS TXT records over
 * HTTPS (`/bluesky/dns-query`), and each handle host of `handleHosts` at its own loopback port
 * (`https://<handle>/.well-known/atproto-did`; the sandbox's `hosts` maps the names to origins).
 *
 * The contract it holds a client to: GET only (400 `InvalidRequest` otherwise), 501 for a method
 * it does not implement, handles and DIDs checked, at most 25 `actors` repeated as separate
 * parameters, `limit` 1 to 100 and a known `filter` for the author feed, unknown actors left out
 * of getProfiles but 400 `Profile not found` from getProfile, `AccountTakedown` and
 * `AccountDeactivated`, no authentication, `RateLimit-Limit/-Remaining/-Reset/-Policy` on every
 * AppView answer and 429 `RateLimitExceeded` with `Retry-After` past the limit. Profiles with the
 * `!no-unauthenticated` self-label are served as the AppView serves them: dropping them is the
 * client's job.
 */
import { countRequests, WindowBudgets } from '../budget.js';
import { escapeHtml, type FaultControl, fail, type SandboxPart, withHeaders } from '../http.js';
import { SandboxPlugin } from '../sandbox.js';
import { routeDoh, routeHandleHost, routePlc } from './identity.js';
import type { SandboxBluesky, SandboxBlueskyAccount, SandboxBlueskyAccountInput, SandboxBlueskyOptions } from './types.js';
import { isDid, isHandle, routeXrpc } from './xrpc.js';

const MOUNT = '/bluesky';
const CALLER = 'anonymous';

/**
 * Builds the sandbox Bluesky for one sandbox.
 *
 * @example
 * const sandbox = await startSandbox({ parts: [blueskyPart.with({ handleHosts: ['ada.test'] })] });
 * sandbox.part(blueskyPart).addAccount({ handle: 'ada.test', followers: 120, wellKnownDid: 'did:plc:...' });
 */
export function createBlueskyPart(
  options: SandboxBlueskyOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxBluesky } {
  const handleHosts = (options.handleHosts ?? []).map((host) => host.toLowerCase());
  for (const host of handleHosts) if (!isHandle(host)) throw new Error(`sandbox bluesky: ${host} is not a handle`);
  const limit = options.rateLimit ?? { points: 3000, windowSeconds: 300 };
  const budget = new WindowBudgets(limit.points, limit.windowSeconds * 1000);
  const byDid = new Map<string, SandboxBlueskyAccount>();
  const byHandle = new Map<string, string>();
  const accounts = { find: (actor: string) => byDid.get(isDid(actor) ? actor : (byHandle.get(actor.toLowerCase()) ?? '')) };

  const rateHeaders = (take: { limit: number; remaining: number; resetAt: number }): Record<string, string> => ({
    'ratelimit-limit': String(take.limit),
    'ratelimit-remaining': String(take.remaining),
    'ratelimit-reset': String(Math.ceil(take.resetAt / 1000)),
    'ratelimit-policy': `${take.limit};w=${Math.round(budget.window / 1000)}`,
  });

  const part: SandboxPart = {
    name: 'bluesky',
    mount: MOUNT,
    hosts: handleHosts,
    route(request) {
      if (request.host !== undefined) return routeHandleHost(accounts, request, request.host);
      const xrpc = /^\/xrpc\/([^/]+)$/.exec(request.pathname);
      if (xrpc?.[1] !== undefined) {
        const take = budget.take(CALLER);
        if (!take.allowed) {
          const retryAfter = Math.max(1, Math.ceil((take.resetAt - Date.now()) / 1000));
          throw fail(429, RATE_LIMITED, { ...rateHeaders(take), 'retry-after': String(retryAfter) });
        }
        const nsid = xrpc[1];
        return withHeaders(rateHeaders(take), () => routeXrpc(accounts, request, nsid));
      }
      const plc = /^\/plc\/([^/]+)$/.exec(request.pathname);
      if (plc?.[1] !== undefined) return routePlc(accounts, request, decodeURIComponent(plc[1]));
      if (request.pathname === '/dns-query') return routeDoh(zone, request);
      return { status: 404, body: { error: 'XRPCNotSupported', message: 'Not Found' } };
    },
    authenticated: () => true,
    unauthorized: () => ({ status: 401, body: { error: 'AuthenticationRequired', message: 'Authentication Required' } }),
    authLabel: () => CALLER,
    faultBody(status) {
      if (status === 429) return RATE_LIMITED;
      // A gateway in front of the AppView answers its 5xx in HTML: a client must cope with a non-JSON error.
      if (status >= 502) return `<html><head><title>${status}</title></head><body><h1>${status} Bad Gateway</h1></body></html>`;
      if (status === 500) return { error: 'InternalServerError', message: 'Internal Server Error' };
      return { error: 'InvalidRequest', message: 'Injected by the sandbox' };
    },
    inspectTickets: () => [],
    inspectTicket: () => undefined,
    renderSection: () => renderSection([...byDid.values()]),
  };

  function zone(name: string): readonly string[] {
    const handle = name.startsWith('_atproto.') ? name.slice('_atproto.'.length) : undefined;
    const account = handle === undefined ? undefined : accounts.find(handle);
    return account?.handle === handle ? (account?.txt ?? []) : [];
  }

  function stored(input: SandboxBlueskyAccountInput, existing?: SandboxBlueskyAccount): SandboxBlueskyAccount {
    const handle = input.handle.toLowerCase();
    if (!isHandle(handle)) throw new Error(`sandbox bluesky: ${input.handle} is not a valid handle`);
    const did = input.did ?? existing?.did ?? derivedDid(handle);
    if (!isDid(did)) throw new Error(`sandbox bluesky: ${did} is not a valid DID`);
    const now = new Date().toISOString();
    return { ...input, handle, did, createdAt: input.createdAt ?? existing?.createdAt ?? now, indexedAt: existing?.indexedAt ?? now };
  }

  const api: SandboxBluesky = {
    get appViewUrl() {
      return `${baseUrl()}${MOUNT}`;
    },
    get plcUrl() {
      return `${baseUrl()}${MOUNT}/plc`;
    },
    get dohUrl() {
      return `${baseUrl()}${MOUNT}/dns-query`;
    },
    addAccount(input) {
      const account = stored(input);
      if (byDid.has(account.did) || byHandle.has(account.handle))
        throw new Error(`sandbox bluesky: ${account.handle} (${account.did}) already exists`);
      byDid.set(account.did, account);
      byHandle.set(account.handle, account.did);
      return structuredClone(account);
    },
    updateAccount(handleOrDid, change) {
      const existing = accounts.find(handleOrDid);
      if (!existing) throw new Error(`sandbox bluesky: no account ${handleOrDid}`);
      const account = stored({ ...existing, ...change }, existing);
      byDid.set(account.did, account);
      return structuredClone(account);
    },
    account: (handleOrDid) => {
      const account = accounts.find(handleOrDid);
      return account ? structuredClone(account) : undefined;
    },
    setLimit: (next) => budget.set(next.points, next.windowSeconds * 1000),
    rateLimitNext(count, retryAfterSeconds = 30) {
      const resetAt = Date.now() + retryAfterSeconds * 1000;
      const headers = {
        ...rateHeaders({ limit: budget.peek(CALLER).limit, remaining: 0, resetAt }),
        'retry-after': String(retryAfterSeconds),
      };
      control.add({ status: 429, count, pathPrefix: '/xrpc/', headers, body: RATE_LIMITED });
    },
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    counts: () => countRequests(control.requests()),
  };
  return { part, api };
}

/** The sandbox Bluesky: `startSandbox({ parts: [blueskyPart.with(options)] })`, then `sandbox.part(blueskyPart)`. */
export const blueskyPart = new SandboxPlugin('bluesky', createBlueskyPart);

const RATE_LIMITED = { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' };

/** A `did:plc:` of 24 base32 characters, the same for the same handle. */
function derivedDid(handle: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let hash = 2166136261;
  let id = '';
  for (let index = 0; id.length < 24; index += 1) {
    hash = Math.imul(hash ^ (handle.charCodeAt(index % handle.length) + index), 16777619) >>> 0;
    id += alphabet[hash % 32];
  }
  return `did:plc:${id}`;
}

function renderSection(accounts: SandboxBlueskyAccount[]): string {
  const rows = accounts
    .map((account) => {
      const cells = [account.handle, account.did, String(account.followers ?? '-'), (account.labels ?? []).join(', ') || '-'];
      return `<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<section id="bluesky"><h2>Sandbox Bluesky: ${accounts.length} account(s)</h2>
<table><thead><tr><th>Handle</th><th>DID</th><th>Followers</th><th>Labels</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>
`;
}
