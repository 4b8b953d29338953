import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFreshdeskPart, type SandboxFreshdesk, type SandboxFreshdeskOptions } from '../../../infra/sandbox/freshdesk/part.js';
import { FaultControl, HttpFailure, type PartRequest, type Reply, type SandboxPart } from '../../../infra/sandbox/http.js';

const API_KEY = 'fd-sandbox-key-Q2x7mN4pR8sT1vW5';

/** A loopback server that mounts one part at its mount point, as the sandbox server does. */
async function mount(part: SandboxPart): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const answer = async (): Promise<Reply> => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      if (!url.pathname.startsWith(`${part.mount}/`)) return { status: 404, body: { error: 'not mounted' } };
      const request: PartRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        pathname: url.pathname.slice(part.mount.length),
        query: url.searchParams,
        headers: req.headers,
        raw: Buffer.concat(chunks),
      };
      if (!part.authenticated(request)) return part.unauthorized();
      try {
        return await part.route(request);
      } catch (error) {
        if (error instanceof HttpFailure) return error.reply;
        throw error;
      }
    };
    answer().then(
      (reply) => {
        const isText = typeof reply.body === 'string';
        const payload = isText ? String(reply.body) : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': isText ? 'text/html' : 'application/json', ...reply.headers }).end(payload);
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

let server: Server;
let origin: string;
let control: FaultControl;
let part: SandboxPart;
let freshdesk: SandboxFreshdesk;

async function start(options: Partial<SandboxFreshdeskOptions> = {}): Promise<void> {
  control = new FaultControl();
  const created = createFreshdeskPart({ apiKey: API_KEY, ...options }, control, () => origin);
  part = created.part;
  freshdesk = created.api;
  ({ server, origin } = await mount(part));
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  vi.useRealTimers();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function basic(user: string, password = 'X'): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; contentType?: string | null; authorization?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? basic(API_KEY) : options.authorization;
  if (authorization !== null) headers['authorization'] = authorization;
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (payload !== undefined && contentType !== null) headers['content-type'] = contentType;
  const response = await fetch(`${origin}/freshdesk${path}`, { method, headers, body: payload });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function seed(overrides: { tags?: string[]; priority?: 1 | 2 | 3 | 4 } = {}) {
  const contact = freshdesk.createContact({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    twitter_id: '@ada_lovelace',
    unique_external_id: 'crm-42',
    custom_fields: { followers: 48200, segment: 'enterprise' },
    twitter_followers_count: 48200,
  });
  const ticket = freshdesk.createTicket({
    subject: 'Order arrived damaged',
    description: '<div>The lid cracked.</div>',
    requesterId: contact.id,
    priority: overrides.priority ?? 2,
    tags: overrides.tags ?? ['damaged', 'order'],
    groupId: 43000567890,
    source: 1,
  });
  return { contact, ticket };
}

describe('sandbox Freshdesk: authentication', () => {
  it('answers 401 invalid_credentials without credentials, with a wrong key, or with no password part', async () => {
    // Arrange
    const { ticket } = seed();
    const expected = { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' };

    // Act
    const answers = [
      await call('GET', `/api/v2/tickets/${ticket.id}`, { authorization: null }),
      await call('GET', `/api/v2/tickets/${ticket.id}`, { authorization: basic('not-the-key') }),
      await call('GET', `/api/v2/tickets/${ticket.id}`, { authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}` }),
      await call('GET', `/api/v2/tickets/${ticket.id}`, { authorization: `Bearer ${API_KEY}` }),
    ];

    // Assert
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual(expected);
    }
  });

  it.each(['X', 'anything', ''])('accepts the API key with password %j', async (password) => {
    // Arrange
    const { ticket } = seed();

    // Act
    const answer = await call('GET', `/api/v2/tickets/${ticket.id}`, { authorization: basic(API_KEY, password) });

    // Assert
    expect(answer.status).toBe(200);
  });
});

describe('sandbox Freshdesk: tickets', () => {
  it('answers a ticket in the API v2 shape, with the requester embedded on include=requester', async () => {
    // Arrange
    const { contact, ticket } = seed();

    // Act
    const plain = await call('GET', `/api/v2/tickets/${ticket.id}`);
    const embedded = await call('GET', `/api/v2/tickets/${ticket.id}?include=requester`);

    // Assert
    expect(plain.json).toMatchObject({
      id: ticket.id,
      subject: 'Order arrived damaged',
      priority: 2,
      status: 2,
      source: 1,
      tags: ['damaged', 'order'],
      group_id: 43000567890,
      requester_id: contact.id,
      description_text: 'The lid cracked.',
      updated_at: ticket.updated_at,
    });
    expect(plain.json).not.toHaveProperty('requester');
    expect(embedded.json).toMatchObject({
      requester: { id: contact.id, name: 'Ada Lovelace', email: 'ada@example.com', mobile: null, phone: null },
    });
  });

  it('refuses an unknown query parameter or include value', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const unknown = await call('GET', `/api/v2/tickets/${ticket.id}?expand=all`);
    const company = await call('GET', `/api/v2/tickets/${ticket.id}?include=company`);

    // Assert
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'expand', message: 'Unexpected/invalid field in request', code: 'invalid_field' }],
    });
    expect(company.status).toBe(400);
    expect(company.json).toMatchObject({ errors: [{ field: 'include', code: 'invalid_value' }] });
  });

  it('PUT replaces the tag list, changes the fields given, bumps updated_at and answers the ticket', async () => {
    // Arrange
    const { ticket } = seed({ tags: ['damaged', 'order'] });

    // Act
    const answer = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { tags: ['influence_high'], priority: 3, group_id: null } });

    // Assert
    expect(answer.status).toBe(200);
    const stored = freshdesk.ticket(ticket.id)!;
    expect(stored.tags).toEqual(['influence_high']);
    expect(stored.priority).toBe(3);
    expect(stored.group_id).toBeNull();
    expect(Date.parse(stored.updated_at)).toBeGreaterThan(Date.parse(ticket.updated_at));
    expect(answer.json).toMatchObject({
      id: ticket.id,
      tags: ['influence_high'],
      priority: 3,
      group_id: null,
      updated_at: stored.updated_at,
    });
  });

  it('PUT that changes nothing leaves updated_at alone', async () => {
    // Arrange
    const { ticket } = seed({ priority: 2 });

    // Act
    await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { priority: 2 } });

    // Assert
    expect(freshdesk.ticket(ticket.id)?.updated_at).toBe(ticket.updated_at);
  });

  it('PUT with an unknown field, an envelope or bad values answers 400 Validation failed and changes nothing', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const unknown = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { priorty: 3 } });
    const envelope = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { priority: 3 } } });
    const values = await call('PUT', `/api/v2/tickets/${ticket.id}`, {
      body: { priority: 5, status: 1, group_id: 'support', tags: 'vip', subject: ' ' },
    });
    const longTag = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { tags: ['x'.repeat(33)] } });
    const notModelled = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { due_by: '2030-01-01T00:00:00Z' } });

    // Assert
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'priorty', message: 'Unexpected/invalid field in request', code: 'invalid_field' }],
    });
    expect(envelope.json).toMatchObject({ errors: [{ field: 'ticket', code: 'invalid_field' }] });
    expect(values.status).toBe(400);
    expect(values.json).toEqual({
      description: 'Validation failed',
      errors: [
        { field: 'priority', message: "It should be one of these values: '1,2,3,4'", code: 'invalid_value' },
        { field: 'status', message: "It should be one of these values: '2,3,4,5'", code: 'invalid_value' },
        { field: 'group_id', message: 'It should be a/an Positive Integer', code: 'invalid_value' },
        { field: 'tags', message: 'It should be a/an Array', code: 'invalid_value' },
        { field: 'subject', message: 'It should not be blank', code: 'invalid_value' },
      ],
    });
    expect(longTag.json).toMatchObject({
      errors: [{ field: 'tags', message: 'It should only contain elements that have maximum of 32 characters' }],
    });
    expect(notModelled.json).toMatchObject({
      errors: [{ field: 'due_by', message: 'The sandbox does not model this field', code: 'invalid_field' }],
    });
    expect(freshdesk.ticket(ticket.id)).toEqual(ticket);
  });

  it('refuses a write that is not JSON, by content type or by body', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const form = await call('PUT', `/api/v2/tickets/${ticket.id}`, { raw: 'priority=3', contentType: 'application/x-www-form-urlencoded' });
    const broken = await call('PUT', `/api/v2/tickets/${ticket.id}`, { raw: '{"priority": 3' });
    const array = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: [{ priority: 3 }] });

    // Assert
    expect(form.status).toBe(400);
    expect(form.json).toEqual({ code: 'invalid_content_type', message: 'Content-Type header should have application/json' });
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ code: 'invalid_json', message: 'Request body has invalid json format' });
    expect(array.status).toBe(400);
    expect(freshdesk.ticket(ticket.id)?.priority).toBe(2);
  });

  it('answers 404 with an empty body for a missing ticket, contact or path, and 405 for a wrong method', async () => {
    // Act
    const answers = [
      await call('GET', '/api/v2/tickets/999'),
      await call('PUT', '/api/v2/tickets/999', { body: { priority: 3 } }),
      await call('POST', '/api/v2/tickets/999/notes', { body: { body: 'x' } }),
      await call('GET', '/api/v2/contacts/999'),
      await call('GET', '/api/v2/tickets/abc'),
      await call('GET', '/api/v2/agents/me'),
    ];
    const { ticket } = seed();
    const wrongMethod = await call('DELETE', `/api/v2/tickets/${ticket.id}`);

    // Assert
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.text).toBe('');
    }
    expect(wrongMethod.status).toBe(405);
    expect(freshdesk.ticket(ticket.id)).toBeDefined();
  });

  it('POST /api/v2/tickets creates a ticket (and its contact) and tells the listeners', async () => {
    // Arrange
    const created: [number, string | null][] = [];
    freshdesk.onTicketCreated((ticket, requester) => created.push([ticket.id, requester.email]));

    // Act
    const answer = await call('POST', '/api/v2/tickets', {
      body: {
        email: 'grace@example.com',
        name: 'Grace Hopper',
        subject: 'Cannot log in',
        description: '<p>Help</p>',
        priority: 2,
        status: 2,
        tags: ['login'],
        source: 2,
      },
    });
    const missing = await call('POST', '/api/v2/tickets', { body: { email: 'grace@example.com', description: 'x' } });
    const unknownRequester = await call('POST', '/api/v2/tickets', { body: { requester_id: 424242, subject: 's', description: 'd' } });

    // Assert
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ subject: 'Cannot log in', priority: 2, status: 2, source: 2, tags: ['login'], group_id: null });
    expect(created).toEqual([[1, 'grace@example.com']]);
    expect(freshdesk.tickets()).toHaveLength(1);
    expect(missing.json).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'subject', message: 'It should be a/an String', code: 'missing_field' }],
    });
    expect(unknownRequester.json).toMatchObject({ errors: [{ field: 'requester_id', code: 'invalid_value' }] });
  });

  it('numbers contacts from 2001 and tickets from 1', () => {
    // Act
    const { contact, ticket } = seed();

    // Assert
    expect(contact.id).toBe(2001);
    expect(ticket.id).toBe(1);
    expect(freshdesk.baseUrl).toBe(`${origin}/freshdesk`);
  });
});

describe('sandbox Freshdesk: notes and conversations', () => {
  it('POST notes answers 201 with the conversation, private by default, and bumps updated_at', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const answer = await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: 'Routed &amp; raised<br>[marker]' } });

    // Assert
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      body: 'Routed &amp; raised<br>[marker]',
      body_text: 'Routed & raised\n[marker]',
      private: true,
      incoming: false,
      ticket_id: ticket.id,
    });
    const stored = freshdesk.ticket(ticket.id)!;
    expect(stored.conversations).toHaveLength(1);
    expect(Date.parse(stored.updated_at)).toBeGreaterThan(Date.parse(ticket.updated_at));
  });

  it('refuses a note with no body, a blank body or an unknown field', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const missing = await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { private: true } });
    const blank = await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: '   ', private: true } });
    const unknown = await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: 'x', public: false } });

    // Assert
    expect(missing.json).toMatchObject({ errors: [{ field: 'body', code: 'missing_field' }] });
    expect(blank.json).toMatchObject({ errors: [{ field: 'body', message: 'It should not be blank', code: 'invalid_value' }] });
    expect(unknown.json).toMatchObject({ errors: [{ field: 'public', code: 'invalid_field' }] });
    expect(freshdesk.ticket(ticket.id)?.conversations).toEqual([]);
  });

  it('lists conversations with private, body and body_text, a page at a time', async () => {
    // Arrange
    const { ticket } = seed();
    await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: 'first', private: true } });
    await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: '<b>second</b>', private: false } });

    // Act
    const all = await call('GET', `/api/v2/tickets/${ticket.id}/conversations`);
    const firstPage = await call('GET', `/api/v2/tickets/${ticket.id}/conversations?per_page=1`);

    // Assert
    expect(all.json).toEqual([
      expect.objectContaining({ body: 'first', body_text: 'first', private: true }),
      expect.objectContaining({ body: '<b>second</b>', body_text: 'second', private: false }),
    ]);
    expect(firstPage.json).toHaveLength(1);
    expect(firstPage.headers.get('link')).toBe(
      `<${origin}/freshdesk/api/v2/tickets/${ticket.id}/conversations?page=2&per_page=1>; rel="next"`,
    );
  });
});

describe('sandbox Freshdesk: contacts', () => {
  it('answers the contact with its profile, custom and Twitter fields', async () => {
    // Arrange
    const { contact } = seed();

    // Act
    const answer = await call('GET', `/api/v2/contacts/${contact.id}`);

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      id: contact.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: null,
      mobile: null,
      twitter_id: '@ada_lovelace',
      unique_external_id: 'crm-42',
      other_emails: [],
      custom_fields: { followers: 48200, segment: 'enterprise' },
      twitter_followers_count: 48200,
      created_at: contact.created_at,
      updated_at: contact.updated_at,
    });
    expect(answer.json).toHaveProperty('twitter_profile_status');
  });
});

describe('sandbox Freshdesk: rate limit', () => {
  it('sends the rate-limit headers on every answer, failed ones included', async () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const ok = await call('GET', `/api/v2/tickets/${ticket.id}`);
    const missing = await call('GET', '/api/v2/tickets/999');
    const invalid = await call('PUT', `/api/v2/tickets/${ticket.id}`, { body: { nope: 1 } });

    // Assert
    expect([ok, missing, invalid].map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['199', '198', '197']);
    for (const answer of [ok, missing, invalid]) {
      expect(answer.headers.get('x-ratelimit-total')).toBe('200');
      expect(answer.headers.get('x-ratelimit-used-currentrequest')).toBe('1');
    }
  });

  it('answers 429 with Retry-After once the minute is used up, and serves again when the window slides', async () => {
    // Arrange
    vi.useFakeTimers({ toFake: ['Date'] });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await start({ ratePerMinute: 2 });
    const { ticket } = seed();
    await call('GET', `/api/v2/tickets/${ticket.id}`);
    await call('GET', '/api/v2/tickets/999');

    // Act
    const limited = await call('GET', `/api/v2/tickets/${ticket.id}`);
    vi.setSystemTime(Date.now() + 60_001);
    const later = await call('GET', `/api/v2/tickets/${ticket.id}`);

    // Assert
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual(part.faultBody(429));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(later.status).toBe(200);
    expect(later.headers.get('x-ratelimit-remaining')).toBe('1');
  });
});

describe('sandbox Freshdesk: hooks', () => {
  it('editTicket changes fields as a person would and bumps updated_at', () => {
    // Arrange
    const { ticket } = seed();

    // Act
    const edited = freshdesk.editTicket(ticket.id, { tags: [...ticket.tags, 'agent_vip'], priority: 4, group_id: 43000999999 });

    // Assert
    expect(edited).toMatchObject({ tags: ['damaged', 'order', 'agent_vip'], priority: 4, group_id: 43000999999 });
    expect(Date.parse(edited.updated_at)).toBeGreaterThan(Date.parse(ticket.updated_at));
    expect(freshdesk.ticket(ticket.id)).toEqual(edited);
  });

  it('failNext and requests delegate to the fault control', () => {
    // Act
    freshdesk.failNext({ status: 503, count: 1, method: 'PUT' });
    control.record({ method: 'GET', path: '/api/v2/tickets/1', status: 200, at: 1 });

    // Assert
    expect(control.take('GET', '/api/v2/tickets/1')).toBeUndefined();
    expect(control.take('PUT', '/api/v2/tickets/1')).toMatchObject({ status: 503 });
    expect(freshdesk.requests()).toEqual([{ method: 'GET', path: '/api/v2/tickets/1', status: 200, at: 1 }]);
  });

  it('has fault bodies in Freshdesk shapes', () => {
    expect(part.faultBody(429)).toEqual({ message: 'You have exceeded the limit of requests per minute' });
    expect(part.faultBody(503)).toEqual({ code: 'service_unavailable', message: 'Injected by the sandbox' });
  });

  it('renders an escaped table with priority names and private notes, and serves the inspection JSON', async () => {
    // Arrange
    const contact = freshdesk.createContact({ name: 'Eve', email: null });
    const ticket = freshdesk.createTicket({
      subject: '<script>alert(1)</script>',
      description: 'x',
      requesterId: contact.id,
      priority: 4,
      tags: ['a&b'],
    });
    await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: 'private &lt;note&gt;', private: true } });
    await call('POST', `/api/v2/tickets/${ticket.id}/notes`, { body: { body: 'public reply', private: false } });

    // Act
    const html = part.renderSection();

    // Assert
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<td>Urgent</td>');
    expect(html).toContain('a&#38;b');
    expect(html).toContain('<pre>private &#60;note&#62;</pre>');
    expect(html).not.toContain('public reply');
    expect(part.inspectTickets()).toHaveLength(1);
    expect(part.inspectTicket(String(ticket.id))).toMatchObject({ id: ticket.id, priority: 4 });
    expect(part.inspectTicket('999')).toBeUndefined();
  });
});
