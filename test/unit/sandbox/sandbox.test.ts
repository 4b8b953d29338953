import { Server } from 'node:http';
import { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { freshdeskPart, type SandboxFreshdesk } from '../../../infra/sandbox/freshdesk/index.js';
import { genericPart, type SandboxGeneric } from '../../../infra/sandbox/generic/index.js';
import { type PartAccessor, startSandbox } from '../../../infra/sandbox/sandbox.js';
import { type SandboxZendesk, zendeskPart } from '../../../infra/sandbox/zendesk/index.js';

const ZENDESK = { email: 'router@acme.test', apiToken: 'zendesk-token' };
const ZENDESK_AUTH = `Basic ${Buffer.from(`${ZENDESK.email}/token:${ZENDESK.apiToken}`).toString('base64')}`;
const FRESHDESK = { apiKey: 'freshdesk-key' };
const FRESHDESK_AUTH = `Basic ${Buffer.from(`${FRESHDESK.apiKey}:X`).toString('base64')}`;
const GENERIC = { signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };

let sandbox: Awaited<ReturnType<typeof startEverything>>;

function startEverything() {
  return startSandbox({ parts: [zendeskPart.with(ZENDESK), freshdeskPart.with(FRESHDESK), genericPart.with(GENERIC)] });
}

function startZendeskOnly() {
  return startSandbox({ parts: [zendeskPart.with(ZENDESK)] });
}

beforeEach(async () => {
  sandbox = await startEverything();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await sandbox.close();
});

function seedZendesk(): number {
  const user = sandbox
    .part(zendeskPart)
    .createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
  return sandbox.part(zendeskPart).createTicket({ subject: 'Printer on fire', description: 'Smoke.', requesterId: user.id }).id;
}

function seedFreshdesk(): number {
  const contact = sandbox.part(freshdeskPart).createContact({ name: 'Grace', email: 'grace@example.com' });
  return sandbox
    .part(freshdeskPart)
    .createTicket({ subject: 'Cannot log in', description: '<p>Reset mail never arrives.</p>', requesterId: contact.id }).id;
}

async function get(url: string, auth?: string): Promise<{ status: number; json: unknown; text: string; type: string | null }> {
  const response = await fetch(url, { headers: auth ? { authorization: auth } : {} });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, type: response.headers.get('content-type') };
}

/** Makes every connection the sandbox accepts from now on look as if it came from another machine. */
function peersFromElsewhere(): void {
  const emit = Server.prototype.emit;
  vi.spyOn(Server.prototype, 'emit').mockImplementation(function (this: Server, event: string | symbol, ...args: unknown[]) {
    const [socket] = args;
    if (event === 'connection' && socket instanceof Socket) Object.defineProperty(socket, 'remoteAddress', { value: '203.0.113.7' });
    const handled: boolean = Reflect.apply(emit, this, [event, ...args]);
    return handled;
  });
}

