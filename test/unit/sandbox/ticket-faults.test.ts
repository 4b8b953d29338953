import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRESHDESK_DEMO, freshdeskPart } from '../../../infra/sandbox/freshdesk/index.js';
import { startDemoSandbox } from '../../../infra/sandbox/index.js';
import type { Sandbox } from '../../../infra/sandbox/sandbox.js';
import { ZENDESK_DEMO, zendeskPart } from '../../../infra/sandbox/zendesk/index.js';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startDemoSandbox();
  const zendesk = sandbox.part(zendeskPart);
  zendesk.createUser({ id: 1, name: 'Ada', email: 'ada@example.com', external_id: null, user_fields: {}, identities: [] });
  for (let i = 0; i < 10; i += 1)
    zendesk.createTicket({ subject: `Ticket ${i + 1}`, description: 'Hello', requesterId: 1, priority: 'normal' });
});

afterEach(async () => {
  await sandbox.close();
});

const auth = { authorization: `Basic ${Buffer.from(`${ZENDESK_DEMO.agentEmail}/token:${ZENDESK_DEMO.apiToken}`).toString('base64')}` };
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.baseUrl}${path}`, { ...init, headers: { ...auth, ...init.headers } });
const post = (path: string, headers: Record<string, string> = {}) => fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', headers });

describe("failing one sandbox ticket's calls", () => {
  it('makes every call about that ticket answer 403, no other ticket (not ticket 10 for ticket 1), until mended', async () => {
    // Act
    const failed = await post('/sandbox/zendesk/tickets/1/fail');
    const during = [
      (await api('/api/v2/tickets/1')).status,
      (await api('/api/v2/tickets/1/comments')).status,
      (await api('/api/v2/tickets/1', { method: 'PUT', body: '{"ticket":{}}', headers: { 'content-type': 'application/json' } })).status,
      (await api('/api/v2/tickets/10')).status,
      (await api('/api/v2/tickets/2')).status,
    ];
    const mended = await post('/sandbox/zendesk/tickets/1/mend');
    const after = (await api('/api/v2/tickets/1')).status;

    // Assert
    expect(failed.status).toBe(200);
    expect(await failed.json()).toEqual({
      helpdesk: 'zendesk',
      ticket: '1',
      failing: true,
      status: 403,
      calls: '/api/v2/tickets/1 and below',
    });
    expect(during).toEqual([403, 403, 403, 200, 200]);
    expect(await mended.json()).toEqual({ helpdesk: 'zendesk', ticket: '1', failing: false, mended: true });
    expect(after).toBe(200);
  });

  it('fails with the status asked for, under the first helpdesk through /sandbox/tickets/{id} too', async () => {
    await post('/sandbox/tickets/2/fail?status=503');

    expect((await api('/api/v2/tickets/2')).status).toBe(503);
  });

  it("fails a Freshdesk ticket's calls under its mount, and no other's", async () => {
    // Arrange
    const freshdesk = sandbox.part(freshdeskPart);
    const contact = freshdesk.createContact({ id: 2001, name: 'Ada', email: 'ada@example.com' });
    const input = { description: 'Hello', requesterId: contact.id, priority: 2 as const, tags: [] };
    const [first, second] = [freshdesk.createTicket({ ...input, subject: 'One' }), freshdesk.createTicket({ ...input, subject: 'Two' })];
    const key = { authorization: `Basic ${Buffer.from(`${FRESHDESK_DEMO.apiKey}:X`).toString('base64')}` };
    const get = (id: number) =>
      fetch(`${sandbox.baseUrl}/freshdesk/api/v2/tickets/${id}`, { headers: key }).then((answer) => answer.status);

    // Act
    await post(`/sandbox/freshdesk/tickets/${first.id}/fail`);

    // Assert
    expect([await get(first.id), await get(second.id)]).toEqual([403, 200]);
  });

  it.each([
    ['GET', '/sandbox/zendesk/tickets/1/fail', {}, 405],
    ['POST', '/sandbox/zendesk/tickets/1/fail?status=302', {}, 400],
    ['POST', '/sandbox/zendesk/tickets/999/fail', {}, 404],
    ['POST', '/sandbox/nope/tickets/1/fail', {}, 404],
    ['POST', '/sandbox/generic/tickets/1/fail', {}, 404],
    ['POST', '/sandbox/zendesk/tickets/1/fail', { origin: 'https://evil.example' }, 403],
  ])('%s %s %o answers %i and fails nothing', async (method, path, headers, status) => {
    const answer = await fetch(`${sandbox.baseUrl}${path}`, { method, headers });

    expect(answer.status).toBe(status);
    expect((await api('/api/v2/tickets/1')).status).toBe(200);
  });
});
