import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod';
import type { AwsJsonClient } from '../../shared/adapters/aws/aws-json-client.js';
import type { Tenant } from '../../shared/adapters/config/tenants.js';
import { DynamoDecisionLog } from '../../shared/adapters/store/decision-log.js';
import { InvalidKeyPartError } from '../../shared/adapters/store/errors.js';
import { DynamoSurveyAnswerIndex } from '../../shared/adapters/store/survey-index.js';
import { DecisionCursorError, listDecisions } from '../../shared/use-cases/reporting/list-decisions.js';
import { decisionQuery } from './decision-query.js';
import { addressedHere, listenOnLoopback, loopbackNames, PAGE_HEADERS, sameOriginAdmin } from './guards.js';
import { html } from './html.js';
import { layout, problemPage } from './layout.js';
import { decisionPage, decisionsPage, homePage } from './pages.js';
import type { ReadOnlyDocumentClient } from './read-only-client.js';
import { reportPage, reportPeriod } from './report-page.js';
import { tenantsPage } from './tenants-page.js';
import { serveConsoleAsset } from './assets.js';

/*
 * The console against any table (the deployed one, or any DynamoDB-compatible endpoint): the same
 * pages as local mode's, read through a client that makes only reads, on 127.0.0.1, with the same
 * protections (the Host check, the pages' CSP, no replay from another site). No webhook, no
 * processing: it shows what the functions recorded. The queue page, with the queues' URLs, shows
 * their counts; replaying the dead-letter queue is served only when asked for.
 */

/** The deployed queues, when the console is given their URLs. */
export interface ConsoleQueues {
  client: AwsJsonClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** What the console serves. */
export interface TableConsoleOptions {
  port: number;
  tableName: string;
  /** Where the table is, for the pages' heading: an endpoint or an AWS region. */
  where: string;
  client: ReadOnlyDocumentClient;
  tenants: readonly Tenant[];
  queues?: ConsoleQueues;
  /** Serves the dead-letter queue's replay (a move back to the event queue); refused without it. */
  allowReplay: boolean;
}

/** A running console. */
export interface TableConsole {
  url: string;
  close(): Promise<void>;
}

const LIST_PATH = /^\/console\/decisions\/([^/]+)\/?$/;
const DECISION_PATH = /^\/console\/decisions\/([^/]+)\/([^/]+)\/?$/;
const REPORT_PATH = /^\/console\/report\/([^/]+)\/?$/;
const AttributesSchema = z.object({ Attributes: z.record(z.string(), z.string()).default({}) });
/**
 * The SQS calls the queue page and the replay make, and what IAM must allow for them: the page
 * reads both queues' attributes; the replay starts a message move task, which receives and
 * deletes on the dead-letter queue and sends to the event queue on the caller's behalf.
 */
export const CONSOLE_QUEUE_ACTIONS = {
  calls: { read: ['GetQueueAttributes'], replay: ['StartMessageMoveTask'] },
  iam: {
    read: ['sqs:GetQueueAttributes'],
    replayDeadLetterQueue: ['sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    replayEventQueue: ['sqs:SendMessage'],
  },
} as const;

/** A path segment that is not valid percent-encoding: the client's mistake. */
class BadPath extends Error {}

function decode(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new BadPath(`path segment "${(segment ?? '').slice(0, 40)}" is not valid percent-encoding`);
  }
}

async function queueCounts(
  queues: ConsoleQueues,
): Promise<{ pending: number; deadLetters: number; queueArn: string; deadLetterArn: string }> {
  const read = async (url: string) =>
    AttributesSchema.parse(
      await queues.client.call('GetQueueAttributes', {
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
          'QueueArn',
        ],
      }),
    ).Attributes;
  const [main, dead] = await Promise.all([read(queues.queueUrl), read(queues.deadLetterQueueUrl)]);
  const count = (attributes: Record<string, string>) =>
    Number(attributes.ApproximateNumberOfMessages ?? 0) +
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  return { pending: count(main), deadLetters: count(dead), queueArn: main.QueueArn ?? '', deadLetterArn: dead.QueueArn ?? '' };
}

function queuePage(
  counts: { pending: number; deadLetters: number },
  tenants: readonly Tenant[],
  allowReplay: boolean,
  moved?: boolean,
): string {
  const body = html`<p>
      Event queue: about ${counts.pending} waiting or in flight. Dead-letter queue: about ${counts.deadLetters}. SQS gives counts without
      receiving the messages (receiving would change them), so this console lists none.
    </p>
    ${moved ? html`<p class="notice">The move back to the event queue has started (an SQS message move task).</p>` : ''}
    ${
      allowReplay
        ? html`<form method="post" action="/console/queue/replay">
            <button type="submit">Replay the dead-letter queue</button>
            <small>moves every dead-lettered event back to the event queue, where it is processed once</small>
          </form>`
        : html`<p class="small">
            Read-only: start the console with <code>--allow-replay</code> to replay the dead-letter queue from here.
          </p>`
    }`;
  return layout('Queue', 'queue', body, tenants);
}

