import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ConflictError,
  PermanentHelpdeskError,
  RateLimitedError,
  TicketNotFoundError,
  TransientError,
} from '../../../../../shared/domain/errors.js';
import type { TicketUpdate } from '../../../../../shared/domain/ticket-update.js';
import { ZendeskClient } from '../../../../../shared/adapters/helpdesks/zendesk/client.js';
import { parseRetryAfter } from '../../../../../shared/adapters/http/json-request.js';
import { type SandboxZendeskServer, startSandboxZendesk } from '../../../../../infra/sandbox/zendesk/index.js';

const EMAIL = 'router@acme.test';
const TOKEN = 'sandbox-token-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv';

let zendesk: SandboxZendeskServer;
let client: ZendeskClient;

beforeEach(async () => {
  zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN });
  client = new ZendeskClient({ baseUrl: zendesk.baseUrl, email: EMAIL, apiToken: TOKEN, timeoutMs: 2000 });
});

afterEach(async () => {
  await zendesk.close();
});

function seedTicket(overrides: { tags?: string[]; priority?: 'low' | 'normal' | 'high' | 'urgent' | null } = {}) {
  const user = zendesk.createUser({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    external_id: 'crm-42',
    user_fields: { followers: 48200, verified_account: true, segment: 'enterprise', churn_note: null },
    identities: [
      { type: 'twitter', value: 'ada_lovelace' },
      { type: 'facebook', value: 'ada.lovelace.1815' },
      { type: 'phone_number', value: '+442071234567' },
    ],
  });
  const ticket = zendesk.createTicket({
    subject: 'Help, my printer is on fire!',
    description: 'The smoke is very colorful.',
    requesterId: user.id,
    priority: overrides.priority === undefined ? 'normal' : overrides.priority,
    tags: overrides.tags ?? ['enterprise', 'printer'],
    groupId: 98738,
    channel: 'email',
  });
  return { user, ticket };
}

function updateFor(ticketId: number, stamp: string | undefined, tags: string[]): TicketUpdate {
  return {
    ticketId: String(ticketId),
    decisionId: `zendesk:ticket-created:${ticketId}`,
    priority: 'high',
    tags,
    addedTags: ['influence_high'],
    groupId: '360001',
    note: 'Influence Router: priority raised from normal to high (+1).',
    updatedStamp: stamp,
  };
}

