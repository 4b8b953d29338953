import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { GenericHelpdeskClient } from '../../../../../shared/adapters/helpdesks/generic/client.js';
import { generateStandardWebhookSecret } from '../../../../../shared/adapters/webhooks/standard-webhooks.js';
import {
  ConfigurationError,
  PermanentHelpdeskError,
  RateLimitedError,
  TicketNotFoundError,
  TransientError,
} from '../../../../../shared/domain/errors.js';
import type { TicketUpdate } from '../../../../../shared/domain/ticket-update.js';

const SECRET = generateStandardWebhookSecret();
const DECISIONS_PATH = '/hooks/decisions?channel=influence';

/** The decision body as the contract documents it, written out here so a drift in the client fails. */
const ContractBodySchema = z.strictObject({
  type: z.literal('decision.created'),
  decision_id: z.string().min(1),
  ticket_id: z.string().min(1),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).nullable(),
  tags: z.array(z.string()),
  added_tags: z.array(z.string()),
  group_id: z.string().nullable(),
  note: z.string(),
  updated_stamp: z.string().nullable(),
});

/** One request the receiver accepted as authentic and well-formed. */
interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: z.infer<typeof ContractBodySchema>;
  rawBody: string;
}

/** What the receiver answers a valid request with; `hold` never answers. */
type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | 'hold';

/**
 * A decisions endpoint on loopback that enforces the contract: POST only, the Standard Webhooks
 * signature checked by the reference library (401 otherwise), the body in the documented shape
 * (400 otherwise); then it answers what the test queued (200 by default).
 */
interface Receiver {
  url: string;
  received: Received[];
  /** Every request that arrived, authentic or not, by path. */
  paths: string[];
  answers: Answer[];
  close(): Promise<void>;
}

