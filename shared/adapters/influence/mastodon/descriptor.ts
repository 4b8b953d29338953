import type { NetworkDescriptor, ParsedHandle } from '../network-client.js';
import { MastodonClient } from './client.js';
import { serverNameProblem } from './server-name.js';

const USERNAME = /^[a-z0-9_]+([a-z0-9_.-]*[a-z0-9_])?$/i;

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
  const problem = serverNameProblem(server);
  if (problem) return { ok: false, reason: `not a Mastodon handle: ${problem}` };
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
