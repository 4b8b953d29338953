import { hostAddress, literalHostRefusal } from '../http/public-address.js';

/**
 * `deployed`: https vendor hosts, other https URLs on public addresses only, and Secrets Manager.
 * `local`: loopback and private addresses, http on loopback, and inline secrets allowed too.
 */
export type ConfigMode = 'deployed' | 'local';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL's host is this machine. */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Checks a helpdesk's configured base URL: in deployed mode a bare https origin on the vendor's
 * host pattern; in local mode also any https origin or http on loopback, where a client that
 * takes one may have a path prefix (the sandbox mounts each helpdesk under its own path).
 * Returns what is wrong, or undefined. Nothing else ever decides where requests go.
 *
 * @example checkHelpdeskOrigin('https://acme.zendesk.com', 'deployed', { host: /^[a-z0-9-]+\.zendesk\.com$/, example: 'https://{subdomain}.zendesk.com' })
 */
export function checkHelpdeskOrigin(
  raw: string,
  mode: ConfigMode,
  rule: { host: RegExp; example: string; localPathPrefix?: boolean },
): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `baseUrl must be a URL such as ${rule.example}`;
  }
  if (url.search || url.hash || url.username || url.password) {
    return `baseUrl must be a bare origin such as ${rule.example} (no query, fragment or credentials)`;
  }
  const bare = url.pathname === '/' || url.pathname === '';
  if (url.protocol === 'https:' && rule.host.test(url.hostname) && bare) return undefined;
  if (mode === 'local' && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(url)))) {
    if (bare) return undefined;
    if (rule.localPathPrefix && url.protocol === 'http:' && !url.pathname.endsWith('/')) return undefined;
    return rule.localPathPrefix
      ? 'baseUrl may carry a path only on a loopback http address, without a trailing /'
      : `baseUrl must be a bare origin such as ${rule.example} (no path)`;
  }
  if (!bare) return `baseUrl must be a bare origin such as ${rule.example} (no path)`;
  return mode === 'deployed' ? `baseUrl must be ${rule.example}` : 'baseUrl must be https, or http on a loopback address';
}

/** The host as the URL was written (`0x7f000001`), before the URL parser normalised it. */
function writtenHost(raw: string, url: URL): string {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(raw.trim())?.[1] || url.hostname;
}

/**
 * Checks a URL the product sends to that is not a helpdesk API (a scoring service, a generic
 * helpdesk's decisions endpoint): https, or http on loopback in local mode; never credentials
 * or a fragment. In deployed mode its host must not be written as a loopback, private,
 * link-local, unique-local, metadata or otherwise non-public address (in any form the URL parser
 * reads as one), nor be `localhost`; a name is checked each time it is resolved, when called.
 * Returns what is wrong, or undefined.
 *
 * @example checkServiceUrl('https://scores.acme.example/v1', 'deployed', 'the scoring url') // undefined
 * @example checkServiceUrl('https://0x7f000001/', 'deployed', 'decisionsUrl') // 'decisionsUrl must reach a public address in deployed mode: its host 0x7f000001 is 127.0.0.1, a loopback address (127.0.0.0/8)'
 */
export function checkServiceUrl(raw: string, mode: ConfigMode, what: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${what} must be a URL`;
  }
  if (url.username || url.password || url.hash) return `${what} must not hold credentials or a fragment`;
  if (url.protocol === 'https:') {
    const refused = mode === 'deployed' ? literalHostRefusal(url) : undefined;
    if (!refused) return undefined;
    const written = writtenHost(raw, url);
    const address = hostAddress(url);
    const as = address !== undefined && written !== address && written !== `[${address}]` ? `${address}, ` : '';
    return `${what} must reach a public address in deployed mode: its host ${written} is ${as}${refused}`;
  }
  if (mode === 'local' && url.protocol === 'http:' && isLoopbackUrl(url)) return undefined;
  return mode === 'deployed' ? `${what} must be https` : `${what} must be https, or http on a loopback address`;
}
