import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { signZendeskPayload } from '../../shared/adapters/helpdesks/zendesk/signature.js';
import { type SandboxTicket, signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

const TIME_SCALE = 0.05;
let stack: LocalStack;
const output: string[] = [];

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  }
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { timeScale: TIME_SCALE, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
  });
});

afterAll(async () => {
  await stack?.close();
  vi.restoreAllMocks();
});

function newTicket(tags: string[] = ['printer'], requesterId = 1001): SandboxTicket {
  return stack.sandbox.part(zendeskPart).createTicket({ subject: 'Help', description: 'It broke.', requesterId, priority: 'normal', tags });
}

async function post(body: string, headers: Record<string, string>, tenant: string = DEMO.tenant): Promise<Response> {
  return fetch(`${stack.url}/webhooks/${tenant}/zendesk`, { method: 'POST', headers, body });
}

async function deliver(ticket: SandboxTicket, options: { eventId?: string; secret?: string } = {}): Promise<Response> {
  const delivery = signedTicketCreated({
    ticket,
    secret: options.secret ?? ZENDESK_DEMO.signingSecret,
    ...(options.eventId ? { eventId: options.eventId } : {}),
  });
  return post(delivery.body, delivery.headers);
}

const internalNotes = (id: number) =>
  stack.sandbox
    .part(zendeskPart)
    .ticket(id)
    ?.comments.filter((c) => !c.public) ?? [];
const putsTo = (id: number) =>
  stack.sandbox
    .part(zendeskPart)
    .requests()
    .filter((r) => r.method === 'PUT' && r.path.startsWith(`/api/v2/tickets/${id}`));

describe('a valid delivery', () => {
  it('is applied: priority raised, tags merged, one internal note that explains why', async () => {
    const started = Date.now();
    const ticket = newTicket(['printer', 'vip_by_hand']);

    const response = await deliver(ticket);
    await stack.queue.drained();

    expect(response.status).toBe(202);
    const after = stack.sandbox.part(zendeskPart).ticket(ticket.id);
    expect(after?.priority).toBe('high');
    expect(after?.tags).toEqual(['printer', 'vip_by_hand', 'influence_high']);
    const notes = internalNotes(ticket.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain('priority raised from normal to high (+1)');
    expect(notes[0]?.body).toContain('Reach 64 (high): 48k followers');
    expect(putsTo(ticket.id)).toHaveLength(1);
    const [decision] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
    expect(decision?.status).toBe('applied');
    expect(decision?.decision.tier).toBe('high');
    // Requests per ticket: the requester once (with identities), then one guarded PUT.
    const asked = stack.sandbox
      .part(zendeskPart)
      .requests()
      .filter((r) => r.at >= started);
    expect(asked.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /api/v2/users/show_many',
      `PUT /api/v2/tickets/${ticket.id}`,
    ]);
  });

  it('gives a customer with no score the baseline and writes nothing', async () => {
    const ticket = newTicket(['login'], 1002);

    await deliver(ticket);
    await stack.queue.drained();

    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('normal');
    expect(internalNotes(ticket.id)).toHaveLength(0);
    const [decision] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
    expect(decision?.status).toBe('skipped');
    expect(decision?.note).toContain('Tier: none (baseline service)');
  });

  it('gives an opted-out customer the baseline even with a top score', async () => {
    const ticket = newTicket(['billing'], 1003);

    await deliver(ticket);
    await stack.queue.drained();

    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('normal');
    const [decision] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
    expect(decision?.decision.guardrails.map((g) => g.id)).toContain('opted-out');
  });

  it('is accepted in the trigger-connected body too; the ticket is read first to merge its tags', async () => {
    const ticket = newTicket(['from_trigger']);
    const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = JSON.stringify({
      event: 'ticket_created',
      ticket_id: String(ticket.id),
      requester_id: '1001',
      requester_email: 'ada@example.com',
      requester_external_id: '',
      via: 'Web form',
    });
    const headers = {
      'content-type': 'application/json',
      'x-zendesk-webhook-invocation-id': randomUUID(),
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': signZendeskPayload({ secret: ZENDESK_DEMO.signingSecret, timestamp, body }),
    };

    const response = await post(body, headers);
    await stack.queue.drained();

    expect(response.status).toBe(202);
    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.tags).toEqual(['from_trigger', 'influence_high']);
  });
});

