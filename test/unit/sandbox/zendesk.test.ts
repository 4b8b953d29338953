import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type SandboxTicket,
  type SandboxUser,
  type SandboxZendeskServer,
  startSandboxZendesk,
} from '../../../infra/sandbox/zendesk/index.js';

const EMAIL = 'router@acme.test';
const TOKEN = 'sandbox-token-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv';
const AUTH = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;

let zendesk: SandboxZendeskServer;

beforeEach(async () => {
  zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN });
});

afterEach(async () => {
  await zendesk.close();
});

function seed(): { user: SandboxUser; ticket: SandboxTicket } {
  const user = zendesk.createUser({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    external_id: 'crm-42',
    user_fields: { followers: 48200 },
    identities: [{ type: 'twitter', value: 'ada_lovelace' }],
  });
  const ticket = zendesk.createTicket({
    subject: 'Help, my printer is on fire!',
    description: 'The smoke is very colorful.',
    requesterId: user.id,
    priority: 'normal',
    tags: ['enterprise', 'printer'],
  });
  return { user, ticket };
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; auth?: string | null; contentType?: string | null } = {},
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (options.auth !== null) headers['authorization'] = options.auth ?? AUTH;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${zendesk.baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

describe('sandbox Zendesk authentication and routing', () => {
  it.each([
    ['no header', null],
    ['a wrong token', `Basic ${Buffer.from(`${EMAIL}/token:wrong`).toString('base64')}`],
    ['a password instead of a token', `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`],
    ['another agent', `Basic ${Buffer.from(`other@acme.test/token:${TOKEN}`).toString('base64')}`],
    ['a bearer token', `Bearer ${TOKEN}`],
  ])('answers 401 for %s', async (_label, auth) => {
    // Arrange
    const { ticket } = seed();

    // Act
    const response = await call('GET', `/api/v2/tickets/${ticket.id}`, { auth });

    // Assert
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: "Couldn't authenticate you" });
  });

  it('serves the same resource with and without the .json suffix', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const plain = await call('GET', `/api/v2/tickets/${ticket.id}`);
    const suffixed = await call('GET', `/api/v2/tickets/${ticket.id}.json`);

    // Assert
    expect(plain.status).toBe(200);
    expect(suffixed.json).toEqual(plain.json);
    expect(plain.json).toMatchObject({
      ticket: { id: ticket.id, priority: 'normal', tags: ['enterprise', 'printer'], via: { channel: 'web' } },
    });
  });

  it.each([
    ['GET', '/api/v2/tickets/1/unknown'],
    ['GET', '/api/v2/ticketz'],
    ['DELETE', '/api/v2/tickets/1'],
    ['GET', '/api/v3/tickets/1'],
    ['GET', '/tickets/1'],
  ])('%s %s is an InvalidEndpoint 404', async (method, path) => {
    // Arrange
    seed();

    // Act
    const response = await call(method, path);

    // Assert
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error: 'InvalidEndpoint' });
  });

  it('answers RecordNotFound for a missing ticket or user', async () => {
    // Act
    const ticket = await call('GET', '/api/v2/tickets/404');
    const user = await call('GET', '/api/v2/users/404.json');

    // Assert
    expect(ticket.status).toBe(404);
    expect(ticket.json).toMatchObject({ error: 'RecordNotFound' });
    expect(user.status).toBe(404);
  });

  it('lists tickets', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const response = await call('GET', '/api/v2/tickets.json');

    // Assert
    expect(response.json).toMatchObject({ tickets: [{ id: ticket.id, subject: 'Help, my printer is on fire!' }], count: 1 });
  });
});

describe('sandbox Zendesk users', () => {
  it('returns identities (the email one included) only when asked to', async () => {
    // Arrange
    const { user } = seed();

    // Act
    const withIdentities = await call('GET', `/api/v2/users/show_many.json?ids=${user.id},99999&include=identities`);
    const without = await call('GET', `/api/v2/users/show_many?ids=${user.id}`);

    // Assert
    expect(withIdentities.json).toMatchObject({
      users: [{ id: user.id, email: 'ada@example.com', external_id: 'crm-42', user_fields: { followers: 48200 } }],
      identities: [
        { user_id: user.id, type: 'email', value: 'ada@example.com', primary: true },
        { user_id: user.id, type: 'twitter', value: 'ada_lovelace' },
      ],
    });
    expect(without.json).not.toHaveProperty('identities');
  });

  it('refuses show_many without numeric ids', async () => {
    // Act
    const response = await call('GET', '/api/v2/users/show_many?ids=1,abc');

    // Assert
    expect(response.status).toBe(400);
  });

  it('refuses a duplicate user id', () => {
    // Arrange
    const { user } = seed();

    // Act / Assert
    expect(() => zendesk.createUser({ id: user.id, name: 'x', email: null, external_id: null, user_fields: {}, identities: [] })).toThrow(
      /already exists/,
    );
  });
});

