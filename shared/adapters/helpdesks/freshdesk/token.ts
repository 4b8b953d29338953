import { createHash, timingSafeEqual } from 'node:crypto';
import { headerValue } from '../../http/payload.js';
import { AuthenticationError, ConfigurationError } from '../../../domain/errors.js';

/** Header a tenant's automation rule sets to its secret (a custom header of "Trigger Webhook"). */
export const FRESHDESK_TOKEN_HEADER = 'x-influence-router-token';

/** Active secrets a tenant may hold at once: the current one and those being rotated out. */
export const FRESHDESK_MAX_SECRETS = 3;

/** What the token check needs: the request headers and the tenant's active secrets. */
export interface FreshdeskTokenInput {
  /** Request headers with lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The tenant's active secrets (1-3, for rotation). */
  secrets: readonly string[];
}

const BASIC = /^basic\s+([A-Za-z0-9+/]+={0,2})$/i;

/**
 * Authenticates a Freshdesk webhook, which Freshdesk cannot sign, by the tenant's own secret:
 * in the `x-influence-router-token` header, or as HTTP Basic credentials whose password or
 * username is the secret (the rule's "Requires authentication" sends a username and password,
 * or an API key as `key:X`). Every presented value is compared with every secret in constant
 * time, over SHA-256 digests so that lengths reveal nothing, with no early exit.
 *
 * @example verifyFreshdeskToken({ headers: { 'x-influence-router-token': token }, secrets: [current, previous] })
 * @throws AuthenticationError for missing credentials, a malformed Basic header, or no match
 * @throws ConfigurationError for no secrets, an empty secret, or more than three
 */
export function verifyFreshdeskToken(input: FreshdeskTokenInput): void {
  const { secrets } = input;
  // An empty secret would be matched by an empty password, which anybody can send.
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new ConfigurationError('Freshdesk webhook secrets must be a non-empty list of non-empty secrets');
  }
  if (secrets.length > FRESHDESK_MAX_SECRETS) {
    throw new ConfigurationError(`Freshdesk webhook secrets: at most ${FRESHDESK_MAX_SECRETS} may be active at once`);
  }

  const presented: string[] = [];
  const token = headerValue(input.headers, FRESHDESK_TOKEN_HEADER);
  if (token !== undefined) presented.push(token);
  const authorization = headerValue(input.headers, 'authorization');
  if (authorization !== undefined) {
    const credentials = parseBasic(authorization);
    if (credentials) presented.push(credentials.username, credentials.password);
    else if (token === undefined) throw new AuthenticationError('Authorization header is not HTTP Basic credentials');
  }
  if (presented.length === 0) {
    throw new AuthenticationError(`missing ${FRESHDESK_TOKEN_HEADER} header or HTTP Basic credentials`);
  }

  const digests = presented.map(digest);
  let matched = false;
  for (const secret of secrets) {
    const expected = digest(secret);
    for (const candidate of digests) matched = timingSafeEqual(expected, candidate) || matched;
  }
  if (!matched) throw new AuthenticationError('webhook token does not match');
}

function parseBasic(header: string): { username: string; password: string } | undefined {
  const encoded = BASIC.exec(header)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  // RFC 7617: the user-id cannot contain a colon, the password can.
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