async function startReceiver(secret: string): Promise<Receiver> {
  const received: Received[] = [];
  const paths: string[] = [];
  const answers: Answer[] = [];
  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(Buffer.from(chunk));
    const rawBody = Buffer.concat(chunks).toString('utf8');
    paths.push(request.url ?? '');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;

    if (request.method !== 'POST') return send(response, { status: 405, body: { error: 'method_not_allowed' } });
    if (headers['content-type'] !== 'application/json') return send(response, { status: 415, body: { error: 'unsupported_media_type' } });
    try {
      new Webhook(secret).verify(rawBody, headers);
    } catch {
      return send(response, { status: 401, body: { error: 'invalid_signature' } });
    }
    const parsed = ContractBodySchema.safeParse(JSON.parse(rawBody));
    if (!parsed.success || parsed.data.decision_id !== headers['webhook-id']) {
      return send(response, { status: 400, body: { error: 'invalid_body' } });
    }
    received.push({ method: request.method, path: request.url ?? '', headers, body: parsed.data, rawBody });
    const answer = answers.shift() ?? { status: 200, body: { ok: true } };
    if (answer === 'hold') return;
    send(response, answer);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}${DECISIONS_PATH}`,
    received,
    paths,
    answers,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, answer: Exclude<Answer, 'hold'>): void {
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  response.end(text);
}

function anUpdate(overrides: Partial<TicketUpdate> = {}): TicketUpdate {
  return {
    ticketId: '4711',
    decisionId: 'generic:ticket-created:4711',
    priority: 'high',
    tags: ['printer', 'influence_high'],
    addedTags: ['influence_high'],
    groupId: 'vip-desk',
    note: 'Influence Router: priority raised from normal to high (+1). [influence-router generic:ticket-created:4711]',
    updatedStamp: '2026-12-01T10:00:00Z',
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

let receiver: Receiver;
let client: GenericHelpdeskClient;

beforeEach(async () => {
  receiver = await startReceiver(SECRET);
  client = new GenericHelpdeskClient({ url: receiver.url, signingSecret: SECRET, timeoutMs: 2000 });
});

afterEach(async () => {
  await receiver.close();
});

describe('GenericHelpdeskClient.updateTicket', () => {
  it('POSTs the signed decision in the documented shape and returns the ticket as written', async () => {
    // Arrange
    const update = anUpdate();

    // Act
    const snapshot = await client.updateTicket(update);

    // Assert
    expect(snapshot).toEqual({
      id: '4711',
      priority: 'high',
      tags: ['printer', 'influence_high'],
      groupId: 'vip-desk',
      updatedStamp: '2026-12-01T10:00:00Z',
    });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.path).toBe(DECISIONS_PATH);
    expect(request?.headers['webhook-id']).toBe('generic:ticket-created:4711');
    expect(request?.body).toEqual({
      type: 'decision.created',
      decision_id: 'generic:ticket-created:4711',
      ticket_id: '4711',
      priority: 'high',
      tags: ['printer', 'influence_high'],
      added_tags: ['influence_high'],
      group_id: 'vip-desk',
      note: update.note,
      updated_stamp: '2026-12-01T10:00:00Z',
    });
  });

  it('sends null for what the decision leaves alone', async () => {
    // Arrange
    const update = anUpdate({ priority: undefined, groupId: undefined, updatedStamp: undefined });

    // Act
    const snapshot = await client.updateTicket(update);

    // Assert
    expect(receiver.received[0]?.body).toMatchObject({ priority: null, group_id: null, updated_stamp: null });
    expect(snapshot).toEqual({ id: '4711', tags: ['printer', 'influence_high'] });
  });

  it('takes any 2xx as applied', async () => {
    // Arrange
    receiver.answers.push({ status: 204 });

    // Act
    const snapshot = await client.updateTicket(anUpdate());

    // Assert
    expect(snapshot.id).toBe('4711');
  });

  it('stamps webhook-timestamp from the injected clock', async () => {
    // Arrange
    const now = new Date();
    const clocked = new GenericHelpdeskClient({ url: receiver.url, signingSecret: SECRET, clock: { now: () => now } });

    // Act
    await clocked.updateTicket(anUpdate());

    // Assert
    expect(receiver.received[0]?.headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
  });

  it('repeats the same webhook-id and body when the same decision is retried', async () => {
    // Arrange
    receiver.answers.push({ status: 500, body: { error: 'upstream_down' } });
    const update = anUpdate();
    const first = await caught(client.updateTicket(update));

    // Act
    await client.updateTicket(update);

    // Assert
    expect(first).toBeInstanceOf(TransientError);
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([
      'generic:ticket-created:4711',
      'generic:ticket-created:4711',
    ]);
    expect(receiver.received[1]?.rawBody).toBe(receiver.received[0]?.rawBody);
  });

  it('is refused by the receiver when signed with another secret', async () => {
    // Arrange
    const stranger = new GenericHelpdeskClient({ url: receiver.url, signingSecret: generateStandardWebhookSecret() });

    // Act
    const error = await caught(stranger.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 401 });
    expect(receiver.received).toEqual([]);
  });

  it('raises a 429 as RateLimitedError with the Retry-After wait', async () => {
    // Arrange
    receiver.answers.push({ status: 429, headers: { 'retry-after': '120' }, body: { error: 'slow_down' } });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterSeconds: 120 });
  });

  it('waits 60 s after a 429 without Retry-After', async () => {
    // Arrange
    receiver.answers.push({ status: 429 });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toMatchObject({ name: 'RateLimitedError', retryAfterSeconds: 60 });
  });

  it.each([500, 503, 408])('raises a %i as TransientError', async (status) => {
    // Arrange
    receiver.answers.push({ status, body: { error: 'try_again' } });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      message: `generic helpdesk POST ${new URL(receiver.url).origin}/hooks/decisions answered ${status} ("try_again")`,
    });
  });

  it.each([400, 403, 422])('raises a %i as PermanentHelpdeskError with its status', async (status) => {
    // Arrange
    receiver.answers.push({ status, body: { error: 'rejected', message: 'priority not allowed' } });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status });
  });

  it('raises a 409 as PermanentHelpdeskError: the contract has no guarded update to retry', async () => {
    // Arrange
    receiver.answers.push({ status: 409 });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 409 });
  });

  it('raises a 404 with the ticket_not_found body as TicketNotFoundError', async () => {
    // Arrange
    receiver.answers.push({ status: 404, body: { error: 'ticket_not_found' } });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(TicketNotFoundError);
  });

  it('raises any other 404 as PermanentHelpdeskError, never as a deleted ticket', async () => {
    // Arrange
    receiver.answers.push({ status: 404, body: { error: 'no_such_route' } });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).not.toBeInstanceOf(TicketNotFoundError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('refuses a redirect without following it', async () => {
    // Arrange
    const elsewhere = `${new URL(receiver.url).origin}/elsewhere`;
    receiver.answers.push({ status: 307, headers: { location: elsewhere } });

    // Act
    const error = await caught(client.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 307 });
    expect(receiver.paths).toEqual([DECISIONS_PATH]);
  });

  it('gives up on a receiver that holds its answer, as TransientError', async () => {
    // Arrange
    receiver.answers.push('hold');
    const impatient = new GenericHelpdeskClient({ url: receiver.url, signingSecret: SECRET, timeoutMs: 200 });

    // Act
    const error = await caught(impatient.updateTicket(anUpdate()));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ message: expect.stringContaining('timed out after 200 ms') });
  });

  it('refuses a decision without an id before sending anything', async () => {
    // Arrange
    const update = anUpdate({ decisionId: ' ' });

    // Act
    const error = await caught(client.updateTicket(update));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(receiver.paths).toEqual([]);
  });
});

describe('GenericHelpdeskClient reads', () => {
  it('cannot read a ticket: 501, and no request', async () => {
    // Arrange
    const ticketId = '4711';

    // Act
    const error = await caught(client.getTicket(ticketId));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 501, message: expect.stringContaining('cannot be read') });
    expect(receiver.paths).toEqual([]);
  });

  it('answers that no note is there, leaving deduplication to the receiver', async () => {
    // Arrange
    const marker = '[influence-router generic:ticket-created:4711]';

    // Act
    const found = await client.hasInternalNote('4711', marker);

    // Assert
    expect(found).toBe(false);
    expect(receiver.paths).toEqual([]);
  });

  it('offers no requester lookup', () => {
    // Arrange
    const port = client;

    // Act
    const lookup = 'getRequester' in port;

    // Assert
    expect(lookup).toBe(false);
  });
});

describe('GenericHelpdeskClient configuration', () => {
  it.each([
    ['not a URL', 'hooks.acme.example/decisions', 'generic helpdesk url is not a URL'],
    ['not http(s)', 'ftp://hooks.acme.example/decisions', 'generic helpdesk url must be http(s)'],
    ['with credentials', 'https://bot:hunter2@hooks.acme.example/decisions', 'generic helpdesk url must not hold credentials'],
    ['with a fragment', 'https://hooks.acme.example/decisions#x', 'generic helpdesk url must not have a fragment'],
  ])('refuses a url %s', (_label, url, message) => {
    // Arrange
    const options = { url, signingSecret: SECRET };

    // Act
    const act = () => new GenericHelpdeskClient(options);

    // Assert
    expect(act).toThrow(new ConfigurationError(message));
  });

  it('refuses a signing secret that is not base64, without printing it', () => {
    // Arrange
    const options = { url: 'https://hooks.acme.example/decisions', signingSecret: 'whsec_hunter2!' };

    // Act
    const act = () => new GenericHelpdeskClient(options);

    // Assert
    expect(act).toThrow(new ConfigurationError('generic helpdesk signingSecret is not base64 after the optional whsec_ prefix'));
  });
});
