import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { GENERIC_DEMO, genericSolvedDelivery } from '../../infra/sandbox/generic/demo.js';
import { genericPart } from '../../infra/sandbox/generic/index.js';
import { demoFor } from '../../infra/sandbox/index.js';
import { FRESHDESK_DEMO, resolvedRuleDelivery } from '../../infra/sandbox/freshdesk/demo.js';
import { freshdeskPart } from '../../infra/sandbox/freshdesk/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
  });
});

afterAll(async () => {
  await stack?.close();
});

const ADA = { id: 'u-1001', email: 'ada@example.com' };
const MINUTE = 60_000;

async function consolePage(tenant: string, decisionId: string): Promise<string> {
  const response = await fetch(`${stack.url}/console/decisions/${encodeURIComponent(tenant)}/${encodeURIComponent(decisionId)}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('outcomes through the generic helpdesk, end to end', () => {
  it('decides a ticket, then stores what followed its solve with the decision, in the day index and on the decision page', async () => {
    const desk = stack.sandbox.part(genericPart);
    const created = desk.createTicket({ subject: 'Printer on fire', priority: 'normal', tags: ['printer'], requester: ADA });
    const delivered = await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, {
      method: 'POST',
      ...demoFor('generic')?.delivery(created),
    });
    expect(delivered.status).toBe(202);
    await stack.queue.drained();
    const decisionId = `generic:ticket-created:${created.id}`;
    expect((await stack.decisions.get(GENERIC_DEMO.tenant, decisionId))?.status).toBe('applied');

    const createdAt = Date.parse(created.created_at);
    desk.replyToTicket(created.id, new Date(createdAt + 42 * MINUTE));
    const solved = desk.solveTicket(created.id, new Date(createdAt + 300 * MINUTE));
    const answer = await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, {
      method: 'POST',
      ...genericSolvedDelivery(solved),
    });
    expect(answer.status).toBe(202);
    await stack.queue.drained();

    const record = await stack.decisions.get(GENERIC_DEMO.tenant, decisionId);
    expect(record?.status).toBe('applied');
    expect(record?.outcome).toMatchObject({ firstReplyMinutes: 42, resolutionMinutes: 300, reopens: 0, source: 'generic' });
    const day = new Date(record?.decidedAt ?? 0).toISOString().slice(0, 10);
    const listing = (await stack.decisions.listDay(GENERIC_DEMO.tenant, day, { limit: 100 })).listings.find(
      (entry) => entry.decisionId === decisionId,
    );
    expect(listing?.summary).toMatchObject({ frMin: 42, resMin: 300, reopens: 0, solvedAt: new Date(solved.solved_at ?? 0).toISOString() });

    const page = await consolePage(GENERIC_DEMO.tenant, decisionId);
    expect(page).toContain('First reply');
    expect(page).toContain('42 min');
    expect(page).toContain('5 h 0 min');

    // Reopened and solved again: the later solve wins and the reopen is counted.
    desk.reopenTicket(created.id);
    const again = desk.solveTicket(created.id, new Date(createdAt + 600 * MINUTE));
    await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, { method: 'POST', ...genericSolvedDelivery(again) });
    // The first solve's event delivered again, late: ignored.
    await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, { method: 'POST', ...genericSolvedDelivery(solved) });
    await stack.queue.drained();
    expect((await stack.decisions.get(GENERIC_DEMO.tenant, decisionId))?.outcome).toMatchObject({ resolutionMinutes: 600, reopens: 1 });
  });

  it('records a solved ticket that was never decided as a baseline record', async () => {
    const desk = stack.sandbox.part(genericPart);
    const ticket = desk.createTicket({ subject: 'Never sent in', priority: 'normal', requester: { id: 'u-9999' } });
    const solved = desk.solveTicket(ticket.id);

    const answer = await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, {
      method: 'POST',
      ...genericSolvedDelivery(solved),
    });
    await stack.queue.drained();

    expect(answer.status).toBe(202);
    const record = await stack.decisions.get(GENERIC_DEMO.tenant, `generic:ticket-created:${ticket.id}`);
    expect(record).toMatchObject({ status: 'baseline', decidedAt: new Date(ticket.created_at).toISOString() });
    expect(record?.outcome).not.toHaveProperty('firstReplyMinutes');
    const page = await consolePage(GENERIC_DEMO.tenant, `generic:ticket-created:${ticket.id}`);
    expect(page).toContain('no reply yet');
  });

  it('refuses a solved event with a bad signature or body with a 4xx, and queues nothing', async () => {
    const desk = stack.sandbox.part(genericPart);
    const ticket = desk.solveTicket(desk.createTicket({ subject: 'x', requester: { id: 'u-1' } }).id);
    const forged = genericSolvedDelivery(ticket, { secret: 'whsec_Zm9yZ2VkLXNlY3JldC1mb3JnZWQtc2VjcmV0LWZvcmdlZA==' });
    expect((await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, { method: 'POST', ...forged })).status).toBe(401);
    const backwards = genericSolvedDelivery({ ...ticket, solved_at: '2000-01-01T00:00:00Z' });
    const refused = await fetch(`${stack.url}/webhooks/${GENERIC_DEMO.tenant}/generic`, { method: 'POST', ...backwards });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('ticket.solved_at');
    await stack.queue.drained();
    expect(await stack.decisions.get(GENERIC_DEMO.tenant, `generic:ticket-created:${ticket.id}`)).toBeUndefined();
  });
});

describe('outcomes through Freshdesk, end to end', () => {
  it("reads a resolved ticket's times from its stats (include=stats) when the resolved rule sends its id", async () => {
    const desk = stack.sandbox.part(freshdeskPart);
    const auth = {
      authorization: `Basic ${Buffer.from(`${FRESHDESK_DEMO.apiKey}:X`).toString('base64')}`,
      'content-type': 'application/json',
    };
    const ticket = desk.createTicket({ subject: 'Help', description: 'It broke.', requesterId: 2001, priority: 2, tags: ['printer'] });
    await fetch(`${stack.url}/webhooks/${FRESHDESK_DEMO.tenant}/freshdesk`, {
      method: 'POST',
      ...demoFor('freshdesk')?.delivery(desk.ticket(ticket.id)),
    });
    await stack.queue.drained();
    const decisionId = `freshdesk:ticket-created:${ticket.id}`;
    expect((await stack.decisions.get(FRESHDESK_DEMO.tenant, decisionId))?.status).toBe('applied');

    const opened = Date.now() - 120 * MINUTE;
    desk.backdateTicket(ticket.id, new Date(opened));
    const api = `${desk.baseUrl}/api/v2/tickets/${ticket.id}`;
    await fetch(`${api}/notes`, { method: 'POST', headers: auth, body: JSON.stringify({ body: 'On our way.', private: false }) });
    const resolved = await fetch(api, { method: 'PUT', headers: auth, body: JSON.stringify({ status: 4 }) });
    expect(resolved.status).toBe(200);
    const answer = await fetch(`${stack.url}/webhooks/${FRESHDESK_DEMO.tenant}/freshdesk`, {
      method: 'POST',
      ...resolvedRuleDelivery(ticket.id),
    });
    expect(answer.status).toBe(202);
    await stack.queue.drained();

    const { stats } = desk.ticket(ticket.id) ?? { stats: undefined };
    const record = await stack.decisions.get(FRESHDESK_DEMO.tenant, decisionId);
    expect(record?.outcome).toMatchObject({
      solvedAt: new Date(stats?.resolved_at ?? 0).toISOString(),
      firstReplyMinutes: Math.round((Date.parse(stats?.first_responded_at ?? '') - opened) / MINUTE),
      resolutionMinutes: Math.round((Date.parse(stats?.resolved_at ?? '') - opened) / MINUTE),
      reopens: 0,
      source: 'freshdesk-stats',
    });
    expect(
      desk.requests().filter((request) => request.path === `/api/v2/tickets/${ticket.id}` && request.method === 'GET').length,
    ).toBeGreaterThan(0);
  });

  it('refuses a resolved rule body without the tenant secret, or with a ticket id that is not one', async () => {
    const wrong = await fetch(`${stack.url}/webhooks/${FRESHDESK_DEMO.tenant}/freshdesk`, {
      method: 'POST',
      ...resolvedRuleDelivery(1, 'not-the-secret'),
    });
    expect(wrong.status).toBe(401);
    const delivery = resolvedRuleDelivery(1);
    const bad = await fetch(`${stack.url}/webhooks/${FRESHDESK_DEMO.tenant}/freshdesk`, {
      method: 'POST',
      headers: delivery.headers,
      body: JSON.stringify({ event: 'ticket_resolved', ticket: { id: 'abc' } }),
    });
    expect(bad.status).toBe(400);
  });
});