describe('sandbox mounts', () => {
  it('serves Zendesk at the root and Freshdesk under /freshdesk on one port, each logging its own requests', async () => {
    // Arrange
    const ticketId = seedZendesk();
    const freshdeskId = seedFreshdesk();

    // Act
    const zendesk = await get(`${sandbox.baseUrl}/api/v2/tickets/${ticketId}.json`, ZENDESK_AUTH);
    const freshdesk = await get(`${sandbox.baseUrl}/freshdesk/api/v2/tickets/${freshdeskId}`, FRESHDESK_AUTH);

    // Assert
    expect(zendesk.status).toBe(200);
    expect(zendesk.json).toMatchObject({ ticket: { id: ticketId, url: `${sandbox.baseUrl}/api/v2/tickets/${ticketId}.json` } });
    expect(freshdesk.status).toBe(200);
    expect(freshdesk.json).toMatchObject({ id: freshdeskId, subject: 'Cannot log in' });
    expect(sandbox.part(zendeskPart).baseUrl).toBe(sandbox.baseUrl);
    expect(sandbox.part(freshdeskPart).baseUrl).toBe(`${sandbox.baseUrl}/freshdesk`);
    expect(sandbox.part(genericPart).baseUrl).toBe(`${sandbox.baseUrl}/generic`);
    expect(
      sandbox
        .part(zendeskPart)
        .requests()
        .map((entry) => entry.path),
    ).toEqual([`/api/v2/tickets/${ticketId}.json`]);
    expect(
      sandbox
        .part(freshdeskPart)
        .requests()
        .map((entry) => entry.path),
    ).toEqual([`/api/v2/tickets/${freshdeskId}`]);
  });

  it('checks each part with its own credentials', async () => {
    // Act
    const zendeskKeyOnFreshdesk = await get(`${sandbox.baseUrl}/freshdesk/api/v2/tickets`, ZENDESK_AUTH);
    const freshdeskKeyOnZendesk = await get(`${sandbox.baseUrl}/api/v2/tickets`, FRESHDESK_AUTH);

    // Assert
    expect(zendeskKeyOnFreshdesk.status).toBe(401);
    expect(zendeskKeyOnFreshdesk.json).not.toEqual({ error: "Couldn't authenticate you" });
    expect(freshdeskKeyOnZendesk.status).toBe(401);
    expect(freshdeskKeyOnZendesk.json).toEqual({ error: "Couldn't authenticate you" });
  });

  it("keeps a part's injected faults to that part", async () => {
    // Arrange
    const freshdeskId = seedFreshdesk();
    sandbox.part(zendeskPart).failNext({ status: 503, count: 1 });

    // Act
    const freshdesk = await get(`${sandbox.baseUrl}/freshdesk/api/v2/tickets/${freshdeskId}`, FRESHDESK_AUTH);
    const zendesk = await get(`${sandbox.baseUrl}/api/v2/tickets`, ZENDESK_AUTH);

    // Assert
    expect(freshdesk.status).toBe(200);
    expect(zendesk.status).toBe(503);
    expect(zendesk.json).toEqual({ error: 'ServiceUnavailable', description: 'Injected by the sandbox' });
  });

  it('gives the root part whatever falls under no other mount', async () => {
    // Arrange
    const zendeskOnly = await startZendeskOnly();

    // Act
    const lookalike = await get(`${sandbox.baseUrl}/freshdeskx/api/v2/tickets`, ZENDESK_AUTH);
    const unconfigured = await get(`${zendeskOnly.baseUrl}/generic/decisions`, ZENDESK_AUTH);
    await zendeskOnly.close();

    // Assert
    expect(lookalike.json).toMatchObject({ error: 'InvalidEndpoint' });
    expect(unconfigured.json).toMatchObject({ error: 'InvalidEndpoint' });
    expect(zendeskOnly.parts).toEqual(['zendesk']);
    expect(() => zendeskOnly.part(freshdeskPart)).toThrow(`sandbox at ${zendeskOnly.baseUrl}: no freshdesk part (it has zendesk)`);
    expect(() => zendeskOnly.control('generic')).toThrow(`sandbox at ${zendeskOnly.baseUrl}: no generic part (it has zendesk)`);
  });

  it("types each part's hooks by its plug-in, and keeps one sandbox's hooks apart from another's", async () => {
    // Arrange
    const other = await startZendeskOnly();

    // Act
    seedZendesk();

    // Assert
    expectTypeOf(sandbox.part(zendeskPart)).toEqualTypeOf<SandboxZendesk>();
    expectTypeOf(sandbox.part(freshdeskPart)).toEqualTypeOf<SandboxFreshdesk>();
    expectTypeOf(sandbox.part(genericPart)).toEqualTypeOf<SandboxGeneric>();
    expectTypeOf(zendeskPart).toExtend<PartAccessor<SandboxZendesk>>();
    expect(sandbox.part(zendeskPart).tickets()).toHaveLength(1);
    expect(other.part(zendeskPart).tickets()).toEqual([]);
    expect(other.part(zendeskPart).baseUrl).toBe(other.baseUrl);
    await other.close();
  });

  it('refuses two parts of one name, and a start with no part', async () => {
    // Act
    const twice = startSandbox({ parts: [zendeskPart.with(ZENDESK), zendeskPart.with({ ...ZENDESK, apiToken: 'another' })] });
    const none = startSandbox({ parts: [] });

    // Assert
    await expect(twice).rejects.toThrow('sandbox: two parts are named zendesk');
    await expect(none).rejects.toThrow('sandbox: give at least one part');
  });

  it('closes without waiting for an answer a fault is holding back', async () => {
    // Arrange
    sandbox.part(zendeskPart).failNext({ status: 504, count: 1, delayMs: 60_000 });
    const held = fetch(`${sandbox.baseUrl}/api/v2/tickets`, { headers: { authorization: ZENDESK_AUTH } });
    // Long enough for the request to reach the sandbox and take the fault.
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const started = Date.now();
    await sandbox.close();

    // Assert
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(held).rejects.toThrow();
    expect(sandbox.part(zendeskPart).requests()).toEqual([]);
    sandbox = await startEverything();
  });
});