describe('sandbox Zendesk ticket update contract', () => {
  it('applies priority, replaces tags, sets the group and appends a private note, with an audit', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const response = await call('PUT', `/api/v2/tickets/${ticket.id}.json`, {
      body: {
        ticket: {
          priority: 'urgent',
          group_id: 98738,
          tags: ['influence_top'],
          comment: { body: 'Routed by influence.', public: false },
          safe_update: true,
          updated_stamp: ticket.updated_at,
        },
      },
    });

    // Assert
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      ticket: { id: ticket.id, priority: 'urgent', group_id: 98738, tags: ['influence_top'] },
      audit: {
        events: expect.arrayContaining([
          expect.objectContaining({ type: 'Change', field_name: 'priority', value: 'urgent', previous_value: 'normal' }),
          expect.objectContaining({ type: 'Comment', body: 'Routed by influence.', public: false }),
        ]),
      },
    });
    const stored = zendesk.ticket(ticket.id)!;
    expect(stored.tags).toEqual(['influence_top']);
    expect(stored.comments.map((comment) => comment.public)).toEqual([true, false]);
  });

  it('answers 409 UpdateConflict on a stale updated_stamp and changes nothing', async () => {
    // Arrange
    const { ticket } = seed();
    await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { status: 'open' } } });

    // Act
    const response = await call('PUT', `/api/v2/tickets/${ticket.id}`, {
      body: { ticket: { priority: 'high', safe_update: true, updated_stamp: ticket.updated_at } },
    });

    // Assert
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ error: 'UpdateConflict' });
    expect(zendesk.ticket(ticket.id)?.priority).toBe('normal');
  });

  it('gives every write a strictly later, whole-second stamp, even within one second', async () => {
    // Arrange
    const { ticket } = seed();
    const stamps = [ticket.updated_at];

    // Act
    for (const tag of ['a', 'b', 'c']) {
      const response = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { tags: [tag] } } });
      const body = response.json as { ticket: { updated_at: string } };
      stamps.push(body.ticket.updated_at);
    }

    // Assert
    for (const [index, value] of stamps.entries()) {
      expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      if (index > 0) expect(Date.parse(value)).toBeGreaterThan(Date.parse(stamps[index - 1]!));
    }
  });

  it.each([
    ['no content type', { contentType: null, body: { ticket: { priority: 'high' } } }],
    ['a form content type', { contentType: 'application/x-www-form-urlencoded', rawBody: 'ticket[priority]=high' }],
    ['invalid JSON', { rawBody: '{"ticket": ' }],
    ['a body without the ticket envelope', { body: { priority: 'high' } }],
    ['extra top-level keys', { body: { ticket: { priority: 'high' }, priority: 'high' } }],
    ['a ticket that is not an object', { body: { ticket: ['high'] } }],
    ['additional_tags, which only update_many accepts', { body: { ticket: { additional_tags: ['vip'] } } }],
    ['a misspelt field', { body: { ticket: { prioirty: 'high' } } }],
    ['a real field the sandbox does not model', { body: { ticket: { assignee_id: 5 } } }],
    ['an unknown comment field', { body: { ticket: { comment: { body: 'x', private: true } } } }],
  ])('answers 400 for %s', async (_label, options) => {
    // Arrange
    const { ticket } = seed();

    // Act
    const response = await call('PUT', `/api/v2/tickets/${ticket.id}`, options);

    // Assert
    expect(response.status).toBe(400);
    expect(zendesk.ticket(ticket.id)).toEqual(ticket);
  });

  it.each([
    ['priority "High"', { priority: 'High' }, 'priority'],
    ['priority 3', { priority: 3 }, 'priority'],
    ['an empty comment', { comment: { body: '  ', public: false } }, 'comment'],
    ['tags that are not strings', { tags: ['ok', 7] }, 'tags'],
    ['tags as one string', { tags: 'vip' }, 'tags'],
    ['a string group id', { group_id: '98738' }, 'group_id'],
    ['safe_update without a stamp', { safe_update: true }, 'updated_stamp'],
  ])('answers 422 RecordInvalid for %s', async (_label, fields, detail) => {
    // Arrange
    const { ticket } = seed();

    // Act
    const response = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: fields } });

    // Assert
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({ error: 'RecordInvalid', details: { [detail]: expect.any(Array) } });
    expect(zendesk.ticket(ticket.id)).toEqual(ticket);
  });

  it('answers 413 to a body over 1 MB', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const response = await call('PUT', `/api/v2/tickets/${ticket.id}`, {
      body: { ticket: { comment: { body: 'x'.repeat(1024 * 1024), public: false } } },
    });

    // Assert
    expect(response.status).toBe(413);
    expect(zendesk.ticket(ticket.id)?.comments).toHaveLength(1);
  });
});

