import type { LookupAddress, LookupOptions } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import type * as NodeHttps from 'node:https';
import { InfluenceRouterError, TransientError } from '../../domain/errors.js';
import { hostAddress, nonPublicReason } from './public-address.js';

/** Resolves a name to every address it has, as node:dns `lookup` with `all: true` does. */
export type ResolveAll = (hostname: string) => Promise<readonly LookupAddress[]>;

/** Which addresses a checked request may connect to, and how it finds them. */
export interface AddressPolicy {
  resolve: ResolveAll;
  /** Why an address is refused, or undefined when it may be connected to. */
  refuse(address: string): string | undefined;
  /** Certificate authorities (PEM) trusted instead of Node's bundled ones. */
  ca?: string;
}

const systemResolve: ResolveAll = async (hostname) => (await import('node:dns/promises')).lookup(hostname, { all: true });

/** The policy of deployed functions: names resolved by the system, and only public addresses reached. */
export const PUBLIC_ADDRESSES_ONLY: AddressPolicy = { resolve: systemResolve, refuse: nonPublicReason };

/**
 * Where requests to URLs the operator chose may go: where a policy allows (deployed), or anywhere
 * (`'any'`: local mode, whose sandbox helpdesks and test servers listen on loopback).
 */
export type ServiceAddresses = AddressPolicy | 'any';

/** A request was not sent because of where it would have connected; the message says where and why. */
export class RefusedAddressError extends InfluenceRouterError {}

/** What a checked request is about: the URL's name in the configuration, for errors, and the policy. */
export interface CheckedTarget {
  /** `helpdesk.decisionsUrl`, `scoring.http.url`, ... */
  field: string;
  policy: AddressPolicy;
}

/** One request to send through the checks. */
export interface CheckedRequest {
  /** An https URL; its host name is what the certificate and SNI are checked against. */
  url: URL;
  method: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  /** Covers the whole exchange: resolving, connecting, sending and reading the answer. */
  timeoutMs: number;
  /** A larger answer body fails the request. */
  maxResponseBytes: number;
  /** Ends the exchange early; the rejection is its reason. */
  signal?: AbortSignal;
}

/** The answer, read whole: a 3xx is an answer like any other (redirects are never followed). */
export interface CheckedResponse {
  status: number;
  statusText: string;
  /** Name and value pairs as they came. */
  headers: [string, string][];
  body: Buffer;
}

