import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FreshdeskClient } from '../../../../../shared/adapters/helpdesks/freshdesk/client.js';
import { HelpdeskPace, pacedFetch } from '../../../../../shared/adapters/resilience/helpdesk-pace.js';
import {
  ConfigurationError,
  ConflictError,
  PermanentHelpdeskError,
  HeldBackError,
  RateLimitedError,
  TicketNotFoundError,
  TransientError,
} from '../../../../../shared/domain/errors.js';
import type { Priority } from '../../../../../shared/domain/priority.js';
import type { TicketUpdate } from '../../../../../shared/domain/ticket-update.js';
import { freshdeskPart, type SandboxFreshdesk } from '../../../../../infra/sandbox/freshdesk/index.js';
import { type Sandbox, startSandbox } from '../../../../../infra/sandbox/sandbox.js';
import { zendeskPart } from '../../../../../infra/sandbox/zendesk/index.js';

const API_KEY = 'fd-api-key-Zq4vB9xK2mP7tR1w';
const FIXTURES = new URL('../../../../fixtures/freshdesk/', import.meta.url);
const MARKER = '[influence-router freshdesk:ticket-created:1]';

let sandbox: Sandbox;
let freshdesk: SandboxFreshdesk;
let client: FreshdeskClient;

async function startFreshdesk(ratePerMinute?: number): Promise<{ sandbox: Sandbox; freshdesk: SandboxFreshdesk }> {
  const started = await startSandbox({
    parts: [
      zendeskPart.with({ email: 'unused@acme.test', apiToken: 'unused' }),
      freshdeskPart.with(ratePerMinute === undefined ? { apiKey: API_KEY } : { apiKey: API_KEY, ratePerMinute }),
    ],
  });
  return { sandbox: started, freshdesk: started.part(freshdeskPart) };
}

beforeEach(async () => {
  ({ sandbox, freshdesk } = await startFreshdesk());
  client = new FreshdeskClient({ baseUrl: freshdesk.baseUrl, apiKey: API_KEY, timeoutMs: 2000 });
});

afterEach(async () => {
  await sandbox.close();
});

function seed(overrides: { tags?: string[]; priority?: 1 | 2 | 3 | 4; source?: number; groupId?: number | null } = {}) {
  const contact = freshdesk.createContact({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    twitter_id: '@ada_lovelace',
    unique_external_id: 'crm-42',
    custom_fields: { followers: 48200, segment: 'enterprise', verified_account: true, churn_note: null },
    twitter_followers_count: 51234,
  });
  const ticket = freshdesk.createTicket({
    subject: 'Order arrived damaged',
    description: '<div>The lid cracked.</div>',
    requesterId: contact.id,
    priority: overrides.priority ?? 2,
    tags: overrides.tags ?? ['damaged', 'order'],
    groupId: overrides.groupId === undefined ? 43000567890 : overrides.groupId,
    source: overrides.source ?? 1,
  });
  return { contact, ticket };
}

function updateFor(ticketId: number, overrides: Partial<TicketUpdate> = {}): TicketUpdate {
  return {
    ticketId: String(ticketId),
    decisionId: `freshdesk:ticket-created:${ticketId}`,
    priority: 'high',
    tags: ['damaged', 'order', 'influence_high'],
    addedTags: ['influence_high'],
    groupId: '43000111222',
    note: `Influence Router: priority raised from normal to high (+1).\nTier: high (score 72).\n${MARKER}`,
    ...overrides,
  };
}

function calls(): string[] {
  return freshdesk.requests().map((request) => `${request.method} ${request.path} ${request.status}`);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A loopback server that answers every request with the given handler, for answers the sandbox cannot produce. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, baseUrl: `http://127.0.0.1:${address.port}` };
}