describe('duplicates and concurrency', () => {
  it('applies a duplicate delivery once', async () => {
    const ticket = newTicket();
    const eventId = randomUUID();

    const first = await deliver(ticket, { eventId });
    const second = await deliver(ticket, { eventId });
    await stack.queue.drained();

    expect([first.status, second.status]).toEqual([202, 202]);
    expect(internalNotes(ticket.id)).toHaveLength(1);
    // One write lands. Processed side by side, the copy's guarded update may get a 409 (its
    // stamp is stale), after which it finds the first one's note and writes nothing.
    const puts = putsTo(ticket.id).map((r) => r.status);
    expect(puts.filter((status) => status === 200)).toHaveLength(1);
    expect(puts.filter((status) => status !== 200 && status !== 409)).toEqual([]);
  });

  it('decides both of two deliveries that share an event id but are about different tickets', async () => {
    const first = newTicket();
    const second = newTicket();
    const eventId = randomUUID();

    await deliver(first, { eventId });
    await deliver(second, { eventId });
    await stack.queue.drained();

    expect(internalNotes(first.id)).toHaveLength(1);
    expect(internalNotes(second.id)).toHaveLength(1);
  });

  it('applies two different deliveries about the same new ticket once', async () => {
    const ticket = newTicket();

    await deliver(ticket);
    await stack.queue.drained();
    await deliver(ticket);
    await stack.queue.drained();

    expect(internalNotes(ticket.id)).toHaveLength(1);
  });

  it('re-reads the ticket after a 409 and keeps what a person changed meanwhile', async () => {
    const ticket = newTicket();
    const stale = { ...ticket };
    await fetch(`${stack.sandbox.part(zendeskPart).baseUrl}/api/v2/tickets/${ticket.id}`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`${ZENDESK_DEMO.agentEmail}/token:${ZENDESK_DEMO.apiToken}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ticket: { tags: ['printer', 'escalated'], priority: 'urgent' } }),
    });

    await deliver(stale);
    await stack.queue.drained();

    const after = stack.sandbox.part(zendeskPart).ticket(ticket.id);
    expect(after?.priority).toBe('urgent');
    expect(after?.tags).toEqual(['printer', 'escalated', 'influence_high']);
    expect(internalNotes(ticket.id)[0]?.body).toContain('cannot go above urgent');
    const statuses = stack.sandbox
      .part(zendeskPart)
      .requests()
      .filter((r) => r.path === `/api/v2/tickets/${ticket.id}`)
      .map((r) => r.status);
    expect(statuses).toContain(409);
  });
});

describe('helpdesk failures', () => {
  it('waits for Retry-After on a 429, then applies', async () => {
    const ticket = newTicket();
    stack.sandbox
      .part(zendeskPart)
      .failNext({ status: 429, count: 1, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}`, headers: { 'retry-after': '4' } });

    await deliver(ticket);
    await stack.queue.drained();

    const puts = putsTo(ticket.id);
    expect(puts.map((r) => r.status)).toEqual([429, 200]);
    const waitedMs = (puts[1]?.at ?? 0) - (puts[0]?.at ?? 0);
    expect(waitedMs).toBeGreaterThanOrEqual(4000 * TIME_SCALE);
    expect(internalNotes(ticket.id)).toHaveLength(1);
  });

  it('writes once when Zendesk applied a write but its answer was lost: no second note, no second uplift', async () => {
    const ticket = newTicket();
    stack.sandbox
      .part(zendeskPart)
      .failNext({ status: 504, count: 1, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}`, applyFirst: true });

    await deliver(ticket);
    await stack.queue.drained();

    // The retry's guarded PUT is refused (the ticket changed: by the write that landed), and the
    // re-read finds that write's note, so nothing is written twice.
    expect(putsTo(ticket.id).map((r) => r.status)).toEqual([504, 409]);
    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('high');
    expect(internalNotes(ticket.id)).toHaveLength(1);
    const [decision] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
    expect(decision?.status).toBe('applied');
  });

  it('keeps waiting out 429s without using up the attempts that would dead-letter the event', async () => {
    const ticket = newTicket();
    stack.sandbox
      .part(zendeskPart)
      .failNext({ status: 429, count: 6, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}`, headers: { 'retry-after': '1' } });

    await deliver(ticket);
    await stack.queue.drained();

    expect(putsTo(ticket.id).map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 429, 200]);
    expect(stack.queue.deadLettered()).toHaveLength(0);
    expect(internalNotes(ticket.id)).toHaveLength(1);
  });

  it('sends an event the helpdesk refuses for good to the dead-letter queue at once, the decision marked failed with the reason; a replay applies it', async () => {
    const ticket = newTicket();
    stack.sandbox.part(zendeskPart).failNext({ status: 403, count: 1, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}` });

    await deliver(ticket);
    await stack.queue.drained();

    expect(putsTo(ticket.id).map((r) => r.status)).toEqual([403]);
    const [dead] = stack.queue.deadLettered();
    expect(dead?.attributes['deadLetterReason']).toMatch(/PermanentHelpdeskError \(403\)/);
    const [failed] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
    expect(failed?.status).toBe('failed');
    expect(failed?.failedReason).toContain('403');

    await fetch(`${stack.url}/admin/dlq/replay`, { method: 'POST' });
    await stack.queue.drained();

    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('high');
    expect(internalNotes(ticket.id)).toHaveLength(1);
    const [applied] = await stack.decisions.listForTicket(DEMO.tenant, String(ticket.id));
    expect(applied?.status).toBe('applied');
  });

  it('sends an event that keeps failing with 5xx to the dead-letter queue, and a replay applies it', async () => {
    const ticket = newTicket();
    stack.sandbox.part(zendeskPart).failNext({ status: 503, count: 4, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}` });

    await deliver(ticket);
    await stack.queue.drained();

    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('normal');
    const queue = (await (await fetch(`${stack.url}/admin/queue`)).json()) as { deadLetters: { ticketId: string }[] };
    expect(queue.deadLetters.map((m) => m.ticketId)).toEqual([String(ticket.id)]);
    // Moved by the processor on its last attempt, with why, rather than by the redrive with no reason.
    expect(stack.queue.deadLettered()[0]?.attributes['deadLetterReason']).toMatch(/^failed 4 times; last: .*503/);

    const replay = (await (await fetch(`${stack.url}/admin/dlq/replay`, { method: 'POST' })).json()) as { replayed: number };
    await stack.queue.drained();

    expect(replay.replayed).toBe(1);
    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('high');
    expect(internalNotes(ticket.id)).toHaveLength(1);
    expect(stack.queue.deadLettered()).toHaveLength(0);
  });
});

