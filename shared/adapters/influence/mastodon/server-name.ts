// A DNS name only: no address, no port, no path; the last label not all digits.
const SERVER = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Names that stand for private networks or never resolve (RFC 6761, RFC 6762, and the atproto list).
// `.example` is left to resolution, which fails for it, so that local mode's sandbox server can use it.
const REFUSED_TLDS = new Set(['alt', 'arpa', 'internal', 'invalid', 'local', 'localhost', 'onion', 'home', 'lan', 'corp']);

/**
 * Why a host name may not be asked as a Mastodon server (an address, a port, a name that never
 * reaches a public server), or undefined when it may: the same rule for a handle's domain and for
 * the server its WebFinger answer names.
 *
 * @example serverNameProblem('metadata.internal') // '.internal names never reach a public server'
 */
export function serverNameProblem(server: string): string | undefined {
  if (!SERVER.test(server)) return `its server "${server}" must be a public host name, not an address`;
  const tld = server.slice(server.lastIndexOf('.') + 1);
  if (REFUSED_TLDS.has(tld)) return `.${tld} names never reach a public server`;
  return undefined;
}