/**
 * Starts the console on 127.0.0.1 against the table the client reaches.
 *
 * @example const console = await startTableConsole({ port: 3100, tableName, where: 'AWS eu-west-1', client, tenants, allowReplay: false })
 */
export async function startTableConsole(options: TableConsoleOptions): Promise<TableConsole> {
  const decisions = new DynamoDecisionLog(options.client, options.tableName);
  const answers = new DynamoSurveyAnswerIndex(options.client, options.tableName);
  const { tenants } = options;
  let names = loopbackNames(options.port);
  const send = (response: ServerResponse, status: number, page: string) => {
    response.writeHead(status, PAGE_HEADERS);
    response.end(page);
  };
  const problem = (response: ServerResponse, status: number, title: string, message: string) =>
    send(response, status, problemPage(title, message, tenants));
  const unknown = (id: string) => `No tenant "${id}": this console shows ${tenants.map((tenant) => tenant.id).join(', ')}`;

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!addressedHere(request, names.hosts)) {
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Address this console as 127.0.0.1 or localhost.\n');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/console/queue/replay') {
      if (!options.allowReplay || !options.queues)
        return problem(
          response,
          403,
          'Read-only console',
          'This console was started without --allow-replay (or without the queues): it changes nothing.',
        );
      if (!sameOriginAdmin(request, names.origins))
        return problem(response, 403, 'Refused', 'Admin actions are refused from another site.');
      const { queueArn, deadLetterArn } = await queueCounts(options.queues);
      await options.queues.client.call('StartMessageMoveTask', { SourceArn: deadLetterArn, DestinationArn: queueArn });
      response.writeHead(303, { location: '/console/queue?moved=1' });
      response.end();
      return;
    }
    if (method !== 'GET') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' });
      response.end('The console only shows pages here.\n');
      return;
    }
    if (serveConsoleAsset(url.pathname, response)) return;
    if (url.pathname === '/' || url.pathname === '/console') {
      const queue = options.queues
        ? await queueCounts(options.queues)
        : `Table ${options.tableName} at ${options.where}. The queues are not shown: give EVENT_QUEUE_URL and DEAD_LETTER_QUEUE_URL to see them.`;
      return send(response, 200, homePage(tenants, queue));
    }
    if (url.pathname === '/console/tenants') return send(response, 200, tenantsPage(tenants));
    if (url.pathname === '/console/queue') {
      if (!options.queues)
        return problem(response, 404, 'No queues', 'Start the console with EVENT_QUEUE_URL and DEAD_LETTER_QUEUE_URL to see the queues.');
      return send(
        response,
        200,
        queuePage(await queueCounts(options.queues), tenants, options.allowReplay, url.searchParams.get('moved') === '1'),
      );
    }
    const list = LIST_PATH.exec(url.pathname);
    if (list) {
      const tenant = tenants.find((candidate) => candidate.id === decode(list[1]));
      if (!tenant) return problem(response, 404, 'Unknown tenant', unknown(decode(list[1])));
      const query = decisionQuery(tenant.id, url.searchParams, new Date());
      if (!query.ok) return problem(response, 400, 'That list cannot be shown', query.message);
      try {
        return send(response, 200, decisionsPage(tenant, tenants, query.filters, await listDecisions(query.input, { history: decisions })));
      } catch (error) {
        if (error instanceof DecisionCursorError) return problem(response, 400, 'That page cannot be shown', error.message);
        throw error;
      }
    }
    const report = REPORT_PATH.exec(url.pathname);
    if (report) {
      const tenant = tenants.find((candidate) => candidate.id === decode(report[1]));
      if (!tenant) return problem(response, 404, 'Unknown tenant', unknown(decode(report[1])));
      const period = reportPeriod(url.searchParams, new Date());
      if (!period.ok) return problem(response, 400, 'That report cannot be shown', period.message);
      return send(response, 200, await reportPage(tenant, tenants, period, { history: decisions, index: answers }, new Date()));
    }
    const one = DECISION_PATH.exec(url.pathname);
    if (one) {
      const tenant = decode(one[1]);
      const decisionId = decode(one[2]);
      const record = tenants.some((candidate) => candidate.id === tenant)
        ? await decisions.get(tenant, decisionId).catch((error: unknown) => {
            if (error instanceof InvalidKeyPartError) return undefined;
            throw error;
          })
        : undefined;
      if (!record) return problem(response, 404, 'No such decision', `Tenant ${tenant} has no decision ${decisionId}.`);
      return send(response, 200, decisionPage(record, tenants));
    }
    return problem(response, 404, 'Not found', `Nothing is at ${url.pathname}.`);
  }

  const server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.end();
      if (error instanceof BadPath) return problem(response, 400, 'Bad address', error.message);
      // The table's or the queue's answer (credentials, permissions, a missing table): said on the page, and in the terminal.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`console: ${message}`);
      problem(response, 502, 'The table could not be read', `${options.tableName} at ${options.where}: ${message}`);
    });
  });
  const listening = await listenOnLoopback(server, options.port);
  names = listening.names;
  return { url: listening.url, close: listening.close };
}
