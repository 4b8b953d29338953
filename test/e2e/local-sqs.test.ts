import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import type { LocalQueue } from '../../infra/local/local-queue.js';
import { type SandboxTicket, signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';

/*
 * Local mode with LOCAL_QUEUE=sqs: the same path as the in-process queue's tests, but every event
 * goes through the functions' own SQS adapters to the fauxqs emulator and back through the
 * stand-in for Lambda's event source, in real time.
 */

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

let stack: LocalStack<LocalQueue>;

beforeAll(async () => {
  stack = await startLocalStack({
    queueMode: 'sqs',
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-sqs-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { maxReceiveCount: 3, visibilityTimeoutMs: 30_000 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 1 },
  });
});

afterAll(async () => {
  await stack?.close();
});

const newTicket = (): SandboxTicket =>
  stack.sandbox
    .part(zendeskPart)
    .createTicket({ subject: 'Help', description: 'It broke.', requesterId: 1001, priority: 'normal', tags: ['printer'] });

async function deliver(ticket: SandboxTicket): Promise<Response> {
  const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
  return fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, { method: 'POST', headers: delivery.headers, body: delivery.body });
}

const internalNotes = (id: number) =>
  stack.sandbox
    .part(zendeskPart)
    .ticket(id)
    ?.comments.filter((comment) => !comment.public) ?? [];
const putsTo = (id: number) =>
  stack.sandbox
    .part(zendeskPart)
    .requests()
    .filter((r) => r.method === 'PUT' && r.path.startsWith(`/api/v2/tickets/${id}`));

const AdminQueueSchema = z.object({
  queue: z.string(),
  pending: z.array(z.object({ ticketId: z.string().optional() })),
  deadLetters: z.array(
    z.object({ ticketId: z.string().optional(), deadLetterReason: z.string().optional(), deadLetteredAt: z.string().optional() }),
  ),
});

describe('local mode on the SQS emulator', () => {
  it('runs the emulator on loopback and applies a ticket webhook through it: priority raised, one internal note', async () => {
    const ticket = newTicket();

    const response = await deliver(ticket);
    await stack.queue.drained(30_000);

    expect(response.status).toBe(202);
    expect(stack.queue.mode).toBe('sqs');
    expect(stack.sqsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('high');
    expect(internalNotes(ticket.id)).toHaveLength(1);
    expect(AdminQueueSchema.parse(await (await fetch(`${stack.url}/admin/queue`)).json())).toEqual({
      queue: 'sqs',
      pending: [],
      deadLetters: [],
    });
  });

  it('puts an event the helpdesk answers 429 back as a delayed copy, and applies it once', async () => {
    const ticket = newTicket();
    stack.sandbox
      .part(zendeskPart)
      .failNext({ status: 429, count: 2, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}`, headers: { 'retry-after': '1' } });

    await deliver(ticket);
    await stack.queue.drained(30_000);

    expect(putsTo(ticket.id).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(internalNotes(ticket.id)).toHaveLength(1);
    expect((await stack.queue.snapshot()).deadLetters).toEqual([]);
  });

  it('dead-letters an event that fails on every receive, with why; the console says what the emulator does not record; a replay applies it once', async () => {
    const ticket = newTicket();
    stack.sandbox.part(zendeskPart).failNext({ status: 503, count: 3, method: 'PUT', pathPrefix: `/api/v2/tickets/${ticket.id}` });

    await deliver(ticket);
    await stack.queue.drained(30_000);
    const queue = AdminQueueSchema.parse(await (await fetch(`${stack.url}/admin/queue`)).json());
    const page = await (await fetch(`${stack.url}/console/queue`)).text();

    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('normal');
    expect(queue.deadLetters).toEqual([
      {
        ticketId: String(ticket.id),
        deadLetterReason: expect.stringMatching(/^failed 3 times; last: .*503/),
        deadLetteredAt: expect.any(String),
      },
    ]);
    expect(page).toContain('fauxqs emulator');
    expect(page).toContain('no StartMessageMoveTask');
    expect(page).toContain('fair-queue ordering');

    const replay = z
      .object({ replayed: z.number() })
      .parse(await (await fetch(`${stack.url}/admin/dlq/replay`, { method: 'POST' })).json());
    await stack.queue.drained(30_000);

    expect(replay.replayed).toBe(1);
    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.priority).toBe('high');
    expect(internalNotes(ticket.id)).toHaveLength(1);
    expect((await stack.queue.snapshot()).deadLetters).toEqual([]);
  });
});
