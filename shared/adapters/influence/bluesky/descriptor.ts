import type { NetworkDescriptor, ParsedHandle } from '../network-client.js';
import { BlueskyClient } from './client.js';

// The atproto handle syntax (atproto.com/specs/handle): DNS labels, the last one not starting with a digit.
const HANDLE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DID_PLC = /^did:plc:[a-z2-7]{24}$/;
// TLDs the handle spec says must always fail resolution.
const REFUSED_TLDS = new Set(['alt', 'arpa', 'example', 'internal', 'invalid', 'local', 'localhost', 'onion']);

/**
 * A Bluesky handle (`ada.bsky.social`, an optional leading `@`) or a `did:plc:` DID, or why it is
 * not one: refused before any request.
 *
 * @example parseBlueskyHandle('@Ada.bsky.social') // { ok: true, handle: 'ada.bsky.social' }
 */
export function parseBlueskyHandle(raw: string): ParsedHandle {
  const value = raw.trim().replace(/^@/, '').toLowerCase();
  if (DID_PLC.test(value)) return { ok: true, handle: value };
  if (value.length > 253 || !HANDLE.test(value))
    return { ok: false, reason: 'not a Bluesky handle (a domain name such as ada.bsky.social)' };
  const tld = value.slice(value.lastIndexOf('.') + 1);
  if (REFUSED_TLDS.has(tld)) return { ok: false, reason: `not a Bluesky handle: .${tld} names never resolve` };
  return { ok: true, handle: value };
}

/** Bluesky through its public AppView: no key, profiles 25 a call, the author feed for engagement. */
export const bluesky: NetworkDescriptor = {
  name: 'bluesky',
  label: 'Bluesky',
  enabled: (settings) => settings.bluesky !== undefined,
  parseHandle: parseBlueskyHandle,
  createClient: (deps) => new BlueskyClient(deps),
};
