import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { bindHelpdesk, type Tenant } from '../../shared/adapters/config/tenants.js';
import { InvalidKeyPartError } from '../../shared/adapters/store/errors.js';
import type { DecisionRecord } from '../../shared/domain/decision-record.js';
import type { StoredTenant } from '../../shared/adapters/store/tenant-store.js';
import type { DecisionHistory, DecisionLog, SurveyAnswerIndex } from '../../shared/domain/ports.js';
import { DecisionCursorError, listDecisions } from '../../shared/use-cases/reporting/list-decisions.js';
import { decisionQuery } from '../console/decision-query.js';
import { addressedHere, listenOnLoopback, PAGE_HEADERS, sameOriginAdmin } from '../console/guards.js';
import { problemPage } from '../console/layout.js';
import { type DecisionContext, decisionPage, decisionsPage, homePage } from '../console/pages.js';
import { queuePage, type QueuedEventView } from '../console/queue-page.js';
import { reportPage, reportPeriod } from '../console/report-page.js';
import { tenantsPage } from '../console/tenants-page.js';
import type { QueuedMessage } from './in-process-queue.js';
import type { LocalQueue } from './local-queue.js';
import { localContext, toApiGatewayEvent } from './lambda-shapes.js';
import { serveConsoleAsset } from '../console/assets.js';

