import type { NetworkDescriptor, ParsedHandle } from '../network-client.js';
import { MastodonClient } from './client.js';

const USERNAME = /^[a-z0-9_]+([a-z0-9_.-]*[a-z0-9_])?$/i;
// A DNS name only: no address, no port, no path; the last label not all digits.
const SERVER = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Names that stand for private networks or never resolve (RFC 6761, RFC 6762, and the atproto list).
// `.example` is left to resolution, which fails for it, so that local mode's sandbox server can use it.
const REFUSED_TLDS = new Set(['alt', 'arpa', 'internal', 'invalid', 'local', 'localhost', 'onion', 'home', 'lan', 'corp']);

/**
 * A Mastodon handle, `@user@server` (the leading `@` optional), as `user@server` lower-cased, or
 * why it is not one: a server that is an address (`@ada@127.0.0.1`), carries a port or a path, or
 * a name that never reaches a public server, is refused before any request.
 *
 * @example parseMastodonHandle('@Ada@Social.Example.org') // { ok: true, handle: 'ada@social.example.org' }
 */
export function parseMastodonHandle(raw: string): ParsedHandle {
  const value = raw.trim().replace(/^@/, '').toLowerCase();
  const at = value.lastIndexOf('@');
  const username = value.slice(0, at);
  const server = value.slice(at + 1);
  if (at <= 0 || !USERNAME.test(username) || username.length > 64) {
    return { ok: false, reason: 'not a Mastodon handle (@user@server, e.g. @ada@mastodon.social)' };
  }
  if (!SERVER.test(server))
    return { ok: false, reason: `not a Mastodon handle: its server "${server}" must be a public host name, not an address` };
  const tld = server.slice(server.lastIndexOf('.') + 1);
  if (REFUSED_TLDS.has(tld)) return { ok: false, reason: `not a Mastodon handle: .${tld} names never reach a public server` };
  return { ok: true, handle: `${username}@${server}` };
}

/** Mastodon: each handle's own server, `accounts/lookup` and the account's statuses, https on port 443 only. */
export const mastodon: NetworkDescriptor = {
  name: 'mastodon',
  label: 'Mastodon',
  enabled: (settings) => settings.mastodon !== undefined,
  parseHandle: parseMastodonHandle,
  createClient: (deps) => new MastodonClient(deps),
};
