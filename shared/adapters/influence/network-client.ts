import type { Clock } from '../../domain/ports.js';
import type { ScorePurpose } from '../../domain/score-lookup.js';
import type { ReachInputs } from '../../domain/score-model.js';
import { RefusedAddressError } from '../http/checked-request.js';
import { type JsonResponse, jsonRequest } from '../http/json-request.js';
import type { SecretRef } from '../plugin/secret-ref.js';
import { failed, type FailedLookup, failureOf } from './provider-failures.js';
import type { NetworkPace } from './network-pace.js';
import type { NetworksSettings } from './network-settings.js';

/** One lookup of one handle. */
export interface NetworkCallContext {
  purpose: ScorePurpose;
  now: Date;
  /** No request of this lookup may run past this time (ms since the epoch): the ticket path's one quick try. */
  deadlineMs: number;
  /** The domain of the customer's email as the helpdesk gave it, for proving a handle is on it. */
  emailDomain?: string;
}

/** What a network said of one handle: its counts for the Reach model, no score and why, or a failure. */
export type NetworkAnswer =
  | {
      outcome: 'profile';
      inputs: ReachInputs;
      /** Set when the network's public data proved the handle belongs to the email's domain (both ways). */
      proven?: string;
    }
  | { outcome: 'no-score'; reason: string }
  | FailedLookup;

/** A network's client for one tenant. */
export interface NetworkClient {
  lookup(handle: string, context: NetworkCallContext): Promise<NetworkAnswer>;
  /** Fetches many handles' profiles in the network's batches (the scheduled refresh), so lookups find them ready. */
  prefetch?(handles: readonly string[], context: NetworkCallContext): Promise<void>;
}

/** A handle as the network writes it, or why it is not one of the network's handles. */
export type ParsedHandle = { ok: true; handle: string } | { ok: false; reason: string };

/** What a network's client is built from. */
export interface NetworkClientDeps {
  settings: NetworksSettings;
  /** The pace of this tenant's calls to this network, one per server where the limit is per server (Mastodon). */
  paceFor(server?: string): NetworkPace;
  clock: Clock;
  /** Reads a secret (GitHub token, YouTube key) when a request needs it. */
  secret(ref: SecretRef): Promise<string>;
  /** The transport to the network's fixed hosts. */
  fetch: typeof fetch;
  /** The transport to hosts a handle names (a Mastodon server, a Bluesky handle's domain): checked before any connection. */
  outsideFetch: typeof fetch;
  /** Local mode only: outside host names served on loopback by the sandbox (`social.example` -> `http://127.0.0.1:41234`). */
  outsideHosts?: Readonly<Record<string, string>>;
}

/** One open network as a plug-in: its name, how its handles look, and its client. */
export interface NetworkDescriptor {
  /** The `network` of a handle: `bluesky`, `mastodon`, `github`, `youtube`. */
  name: string;
  /** As an agent reads it: `Bluesky`. */
  label: string;
  /** True when the tenant turned this network on (and, where its terms ask, accepted them). */
  enabled(settings: NetworksSettings): boolean;
  /** Days its terms allow data fetched from it to be kept: past them, data a refresh could not renew is deleted. */
  keepDataDays?: number;
  parseHandle(raw: string): ParsedHandle;
  /** The tenant's client of this network. */
  createClient(deps: NetworkClientDeps): NetworkClient;
}

/** Largest answer read from a network: profiles and 20 posts' counts are far smaller. */
const MAX_NETWORK_ANSWER_BYTES = 512 * 1024;

/**
 * The URL of a path on a host a handle named: `https://<host><path>` (port 443, as a handle cannot
 * carry a port), or in local mode the sandbox's loopback origin for that name.
 *
 * @example outsideUrl('social.example', '/api/v1/accounts/lookup?acct=ada', deps.outsideHosts)
 */
export function outsideUrl(host: string, pathAndQuery: string, hosts?: Readonly<Record<string, string>>): URL {
  const origin = hosts?.[host];
  return new URL(pathAndQuery, origin ?? `https://${host}`);
}

/**
 * One GET to a network through its pace: refused at once (`rate-limited`, with how long) when the
 * pace holds calls back on the ticket path, or after short waits on the refresh; the answer's
 * rate-limit headers and 429s are read into the pace. Timeouts, refused addresses and network
 * failures come back as failed lookups, never thrown.
 *
 * @example const answer = await pacedGet({ clock, pace }, new URL(...), {}, context, 'Bluesky', fetch);
 */
export async function pacedGet(
  deps: Pick<NetworkClientDeps, 'clock'> & { pace: NetworkPace },
  url: URL,
  headers: Record<string, string>,
  context: NetworkCallContext,
  label: string,
  transport: typeof fetch,
): Promise<JsonResponse | FailedLookup> {
  const permit = await deps.pace.permit(context.purpose);
  if (!permit.go) return failed('rate-limited', `${label}: ${permit.reason}`, permit.waitMs);
  const timeoutMs = context.deadlineMs - deps.clock.now().getTime();
  if (timeoutMs < 1) {
    deps.pace.abandon();
    return failed('timeout', `${label}: no time left for another request`);
  }
  try {
    const response = await jsonRequest({
      method: 'GET',
      url,
      headers,
      timeoutMs,
      fetch: transport,
      maxResponseBytes: MAX_NETWORK_ANSWER_BYTES,
    });
    deps.pace.record(response.status, response.headers);
    if (response.status === 429) {
      return failed('rate-limited', `${label} answered 429: held back`, deps.pace.heldForMs());
    }
    return response;
  } catch (error) {
    deps.pace.abandon();
    const refused = refusal(error);
    if (refused) return failed('rejected', refused.message);
    const failure = failureOf(error);
    return { ...failure, reason: `${label}: ${failure.reason}` };
  }
}

/** The refusal of an address somewhere in an error's causes (the JSON client wraps what the transport threw). */
function refusal(error: unknown): RefusedAddressError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    if (cause instanceof RefusedAddressError) return cause;
  }
  return undefined;
}

/** True when a value is a failed lookup rather than an answer. */
export function isFailure(value: JsonResponse | FailedLookup): value is FailedLookup {
  return 'outcome' in value;
}

const DAY_MS = 86_400_000;

/** Whole days from an ISO date to now; 0 for an unreadable or future date. */
export function ageInDays(iso: string | undefined, now: Date): number {
  const at = iso === undefined ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(at) || at > now.getTime()) return 0;
  return Math.floor((now.getTime() - at) / DAY_MS);
}

/** The median of a list of counts, 0 when it is empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