async function closeRaw(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function manualClock(startMs = Date.now()): { now(): Date; advance(ms: number): void } {
  let nowMs = startMs;
  return { now: () => new Date(nowMs), advance: (ms) => void (nowMs += ms) };
}

describe('FreshdeskClient.getTicket', () => {
  it('maps the ticket to a snapshot in one request', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const snapshot = await client.getTicket(String(ticket.id));

    // Assert
    expect(snapshot).toEqual({
      id: String(ticket.id),
      priority: 'normal',
      tags: ['damaged', 'order'],
      groupId: '43000567890',
      channel: 'email',
      subject: 'Order arrived damaged',
      updatedStamp: ticket.updated_at,
    });
    expect(calls()).toEqual([`GET /api/v2/tickets/${ticket.id} 200`]);
  });

  it.each<[1 | 2 | 3 | 4, Priority]>([
    [1, 'low'],
    [2, 'normal'],
    [3, 'high'],
    [4, 'urgent'],
  ])('reads Freshdesk priority %d as %s', async (value, expected) => {
    // Arrange
    const { ticket } = seed({ priority: value });

    // Act
    const snapshot = await client.getTicket(String(ticket.id));

    // Assert
    expect(snapshot.priority).toBe(expected);
  });

  it.each([
    [1, 'email'],
    [2, 'portal'],
    [3, 'phone'],
    [7, 'chat'],
    [9, 'feedback_widget'],
    [10, 'outbound_email'],
    [5, 'twitter'],
    [6, 'facebook'],
    [8, '8'],
  ])('reads source %d as channel %s', async (source, channel) => {
    // Arrange
    const { ticket } = seed({ source });

    // Act
    const snapshot = await client.getTicket(String(ticket.id));

    // Assert
    expect(snapshot.channel).toBe(channel);
  });

  it('raises TicketNotFoundError on 404', async () => {
    // Act
    const error = await caught(client.getTicket('999999'));

    // Assert
    expect(error).toBeInstanceOf(TicketNotFoundError);
    expect(String(error)).toContain('404');
  });

  it('parses the real API v2 ticket shape', async () => {
    // Arrange
    const { server, baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(fixture('ticket.json'));
    });
    const raw = new FreshdeskClient({ baseUrl, apiKey: API_KEY });

    try {
      // Act
      const snapshot = await raw.getTicket('12');

      // Assert
      expect(snapshot).toEqual({
        id: '12',
        priority: 'normal',
        tags: ['damaged', 'order'],
        groupId: '43000567890',
        channel: 'email',
        subject: 'Order arrived damaged',
        updatedStamp: '2024-04-17T17:18:10Z',
      });
    } finally {
      await closeRaw(server);
    }
  });
});

