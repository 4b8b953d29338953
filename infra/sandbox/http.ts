import type { IncomingMessage } from 'node:http';

/** A reply ready to send: a JSON body (any value) or an HTML page (a string). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown inside a route to answer with the helpdesk's own error shape. */
export class HttpFailure extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/**
 * An error answer to throw from a route.
 *
 * @example throw fail(404, { error: 'RecordNotFound', description: 'Not found' })
 */
export function fail(status: number, body: unknown, headers?: Record<string, string>): HttpFailure {
  return new HttpFailure(headers ? { status, body, headers } : { status, body });
}

/**
 * Runs a route and adds `headers` to what it answers, its error answers included: for headers a
 * helpdesk sends on every answer, such as its rate-limit count.
 *
 * @example return withHeaders(account.take(), () => dispatch(request))
 */
export function withHeaders(headers: Record<string, string>, route: () => Reply): Reply {
  try {
    const reply = route();
    return { ...reply, headers: { ...reply.headers, ...headers } };
  } catch (error) {
    if (error instanceof HttpFailure) throw new HttpFailure({ ...error.reply, headers: { ...error.reply.headers, ...headers } });
    throw error;
  }
}

/** A fault to inject: the next `count` matching API requests answer `status` (after `delayMs`). */
export interface SandboxFault {
  status: number;
  count: number;
  headers?: Record<string, string>;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** Only requests whose path (below the helpdesk's mount point) starts with this (any API path when absent). */
  pathPrefix?: string;
  /** Only requests whose path (below the mount point) it matches; beside `pathPrefix`, for one ticket's paths and no other's. */
  pathPattern?: RegExp;
  /** Hold the answer this long, e.g. to make a client time out. */
  delayMs?: number;
  /**
   * Carry out the request first, then answer the fault: the write happened but its response was
   * lost, as when a gateway times out after the backend committed.
   */
  applyFirst?: boolean;
  /** The body to answer with; each helpdesk part has a default in its own error shape. */
  body?: unknown;
  /** Close the connection instead of answering (after `delayMs`, after the request when `applyFirst`): a connection reset. */
  reset?: boolean;
  /** Answer what the part answers, only after `delayMs`: a slow network rather than a failing one (`status` is then ignored). */
  slowOnly?: boolean;
  /** Only requests to this outside host (a part's `hosts`, e.g. one Mastodon server); any when absent. */
  host?: string;
}

/** Random faults on a share of the API requests that no queued fault claims: for load runs. */
export interface SandboxChaos {
  /** The share of requests that fail, 0 to 1. */
  rate: number;
  /** The faults to choose from, evenly (their `count` is ignored). */
  faults: readonly Omit<SandboxFault, 'count'>[];
  /** The source of randomness, e.g. a seeded generator for a repeatable run. */
  random: () => number;
}

/** One request a sandbox helpdesk answered. */
export interface SandboxRequest {
  method: string;
  /** Path and query below the helpdesk's mount point, e.g. `/api/v2/tickets/1`. */
  path: string;
  status: number;
  at: number;
  /** When the answer left (or the connection was dropped), epoch ms. */
  answeredAt?: number;
  /** The outside host it came in as, for a part that serves some (e.g. `social.example`). */
  host?: string;
  /** Who it came from, as the part tells callers apart (e.g. `anonymous`, `token:...`), where the part says. */
  auth?: string;
}

/** One authenticated-or-not API request, as a helpdesk part sees it. */
export interface PartRequest {
  method: string;
  /** The path below the part's mount point, e.g. `/api/v2/tickets/1`. */
  pathname: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  /** The outside host it came in as (one of the part's `hosts`); absent at the part's mount. */
  host?: string;
}

/**
 * One helpdesk the sandbox speaks, mounted under a path prefix of the sandbox server (`''` for
 * the root). The sandbox does the HTTP plumbing, fault injection and request log; the part
 * authenticates and routes.
 */
export interface SandboxPart {
  /** The helpdesk's name, as in the adapter registry; the inspection pages are `/sandbox/{name}/...`. */
  readonly name: string;
  /** Where its API is mounted: `''` (root) or `/{name}`. */
  readonly mount: string;
  /** Answers an API request, or throws HttpFailure. Runs after faults are checked. */
  route(request: PartRequest): Reply | Promise<Reply>;
  /**
   * Whether auth and faults apply to a path below the mount (every path when absent). Other paths
   * go straight to `route`, so a browser opening `/` sees the helpdesk's 404, not a login prompt.
   */
  isApiPath?(pathname: string): boolean;
  /** Whether the request carries the part's credentials; an unauthenticated request gets `unauthorized()`. */
  authenticated(request: PartRequest): boolean;
  unauthorized(): Reply;
  /** The part's own error body for an injected fault (`host` when it came in as one of the part's hosts). */
  faultBody(status: number, host?: string): unknown;
  /**
   * Names of outside hosts the part also answers as (Mastodon servers, a Bluesky handle's domain):
   * each is served at the root of its own loopback port, as the real host would be, and its
   * requests reach `route` with `host` set.
   */
  readonly hosts?: readonly string[];
  /** Who a request comes from, for the request log and the counts per caller (`anonymous`, a token). */
  authLabel?(request: PartRequest): string;
  /** The JSON the loopback inspection pages show: `/sandbox/{name}/tickets[/{id}]`. */
  inspectTickets(): unknown[];
  inspectTicket(id: string): unknown;
  /**
   * The API path of one ticket below the mount (`/api/v2/tickets/1`), under which every call
   * about it goes; absent for a helpdesk whose calls name no ticket in their path.
   */
  ticketApiPath?(id: string): string;
  /** An HTML section for the sandbox page. */
  renderSection(): string;
}

/** Fault control and request log of one part. */
export class FaultControl {
  readonly #faults: (SandboxFault & { remaining: number })[] = [];
  readonly #log: SandboxRequest[] = [];
  #chaos: SandboxChaos | undefined;

