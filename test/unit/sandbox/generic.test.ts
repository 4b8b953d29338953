import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { genericPart, type SandboxGeneric, type SandboxGenericTicket } from '../../../infra/sandbox/generic/index.js';
import { startSandbox } from '../../../infra/sandbox/sandbox.js';
import { zendeskPart } from '../../../infra/sandbox/zendesk/index.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

let sandbox: Awaited<ReturnType<typeof startGeneric>>;
let generic: SandboxGeneric;

function startGeneric() {
  return startSandbox({
    parts: [zendeskPart.with({ email: 'router@acme.test', apiToken: 'token' }), genericPart.with({ signingSecret: SECRET })],
  });
}

beforeEach(async () => {
  sandbox = await startGeneric();
  generic = sandbox.part(genericPart);
});

afterEach(async () => {
  await sandbox.close();
});

function seed(): SandboxGenericTicket {
  return generic.createTicket({
    subject: 'Printer on fire',
    priority: 'normal',
    tags: ['printer'],
    requester: { id: 'cust-7', email: 'ada@example.com', name: 'Ada', handles: [{ network: 'twitter', handle: 'ada_lovelace' }] },
  });
}

function decision(ticket: SandboxGenericTicket, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'decision.created',
    decision_id: 'dec-1',
    ticket_id: ticket.id,
    priority: 'urgent',
    tags: [...ticket.tags, 'influence_top'],
    added_tags: ['influence_top'],
    group_id: 'vip-desk',
    note: 'Routed by influence: 48,200 followers.',
    updated_stamp: ticket.updated_at,
    ...overrides,
  };
}

interface Delivery {
  id?: string;
  secret?: string;
  at?: Date;
  headers?: Record<string, string | null>;
  tamper?: (body: string) => string;
}

