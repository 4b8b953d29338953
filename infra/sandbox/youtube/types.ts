import type { RequestCounts } from '../budget.js';
import type { SandboxChaos, SandboxFault, SandboxRequest } from '../http.js';

/** How to configure the sandbox YouTube Data API. */
export interface SandboxYoutubeOptions {
  /** API keys it accepts (`key=`); a missing key is 403, an unknown one 400. */
  keys?: readonly string[];
  /** Quota units a key has per Pacific day: 10,000 by default, as a new project's. */
  dailyQuota?: number;
}

/** A channel as a test seeds it. */
export interface SandboxYoutubeChannelInput {
  /** `UC` and 22 characters. */
  id: string;
  /** The handle, with or without `@`. */
  handle: string;
  title?: string;
  subscribers: number;
  views: number;
  videos: number;
  hiddenSubscriberCount?: boolean;
  publishedAt?: string;
}

/** A channel as the sandbox holds it. */
export type SandboxYoutubeChannel = SandboxYoutubeChannelInput & { handle: string; publishedAt: string };

/** The sandbox YouTube's hooks for tests and local mode. */
export interface SandboxYoutube {
  /** `http://127.0.0.1:<port>/youtube`: stands for `https://www.googleapis.com` (`/youtube/v3/channels`). */
  readonly apiUrl: string;
  addChannel(input: SandboxYoutubeChannelInput): SandboxYoutubeChannel;
  updateChannel(id: string, change: Partial<Omit<SandboxYoutubeChannelInput, 'id' | 'handle'>>): SandboxYoutubeChannel;
  addKey(key: string): void;
  /** Sets every key's daily quota from now on. */
  setQuota(units: number): void;
  /** Units the key spent today (Pacific time). */
  quotaUsed(key: string): number;
  /** The next `count` calls get the 403 `quotaExceeded` answer. */
  quotaExceededNext(count: number): void;
  failNext(fault: SandboxFault): void;
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request: method, path below `/youtube`, status, time, and `auth` (`key:<key>` or `anonymous`). */
  requests(): SandboxRequest[];
  counts(): RequestCounts;
}
