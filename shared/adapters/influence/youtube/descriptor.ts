import type { NetworkDescriptor, ParsedHandle } from '../network-client.js';
import { YoutubeClient } from './client.js';

const HANDLE = /^@?[a-z0-9._-]{3,30}$/i;
const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;

/**
 * A YouTube handle (`@name`) or channel id (`UC...`), or why it is not one: refused before any request.
 *
 * @example parseYoutubeHandle('GoogleDevelopers') // { ok: true, handle: '@googledevelopers' }
 */
export function parseYoutubeHandle(raw: string): ParsedHandle {
  const value = raw.trim();
  if (CHANNEL_ID.test(value)) return { ok: true, handle: value };
  if (!HANDLE.test(value)) return { ok: false, reason: 'not a YouTube handle (@name) or channel id (UC...)' };
  return { ok: true, handle: `@${value.replace(/^@/, '').toLowerCase()}` };
}

/**
 * YouTube's channels API with the tenant's key. YouTube forbids metrics derived from its data
 * without its derived-metrics amendment: the settings refuse YouTube until the tenant states it
 * accepted it, and key-fetched data is refreshed within the tenant's refresh interval (at most 30 days),
 * or deleted when a refresh by then fails.
 */
export const youtube: NetworkDescriptor = {
  name: 'youtube',
  label: 'YouTube',
  enabled: (settings) => settings.youtube?.derivedMetricsAmendmentAccepted === true,
  // YouTube's Developer Policies: data fetched with an API key is refreshed or deleted within 30 days.
  keepDataDays: 30,
  parseHandle: parseYoutubeHandle,
  createClient: (deps) => new YoutubeClient(deps),
};