describe('sandbox Zendesk tags endpoint', () => {
  it('adds tags with PUT and sets them with POST', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const added = await call('PUT', `/api/v2/tickets/${ticket.id}/tags.json`, { body: { tags: ['vip', 'printer'] } });
    const set = await call('POST', `/api/v2/tickets/${ticket.id}/tags`, { body: { tags: ['only_this'] } });

    // Assert
    expect(added.json).toEqual({ tags: ['enterprise', 'printer', 'vip'] });
    expect(set.json).toEqual({ tags: ['only_this'] });
    expect(zendesk.ticket(ticket.id)?.tags).toEqual(['only_this']);
  });

  it('honours safe_update on the tags endpoint', async () => {
    // Arrange
    const { ticket } = seed();
    await call('PUT', `/api/v2/tickets/${ticket.id}/tags`, { body: { tags: ['first'] } });

    // Act
    const response = await call('PUT', `/api/v2/tickets/${ticket.id}/tags`, {
      body: { tags: ['second'], safe_update: 'true', updated_stamp: ticket.updated_at },
    });

    // Assert
    expect(response.status).toBe(409);
    expect(zendesk.ticket(ticket.id)?.tags).not.toContain('second');
  });
});

describe('sandbox Zendesk rate limiting and faults', () => {
  it('answers 429 with Retry-After once a ticket has had max updates in the window', async () => {
    // Arrange
    await zendesk.close();
    zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN, rateLimitPerTicket: { max: 3, windowMs: 120_000 } });
    const { ticket } = seed();
    const other = zendesk.createTicket({ subject: 'other', description: 'd', requesterId: ticket.requester_id });
    const statuses: number[] = [];

    // Act
    for (let attempt = 0; attempt < 4; attempt++) {
      statuses.push((await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { tags: [`t${attempt}`] } } })).status);
    }
    const limited = await call('PUT', `/api/v2/tickets/${ticket.id}/tags`, { body: { tags: ['x'] } });
    const otherTicket = await call('PUT', `/api/v2/tickets/${other.id}`, { body: { ticket: { priority: 'low' } } });
    const read = await call('GET', `/api/v2/tickets/${ticket.id}`);

    // Assert
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(119);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(120);
    expect(limited.json).toEqual({
      error: 'TooManyRequests',
      description: 'Rate limit for ticket updates exceeded, please wait before updating this ticket again',
    });
    expect(otherTicket.status).toBe(200);
    expect(read.status).toBe(200);
    expect(zendesk.ticket(ticket.id)?.tags).toEqual(['t2']);
  });

  it("limits the account's requests a clock minute, with Zendesk's rate-limit headers on every answer and Retry-After on the 429", async () => {
    // Arrange
    await zendesk.close();
    zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN, ratePerMinute: 3 });
    const { ticket } = seed();
    const within = async () => {
      const minute = Math.floor(Date.now() / 60_000);
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await call('GET', `/api/v2/tickets/${ticket.id}`));
      return Math.floor(Date.now() / 60_000) === minute ? answers : undefined;
    };

    // Act (again if a clock minute ended meanwhile)
    const answers = (await within()) ?? (await new Promise((r) => setTimeout(r, 1000)).then(within));

    // Assert
    expect(answers?.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers?.map((a) => a.headers.get('x-rate-limit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers?.[0]?.headers.get('x-rate-limit')).toBe('3');
    expect(answers?.[0]?.headers.get('ratelimit-limit')).toBe('3');
    const reset = Number(answers?.[3]?.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(60);
    expect(answers?.[3]?.headers.get('retry-after')).toBe(String(reset));
    expect(zendesk.rateLimited()).toBe(1);
  });

  it('lets the window slide so updates resume after it', async () => {
    // Arrange
    await zendesk.close();
    zendesk = await startSandboxZendesk({ email: EMAIL, apiToken: TOKEN, rateLimitPerTicket: { max: 1, windowMs: 200 } });
    const { ticket } = seed();
    await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { tags: ['a'] } } });
    const blocked = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { tags: ['b'] } } });
    await new Promise((resolve) => setTimeout(resolve, 250));

    // Act
    const resumed = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { tags: ['c'] } } });

    // Assert
    expect(blocked.status).toBe(429);
    expect(resumed.status).toBe(200);
  });

  it('injects faults for matching requests only, count times, with their headers', async () => {
    // Arrange
    const { ticket } = seed();
    zendesk.failNext({ status: 503, count: 2, method: 'PUT', pathPrefix: '/api/v2/tickets/', headers: { 'retry-after': '7' } });

    // Act
    const read = await call('GET', `/api/v2/tickets/${ticket.id}`);
    const first = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { priority: 'high' } } });
    const second = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { priority: 'high' } } });
    const third = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { priority: 'high' } } });

    // Assert
    expect(read.status).toBe(200);
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(zendesk.requests().map((entry) => `${entry.method} ${entry.status}`)).toEqual(['GET 200', 'PUT 503', 'PUT 503', 'PUT 200']);
  });

  it('can apply a write and still answer the fault, as when a response is lost', async () => {
    // Arrange
    const { ticket } = seed();
    zendesk.failNext({ status: 504, count: 1, method: 'PUT', applyFirst: true });

    // Act
    const lost = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { priority: 'urgent' } } });

    // Assert
    expect(lost.status).toBe(504);
    expect(zendesk.ticket(ticket.id)?.priority).toBe('urgent');
  });

  it('does not spend a fault on an unauthenticated request', async () => {
    // Arrange
    const { ticket } = seed();
    zendesk.failNext({ status: 500, count: 1 });

    // Act
    const unauthenticated = await call('GET', `/api/v2/tickets/${ticket.id}`, { auth: null });
    const faulted = await call('GET', `/api/v2/tickets/${ticket.id}`);

    // Assert
    expect(unauthenticated.status).toBe(401);
    expect(faulted.status).toBe(500);
  });
});