/** The addresses the URL's host may be connected at: all of them pass the policy, or the request is refused. */
async function checkedAddresses(url: URL, { field, policy }: CheckedTarget): Promise<LookupAddress[]> {
  const where = `${field} ${url.origin}`;
  const literal = hostAddress(url);
  if (literal !== undefined) {
    const reason = policy.refuse(literal);
    if (reason) throw new RefusedAddressError(`${where} is ${literal}, ${reason}: refused, requests go only to public addresses`);
    return [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  }
  let found: readonly LookupAddress[];
  try {
    found = await policy.resolve(url.hostname);
  } catch (error) {
    throw new TransientError(
      `${where}: ${url.hostname} could not be resolved (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  if (found.length === 0) throw new TransientError(`${where}: ${url.hostname} resolves to no address`);
  // One bad address is enough: a name that mixes public and private answers is refused whole.
  for (const { address } of found) {
    const reason = policy.refuse(address);
    if (reason) {
      const all = found.length > 1 ? ` (of ${found.map((one) => one.address).join(', ')})` : '';
      throw new RefusedAddressError(
        `${where}: ${url.hostname} resolves to ${address}${all}, ${reason}: refused, requests go only to public addresses`,
      );
    }
  }
  return [...found];
}

const agents = new WeakMap<AddressPolicy, NodeHttps.Agent>();

/** One keep-alive agent per policy: a connection opened under one policy is never reused under another. */
function agentFor(policy: AddressPolicy, https: typeof NodeHttps): NodeHttps.Agent {
  let agent = agents.get(policy);
  if (!agent) agents.set(policy, (agent = new https.Agent({ keepAlive: true })));
  return agent;
}

/** Rejects when the signal aborts, with its reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Sends one https request to a URL that someone other than this code chose (an operator's
 * configuration, a customer's handle): the host name is resolved, every address it resolves to
 * must pass the policy (else RefusedAddressError, naming the field, the host, the address and
 * why), and the connection is made to those checked addresses only, so a DNS answer that changes
 * between the check and the connection cannot move it. TLS (SNI and the certificate) is checked
 * against the host name. Redirects are never followed; the answer is capped in size, the whole
 * exchange in time. Network failures, timeouts (a `TimeoutError`) and oversized answers reject.
 *
 * @example await checkedRequest({ url: new URL('https://scores.acme.example/v1'), method: 'POST', body, timeoutMs: 2000, maxResponseBytes: 65536 }, { field: 'scoring.http.url', policy: PUBLIC_ADDRESSES_ONLY })
 */
export async function checkedRequest(request: CheckedRequest, target: CheckedTarget): Promise<CheckedResponse> {
  const { url, timeoutMs } = request;
  const where = `${target.field} ${url.origin}`;
  if (url.protocol !== 'https:') throw new RefusedAddressError(`${where}: only https is sent to a checked address`);
  if (url.username || url.password) throw new RefusedAddressError(`${target.field}: a URL with credentials is never sent`);

  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`${where} gave no whole answer within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  const forward = () => controller.abort(request.signal?.reason);
  if (request.signal?.aborted) forward();
  else request.signal?.addEventListener('abort', forward, { once: true });
  try {
    const aborted = untilAborted(controller.signal);
    const addresses = await Promise.race([checkedAddresses(url, target), aborted]);
    const https = await import('node:https');
    return await Promise.race([exchange(https, request, addresses, target, controller.signal), aborted]);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', forward);
  }
}

function exchange(
  https: typeof NodeHttps,
  request: CheckedRequest,
  addresses: readonly LookupAddress[],
  target: CheckedTarget,
  signal: AbortSignal,
): Promise<CheckedResponse> {
  const { url, maxResponseBytes: max } = request;
  const where = `${target.field} ${url.origin}`;
  // Hands the connection only the addresses already checked: the name is not looked up again.
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const first = addresses[0];
    if (hostname !== url.hostname || !first)
      return callback(new RefusedAddressError(`${where}: the connection asked for ${hostname}, which was not checked`), '');
    if (options.all) return callback(null, [...addresses]);
    return callback(null, first.address, first.family);
  };
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      url,
      {
        method: request.method,
        headers: { ...request.headers, ...(body ? { 'content-length': String(body.byteLength) } : {}) },
        agent: agentFor(target.policy, https),
        lookup,
        ...(target.policy.ca !== undefined ? { ca: target.policy.ca } : {}),
      },
      (response: IncomingMessage) => {
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > max) {
          outgoing.destroy();
          return reject(new TransientError(`${where} answered a body of ${declared} bytes, above the ${max} byte limit`));
        }
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.byteLength;
          if (total > max) {
            outgoing.destroy();
            reject(new TransientError(`${where} answered more than the ${max} byte limit`));
          } else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const headers: [string, string][] = [];
          for (let i = 0; i + 1 < response.rawHeaders.length; i += 2)
            headers.push([response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '']);
          resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers, body: Buffer.concat(chunks) });
        });
      },
    );
    // A time-out or the caller's abort tears the connection down; the race above has already answered.
    if (signal.aborted) outgoing.destroy();
    else signal.addEventListener('abort', () => outgoing.destroy(), { once: true });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Limits of a checked fetch, over and above the signal and cap its caller may set. */
export interface CheckedFetchOptions extends CheckedTarget {
  /** Longest a whole exchange may take (default 30 s). */
  timeoutMs?: number;
  /** Largest answer body read (default 5 MB). */
  maxResponseBytes?: number;
}

/**
 * `checkedRequest` behind the `fetch` interface, for clients that take a `fetch` (through
 * `jsonRequest`): URL inputs, string or byte bodies, the caller's signal; the answer's body is
 * read whole (capped) before the Response is handed back.
 *
 * @example new HttpScoreProvider({ ..., fetch: checkedFetch({ field: 'scoring.http.url', policy: PUBLIC_ADDRESSES_ONLY }) })
 */
export function checkedFetch(options: CheckedFetchOptions): typeof fetch {
  const target: CheckedTarget = { field: options.field, policy: options.policy };
  return async (input, init) => {
    if (!(input instanceof URL) && typeof input !== 'string')
      throw new TypeError(`${options.field}: a checked fetch takes a URL, not a Request`);
    const body = init?.body ?? undefined;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError(`${options.field}: a checked fetch sends a string or bytes`);
    }
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const answer = await checkedRequest(
      {
        url: new URL(input),
        method: init?.method ?? 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: options.timeoutMs ?? 30_000,
        maxResponseBytes: options.maxResponseBytes ?? 5 * 1024 * 1024,
        ...(init?.signal ? { signal: init.signal } : {}),
      },
      target,
    );
    const noBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
    return new Response(noBody ? null : new Uint8Array(answer.body), {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
    });
  };
}

/**
 * The fetch for a URL the operator chose, named by `field` in errors: checked against the policy,
 * or the platform's own where any address goes.
 *
 * @example serviceFetch(PUBLIC_ADDRESSES_ONLY, 'helpdesk.decisionsUrl')
 */
export function serviceFetch(addresses: ServiceAddresses, field: string): typeof fetch {
  return addresses === 'any' ? (input, init) => fetch(input, init) : checkedFetch({ field, policy: addresses });
}