describe('FreshdeskClient.getRequester', () => {
  it('reads email, external id, name, the Twitter handle and the profile fields in one request', async () => {
    // Arrange
    const { contact } = seed();

    // Act
    const requester = await client.getRequester(String(contact.id));

    // Assert
    expect(requester).toEqual({
      helpdeskUserId: String(contact.id),
      email: 'ada@example.com',
      // The sandbox contact is not active: Freshdesk has not verified it.
      emailVerified: false,
      externalId: 'crm-42',
      name: 'Ada Lovelace',
      handles: [{ network: 'twitter', handle: 'ada_lovelace' }],
      channelAccounts: [{ network: 'twitter', handle: 'ada_lovelace' }],
      fields: { followers: 48200, segment: 'enterprise', verified_account: true, churn_note: null, twitter_followers_count: 51234 },
    });
    expect(calls()).toEqual([`GET /api/v2/contacts/${contact.id} 200`]);
  });

  it('falls back to another email and leaves out what the contact does not have', async () => {
    // Arrange
    const contact = freshdesk.createContact({ name: 'Grace', email: null, other_emails: ['grace@navy.example'] });

    // Act
    const requester = await client.getRequester(String(contact.id));

    // Assert
    // Another address is not the one a verified contact confirmed.
    expect(requester).toEqual({
      helpdeskUserId: String(contact.id),
      email: 'grace@navy.example',
      emailVerified: false,
      name: 'Grace',
      handles: [],
      fields: {},
    });
  });

  it('answers PermanentHelpdeskError 404 for an unknown contact, not TicketNotFoundError', async () => {
    // Act
    const error = await caught(client.getRequester('424242'));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).not.toBeInstanceOf(TicketNotFoundError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('parses the real API v2 contact shape', async () => {
    // Arrange
    const { server, baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(fixture('contact.json'));
    });
    const raw = new FreshdeskClient({ baseUrl, apiKey: API_KEY });

    try {
      // Act
      const requester = await raw.getRequester('43012345678');

      // Assert
      expect(requester).toEqual({
        helpdeskUserId: '43012345678',
        email: 'ada@example.com',
        // `active: true`: a verified contact.
        emailVerified: true,
        externalId: 'crm-42',
        name: 'Ada Lovelace',
        handles: [{ network: 'twitter', handle: 'ada_lovelace' }],
        channelAccounts: [{ network: 'twitter', handle: 'ada_lovelace' }],
        fields: {
          followers: 48200,
          segment: 'enterprise',
          verified_account: true,
          account_opened: '2019-03-02',
          churn_note: null,
          twitter_followers_count: 48200,
        },
      });
    } finally {
      await closeRaw(server);
    }
  });
});

describe('FreshdeskClient.updateTicket', () => {
  it('re-reads, PUTs only the changes with the tags merged, then writes the private note last', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const snapshot = await client.updateTicket(updateFor(ticket.id, { updatedStamp: ticket.updated_at }));

    // Assert
    expect(calls()).toEqual([
      `GET /api/v2/tickets/${ticket.id} 200`,
      `PUT /api/v2/tickets/${ticket.id} 200`,
      `POST /api/v2/tickets/${ticket.id}/notes 201`,
    ]);
    const stored = freshdesk.ticket(ticket.id)!;
    expect(stored).toMatchObject({ priority: 3, group_id: 43000111222, tags: ['damaged', 'order', 'influence_high'] });
    expect(stored.conversations).toHaveLength(1);
    expect(stored.conversations[0]).toMatchObject({
      private: true,
      body: `Influence Router: priority raised from normal to high (+1).<br>Tier: high (score 72).<br>${MARKER}`,
      body_text: updateFor(ticket.id).note,
    });
    expect(snapshot).toEqual({
      id: String(ticket.id),
      priority: 'high',
      tags: ['damaged', 'order', 'influence_high'],
      groupId: '43000111222',
      channel: 'email',
      subject: 'Order arrived damaged',
    });
  });

  it.each<[Priority, 1 | 2 | 3 | 4, 1 | 2 | 3 | 4]>([
    ['low', 4, 1],
    ['normal', 1, 2],
    ['high', 1, 3],
    ['urgent', 1, 4],
  ])('writes priority %s as Freshdesk %d -> %d', async (priority, from, to) => {
    // Arrange
    const { ticket } = seed({ priority: from });

    // Act
    await client.updateTicket(updateFor(ticket.id, { priority }));

    // Assert
    expect(freshdesk.ticket(ticket.id)?.priority).toBe(to);
  });

  it('keeps a tag a person added just before the write, whatever update.tags says', async () => {
    // Arrange
    const { ticket } = seed({ tags: ['damaged', 'order'] });
    freshdesk.editTicket(ticket.id, { tags: ['damaged', 'order', 'agent_vip'] });

    // Act
    await client.updateTicket(updateFor(ticket.id, { tags: ['damaged', 'order', 'influence_high'] }));

    // Assert
    expect(freshdesk.ticket(ticket.id)?.tags).toEqual(['damaged', 'order', 'agent_vip', 'influence_high']);
  });

  it('raises ConflictError on a stale updatedStamp and writes nothing', async () => {
    // Arrange: a person edits the ticket after we read it.
    const { ticket } = seed();
    const stale = ticket.updated_at;
    freshdesk.editTicket(ticket.id, { tags: ['damaged', 'order', 'agent_vip'], priority: 4 });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id, { updatedStamp: stale })));

    // Assert
    expect(error).toBeInstanceOf(ConflictError);
    expect(calls()).toEqual([`GET /api/v2/tickets/${ticket.id} 200`]);
    const stored = freshdesk.ticket(ticket.id)!;
    expect(stored).toMatchObject({ priority: 4, tags: ['damaged', 'order', 'agent_vip'], group_id: 43000567890, conversations: [] });
  });

  it('takes a stamp written differently for the same instant as current', async () => {
    // Arrange
    const { ticket } = seed();
    const sameInstant = new Date(ticket.updated_at).toISOString();

    // Act
    await client.updateTicket(updateFor(ticket.id, { updatedStamp: sameInstant }));

    // Assert
    expect(sameInstant).not.toBe(ticket.updated_at);
    expect(freshdesk.ticket(ticket.id)?.priority).toBe(3);
  });

  it('sends only the GET and the note when nothing else changes', async () => {
    // Arrange
    const { ticket } = seed({ priority: 3, tags: ['influence_high', 'vip'], groupId: 43000111222 });

    // Act
    const snapshot = await client.updateTicket(updateFor(ticket.id, { updatedStamp: ticket.updated_at }));

    // Assert
    expect(calls()).toEqual([`GET /api/v2/tickets/${ticket.id} 200`, `POST /api/v2/tickets/${ticket.id}/notes 201`]);
    expect(snapshot).toMatchObject({ priority: 'high', tags: ['influence_high', 'vip'], groupId: '43000111222' });
  });

  it('sends only the GET when nothing changes and the note is blank', async () => {
    // Arrange
    const { ticket } = seed({ priority: 3, tags: ['influence_high'] });

    // Act
    const snapshot = await client.updateTicket(updateFor(ticket.id, { groupId: undefined, note: '  \n ' }));

    // Assert
    expect(calls()).toEqual([`GET /api/v2/tickets/${ticket.id} 200`]);
    expect(snapshot.updatedStamp).toBe(ticket.updated_at);
  });

  it('writes the note once, escaped as HTML with its line breaks, and findable by its marker', async () => {
    // Arrange
    const { ticket } = seed();
    const note = `Score <72> & "rising"\n${MARKER}`;

    // Act
    await client.updateTicket(updateFor(ticket.id, { note }));
    const found = await client.hasInternalNote(String(ticket.id), MARKER);

    // Assert
    const notes = freshdesk.ticket(ticket.id)!.conversations;
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toBe(`Score &#60;72&#62; &#38; &#34;rising&#34;<br>${MARKER}`);
    expect(notes[0]?.body_text).toBe(note);
    expect(found).toBe(true);
    expect(calls().filter((call) => call.startsWith('POST'))).toHaveLength(1);
  });

  it('writes no note when the PUT fails, so a retry starts clean', async () => {
    // Arrange
    const { ticket } = seed();
    freshdesk.failNext({ status: 503, count: 1, method: 'PUT' });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(calls()).toEqual([`GET /api/v2/tickets/${ticket.id} 200`, `PUT /api/v2/tickets/${ticket.id} 503`]);
    expect(freshdesk.ticket(ticket.id)).toMatchObject({ priority: 2, conversations: [] });
  });

  it('raises TicketNotFoundError for a missing ticket and rejects a non-numeric group before any request', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const missing = await caught(client.updateTicket(updateFor(31337)));
    const requestsAfterMissing = freshdesk.requests().length;
    const badGroup = await caught(client.updateTicket(updateFor(ticket.id, { groupId: 'tier-1' })));
    const hugeGroup = await caught(client.updateTicket(updateFor(ticket.id, { groupId: '12345678901234567890' })));

    // Assert
    expect(missing).toBeInstanceOf(TicketNotFoundError);
    expect(badGroup).toMatchObject({ status: 400 });
    expect(hugeGroup).toMatchObject({ status: 400 });
    expect(freshdesk.requests()).toHaveLength(requestsAfterMissing);
  });
});

