import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import type { DecisionLog } from '../../shared/domain/ports.js';
import type { InProcessQueue } from './in-process-queue.js';
import { localContext, toApiGatewayEvent } from './lambda-shapes.js';

/** The ingest function as the local server calls it: the same middy handler Lambda runs. */
export type IngestFunction = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** What the local server serves. */
export interface LocalServerOptions {
  port: number;
  ingest: IngestFunction;
  queue: InProcessQueue;
  decisions: DecisionLog;
  /** API Gateway HTTP API's own payload limit; the function applies the product's smaller one. */
  maxRequestBytes?: number;
  /** How long a request may take to arrive whole (default 10 s; API Gateway's own is 30 s). */
  requestTimeoutMs?: number;
}

/** A running local server. */
export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const WEBHOOK_PATH = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/;
const DECISIONS_PATH = /^\/admin\/decisions\/([^/]+)\/([^/]+)\/?$/;
const QueuedEventSummarySchema = z
  .object({
    type: z.string().optional(),
    tenant: z.string(),
    source: z.string(),
    deliveryId: z.string(),
    ticket: z.object({ id: z.string() }).optional(),
    ticketId: z.string().optional(),
    responseId: z.string().optional(),
  })
  .loose();

class BodyTooLarge extends Error {}

/** A path segment that is not valid percent-encoding: the client's mistake, answered 400. */
class BadPath extends Error {}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadPath(`path segment "${segment.slice(0, 40)}" is not valid percent-encoding`);
  }
}

/**
 * Whether a state-changing admin request may come from this browser page: never from another
 * site (Sec-Fetch-Site, or an Origin that is not this server's), so a web page the user has open
 * cannot replay the dead-letter queue.
 */
function sameOriginAdmin(request: IncomingMessage, serverOrigins: readonly string[]): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  return origin === undefined || serverOrigins.includes(origin);
}

/** How long a request may take to arrive whole; a body shorter than its Content-Length is cut off then. */
const REQUEST_TIMEOUT_MS = 10_000;

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(text);
}

function summarise(body: string): Record<string, unknown> {
  try {
    const parsed = QueuedEventSummarySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return { unparseable: true };
    const { type, tenant, source, deliveryId, responseId } = parsed.data;
    const ticketId = parsed.data.ticket?.id ?? parsed.data.ticketId;
    return { type, tenant, source, deliveryId, ...(ticketId ? { ticketId } : {}), ...(responseId ? { responseId } : {}) };
  } catch {
    return { unparseable: true };
  }
}

/**
 * Starts the local HTTP server on 127.0.0.1: `POST /webhooks/{tenant}/{source}` runs the real
 * ingest handler on an API Gateway v2 event; `/admin/...` shows the queue, the dead-letter
 * queue (and replays it) and the recorded decisions.
 *
 * @example const server = await startLocalServer({ port: 3000, ingest, queue, decisions })
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const limit = options.maxRequestBytes ?? 10 * 1024 * 1024;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Node checks request timeouts only every `connectionsCheckingInterval` (30 s by default).
  const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) }, (request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) return send(response, 413, { error: 'payload_too_large' });
      if (error instanceof BadPath) return send(response, 400, { error: 'bad_request', message: error.message });
      console.error('local server error', error instanceof Error ? error.message : error);
      if (!response.headersSent) send(response, 500, { error: 'internal_error' });
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const webhook = WEBHOOK_PATH.exec(url.pathname);
    if (webhook) {
      if (method !== 'POST') return send(response, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
      const body = await readBody(request, limit);
      const [, tenant = '', source = ''] = webhook;
      const event = toApiGatewayEvent({
        method,
        url: request.url ?? '/',
        headers: request.headers,
        body,
        routeKey: 'POST /webhooks/{tenant}/{source}',
        pathParameters: { tenant: decodeSegment(tenant), source: decodeSegment(source) },
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      });
      const result = await options.ingest(event, localContext('ingest-webhook'));
      response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string> | undefined);
      response.end(result.body ?? '');
      return;
    }
    if (method === 'GET' && url.pathname === '/health') return send(response, 200, { ok: true });
    if (method === 'GET' && url.pathname === '/admin/queue') {
      return send(response, 200, {
        pending: options.queue.pending().map((m) => ({ messageId: m.messageId, receiveCount: m.receiveCount, ...summarise(m.body) })),
        deadLetters: options.queue.deadLettered().map((m) => ({
          messageId: m.messageId,
          receiveCount: m.receiveCount,
          deadLetteredAt: new Date(m.deadLetteredAt).toISOString(),
          ...summarise(m.body),
        })),
      });
    }
    if (method === 'POST' && url.pathname === '/admin/dlq/replay') {
      if (!sameOriginAdmin(request, serverOrigins)) return send(response, 403, { error: 'forbidden', message: 'admin actions are refused from another site' });
      const ids = url.searchParams.getAll('messageId');
      return send(response, 200, { replayed: options.queue.replayDeadLetters(ids.length > 0 ? ids : undefined) });
    }
    const decisions = DECISIONS_PATH.exec(url.pathname);
    if (method === 'GET' && decisions) {
      const [, tenant = '', ticketId = ''] = decisions;
      return send(response, 200, { decisions: await options.decisions.listForTicket(decodeSegment(tenant), decodeSegment(ticketId)) });
    }
    return send(response, 404, { error: 'not_found' });
  }

  let serverOrigins: string[] = [];
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  serverOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