describe('sandbox inspection pages', () => {
  it("shows every part's tickets under /sandbox/{part}/tickets, and the first part's (Zendesk's here) also where they always were", async () => {
    // Arrange
    const zendeskId = seedZendesk();
    const freshdeskId = seedFreshdesk();
    const generic = sandbox.part(genericPart).createTicket({ subject: 'Login', requester: { email: 'grace@example.com' } });

    // Act
    const legacyList = await get(`${sandbox.baseUrl}/sandbox/tickets`);
    const legacyOne = await get(`${sandbox.baseUrl}/sandbox/tickets/${zendeskId}`);
    const zendeskOne = await get(`${sandbox.baseUrl}/sandbox/zendesk/tickets/${zendeskId}`);
    const genericList = await get(`${sandbox.baseUrl}/sandbox/generic/tickets`);
    const genericOne = await get(`${sandbox.baseUrl}/sandbox/generic/tickets/${generic.id}`);
    const freshdeskOne = await get(`${sandbox.baseUrl}/sandbox/freshdesk/tickets/${freshdeskId}`);
    const missing = await get(`${sandbox.baseUrl}/sandbox/generic/tickets/404`);
    const unknownPart = await get(`${sandbox.baseUrl}/sandbox/kayako/tickets`);

    // Assert
    expect(legacyList.json).toMatchObject({ tickets: [{ id: zendeskId, comments: [{ public: true }] }] });
    expect(legacyOne.json).toMatchObject({ id: zendeskId, subject: 'Printer on fire' });
    expect(zendeskOne.json).toEqual(legacyOne.json);
    expect(genericList.json).toEqual({ tickets: [generic] });
    expect(genericOne.json).toEqual(generic);
    expect(freshdeskOne.json).toMatchObject({ id: freshdeskId, subject: 'Cannot log in' });
    expect([missing.status, unknownPart.status]).toEqual([404, 404]);
  });

  it('shows under /sandbox/tickets the tickets of the first part given, whichever it is', async () => {
    // Arrange
    const genericFirst = await startSandbox({ parts: [genericPart.with(GENERIC), zendeskPart.with(ZENDESK)] });
    const ticket = genericFirst.part(genericPart).createTicket({ subject: 'Login', requester: { email: 'grace@example.com' } });
    genericFirst
      .part(zendeskPart)
      .createUser({ name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });

    // Act
    const list = await get(`${genericFirst.baseUrl}/sandbox/tickets`);
    const one = await get(`${genericFirst.baseUrl}/sandbox/tickets/${ticket.id}`);
    await genericFirst.close();

    // Assert
    expect(list.json).toEqual({ tickets: [ticket] });
    expect(one.json).toEqual(ticket);
  });

  it('renders one HTML page with a section for every part, refreshing every 5 s', async () => {
    // Arrange
    seedZendesk();
    seedFreshdesk();
    sandbox.part(genericPart).createTicket({ subject: 'Refund please', requester: { email: 'alan@example.com' } });

    // Act
    const page = await get(`${sandbox.baseUrl}/sandbox`);

    // Assert
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('<meta http-equiv="refresh" content="5">');
    for (const name of ['zendesk', 'freshdesk', 'generic']) expect(page.text).toContain(`<section id="${name}">`);
    for (const subject of ['Printer on fire', 'Cannot log in', 'Refund please']) expect(page.text).toContain(subject);
  });

  it('serves GET only and logs nothing in the parts', async () => {
    // Act
    const posted = await fetch(`${sandbox.baseUrl}/sandbox/tickets`, { method: 'POST', body: '{}' });
    await get(`${sandbox.baseUrl}/sandbox`);

    // Assert
    expect(posted.status).toBe(404);
    expect([
      ...sandbox.part(zendeskPart).requests(),
      ...sandbox.part(freshdeskPart).requests(),
      ...sandbox.part(genericPart).requests(),
    ]).toEqual([]);
  });

  it.each(['/sandbox', '/sandbox/tickets', '/sandbox/tickets/1', '/sandbox/generic/tickets'])(
    'answers 403 on %s to a peer that is not on this machine, while the API still serves it',
    async (path) => {
      // Arrange
      const ticketId = seedZendesk();
      peersFromElsewhere();

      // Act
      const page = await get(`${sandbox.baseUrl}${path}`);
      const api = await get(`${sandbox.baseUrl}/api/v2/tickets/${ticketId}`, ZENDESK_AUTH);

      // Assert
      expect(page.status).toBe(403);
      expect(page.json).toMatchObject({ error: 'Forbidden' });
      expect(api.status).toBe(200);
    },
  );
});

describe('sandbox body limit', () => {
  it.each([
    ['Zendesk', '/api/v2/tickets/1', 'zendesk', '/api/v2/tickets/1'],
    ['Freshdesk', '/freshdesk/api/v2/tickets/1', 'freshdesk', '/api/v2/tickets/1'],
    ['the generic receiver', '/generic/decisions', 'generic', '/decisions'],
  ] as const)('answers 413 to a body over 1 MiB for %s, logged by that part', async (_label, path, part, logged) => {
    // Arrange
    seedZendesk();

    // Act
    const response = await fetch(`${sandbox.baseUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: ZENDESK_AUTH },
      body: JSON.stringify({ ticket: { comment: { body: 'x'.repeat(1024 * 1024), public: false } } }),
    });

    // Assert
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'RequestTooLarge' });
    expect(sandbox.control(part).requests()).toEqual([
      { method: 'PUT', path: logged, status: 413, at: expect.any(Number), answeredAt: expect.any(Number) },
    ]);
    expect(sandbox.part(zendeskPart).ticket(1)?.comments).toHaveLength(1);
  });
});