/** Posts a delivery signed as the router signs it, with the reference library. */
async function deliver(payload: unknown, options: Delivery = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  const signed: Record<string, string | null> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, body),
    ...options.headers,
  };
  const headers = Object.fromEntries(Object.entries(signed).filter((entry): entry is [string, string] => entry[1] !== null));
  const response = await fetch(`${generic.baseUrl}/decisions`, {
    method: 'POST',
    headers,
    body: options.tamper ? options.tamper(body) : body,
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

describe('sandbox generic helpdesk tickets', () => {
  it('numbers tickets with string ids and keeps what they were created with', () => {
    // Act
    const first = seed();
    const second = generic.createTicket({ subject: 'Login', requester: { email: 'grace@example.com' } });

    // Assert
    expect([first.id, second.id]).toEqual(['1', '2']);
    expect(second).toMatchObject({ priority: null, tags: [], group_id: null, notes: [] });
    expect(first.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(generic.ticket('1')).toEqual(first);
    expect(generic.tickets()).toHaveLength(2);
  });

  it('refuses a requester with nothing to find them by', () => {
    // Act / Assert
    expect(() => generic.createTicket({ subject: 'x', requester: { name: 'Nobody' } })).toThrow(/requester/);
  });

  it('lets a person edit tags and priority, moving updated_at on', () => {
    // Arrange
    const ticket = seed();

    // Act
    const edited = generic.editTicket(ticket.id, { tags: ['printer', 'vip'], priority: 'high' });

    // Assert
    expect(edited).toMatchObject({ tags: ['printer', 'vip'], priority: 'high' });
    expect(Date.parse(edited.updated_at)).toBeGreaterThan(Date.parse(ticket.updated_at));
    expect(() => generic.editTicket('404', { tags: [] })).toThrow(/does not exist/);
  });
});

describe('sandbox generic helpdesk decision receiver', () => {
  it('applies a signed decision: priority, merged tags, group and a note with the decision id', async () => {
    // Arrange
    const ticket = seed();

    // Act
    const response = await deliver(decision(ticket), { id: 'msg_1' });

    // Assert
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'applied' });
    const after = generic.ticket(ticket.id)!;
    expect(after).toMatchObject({ priority: 'urgent', tags: ['printer', 'influence_top'], group_id: 'vip-desk' });
    expect(after.notes).toEqual([{ decision_id: 'dec-1', body: 'Routed by influence: 48,200 followers.', at: after.updated_at }]);
    expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(ticket.updated_at));
    expect(generic.decisions()).toEqual([{ webhook_id: 'msg_1', decision_id: 'dec-1', ticket_id: ticket.id, at: expect.any(Number) }]);
    expect(generic.requests()).toEqual([
      { method: 'POST', path: '/decisions', status: 200, at: expect.any(Number), answeredAt: expect.any(Number) },
    ]);
  });

  it('takes the priority as a floor: never lowers one a person raised', async () => {
    const ticket = seed();
    generic.editTicket(ticket.id, { priority: 'urgent' });

    await deliver(decision(ticket, { priority: 'high' }), { id: 'msg_floor' });

    expect(generic.ticket(ticket.id)?.priority).toBe('urgent');
  });

  it('answers a webhook-id it already applied with duplicate and changes nothing', async () => {
    // Arrange
    const ticket = seed();
    await deliver(decision(ticket), { id: 'msg_again' });
    const applied = generic.ticket(ticket.id);

    // Act
    const again = await deliver(decision(ticket, { decision_id: 'dec-2', priority: 'low', added_tags: ['other'] }), { id: 'msg_again' });

    // Assert
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate' });
    expect(generic.ticket(ticket.id)).toEqual(applied);
    expect(generic.decisions()).toHaveLength(1);
  });

  it('keeps the tags a person added after the decision was made', async () => {
    // Arrange: the router decided on the ticket as created; then an agent tagged it.
    const ticket = seed();
    generic.editTicket(ticket.id, { tags: ['printer', 'vip'] });

    // Act
    await deliver(
      decision(ticket, { tags: ['printer', 'influence_high'], added_tags: ['influence_high'], priority: null, group_id: null }),
    );

    // Assert
    const after = generic.ticket(ticket.id)!;
    expect(after.tags).toEqual(['printer', 'vip', 'influence_high']);
    expect(after.priority).toBe('normal');
    expect(after.group_id).toBeNull();
  });

  it.each<[string, Delivery]>([
    ['another secret', { secret: OTHER_SECRET }],
    ['a body changed after signing', { tamper: (body) => body.replace('urgent', 'low') }],
    ['no signature header', { headers: { 'webhook-signature': null } }],
    ['no webhook-id', { headers: { 'webhook-id': null } }],
    ['a signature of another webhook-id', { headers: { 'webhook-id': 'msg_other' } }],
    ['a timestamp ten minutes old', { at: new Date(Date.now() - 10 * 60 * 1000) }],
    ['a timestamp ten minutes ahead', { at: new Date(Date.now() + 10 * 60 * 1000) }],
  ])('answers 401 invalid_signature for %s and changes nothing', async (_label, options) => {
    // Arrange
    const ticket = seed();

    // Act
    const response = await deliver(decision(ticket), options);

    // Assert
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'invalid_signature' });
    expect(generic.ticket(ticket.id)).toEqual(ticket);
    expect(generic.decisions()).toEqual([]);
  });

  it('answers 404 ticket_not_found for a ticket it does not hold', async () => {
    // Arrange
    const ticket = seed();

    // Act
    const response = await deliver(decision(ticket, { ticket_id: '404' }));

    // Assert
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'ticket_not_found' });
    expect(generic.decisions()).toEqual([]);
  });

  it.each<[string, (ticket: SandboxGenericTicket) => unknown, string]>([
    ['another event type', (ticket) => decision(ticket, { type: 'ticket.created' }), 'type'],
    ['a missing note', (ticket) => ({ ...decision(ticket), note: undefined }), 'note'],
    ['priority "High"', (ticket) => decision(ticket, { priority: 'High' }), 'priority'],
    ['tags as one string', (ticket) => decision(ticket, { added_tags: 'vip' }), 'added_tags'],
    ['a numeric group id', (ticket) => decision(ticket, { group_id: 98738 }), 'group_id'],
    ['a numeric ticket id', (ticket) => decision(ticket, { ticket_id: 1 }), 'ticket_id'],
    ['a misspelt field', (ticket) => ({ ...decision(ticket), prioirty: 'high' }), ''],
    ['a body that is not JSON', () => '{"type": ', ''],
  ])('answers 400 invalid_body for %s, naming the field', async (_label, build, path) => {
    // Arrange
    const ticket = seed();

    // Act
    const response = await deliver(build(ticket));

    // Assert
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'invalid_body',
      issues: expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]),
    });
    expect(generic.ticket(ticket.id)).toEqual(ticket);
  });

  it('answers 415 to a signed body that is not declared JSON', async () => {
    // Arrange
    const ticket = seed();

    // Act
    const response = await deliver(decision(ticket), { headers: { 'content-type': 'text/plain' } });

    // Assert
    expect(response.status).toBe(415);
    expect(generic.ticket(ticket.id)).toEqual(ticket);
  });

  it.each([
    ['GET', '/decisions', 405],
    ['POST', '/decision', 404],
    ['POST', '/decisions/1', 404],
  ])('answers %s %s with %i', async (method, path, status) => {
    // Act
    const response = await fetch(`${generic.baseUrl}${path}`, { method, body: method === 'POST' ? '{}' : undefined });

    // Assert
    expect(response.status).toBe(status);
  });
});

