import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type FaultControl, HttpFailure, isLoopback, type PartRequest, type Reply, type SandboxFault, type SandboxPart } from './http.js';
import { renderPage } from './page.js';
import { ticketFault } from './ticket-faults.js';

/** A part with the fault control and request log the server keeps for it. */
export interface MountedPart {
  part: SandboxPart;
  control: FaultControl;
}

/** A listening sandbox server. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Each outside host a part answers as, by name, at its own origin: `{ 'social.example': 'http://127.0.0.1:<port>' }`. */
  hosts: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const NOT_FOUND: Reply = { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
const TOO_LARGE: Reply = {
  status: 413,
  body: { error: 'RequestTooLarge', description: `Request bodies are limited to ${MAX_BODY_BYTES} bytes` },
  headers: { connection: 'close' },
};

/**
 * Serves helpdesk parts on one loopback port: each request goes to the part with the longest
 * mount its path falls under, after the sandbox's own plumbing (body limit, request log, auth,
 * injected faults). `/sandbox...` are the loopback-only inspection pages. Each outside host a
 * part names (`part.hosts`) gets a loopback port of its own, where that part answers at the root.
 *
 * @example const server = await serveSandbox([{ part, control }], 0);
 */
export async function serveSandbox(mounted: readonly MountedPart[], port: number): Promise<RunningServer> {
  checkMounts(mounted);
  // Longest first, so `/<name>/...` is not taken by a part at the root.
  const byMount = [...mounted].sort((a, b) => b.part.mount.length - a.part.mount.length);
  const parts = mounted.map((entry) => entry.part);
  const delayTimers = new Set<NodeJS.Timeout>();

  /** Answers a request on the main port (`host` absent) or on the port of one outside host (`host` given). */
  async function handle(req: IncomingMessage, res: ServerResponse, host?: { name: string; entry: MountedPart }): Promise<void> {
    const receivedAt = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const raw = await readBody(req);

    if (!host && (url.pathname === '/sandbox' || url.pathname.startsWith('/sandbox/'))) {
      write(res, raw === 'too-large' ? TOO_LARGE : inspect(req, method, url));
      return;
    }
    const entry =
      host?.entry ??
      byMount.find(({ part }) => part.mount === '' || url.pathname === part.mount || url.pathname.startsWith(`${part.mount}/`));
    if (!entry) {
      write(res, raw === 'too-large' ? TOO_LARGE : NOT_FOUND);
      return;
    }
    const { part, control } = entry;
    const pathname = host ? url.pathname : url.pathname.slice(part.mount.length) || '/';
    const request: PartRequest = { method, pathname, query: url.searchParams, headers: req.headers, raw: Buffer.alloc(0) };
    if (host) request.host = host.name;
    const who = part.authLabel?.(request);
    const answer = (reply: Reply, status = reply.status): void => {
      // Logged before the answer leaves, so a caller that has its response always finds it in requests().
      control.record({
        method,
        path: `${pathname}${url.search}`,
        status,
        at: receivedAt,
        answeredAt: Date.now(),
        ...(host ? { host: host.name } : {}),
        ...(who === undefined ? {} : { auth: who }),
      });
      if (status === 0) res.socket?.destroy();
      else write(res, reply);
    };
    if (raw === 'too-large') {
      answer(TOO_LARGE);
      return;
    }
    request.raw = raw;

    const isApi = part.isApiPath?.(pathname) ?? true;
    // Authentication first, so an unauthenticated request does not spend a fault meant for the client.
    if (isApi && !part.authenticated(request)) {
      answer(part.unauthorized());
      return;
    }
    const fault = isApi ? control.take(method, pathname, host?.name) : undefined;
    if (!fault) {
      answer(await routed(part, request));
      return;
    }
    // A slow answer is the part's own, only late; any other fault replaces it.
    const own = fault.slowOnly || fault.applyFirst ? await routed(part, request) : undefined;
    const reply = fault.slowOnly && own ? own : faultReply(part, fault, host?.name);
    // A reset is logged as status 0: no answer came.
    const finish = () => answer(reply, fault.reset ? 0 : reply.status);
    if (!fault.delayMs) {
      finish();
      return;
    }
    const timer = setTimeout(() => {
      delayTimers.delete(timer);
      finish();
    }, fault.delayMs);
    delayTimers.add(timer);
  }

  function inspect(req: IncomingMessage, method: string, url: URL): Reply {
    if (!isLoopback(req.socket.remoteAddress))
      return { status: 403, body: { error: 'Forbidden', description: 'The sandbox pages are for loopback only' } };
    const faulted = ticketFault(mounted, req, method, url);
    if (faulted) return faulted;
    const { pathname } = url;
    if (method !== 'GET') return NOT_FOUND;
    if (pathname === '/sandbox') return { status: 200, body: renderPage(parts) };
    // For a process other than the one running the sandbox (the refresh command): where each outside host listens.
    if (pathname === '/sandbox/hosts') return { status: 200, body: { hosts } };
    // `/sandbox/tickets[/{id}]` are the default part's (the first), from when the sandbox spoke one helpdesk only.
    const unscoped = /^\/sandbox\/tickets(?:\/([^/]+))?$/.exec(pathname);
    const scoped = /^\/sandbox\/([a-z0-9-]+)\/tickets(?:\/([^/]+))?$/.exec(pathname);
    const part = unscoped ? parts[0] : parts.find((candidate) => candidate.name === scoped?.[1]);
    const id = unscoped ? unscoped[1] : scoped?.[2];
    if (!part) return NOT_FOUND;
    if (id === undefined) return { status: 200, body: { tickets: part.inspectTickets() } };
    const ticket = part.inspectTicket(id);
    return ticket === undefined ? { status: 404, body: { error: 'RecordNotFound' } } : { status: 200, body: ticket };
  }

  const serve = (host?: { name: string; entry: MountedPart }): Server =>
    createServer((req, res) => {
      handle(req, res, host).catch((error: unknown) => {
        console.error('sandbox: request failed', error);
        if (!res.headersSent) write(res, { status: 500, body: { error: 'InternalError' } });
      });
    });
  const servers: Server[] = [];
  const close = async (): Promise<void> => {
    for (const timer of delayTimers) clearTimeout(timer);
    delayTimers.clear();
    await Promise.all(servers.map((one) => stop(one)));
  };
  const hosts: Record<string, string> = {};
  try {
    const main = serve();
    servers.push(main);
    const baseUrl = await listen(main, port);
    for (const entry of mounted) {
      for (const name of entry.part.hosts ?? []) {
        const server = serve({ name, entry });
        servers.push(server);
        hosts[name] = await listen(server, 0);
      }
    }
    return { baseUrl, hosts: Object.freeze({ ...hosts }), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Listens on 127.0.0.1 at `port` (0: a free one) and answers the origin. */
async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox: no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** Runs the part's route; its HttpFailures are answers, anything else a generic 500, logged with its cause. */
async function routed(part: SandboxPart, request: PartRequest): Promise<Reply> {
  try {
    return await part.route(request);
  } catch (error) {
    if (error instanceof HttpFailure) return error.reply;
    console.error(`sandbox ${part.name}: ${request.method} ${request.pathname} failed`, error);
    return { status: 500, body: { error: 'InternalError' } };
  }
}

function faultReply(part: SandboxPart, fault: SandboxFault, host: string | undefined): Reply {
  const body = fault.body === undefined ? part.faultBody(fault.status, host) : fault.body;
  return fault.headers ? { status: fault.status, body, headers: fault.headers } : { status: fault.status, body };
}

function checkMounts(mounted: readonly MountedPart[]): void {
  const seen = new Set<string>();
  const names = new Set<string>();
  const hostNames = new Set<string>();
  for (const { part } of mounted) {
    if (names.has(part.name)) throw new Error(`sandbox: two parts are named ${part.name}`);
    names.add(part.name);
    if (part.mount !== '' && !/^\/[a-z0-9-]+$/.test(part.mount))
      throw new Error(`sandbox: mount "${part.mount}" of ${part.name} must be '' or /name`);
    if (part.mount === '/sandbox') throw new Error(`sandbox: ${part.name} cannot be mounted at /sandbox, the inspection pages`);
    if (seen.has(part.mount)) throw new Error(`sandbox: two parts are mounted at "${part.mount}"`);
    seen.add(part.mount);
    for (const host of part.hosts ?? []) {
      if (hostNames.has(host)) throw new Error(`sandbox: two parts answer as the host ${host}`);
      hostNames.add(host);
    }
  }
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  if (reply.status === 204) {
    res.writeHead(204, { ...reply.headers });
    res.end();
    return;
  }
  const isHtml = typeof reply.body === 'string';
  const payload = isHtml ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': isHtml ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.byteLength;
    // Keep draining past the limit so the client reads the 413 instead of a reset connection.
    if (total <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return total > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks);
}