describe('sandbox Zendesk ticket creation', () => {
  it('creates a ticket over the API, finding or adding the requester by email, and tells listeners', async () => {
    // Arrange
    const created: { ticket: SandboxTicket; requester: SandboxUser }[] = [];
    zendesk.onTicketCreated((ticket, requester) => created.push({ ticket, requester }));

    // Act
    const response = await call('POST', '/api/v2/tickets.json', {
      body: {
        ticket: {
          subject: 'Refund',
          comment: { body: 'Please refund order 77.' },
          requester: { email: 'new@example.com', name: 'New Person' },
          priority: 'low',
          tags: ['billing'],
        },
      },
    });

    // Assert
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      ticket: { subject: 'Refund', priority: 'low', tags: ['billing'], via: { channel: 'api' }, status: 'new' },
    });
    expect(created).toHaveLength(1);
    expect(created[0]?.requester).toMatchObject({ name: 'New Person', email: 'new@example.com' });
    expect(created[0]?.ticket.description).toBe('Please refund order 77.');
  });

  it('fires listeners for createTicket too, and survives a listener that throws', () => {
    // Arrange
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: number[] = [];
    zendesk.onTicketCreated(() => {
      throw new Error('listener broke');
    });
    zendesk.onTicketCreated((ticket) => seen.push(ticket.id));

    // Act
    const { ticket } = seed();

    // Assert
    expect(seen).toEqual([ticket.id]);
    expect(zendesk.tickets()).toHaveLength(1);
    expect(consoleError).toHaveBeenCalledWith('sandbox zendesk: onTicketCreated listener failed', expect.any(Error));
    consoleError.mockRestore();
  });

  it.each([
    ['no comment', { subject: 'x', requester_id: 1001 }],
    ['an unknown requester', { subject: 'x', comment: { body: 'y' }, requester_id: 424242 }],
    ['no requester', { subject: 'x', comment: { body: 'y' } }],
  ])('answers 422 for %s', async (_label, ticket) => {
    // Arrange
    seed();

    // Act
    const response = await call('POST', '/api/v2/tickets', { body: { ticket } });

    // Assert
    expect(response.status).toBe(422);
    expect(zendesk.tickets()).toHaveLength(1);
  });
});

describe('sandbox Zendesk inspection pages', () => {
  it('lists tickets with their comments as JSON without authentication', async () => {
    // Arrange
    const { ticket } = seed();
    await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { comment: { body: 'note', public: false } } } });

    // Act
    const response = await call('GET', '/sandbox/tickets', { auth: null });

    // Assert
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ tickets: [{ id: ticket.id, comments: [{ public: true }, { body: 'note', public: false }] }] });
  });

  it('renders an HTML page with internal notes, escaping what tickets contain', async () => {
    // Arrange
    const user = zendesk.createUser({ name: 'Eve', email: 'eve@example.com', external_id: null, user_fields: {}, identities: [] });
    const ticket = zendesk.createTicket({
      subject: '<script>alert(1)</script>',
      description: 'd',
      requesterId: user.id,
      tags: ['vip'],
      groupId: 42,
    });
    await call('PUT', `/api/v2/tickets/${ticket.id}`, {
      body: { ticket: { priority: 'high', comment: { body: 'Raised <b>because</b>', public: false } } },
    });

    // Act
    const response = await call('GET', '/sandbox', { auth: null });

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.text).not.toContain('<script>alert(1)</script>');
    expect(response.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(response.text).toContain('Raised &#60;b&#62;because&#60;/b&#62;');
    expect(response.text).toMatch(/<td>high<\/td><td>vip<\/td><td>42<\/td>/);
  });
});
