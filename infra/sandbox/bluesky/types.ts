import type { RequestCounts } from '../budget.js';
import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';

/** How to configure the sandbox Bluesky. */
export interface SandboxBlueskyOptions {
  /**
   * Handles whose `https://<handle>/.well-known/atproto-did` the sandbox serves, each at its own
   * loopback port (the sandbox's `hosts`).
   */
  handleHosts?: readonly string[];
  /** The AppView's rate limit (Bluesky publishes none): default 3,000 requests per 300 s, as a PDS allows. */
  rateLimit?: { points: number; windowSeconds: number };
}

/** One item of an account's author feed, newest first. */
export interface SandboxBlueskyFeedItem {
  likes: number;
  reposts: number;
  replies: number;
  quotes?: number;
  /** A repost of another account's post: the item carries `reason` `reasonRepost` and the other author. */
  repost?: boolean;
  /** A reply to another post (left out by `posts_no_replies`). */
  reply?: boolean;
  /** Has an image (the only items `posts_with_media` keeps). */
  media?: boolean;
}

/** An account as a test seeds it; counts left out stay out of the profile, as the lexicon allows. */
export interface SandboxBlueskyAccountInput {
  handle: string;
  /** Defaults to a `did:plc:` derived from the handle. */
  did?: string;
  displayName?: string;
  followers?: number;
  follows?: number;
  posts?: number;
  createdAt?: string;
  /** Self-labels on the profile, e.g. `!no-unauthenticated` (the public-web opt-out). */
  labels?: readonly string[];
  /** `takendown` and `deactivated` answer getProfile with their errors and drop out of getProfiles. */
  status?: 'active' | 'takendown' | 'deactivated';
  /** Verified by a trusted verifier (`verification.verifiedStatus` `valid`). */
  verified?: boolean;
  feed?: readonly SandboxBlueskyFeedItem[];
  /** What `https://<handle>/.well-known/atproto-did` answers (the handle must be one of `handleHosts`); none when absent. */
  wellKnownDid?: string;
  /** The `_atproto.<handle>` TXT records the DNS-over-HTTPS endpoint answers, e.g. [`did=did:plc:...`]; none when absent. */
  txt?: readonly string[];
  /** The DID document's `alsoKnownAs` (default [`at://<handle>`]); another list makes the handle fail the check back. */
  alsoKnownAs?: readonly string[];
  /** A tombstoned DID answers plc.directory's 404 "DID not available". */
  tombstoned?: boolean;
}

/** An account as the sandbox holds it. */
export type SandboxBlueskyAccount = SandboxBlueskyAccountInput & { did: string; createdAt: string; indexedAt: string };

/** The sandbox Bluesky's hooks for tests and local mode. */
export interface SandboxBluesky {
  /** `http://127.0.0.1:<port>/bluesky`: stands for `https://public.api.bsky.app` (`/xrpc/...`). */
  readonly appViewUrl: string;
  /** `http://127.0.0.1:<port>/bluesky/plc`: stands for `https://plc.directory`. */
  readonly plcUrl: string;
  /** `http://127.0.0.1:<port>/bluesky/dns-query`: DNS over HTTPS, JSON form, TXT records only. */
  readonly dohUrl: string;
  addAccount(input: SandboxBlueskyAccountInput): SandboxBlueskyAccount;
  /** Changes an account (its counts, labels, status, resolution) as the network would. */
  updateAccount(handleOrDid: string, change: Partial<Omit<SandboxBlueskyAccountInput, 'handle' | 'did'>>): SandboxBlueskyAccount;
  account(handleOrDid: string): SandboxBlueskyAccount | undefined;
  /** Sets the AppView's rate limit from now on. */
  setLimit(limit: { points: number; windowSeconds: number }): void;
  /** The next `count` AppView calls get the 429 a rate limiter sends, `Retry-After` and `RateLimit-*` included. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  failNext(fault: SandboxFault): void;
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request: method, path below `/bluesky` (or on a handle's host, with `host`), status, time. */
  requests(): SandboxRequest[];
  counts(): RequestCounts;
}
