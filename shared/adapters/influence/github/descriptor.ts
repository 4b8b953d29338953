import type { NetworkDescriptor, ParsedHandle } from '../network-client.js';
import { GithubClient } from './client.js';

// GitHub's username rule: letters, digits and single hyphens between them, at most 39 characters.
const USERNAME = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;

/**
 * A GitHub username (an optional leading `@`), or why it is not one: refused before any request.
 *
 * @example parseGithubHandle('@Octocat') // { ok: true, handle: 'octocat' }
 */
export function parseGithubHandle(raw: string): ParsedHandle {
  const value = raw.trim().replace(/^@/, '').toLowerCase();
  return USERNAME.test(value)
    ? { ok: true, handle: value }
    : { ok: false, reason: 'not a GitHub username (letters, digits and single hyphens)' };
}

/**
 * GitHub's users API. Its Acceptable Use Policy allows personal data only for the purpose the
 * person authorised: only handles the customer or the helpdesk gave (never one found by search,
 * which this product never does) are looked up.
 */
export const github: NetworkDescriptor = {
  name: 'github',
  label: 'GitHub',
  enabled: (settings) => settings.github !== undefined,
  parseHandle: parseGithubHandle,
  createClient: (deps) => new GithubClient(deps),
};