  /** Fails a random share of the requests from now on, or stops doing so (`undefined`). */
  setChaos(chaos: SandboxChaos | undefined): void {
    if (chaos && (!(chaos.rate >= 0 && chaos.rate <= 1) || chaos.faults.length === 0)) {
      throw new Error('sandbox: chaos needs a rate between 0 and 1 and at least one fault');
    }
    this.#chaos = chaos;
  }

  /** Makes the next `count` matching requests fail. */
  add(fault: SandboxFault): void {
    if (!Number.isInteger(fault.count) || fault.count < 1) throw new Error('sandbox: failNext count must be a positive integer');
    this.#faults.push({ ...fault, remaining: fault.count });
  }

  /** Removes the pending faults `which` picks; how many were removed. */
  withdraw(which: (fault: SandboxFault) => boolean): number {
    const before = this.#faults.length;
    this.#faults.splice(0, this.#faults.length, ...this.#faults.filter((fault) => !which(fault)));
    return before - this.#faults.length;
  }

  /** The first pending fault matching the request, consumed once. */
  take(method: string, path: string, host?: string): SandboxFault | undefined {
    const index = this.#faults.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method) &&
        (fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix)) &&
        (fault.pathPattern === undefined || fault.pathPattern.test(path)) &&
        (fault.host === undefined || fault.host === host),
    );
    const fault = this.#faults[index];
    if (!fault) return this.#chaotic(method, path, host);
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #chaotic(method: string, path: string, host: string | undefined): SandboxFault | undefined {
    const chaos = this.#chaos;
    if (!chaos || chaos.random() >= chaos.rate) return undefined;
    const candidates = chaos.faults.filter(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method) &&
        (fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix)) &&
        (fault.host === undefined || fault.host === host),
    );
    const chosen = candidates[Math.floor(chaos.random() * candidates.length)];
    return chosen ? { ...chosen, count: 1 } : undefined;
  }

  record(entry: SandboxRequest): void {
    this.#log.push(entry);
  }

  /** Every request received: method, path, status answered, time. */
  requests(): SandboxRequest[] {
    return this.#log.map((entry) => ({ ...entry }));
  }
}

/** Whether the socket's peer is on this machine. */
export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Helpdesk timestamps: ISO 8601 in UTC with whole seconds. */
export function stamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A stamp later than `previous` even when written within the same second, so a change is always seen as one. */
export function nextStamp(previous: string): string {
  return stamp(Math.max(Math.floor(Date.now() / 1000) * 1000, Date.parse(previous) + 1000));
}

/** Escapes text for an HTML page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Whether a value is a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The media type of a request, without parameters, lower-cased. */
export function mediaType(headers: IncomingMessage['headers']): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Trims and de-duplicates tags, keeping their order. */
export function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()))];
}