describe('FreshdeskClient.hasInternalNote', () => {
  it('finds the marker only in a private note', async () => {
    // Arrange
    const { ticket } = seed();
    await fetch(`${freshdesk.baseUrl}/api/v2/tickets/${ticket.id}/notes`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: `Quoted to the customer: ${MARKER}`, private: false }),
    });

    // Act
    const before = await client.hasInternalNote(String(ticket.id), MARKER);
    await client.updateTicket(updateFor(ticket.id, { note: `Private.\n${MARKER}` }));
    const after = await client.hasInternalNote(String(ticket.id), MARKER);
    const other = await client.hasInternalNote(String(ticket.id), '[influence-router freshdesk:ticket-created:2]');

    // Assert
    expect(before).toBe(false);
    expect(after).toBe(true);
    expect(other).toBe(false);
    expect(calls()).toContain(`GET /api/v2/tickets/${ticket.id}/conversations?per_page=100&page=1 200`);
  });
});

describe('FreshdeskClient.hasInternalNote on a long ticket', () => {
  it('finds our note past the first page of conversations', async () => {
    const { ticket } = seed();
    const auth = { authorization: `Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`, 'content-type': 'application/json' };
    for (let i = 0; i < 130; i += 1) {
      await fetch(`${freshdesk.baseUrl}/api/v2/tickets/${ticket.id}/notes`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ body: `reply ${i}`, private: false }),
      });
    }
    await client.updateTicket(updateFor(ticket.id, { note: `Private.\n${MARKER}` }));

    expect(await client.hasInternalNote(String(ticket.id), MARKER)).toBe(true);
  });
});

