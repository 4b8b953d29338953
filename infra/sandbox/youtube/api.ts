/** `channels.list` of the YouTube Data API v3 as the sandbox answers it, with Google's error shape. */
import { fail, type HttpFailure, type PartRequest, type Reply } from '../http.js';
import type { SandboxYoutubeChannel } from './types.js';

const PARTS = [
  'auditDetails',
  'brandingSettings',
  'contentDetails',
  'contentOwnerDetails',
  'id',
  'localizations',
  'snippet',
  'statistics',
  'status',
  'topicDetails',
];
const FILTERS = ['forHandle', 'forUsername', 'id', 'mine', 'managedByMe', 'categoryId'];

/**
 * Google's error answer: `{"error":{"code","message","errors":[{"message","domain","reason"}],"status"?}}`.
 *
 * @example throw googleError(403, 'youtube.quota', 'quotaExceeded', 'The request cannot be completed because you have exceeded your quota.')
 */
export function googleError(
  code: number,
  domain: string,
  reason: string,
  message: string,
  extra: { status?: string; location?: string } = {},
): HttpFailure {
  const detail: Record<string, string> = { message, domain, reason };
  if (extra.location) {
    detail['location'] = extra.location;
    detail['locationType'] = 'parameter';
  }
  return fail(code, { error: { code, message, errors: [detail], ...(extra.status ? { status: extra.status } : {}) } });
}

/** The channels a request's one filter selects. */
export interface ChannelLookup {
  byHandle(handle: string): SandboxYoutubeChannel | undefined;
  byId(id: string): SandboxYoutubeChannel | undefined;
}

/** Answers `GET /youtube/v3/channels` once the key is accepted and charged. */
export function listChannels(channels: ChannelLookup, request: PartRequest): Reply {
  const query = request.query;
  const part = query.get('part');
  if (part === null || part.trim() === '') throw googleError(400, 'global', 'required', 'Required parameter: part', { location: 'part' });
  const parts = part.split(',').map((one) => one.trim());
  const unknown = parts.find((one) => !PARTS.includes(one));
  if (unknown !== undefined) throw googleError(400, 'youtube.part', 'unknownPart', `'${unknown}'`, { location: 'part' });
  const filters = FILTERS.filter((name) => query.has(name));
  if (filters.length === 0)
    throw googleError(400, 'youtube.parameter', 'missingRequiredParameter', `No filter selected. Expected one of: ${FILTERS.join(', ')}`);
  if (filters.length > 1)
    throw googleError(
      400,
      'youtube.parameter',
      'incompatibleParameters',
      `Incompatible parameters specified in the request: ${filters.join(', ')}`,
    );
  const maxResults = query.get('maxResults');
  const perPage = maxResults === null ? 5 : Number(maxResults);
  if (!Number.isInteger(perPage) || perPage < 0 || perPage > 50)
    throw googleError(400, 'youtube.parameter', 'invalidValue', `Invalid value '${maxResults}'. Values must be within the range: [0, 50]`, {
      location: 'maxResults',
    });
  const [filter = ''] = filters;
  if (filter === 'mine' || filter === 'managedByMe')
    throw googleError(401, 'global', 'required', 'Login Required.', { status: 'UNAUTHENTICATED' });
  const value = query.get(filter) ?? '';
  const found =
    filter === 'forHandle'
      ? [channels.byHandle(value)]
      : filter === 'id'
        ? value
            .split(',')
            .slice(0, 50)
            .map((id) => channels.byId(id.trim()))
        : [];
  const items = found.filter((channel): channel is SandboxYoutubeChannel => channel !== undefined);
  const body: Record<string, unknown> = {
    kind: 'youtube#channelListResponse',
    etag: `sandbox-${items.map((item) => item.id).join('-') || 'none'}`,
    pageInfo: { totalResults: items.length, resultsPerPage: perPage },
  };
  // No match: no `items` key at all, as YouTube answers.
  if (items.length > 0) body['items'] = items.map((channel) => channelJson(channel, parts));
  return { status: 200, body };
}

function channelJson(channel: SandboxYoutubeChannel, parts: readonly string[]): Record<string, unknown> {
  const item: Record<string, unknown> = { kind: 'youtube#channel', etag: `sandbox-${channel.id}`, id: channel.id };
  if (parts.includes('snippet'))
    item['snippet'] = {
      title: channel.title ?? channel.handle,
      description: '',
      customUrl: `@${channel.handle.toLowerCase()}`,
      publishedAt: channel.publishedAt,
      thumbnails: {},
      localized: { title: channel.title ?? channel.handle, description: '' },
    };
  if (parts.includes('statistics')) {
    // Counts are strings (uint64); a hidden subscriber count is left out.
    const statistics: Record<string, unknown> = {
      viewCount: String(channel.views),
      hiddenSubscriberCount: channel.hiddenSubscriberCount ?? false,
      videoCount: String(channel.videos),
    };
    if (!channel.hiddenSubscriberCount) statistics['subscriberCount'] = String(rounded(channel.subscribers));
    item['statistics'] = statistics;
  }
  if (parts.includes('contentDetails')) item['contentDetails'] = { relatedPlaylists: { likes: '', uploads: `UU${channel.id.slice(2)}` } };
  if (parts.includes('status')) item['status'] = { privacyStatus: 'public', isLinked: true, longUploadsStatus: 'longUploadsUnspecified' };
  return item;
}

/** Public subscriber counts are shown to three significant figures. */
function rounded(count: number): number {
  if (count < 1000) return count;
  const scale = 10 ** (Math.floor(Math.log10(count)) - 2);
  return Math.floor(count / scale) * scale;
}
