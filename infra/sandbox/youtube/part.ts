/**
 * The sandbox YouTube Data API v3, mounted at `/youtube` (standing for `https://www.googleapis.com`):
 * `GET /youtube/v3/channels` (`channels.list`).
 *
 * The contract it holds a client to: a `key` is required (403 without one, 400 for a key it does
 * not know); `part` is required and checked; exactly one filter (`forHandle` with or without `@`,
 * `id` up to 50, ...); counts are strings and a hidden subscriber count is left out; no match is
 * 200 without `items`; every call with a key costs one quota unit, invalid ones included, out of
 * 10,000 a Pacific day, and past the quota the answer is 403 `quotaExceeded` in Google's shape.
 */
import { countRequests } from '../budget.js';
import { escapeHtml, type FaultControl, type PartRequest, type SandboxPart } from '../http.js';
import { SandboxPlugin } from '../sandbox.js';
import { googleError, listChannels } from './api.js';
import type { SandboxYoutube, SandboxYoutubeChannel, SandboxYoutubeChannelInput, SandboxYoutubeOptions } from './types.js';

const MOUNT = '/youtube';
const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

/** The day quotas are counted in: midnight to midnight, Pacific time. */
function pacificDay(at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
}

/**
 * Builds the sandbox YouTube for one sandbox.
 *
 * @example
 * const sandbox = await startSandbox({ parts: [youtubePart.with({ keys: ['yt-key'] })] });
 * sandbox.part(youtubePart).addChannel({ id: 'UC_x5XG1OV2P6uZZ5FSM9Ttw', handle: 'GoogleDevelopers', subscribers: 2_400_000, views: 1e8, videos: 6000 });
 */
export function createYoutubePart(
  options: SandboxYoutubeOptions,
  control: FaultControl,
  baseUrl: () => string,
): { part: SandboxPart; api: SandboxYoutube } {
  const keys = new Set(options.keys ?? []);
  let quota = options.dailyQuota ?? 10_000;
  const spent = new Map<string, { day: string; units: number }>();
  const channels = new Map<string, SandboxYoutubeChannel>();
  const handles = new Map<string, string>();

  const keyOf = (request: PartRequest): string | undefined => request.query.get('key') ?? undefined;
  const used = (key: string): number => {
    const entry = spent.get(key);
    return entry?.day === pacificDay() ? entry.units : 0;
  };

  const part: SandboxPart = {
    name: 'youtube',
    mount: MOUNT,
    route(request) {
      if (request.pathname !== '/youtube/v3/channels' || request.method !== 'GET')
        throw googleError(404, 'global', 'notFound', 'Not Found');
      const key = keyOf(request);
      if (key === undefined || key === '')
        throw googleError(
          403,
          'global',
          'forbidden',
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          { status: 'PERMISSION_DENIED' },
        );
      if (!keys.has(key))
        throw googleError(400, 'global', 'badRequest', 'API key not valid. Please pass a valid API key.', { status: 'INVALID_ARGUMENT' });
      // Every request costs at least one unit, an invalid one included.
      if (used(key) >= quota) throw googleError(403, 'youtube.quota', 'quotaExceeded', QUOTA_MESSAGE);
      spent.set(key, { day: pacificDay(), units: used(key) + 1 });
      return listChannels(
        {
          byHandle: (handle) => channels.get(handles.get(handle.replace(/^@/, '').toLowerCase()) ?? ''),
          byId: (id) => channels.get(id),
        },
        request,
      );
    },
    authenticated: () => true,
    unauthorized: () => ({ status: 401, body: { error: { code: 401, message: 'Login Required.' } } }),
    authLabel: (request) => {
      const key = keyOf(request);
      return key === undefined ? 'anonymous' : `key:${key}`;
    },
    faultBody(status) {
      if (status === 403)
        return {
          error: {
            code: 403,
            message: QUOTA_MESSAGE,
            errors: [{ message: QUOTA_MESSAGE, domain: 'youtube.quota', reason: 'quotaExceeded' }],
          },
        };
      const message = status >= 500 ? 'Backend Error' : 'Injected by the sandbox';
      return {
        error: { code: status, message, errors: [{ message, domain: 'global', reason: status >= 500 ? 'backendError' : 'badRequest' }] },
      };
    },
    inspectTickets: () => [],
    inspectTicket: () => undefined,
    renderSection: () => renderSection([...channels.values()]),
  };

  function stored(input: SandboxYoutubeChannelInput, existing?: SandboxYoutubeChannel): SandboxYoutubeChannel {
    if (!/^UC[A-Za-z0-9_-]{22}$/.test(input.id)) throw new Error(`sandbox youtube: ${input.id} is not a channel id (UC and 22 characters)`);
    const handle = input.handle.replace(/^@/, '');
    if (!/^[A-Za-z0-9._-]{3,30}$/.test(handle)) throw new Error(`sandbox youtube: ${input.handle} is not a handle`);
    return {
      ...input,
      handle,
      publishedAt: input.publishedAt ?? existing?.publishedAt ?? new Date(Date.now() - 5 * 365 * 86_400_000).toISOString(),
    };
  }

  const api: SandboxYoutube = {
    get apiUrl() {
      return `${baseUrl()}${MOUNT}`;
    },
    addChannel(input) {
      const channel = stored(input);
      if (channels.has(channel.id) || handles.has(channel.handle.toLowerCase()))
        throw new Error(`sandbox youtube: ${channel.id} (@${channel.handle}) already exists`);
      channels.set(channel.id, channel);
      handles.set(channel.handle.toLowerCase(), channel.id);
      return structuredClone(channel);
    },
    updateChannel(id, change) {
      const existing = channels.get(id);
      if (!existing) throw new Error(`sandbox youtube: no channel ${id}`);
      const channel = stored({ ...existing, ...change }, existing);
      channels.set(id, channel);
      return structuredClone(channel);
    },
    addKey: (key) => {
      keys.add(key);
    },
    setQuota(units) {
      if (!Number.isInteger(units) || units < 0) throw new Error(`sandbox youtube: a quota is a whole number of units, not ${units}`);
      quota = units;
    },
    quotaUsed: used,
    quotaExceededNext: (count) => control.add({ status: 403, count, pathPrefix: '/youtube/v3/' }),
    failNext: (fault) => control.add(fault),
    failRandomly: (chaos) => control.setChaos(chaos),
    requests: () => control.requests(),
    counts: () => countRequests(control.requests()),
  };
  return { part, api };
}

/** The sandbox YouTube: `startSandbox({ parts: [youtubePart.with({ keys })] })`, then `sandbox.part(youtubePart)`. */
export const youtubePart = new SandboxPlugin('youtube', createYoutubePart);

function renderSection(channels: SandboxYoutubeChannel[]): string {
  const rows = channels
    .map(
      (channel) =>
        `<tr>${[`@${channel.handle}`, channel.id, String(channel.subscribers)].map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<section id="youtube"><h2>Sandbox YouTube: ${channels.length} channel(s)</h2>
<table><thead><tr><th>Handle</th><th>Channel</th><th>Subscribers</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>
`;
}
