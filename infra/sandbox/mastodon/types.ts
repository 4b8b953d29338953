import type { RequestCounts } from '../budget.js';
import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';

/** How to configure the sandbox Mastodon servers. */
export interface SandboxMastodonOptions {
  /** The servers' names (`social.example`), each served at its own loopback port. */
  servers: readonly string[];
  /**
   * Handle domains that are not their server (`{ 'lovelace.example': 'social.example' }`: handles
   * `@user@lovelace.example`, accounts on `social.example`). Each domain is served at its own port
   * too, answering WebFinger only, with the actor on the server.
   */
  handleDomains?: Readonly<Record<string, string>>;
  /** Requests per window per caller (an address or a token): Mastodon's default is 300 per 5 minutes. */
  rateLimit?: { requests: number; windowSeconds: number };
}

/** One status of an account, newest first. */
export interface SandboxMastodonStatus {
  favourites: number;
  reblogs: number;
  replies: number;
  quotes?: number;
  /** A boost of another account's status: `reblog` holds it (left out by `exclude_reblogs`). */
  boost?: boolean;
  /** A reply to another account (left out by `exclude_replies`). */
  reply?: boolean;
  media?: boolean;
}

/** A profile field: a rel="me" link the server checked has `verifiedAt`. */
export interface SandboxMastodonField {
  name: string;
  /** Plain text or a URL; a URL is rendered as the server renders links. */
  value: string;
  verifiedAt?: string;
}

/** An account as a test seeds it on one server. */
export interface SandboxMastodonAccountInput {
  username: string;
  displayName?: string;
  followers: number;
  following: number;
  /** Defaults to the number of seeded statuses. */
  statusesCount?: number;
  /** Defaults to a year ago; the API shows it at midnight UTC, as Mastodon does since 3.4.0. */
  createdAt?: string;
  bot?: boolean;
  locked?: boolean;
  discoverable?: boolean | null;
  /** Allows indexing by search engines (4.3.0); default true. */
  indexable?: boolean;
  /** The user opted out of being indexed (4.0.0); default false. */
  noindex?: boolean;
  suspended?: boolean;
  fields?: readonly SandboxMastodonField[];
  statuses?: readonly SandboxMastodonStatus[];
}

/** An account as the sandbox holds it. */
export type SandboxMastodonAccount = SandboxMastodonAccountInput & { id: string; server: string; createdAt: string };

/** The sandbox Mastodon servers' hooks for tests and local mode. */
export interface SandboxMastodon {
  /**
   * Each server's name (and each handle domain's) with its loopback origin, known once the sandbox
   * listens, e.g. `{ 'social.example': 'http://127.0.0.1:41234' }`.
   */
  readonly servers: Readonly<Record<string, string>>;
  addAccount(server: string, input: SandboxMastodonAccountInput): SandboxMastodonAccount;
  updateAccount(server: string, username: string, change: Partial<Omit<SandboxMastodonAccountInput, 'username'>>): SandboxMastodonAccount;
  account(server: string, username: string): SandboxMastodonAccount | undefined;
  /** Sets one server's rate limit from now on. */
  setLimit(server: string, limit: { requests: number; windowSeconds: number }): void;
  /** Secure mode: every API call without `Authorization: Bearer` gets 401 (`DISALLOW_UNAUTHENTICATED_API_ACCESS`). */
  requireAuth(server: string, on: boolean): void;
  /** Tokens the server accepts in secure mode. */
  addToken(server: string, token: string): void;
  /** Every request to the server answers 301 to `location` (undefined: stop); a client must not follow it. */
  redirect(server: string, location: string | undefined): void;
  /** The next `count` API calls to the server get Mastodon's 429, `X-RateLimit-*` headers included. */
  rateLimitNext(server: string, count: number): void;
  failNext(fault: SandboxFault): void;
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request, with the server it reached as `host`. */
  requests(): SandboxRequest[];
  counts(): RequestCounts;
}