/** The ingest function as the local server calls it: the same middy handler Lambda runs. */
export type IngestFunction = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** What the local server serves. */
export interface LocalServerOptions {
  port: number;
  ingest: IngestFunction;
  queue: LocalQueue;
  decisions: DecisionLog & DecisionHistory;
  /** The survey answers' day index, for the console's report page (without it, the page is not served). */
  answers?: SurveyAnswerIndex;
  /** The tenants this server runs (read from the table at each request), for the console and the admin API. */
  tenants: () => Promise<readonly Tenant[]>;
  /** A tenant's latest versions, newest first, for the console's tenants page. */
  tenantHistory?: (tenantId: string) => Promise<readonly StoredTenant[]>;
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
const DECISION_LIST_PATH = /^\/admin\/decisions\/([^/]+)\/?$/;
const CONSOLE_LIST_PATH = /^\/console\/decisions\/([^/]+)\/?$/;
const CONSOLE_DECISION_PATH = /^\/console\/decisions\/([^/]+)\/([^/]+)\/?$/;
const CONSOLE_REPORT_PATH = /^\/console\/report\/([^/]+)\/?$/;
/** What a decision's console page shows beside it: the other decisions of its ticket, and where the helpdesk shows the ticket. */
async function decisionContext(record: DecisionRecord, tenant: Tenant | undefined, decisions: DecisionLog): Promise<DecisionContext> {
  const sameTicket = await decisions.listForTicket(record.tenant, record.ticketId);
  const ticketUrl = tenant ? bindHelpdesk(tenant).agentTicketUrl?.(record.ticketId) : undefined;
  return { sameTicket, ...(ticketUrl ? { ticketUrl } : {}) };
}

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

function view(message: QueuedMessage & { deadLetteredAt?: number }): QueuedEventView {
  const reason = message.attributes.deadLetterReason;
  return {
    messageId: message.messageId,
    receiveCount: message.receiveCount,
    ...(message.deadLetteredAt === undefined ? {} : { deadLetteredAt: new Date(message.deadLetteredAt).toISOString() }),
    ...(reason ? { deadLetterReason: reason } : {}),
    ...(summarise(message.body) as Omit<QueuedEventView, 'messageId' | 'receiveCount'>),
  };
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

function sendPage(response: ServerResponse, status: number, page: string): void {
  response.writeHead(status, PAGE_HEADERS);
  response.end(page);
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

/** The answer to a tenant that is not configured: it names the ones that are. */
function unknownTenant(id: string, tenants: readonly Tenant[]): string {
  return `No tenant "${id}": this server runs ${tenants.map((t) => t.id).join(', ') || 'no tenant'}`;
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
  const server = createServer(
    { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
    (request, response) => {
      void route(request, response).catch((error: unknown) => {
        if (error instanceof BodyTooLarge) return send(response, 413, { error: 'payload_too_large' });
        if (error instanceof BadPath) return send(response, 400, { error: 'bad_request', message: error.message });
        console.error('local server error', error instanceof Error ? error.message : error);
        if (!response.headersSent) send(response, 500, { error: 'internal_error' });
      });
    },
  );

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
    // Everything below shows or changes what the router holds: for this machine's own pages only.
    if (!addressedHere(request, serverHosts))
      return send(response, 421, { error: 'misdirected_request', message: 'address this server as 127.0.0.1 or localhost' });
    if (method === 'GET' && url.pathname === '/admin/queue') {
      const { pending, deadLetters } = await options.queue.snapshot();
      return send(response, 200, { queue: options.queue.mode, pending: pending.map(view), deadLetters: deadLetters.map(view) });
    }
    if (method === 'POST' && (url.pathname === '/admin/dlq/replay' || url.pathname === '/console/queue/replay')) {
      if (!sameOriginAdmin(request, serverOrigins))
        return send(response, 403, { error: 'forbidden', message: 'admin actions are refused from another site' });
      if (url.pathname === '/admin/dlq/replay') {
        const ids = url.searchParams.getAll('messageId');
        return send(response, 200, { replayed: await options.queue.replay(ids.length > 0 ? ids : undefined) });
      }
      // The console's form: one message id, or none for all; then back to the queue page.
      const ids = new URLSearchParams((await readBody(request, 4096)).toString('utf8')).getAll('messageId');
      const replayed = await options.queue.replay(ids.length > 0 ? ids : undefined);
      response.writeHead(303, { location: `/console/queue?replayed=${replayed}` });
      response.end();
      return;
    }
    if (method !== 'GET') return send(response, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
    const tenants = await options.tenants();
    const decisions = DECISIONS_PATH.exec(url.pathname);
    if (decisions) {
      const [, tenant = '', ticketId = ''] = decisions;
      if (!tenants.some((candidate) => candidate.id === decodeSegment(tenant)))
        return send(response, 404, { error: 'unknown_tenant', message: unknownTenant(decodeSegment(tenant), tenants) });
      return send(response, 200, { decisions: await options.decisions.listForTicket(decodeSegment(tenant), decodeSegment(ticketId)) });
    }
    const list = DECISION_LIST_PATH.exec(url.pathname) ?? CONSOLE_LIST_PATH.exec(url.pathname);
    if (list) {
      const json = url.pathname.startsWith('/admin/');
      const tenant = tenants.find((candidate) => candidate.id === decodeSegment(list[1] ?? ''));
      const unknown = unknownTenant(decodeSegment(list[1] ?? ''), tenants);
      if (!tenant)
        return json
          ? send(response, 404, { error: 'unknown_tenant', message: unknown })
          : sendPage(response, 404, problemPage('Unknown tenant', unknown, tenants));
      const query = decisionQuery(tenant.id, url.searchParams, new Date());
      if (!query.ok)
        return json
          ? send(response, 400, { error: 'bad_query', message: query.message })
          : sendPage(response, 400, problemPage('That list cannot be shown', query.message, tenants));
      try {
        const page = await listDecisions(query.input, { history: options.decisions });
        return json ? send(response, 200, page) : sendPage(response, 200, decisionsPage(tenant, tenants, query.filters, page));
      } catch (error) {
        if (!(error instanceof DecisionCursorError)) throw error;
        return json
          ? send(response, 400, { error: 'bad_cursor', message: error.message })
          : sendPage(response, 400, problemPage('That page cannot be shown', error.message, tenants));
      }
    }
    const report = CONSOLE_REPORT_PATH.exec(url.pathname);
    if (report && options.answers) {
      const tenant = tenants.find((candidate) => candidate.id === decodeSegment(report[1] ?? ''));
      if (!tenant)
        return sendPage(
          response,
          404,
          problemPage(
            'Unknown tenant',
            `No tenant "${decodeSegment(report[1] ?? '')}": this server runs ${tenants.map((t) => t.id).join(', ')}`,
            tenants,
          ),
        );
      const period = reportPeriod(url.searchParams, new Date());
      if (!period.ok) return sendPage(response, 400, problemPage('That report cannot be shown', period.message, tenants));
      return sendPage(
        response,
        200,
        await reportPage(tenant, tenants, period, { history: options.decisions, index: options.answers }, new Date()),
      );
    }
    const one = CONSOLE_DECISION_PATH.exec(url.pathname);
    if (one) {
      const tenant = decodeSegment(one[1] ?? '');
      const decisionId = decodeSegment(one[2] ?? '');
      // A decision id that is not one's shape names no decision: 404, not the store's error.
      const record = tenants.some((candidate) => candidate.id === tenant)
        ? await options.decisions.get(tenant, decisionId).catch((error: unknown) => {
            if (error instanceof InvalidKeyPartError) return undefined;
            throw error;
          })
        : undefined;
      if (!record)
        return sendPage(response, 404, problemPage('No such decision', `Tenant ${tenant} has no decision ${decisionId}.`, tenants));
      const context = await decisionContext(
        record,
        tenants.find((candidate) => candidate.id === tenant),
        options.decisions,
      );
      return sendPage(response, 200, decisionPage(record, tenants, context));
    }
    if (url.pathname === '/' || url.pathname === '/console') {
      const { pending, deadLetters } = await options.queue.snapshot();
      return sendPage(response, 200, homePage(tenants, { pending: pending.length, deadLetters: deadLetters.length }));
    }
    if (serveConsoleAsset(url.pathname, response)) return;
    if (url.pathname === '/console/queue') {
      const replayed = url.searchParams.get('replayed');
      const count = replayed !== null && /^\d{1,6}$/.test(replayed) ? Number(replayed) : undefined;
      const { pending, deadLetters } = await options.queue.snapshot();
      return sendPage(response, 200, queuePage(pending.map(view), deadLetters.map(view), tenants, count, options.queue.caveats));
    }
    if (url.pathname === '/console/tenants') {
      const histories = new Map<string, readonly StoredTenant[]>();
      for (const tenant of tenants) histories.set(tenant.id, (await options.tenantHistory?.(tenant.id)) ?? []);
      return sendPage(response, 200, tenantsPage(tenants, histories));
    }
    return send(response, 404, { error: 'not_found' });
  }

  let serverOrigins: string[] = [];
  let serverHosts: string[] = [];
  const listening = await listenOnLoopback(server, options.port);
  ({ hosts: serverHosts, origins: serverOrigins } = listening.names);
  return { url: listening.url, close: listening.close };
}