/** A loopback server that answers every request with the given handler, for payloads the sandbox cannot produce. */
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

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('ZendeskClient.getRequester', () => {
  it("trusts a social identity as verified only when Zendesk's own verification_method is full or sso", async () => {
    // Arrange
    const identity = (id: number, value: string, method: string | null) => ({
      id,
      user_id: 7,
      type: 'twitter',
      value,
      verified: true,
      verification_method: method,
      primary: false,
    });
    const body = {
      users: [{ id: 7, name: 'Ada', email: 'ada@example.com', user_fields: {} }],
      identities: [
        identity(1, 'full_check', 'full'),
        identity(2, 'sso_check', 'sso'),
        identity(3, 'low_check', 'low'),
        identity(4, 'none_check', null),
        { ...identity(5, 'ada@example.com', 'full'), type: 'email', primary: true },
      ],
    };
    const { server, baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const raw = new ZendeskClient({ baseUrl, email: EMAIL, apiToken: TOKEN });

    try {
      // Act
      const requester = await raw.getRequester('7');

      // Assert
      expect(requester.handles).toEqual([
        { network: 'twitter', handle: 'full_check', trust: 'verified' },
        { network: 'twitter', handle: 'sso_check', trust: 'verified' },
        { network: 'twitter', handle: 'low_check', trust: 'declared' },
        { network: 'twitter', handle: 'none_check', trust: 'declared' },
      ]);
      expect(requester.emailVerified).toBe(true);
    } finally {
      await closeRaw(server);
    }
  });

  it('resolves email, external id, name, social handles and scalar user fields in one request', async () => {
    // Arrange
    const { user } = seedTicket();

    // Act
    const requester = await client.getRequester(String(user.id));

    // Assert
    expect(requester).toEqual({
      helpdeskUserId: String(user.id),
      email: 'ada@example.com',
      // The sandbox's email identity carries no verification_method: Zendesk did not verify it.
      emailVerified: false,
      externalId: 'crm-42',
      name: 'Ada Lovelace',
      handles: [
        { network: 'twitter', handle: 'ada_lovelace', trust: 'declared' },
        { network: 'facebook', handle: 'ada.lovelace.1815', trust: 'declared' },
      ],
      // Identities Zendesk linked itself: `channel` on a ticket from that network's channel.
      channelAccounts: [
        { network: 'twitter', handle: 'ada_lovelace', trust: 'declared' },
        { network: 'facebook', handle: 'ada.lovelace.1815', trust: 'declared' },
      ],
      fields: { followers: 48200, verified_account: true, segment: 'enterprise', churn_note: null },
    });
    expect(zendesk.requests()).toEqual([
      expect.objectContaining({ method: 'GET', path: `/api/v2/users/show_many?ids=${user.id}&include=identities`, status: 200 }),
    ]);
  });

  it('falls back to an email identity when the user has no primary email', async () => {
    // Arrange
    const user = zendesk.createUser({
      name: 'Grace',
      email: null,
      external_id: null,
      user_fields: {},
      identities: [
        { type: 'twitter', value: 'grace_h' },
        { type: 'email', value: 'grace@navy.example' },
      ],
    });

    // Act
    const requester = await client.getRequester(String(user.id));

    // Assert
    expect(requester.email).toBe('grace@navy.example');
    expect(requester.externalId).toBeUndefined();
    expect(requester.handles).toEqual([{ network: 'twitter', handle: 'grace_h', trust: 'declared' }]);
  });

  it('answers PermanentHelpdeskError 404 for an unknown user', async () => {
    // Act
    const error = await caught(client.getRequester('424242'));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('keeps only the identities of the asked user and drops multi-select field arrays (real response shape)', async () => {
    // Arrange: a show_many answer shaped like the Zendesk API reference examples.
    const body = {
      users: [
        {
          id: 35436,
          url: 'https://company.zendesk.com/api/v2/users/35436.json',
          name: 'Johnny End User',
          email: 'johnny@example.com',
          external_id: null,
          role: 'end-user',
          user_fields: { user_date: '2012-07-23T00:00:00Z', user_decimal: 5.1, user_dropdown: 'option_1', languages: ['en', 'fr'] },
        },
      ],
      identities: [
        {
          url: 'https://company.zendesk.com/api/v2/users/35436/identities/77938.json',
          id: 77938,
          user_id: 35436,
          type: 'twitter',
          value: 'johnny_tweets',
          verified: true,
          primary: true,
          created_at: '2012-02-12T14:25:21Z',
          updated_at: '2012-02-12T14:25:21Z',
        },
        {
          url: 'https://company.zendesk.com/api/v2/users/99/identities/77939.json',
          id: 77939,
          user_id: 99,
          type: 'facebook',
          value: 'someone.else',
          verified: true,
          primary: true,
          created_at: '2012-02-12T14:25:21Z',
          updated_at: '2012-02-12T14:25:21Z',
        },
      ],
      next_page: null,
      previous_page: null,
      count: 1,
    };
    const { server, baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const raw = new ZendeskClient({ baseUrl, email: EMAIL, apiToken: TOKEN });

    try {
      // Act
      const requester = await raw.getRequester('35436');

      // Assert
      // `verified: true` is the deprecated flag an agent can set: it proves nothing, so the handle stays declared.
      expect(requester.handles).toEqual([{ network: 'twitter', handle: 'johnny_tweets', trust: 'declared' }]);
      expect(requester.fields).toEqual({ user_date: '2012-07-23T00:00:00Z', user_decimal: 5.1, user_dropdown: 'option_1' });
      expect(requester.email).toBe('johnny@example.com');
    } finally {
      await closeRaw(server);
    }
  });
});

describe('ZendeskClient.getTicket', () => {
  it('maps the ticket to a snapshot', async () => {
    // Arrange
    const { ticket } = seedTicket();

    // Act
    const snapshot = await client.getTicket(String(ticket.id));

    // Assert
    expect(snapshot).toEqual({
      id: String(ticket.id),
      priority: 'normal',
      tags: ['enterprise', 'printer'],
      groupId: '98738',
      channel: 'email',
      subject: 'Help, my printer is on fire!',
      updatedStamp: ticket.updated_at,
    });
  });

  it('leaves priority undefined when Zendesk has none', async () => {
    // Arrange
    const { ticket } = seedTicket({ priority: null });

    // Act
    const snapshot = await client.getTicket(String(ticket.id));

    // Assert
    expect(snapshot.priority).toBeUndefined();
  });

  it('raises TicketNotFoundError on 404', async () => {
    // Act
    const error = await caught(client.getTicket('999999'));

    // Assert
    expect(error).toBeInstanceOf(TicketNotFoundError);
    expect(String(error)).toContain('RecordNotFound');
  });

  it('treats a 404 that is not RecordNotFound (a proxy, a wrong path) as permanent, not as a deleted ticket', async () => {
    // Arrange
    const { ticket } = seedTicket();
    zendesk.failNext({ status: 404, count: 1, method: 'GET', pathPrefix: `/api/v2/tickets/${ticket.id}` });

    // Act
    const error = await caught(client.getTicket(String(ticket.id)));

    // Assert
    expect(error).not.toBeInstanceOf(TicketNotFoundError);
    expect(error).toMatchObject({ status: 404 });
  });
});

describe('ZendeskClient.updateTicket', () => {
  it('writes priority, group, the full tag list and a private note in one guarded PUT', async () => {
    // Arrange
    const { ticket } = seedTicket();
    const tags = ['enterprise', 'printer', 'influence_high'];

    // Act
    const snapshot = await client.updateTicket(updateFor(ticket.id, ticket.updated_at, tags));

    // Assert
    expect(zendesk.requests()).toEqual([expect.objectContaining({ method: 'PUT', path: `/api/v2/tickets/${ticket.id}`, status: 200 })]);
    const stored = zendesk.ticket(ticket.id)!;
    expect(stored.priority).toBe('high');
    expect(stored.group_id).toBe(360001);
    expect(stored.tags).toEqual(tags);
    expect(stored.comments.at(-1)).toMatchObject({ body: 'Influence Router: priority raised from normal to high (+1).', public: false });
    expect(snapshot).toMatchObject({ id: String(ticket.id), priority: 'high', tags, groupId: '360001', updatedStamp: stored.updated_at });
    expect(Date.parse(stored.updated_at)).toBeGreaterThan(Date.parse(ticket.updated_at));
  });

  it('replaces the tag list: a tag left out of the update is removed', async () => {
    // Arrange
    const { ticket } = seedTicket({ tags: ['enterprise', 'printer'] });

    // Act
    await client.updateTicket(updateFor(ticket.id, ticket.updated_at, ['influence_high']));

    // Assert
    expect(zendesk.ticket(ticket.id)?.tags).toEqual(['influence_high']);
  });

  it('raises ConflictError on a stale updated_stamp and leaves the ticket alone', async () => {
    // Arrange: an agent adds a tag after we read the ticket.
    const { ticket } = seedTicket();
    const stale = ticket.updated_at;
    await fetch(`${zendesk.baseUrl}/api/v2/tickets/${ticket.id}/tags`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tags: ['agent_added'] }),
    });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id, stale, ['enterprise', 'printer', 'influence_high'])));

    // Assert
    expect(error).toBeInstanceOf(ConflictError);
    expect(String(error)).toContain('409');
    const stored = zendesk.ticket(ticket.id)!;
    expect(stored.tags).toEqual(['enterprise', 'printer', 'agent_added']);
    expect(stored.priority).toBe('normal');
  });

  it('sends no safe_update when there is no stamp, so a changed ticket is still written', async () => {
    // Arrange
    const { ticket } = seedTicket();
    await client.updateTicket({ ...updateFor(ticket.id, ticket.updated_at, ['first']), note: '' });

    // Act
    await client.updateTicket(updateFor(ticket.id, undefined, ['second']));

    // Assert
    const stored = zendesk.ticket(ticket.id)!;
    expect(stored.tags).toEqual(['second']);
    expect(stored.comments.filter((comment) => !comment.public)).toHaveLength(1);
  });

  it('raises TicketNotFoundError when the ticket is gone', async () => {
    // Act
    const error = await caught(client.updateTicket(updateFor(31337, undefined, ['x'])));

    // Assert
    expect(error).toBeInstanceOf(TicketNotFoundError);
  });

  it('rejects a non-numeric group id before any request', async () => {
    // Arrange
    const { ticket } = seedTicket();

    // Act
    const error = await caught(client.updateTicket({ ...updateFor(ticket.id, undefined, []), groupId: 'support-tier-1' }));

    // Assert
    expect(error).toMatchObject({ status: 400 });
    expect(zendesk.requests()).toHaveLength(0);
  });

  it('finds our note among the newest comments of a ticket with more than a page of them', async () => {
    // Arrange
    const busy = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN, rateLimitPerTicket: { max: 1000, windowMs: 60_000 } });
    const busyClient = new ZendeskClient({ baseUrl: busy.baseUrl, email: EMAIL, apiToken: TOKEN });
    const user = busy.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
    const ticket = busy.createTicket({ subject: 's', description: 'd', requesterId: user.id });
    const marker = '[influence-router zendesk:ticket-created:1]';

    try {
      for (let i = 0; i < 120; i += 1) {
        await fetch(`${busy.baseUrl}/api/v2/tickets/${ticket.id}`, {
          method: 'PUT',
          headers: {
            authorization: `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ ticket: { comment: { body: `reply ${i}`, public: true } } }),
        });
      }
      // A survey answer's decision, late in the ticket's life: our note comes after 121 comments.
      await busyClient.updateTicket({ ...updateFor(ticket.id, undefined, ['a']), note: `Private.\n${marker}` });

      // Act
      const found = await busyClient.hasInternalNote(String(ticket.id), marker);

      // Assert: 122 comments; read oldest first, our note would be past the first page.
      expect(busy.ticket(ticket.id)?.comments).toHaveLength(122);
      expect(found).toBe(true);
    } finally {
      await busy.close();
    }
  });

  it('raises RateLimitedError once the per-ticket update limit is used up', async () => {
    // Arrange
    const limited = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN, rateLimitPerTicket: { max: 2, windowMs: 60_000 } });
    const limitedClient = new ZendeskClient({ baseUrl: limited.baseUrl, email: EMAIL, apiToken: TOKEN });
    const user = limited.createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
    const ticket = limited.createTicket({ subject: 's', description: 'd', requesterId: user.id });

    try {
      await limitedClient.updateTicket(updateFor(ticket.id, undefined, ['a']));
      await limitedClient.updateTicket(updateFor(ticket.id, undefined, ['b']));

      // Act
      const error = await caught(limitedClient.updateTicket(updateFor(ticket.id, undefined, ['c'])));

      // Assert
      expect(error).toBeInstanceOf(RateLimitedError);
      const { retryAfterSeconds } = error as RateLimitedError;
      expect(retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(limited.ticket(ticket.id)?.tags).toEqual(['b']);
    } finally {
      await limited.close();
    }
  });
});

describe('ZendeskClient error mapping', () => {
  it.each([
    [{ 'retry-after': '2' }, 2],
    [{ 'retry-after': '93' }, 93],
    [{}, 60],
    [{ 'retry-after': 'soon' }, 60],
    [{ 'retry-after': '86400' }, 900],
  ])('429 with %o waits %d seconds', async (headers, expected) => {
    // Arrange
    const { ticket } = seedTicket();
    zendesk.failNext({ status: 429, count: 1, headers });

    // Act
    const error = await caught(client.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(expected);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    // Arrange
    const { ticket } = seedTicket();
    zendesk.failNext({ status: 429, count: 1, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id, undefined, [])));

    // Assert
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect((error as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(121);
  });

  it.each([408, 500, 502, 503])('%d is a TransientError', async (status) => {
    // Arrange
    const { ticket } = seedTicket();
    zendesk.failNext({ status, count: 1, method: 'PUT' });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id, ticket.updated_at, ['x'])));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain(String(status));
    expect(zendesk.ticket(ticket.id)?.tags).toEqual(['enterprise', 'printer']);
  });

  it('a timeout is a TransientError, raised within the configured time', async () => {
    // Arrange
    const { ticket } = seedTicket();
    const quick = new ZendeskClient({ baseUrl: zendesk.baseUrl, email: EMAIL, apiToken: TOKEN, timeoutMs: 150 });
    zendesk.failNext({ status: 200, count: 1, delayMs: 3000 });
    const started = Date.now();

    // Act
    const error = await caught(quick.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain('timed out after 150 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a refused connection is a TransientError', async () => {
    // Arrange: a port that was just freed has nobody listening.
    const { server, baseUrl } = await rawServer((_req, res) => res.end());
    await closeRaw(server);
    const nowhere = new ZendeskClient({ baseUrl, email: EMAIL, apiToken: TOKEN });

    // Act
    const error = await caught(nowhere.getTicket('1'));

    // Assert
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain('ECONNREFUSED');
  });

  it('a wrong token is PermanentHelpdeskError 401 and the message holds no credential', async () => {
    // Arrange
    const { ticket } = seedTicket();
    const wrong = new ZendeskClient({ baseUrl: zendesk.baseUrl, email: EMAIL, apiToken: 'not-the-token' });

    // Act
    const error = await caught(wrong.getTicket(String(ticket.id)));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status: 401 });
    const text = `${String(error)} ${JSON.stringify(error)}`;
    expect(text).toContain("Couldn't authenticate you");
    expect(text).not.toContain('not-the-token');
    expect(text).not.toContain(Buffer.from(`${EMAIL}/token:not-the-token`).toString('base64'));
  });

  it.each([400, 403, 422])('%d is a PermanentHelpdeskError with that status', async (status) => {
    // Arrange
    const { ticket } = seedTicket();
    zendesk.failNext({ status, count: 1 });

    // Act
    const error = await caught(client.updateTicket(updateFor(ticket.id, undefined, [])));

    // Assert
    expect(error).toBeInstanceOf(PermanentHelpdeskError);
    expect(error).toMatchObject({ status });
  });

  it('never follows a redirect', async () => {
    // Arrange
    const { server, baseUrl: elsewhere } = await rawServer((_req, res) => res.writeHead(200).end('{}'));
    let reachedElsewhere = false;
    server.on('request', () => {
      reachedElsewhere = true;
    });
    const { ticket } = seedTicket();
    zendesk.failNext({ status: 302, count: 1, headers: { location: `${elsewhere}/api/v2/tickets/${ticket.id}` } });

    try {
      // Act
      const error = await caught(client.getTicket(String(ticket.id)));

      // Assert
      expect(error).toBeInstanceOf(PermanentHelpdeskError);
      expect(error).toMatchObject({ status: 302 });
      expect(reachedElsewhere).toBe(false);
      expect(zendesk.requests()).toHaveLength(1);
    } finally {
      await closeRaw(server);
    }
  });

  it('a 200 with an unexpected body is a PermanentHelpdeskError, never a retry', async () => {
    // Arrange: an HTML page where JSON was expected (a proxy, a maintenance page).
    const { server, baseUrl } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Maintenance</body></html>');
    });
    const raw = new ZendeskClient({ baseUrl, email: EMAIL, apiToken: TOKEN });

    try {
      // Act
      const error = await caught(raw.updateTicket(updateFor(1, undefined, [])));

      // Assert
      expect(error).toBeInstanceOf(PermanentHelpdeskError);
      expect(String(error)).toContain('unexpected body');
    } finally {
      await closeRaw(server);
    }
  });
});

describe('ZendeskClient input checks', () => {
  it.each(['1/../x', '', '12a', '1?x=1', '../users/1', '１２'])('rejects id %j before any request', async (id) => {
    // Act
    const errors = [
      await caught(client.getTicket(id)),
      await caught(client.getRequester(id)),
      await caught(client.updateTicket({ ...updateFor(1, undefined, []), ticketId: id })),
    ];

    // Assert
    for (const error of errors) {
      expect(error).toBeInstanceOf(PermanentHelpdeskError);
      expect(error).toMatchObject({ status: 400 });
    }
    expect(zendesk.requests()).toHaveLength(0);
  });

  it.each([
    'not a url',
    'ftp://acme.zendesk.com',
    'https://acme.zendesk.com/api/v2',
    'https://user:pw@acme.zendesk.com',
    'https://acme.zendesk.com?x=1',
  ])('refuses baseUrl %j', (baseUrl) => {
    // Act / Assert
    expect(() => new ZendeskClient({ baseUrl, email: EMAIL, apiToken: TOKEN })).toThrow(ConfigurationError);
  });

  it('accepts a baseUrl with a trailing slash', async () => {
    // Arrange
    const { ticket } = seedTicket();
    const slashed = new ZendeskClient({ baseUrl: `${zendesk.baseUrl}/`, email: EMAIL, apiToken: TOKEN });

    // Act
    const snapshot = await slashed.getTicket(String(ticket.id));

    // Assert
    expect(snapshot.id).toBe(String(ticket.id));
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-02T10:00:00Z');

  it.each([
    ['93', 93],
    ['0', 1],
    ['1.2', 2],
    ['5000', 900],
    ['Mon, 02 Nov 2026 10:01:30 GMT', 90],
    ['Mon, 02 Nov 2026 09:00:00 GMT', 1],
    ['', 60],
    ['-5', 60],
    ['later', 60],
  ])('%j gives %d seconds', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('uses the fallback when the header is absent', () => {
    expect(parseRetryAfter(null, now, { fallbackSeconds: 30 })).toBe(30);
  });
});