describe("FreshdeskClient rate limits, through its tenant's pace", () => {
  const pacedClient = (clock: ReturnType<typeof manualClock>, share = 1) =>
    new FreshdeskClient({
      baseUrl: freshdesk.baseUrl,
      apiKey: API_KEY,
      fetch: pacedFetch(new HelpdeskPace({ share, requestsPerMinute: 200, clock, random: () => 0 }), fetch),
    });

  it.each([
    [{ 'retry-after': '7' }, 7],
    [{}, 60],
  ])('429 with %o is RateLimitedError waiting %d s, and the next request is not sent before then', async (headers, seconds) => {
    // Arrange
    const { ticket } = seed();
    const clock = manualClock();
    const timed = pacedClient(clock);
    freshdesk.failNext({ status: 429, count: 1, headers });

    // Act
    const limited = await caught(timed.getTicket(String(ticket.id)));
    clock.advance(2000);
    const deferred = await caught(timed.getTicket(String(ticket.id)));
    clock.advance(seconds * 1000);
    const resumed = await timed.getTicket(String(ticket.id));

    // Assert
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toMatchObject({ retryAfterSeconds: seconds });
    expect(deferred).toBeInstanceOf(HeldBackError);
    expect(deferred).toMatchObject({ retryAfterSeconds: seconds - 2, reason: 'retry-after' });
    expect(resumed.id).toBe(String(ticket.id));
    expect(calls()).toEqual([`GET /api/v2/tickets/${ticket.id} 429`, `GET /api/v2/tickets/${ticket.id} 200`]);
  });

  it('sends nothing once an answer says the share is used, until enough of the sliding minute has passed', async () => {
    // Arrange: a 10-request minute, of which the router may use half.
    await sandbox.close();
    ({ sandbox, freshdesk } = await startFreshdesk(10));
    const { ticket } = seed();
    const clock = manualClock();
    const timed = pacedClient(clock, 0.5);
    for (let i = 0; i < 5; i += 1) await timed.getTicket(String(ticket.id));

    // Act
    const deferred = await caught(timed.updateTicket(updateFor(ticket.id)));
    clock.advance(6_000);
    const sentAgain = await timed.getTicket(String(ticket.id));

    // Assert: five left, five kept for others; one more frees up every 6 s of a sliding minute.
    expect(deferred).toBeInstanceOf(HeldBackError);
    expect(deferred).toMatchObject({ retryAfterSeconds: 6, reason: 'pace' });
    expect(freshdesk.ticket(ticket.id)?.priority).toBe(2);
    expect(sentAgain.id).toBe(String(ticket.id));
    expect(calls()).toHaveLength(6);
    expect(calls().every((call) => call.endsWith(' 200'))).toBe(true);
  });
});