describe('bad input is rejected and never enqueued', () => {
  async function expectRejected(response: Response, status: number): Promise<Record<string, unknown>> {
    expect(response.status).toBe(status);
    expect(stack.queue.pending()).toHaveLength(0);
    return (await response.json()) as Record<string, unknown>;
  }

  it('answers 401 to a wrong signature', async () => {
    const ticket = newTicket();

    const response = await deliver(ticket, { secret: 'not-the-secret' });

    await expectRejected(response, 401);
    await new Promise((r) => setTimeout(r, 50));
    expect(internalNotes(ticket.id)).toHaveLength(0);
  });

  it('answers 400 with the issues to a malformed payload', async () => {
    const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = JSON.stringify({ type: 'zen:event-type:ticket.created', id: 'x', detail: { id: 'abc' } });
    const headers = {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': signZendeskPayload({ secret: ZENDESK_DEMO.signingSecret, timestamp, body }),
    };

    const answer = await expectRejected(await post(body, headers), 400);

    expect(answer.error).toBe('invalid_payload');
    expect(Array.isArray(answer.issues)).toBe(true);
  });

  it('answers 404 to an unknown tenant', async () => {
    const delivery = signedTicketCreated({ ticket: newTicket(), secret: ZENDESK_DEMO.signingSecret });

    await expectRejected(await post(delivery.body, delivery.headers, 'nobody'), 404);
  });

  it('answers 413 to an oversized body', async () => {
    const delivery = signedTicketCreated({ ticket: newTicket(), secret: ZENDESK_DEMO.signingSecret });

    await expectRejected(await post(delivery.body + ' '.repeat(300 * 1024), delivery.headers), 413);
  });

  it('answers 415 to a form-encoded body', async () => {
    const delivery = signedTicketCreated({ ticket: newTicket(), secret: ZENDESK_DEMO.signingSecret });

    await expectRejected(await post(delivery.body, { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' }), 415);
  });
});

describe('logs', () => {
  it('never contain the signing secret, signatures, the API token or raw emails', () => {
    const logs = output.join('');

    expect(logs).toContain('event processed');
    expect(logs).toContain('event failed; it will be retried');
    expect(logs).not.toContain(ZENDESK_DEMO.signingSecret);
    expect(logs).not.toContain(ZENDESK_DEMO.apiToken);
    expect(logs).not.toContain('ada@example.com');
    expect(logs).not.toMatch(/x-zendesk-webhook-signature"\s*:/);
  });
});