describe('sandbox generic helpdesk faults', () => {
  it('answers an injected 429 with its Retry-After, applies nothing, and applies the retry', async () => {
    // Arrange
    const ticket = seed();
    generic.failNext({ status: 429, count: 1, method: 'POST', pathPrefix: '/decisions', headers: { 'retry-after': '3' } });

    // Act
    const limited = await deliver(decision(ticket), { id: 'msg_retry' });
    const untouched = generic.ticket(ticket.id);
    const retried = await deliver(decision(ticket), { id: 'msg_retry' });

    // Assert
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json).toEqual({ error: 'too_many_requests' });
    expect(untouched).toEqual(ticket);
    expect(retried.json).toEqual({ status: 'applied' });
    expect(generic.requests().map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('answers injected 500s count times, in its own error shape or the body given', async () => {
    // Arrange
    const ticket = seed();
    generic.failNext({ status: 500, count: 2 });
    generic.failNext({ status: 503, count: 1, body: { error: 'maintenance' } });

    // Act
    const statuses: number[] = [];
    const bodies: unknown[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const response = await deliver(decision(ticket), { id: 'msg_500' });
      statuses.push(response.status);
      bodies.push(response.json);
    }

    // Assert
    expect(statuses).toEqual([500, 500, 503, 200]);
    expect(bodies.slice(0, 3)).toEqual([{ error: 'internal_server_error' }, { error: 'internal_server_error' }, { error: 'maintenance' }]);
    expect(generic.decisions()).toHaveLength(1);
  });

  it('applies first and still fails when asked to, so the retry is a duplicate', async () => {
    // Arrange
    const ticket = seed();
    generic.failNext({ status: 504, count: 1, applyFirst: true });

    // Act
    const lost = await deliver(decision(ticket), { id: 'msg_lost' });
    const retried = await deliver(decision(ticket), { id: 'msg_lost' });

    // Assert
    expect(lost.status).toBe(504);
    expect(retried.json).toEqual({ status: 'duplicate' });
    expect(generic.ticket(ticket.id)?.priority).toBe('urgent');
  });
});

describe('sandbox generic helpdesk inspection', () => {
  it('shows its tickets as JSON and on the HTML page, escaped', async () => {
    // Arrange
    const ticket = generic.createTicket({ subject: '<img src=x>', requester: { email: 'eve@example.com' } });
    await deliver(decision(ticket, { note: 'Raised <b>because</b>' }));

    // Act
    const list = await fetch(`${sandbox.baseUrl}/sandbox/generic/tickets`);
    const one = await fetch(`${sandbox.baseUrl}/sandbox/generic/tickets/${ticket.id}`);
    const page = await (await fetch(`${sandbox.baseUrl}/sandbox`)).text();

    // Assert
    expect(await list.json()).toMatchObject({ tickets: [{ id: ticket.id, notes: [{ decision_id: 'dec-1' }] }] });
    expect(await one.json()).toMatchObject({ id: ticket.id, priority: 'urgent' });
    expect(page).toContain('<section id="generic">');
    expect(page).not.toContain('<img src=x>');
    expect(page).toContain('Raised &#60;b&#62;because&#60;/b&#62;');
    expect(page).toContain('dec-1');
  });
});