describe('FreshdeskClient error mapping', () => {
  it.each([408, 500, 502, 503])('%d is a TransientError', async (status) => {
    // Arrange
    const { ticket } = seed();
    freshdesk.failNext({ status, count: 1 });

    // Act
    const error = await caught(client.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain(String(status));
  });

  it('a timeout is a TransientError', async () => {
    // Arrange
    const { ticket } = seed();
    const quick = new FreshdeskClient({ baseUrl: freshdesk.baseUrl, apiKey: API_KEY, timeoutMs: 150 });
    freshdesk.failNext({ status: 200, count: 1, delayMs: 3000 });

    // Act
    const error = await caught(quick.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain('timed out after 150 ms');
  });

  it('a wrong key is PermanentHelpdeskError 401 and the message holds no credential', async () => {
    // Arrange
    const { ticket } = seed();
    const wrong = new FreshdeskClient({ baseUrl: freshdesk.baseUrl, apiKey: 'not-the-key' });

    // Act
    const error = await caught(wrong.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 401 });
    const text = `${String(error)} ${JSON.stringify(error)}`;
    expect(text).toContain('invalid_credentials');
    expect(text).not.toContain('not-the-key');
    expect(text).not.toContain(Buffer.from('not-the-key:X').toString('base64'));
  });

  it.each([400, 403, 409, 422])('%d is a PermanentHelpdeskError with that status', async (status) => {
    // Arrange
    const { ticket } = seed();
    freshdesk.failNext({ status, count: 1 });

    // Act
    const error = await caught(client.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status });
  });

  it("summarises Freshdesk's validation errors in at most 200 characters", async () => {
    // Arrange
    const { ticket } = seed();
    const errors = Array.from({ length: 20 }, (_, index) => ({
      field: `cf_field_${index}`,
      message: 'It should be a/an String',
      code: 'invalid_value',
    }));
    freshdesk.failNext({ status: 400, count: 1, method: 'PUT', body: { description: 'Validation failed', errors } });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id)));

    // Assert
    expect(error).toMatchObject({ status: 400 });
    const message = error instanceof Error ? error.message : '';
    expect(message).toContain('Validation failed; cf_field_0: It should be a/an String (invalid_value)');
    const summary = /\((.*)\)$/.exec(message)?.[1] ?? '';
    expect(summary.length).toBeLessThanOrEqual(200);
    expect(freshdesk.ticket(ticket.id)?.conversations).toEqual([]);
  });

  it('never follows a redirect', async () => {
    // Arrange
    let reachedElsewhere = false;
    const { server, baseUrl: elsewhere } = await rawServer((_req, res) => {
      reachedElsewhere = true;
      res.writeHead(200).end('{}');
    });
    const { ticket } = seed();
    freshdesk.failNext({ status: 302, count: 1, headers: { location: `${elsewhere}/api/v2/tickets/${ticket.id}` } });

    try {
      // Act
      const error = await caught(client.getTicket(String(ticket.id)));

      // Assert
      expect(error).toBeInstanceOf(PermanentHelpdeskError);
      expect(error).toMatchObject({ status: 302 });
      expect(String(error)).toContain('redirects are not followed');
      expect(reachedElsewhere).toBe(false);
    } finally {
      await closeRaw(server);
    }
  });

  it('a 200 with an unexpected body is PermanentHelpdeskError 502, never a retry', async () => {
    // Arrange
    const { server, baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Maintenance</body></html>');
    });
    const raw = new FreshdeskClient({ baseUrl, apiKey: API_KEY });

    try {
      // Act
      const error = await caught(raw.getTicket('1'));

      // Assert
      expect(error).toBeInstanceOf(PermanentHelpdeskError);
      expect(error).toMatchObject({ status: 502 });
      expect(String(error)).toContain('unexpected body');
    } finally {
      await closeRaw(server);
    }
  });
});

describe('FreshdeskClient configuration and input checks', () => {
  it.each(['1/../x', '', '12a', '1?x=1', '../contacts/1', '１２'])('rejects id %j before any request', async (id) => {
    // Act
    const errors = [
      await caught(client.getTicket(id)),
      await caught(client.getRequester(id)),
      await caught(client.hasInternalNote(id, MARKER)),
      await caught(client.updateTicket({ ...updateFor(1), ticketId: id })),
    ];

    // Assert
    for (const error of errors) {
      expect(error).toBeInstanceOf(PermanentHelpdeskError);
      expect(error).toMatchObject({ status: 400 });
    }
    expect(freshdesk.requests()).toHaveLength(0);
  });

  it.each([
    'not a url',
    'ftp://acme.freshdesk.com',
    'https://key:X@acme.freshdesk.com',
    'https://acme.freshdesk.com?x=1',
    'https://acme.freshdesk.com/#top',
    'https://acme.freshdesk.com/api/v2',
  ])('refuses baseUrl %j', (baseUrl) => {
    // Act / Assert
    expect(() => new FreshdeskClient({ baseUrl, apiKey: API_KEY })).toThrow(ConfigurationError);
  });

  it('refuses an empty API key', () => {
    expect(() => new FreshdeskClient({ baseUrl: 'https://acme.freshdesk.com', apiKey: ' ' })).toThrow(ConfigurationError);
  });

  it('sends every request below the base URL and its path prefix, with the key as Basic username and X as password', async () => {
    // Arrange
    const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const { server, baseUrl } = await rawServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end(fixture('ticket.json'));
    });
    const prefixed = new FreshdeskClient({ baseUrl: `${baseUrl}/freshdesk/`, apiKey: API_KEY });

    try {
      // Act
      await prefixed.getTicket('12');

      // Assert
      expect(seen).toHaveLength(1);
      expect(seen[0]?.url).toBe('/freshdesk/api/v2/tickets/12');
      expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`);
    } finally {
      await closeRaw(server);
    }
  });
});
