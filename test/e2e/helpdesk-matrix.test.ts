import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { signStandardWebhook } from '../../shared/adapters/webhooks/standard-webhooks.js';
import type { SandboxFault, SandboxRequest } from '../../infra/sandbox/sandbox.js';
import type { SandboxDemo, SignedDelivery } from '../../infra/sandbox/sandbox-demo.js';
import { demoFor } from '../../infra/sandbox/index.js';
import { FRESHDESK_DEMO } from '../../infra/sandbox/freshdesk/demo.js';
import { GENERIC_DEMO } from '../../infra/sandbox/generic/demo.js';
import { ZENDESK_DEMO } from '../../infra/sandbox/zendesk/index.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { freshdeskPart } from '../../infra/sandbox/freshdesk/index.js';
import { genericPart } from '../../infra/sandbox/generic/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// Its faults are injected on purpose, and their ERROR lines would read as failures in a passing
// run: the stack's logs are silenced (set POWERTOOLS_LOG_LEVEL to see them); every check is on
// what the helpdesks and the table hold, and a failing one prints what it found.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const TIME_SCALE = 0.05;
const MAX_RECEIVES = 4;

/** A second tenant on each helpdesk, with secrets of its own: its secret must open no other tenant. */
const OTHER = {
  freshdesk: { tenant: 'other-freshdesk', secret: 'other-freshdesk-shared-secret' },
  generic: { tenant: 'other-generic', secret: 'whsec_b3RoZXItZ2VuZXJpYy1pbmJvdW5kLXNlY3JldA==' },
} as const;

function otherTenants(sandboxUrl: string): TenantInput[] {
  return [
    {
      id: OTHER.freshdesk.tenant,
      helpdesk: { kind: 'freshdesk', baseUrl: `${sandboxUrl}/freshdesk`, apiKey: { value: FRESHDESK_DEMO.apiKey } },
      sources: { freshdesk: { sharedSecrets: [{ value: OTHER.freshdesk.secret }] } },
    },
    {
      id: OTHER.generic.tenant,
      helpdesk: { kind: 'generic', decisionsUrl: `${sandboxUrl}/generic/decisions`, signingSecret: { value: GENERIC_DEMO.outboundSecret } },
      sources: { generic: { signingSecrets: [{ value: OTHER.generic.secret }] } },
    },
  ];
}

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    extraTenants: otherTenants,
    queue: { timeScale: TIME_SCALE, maxReceiveCount: MAX_RECEIVES, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
  });
});

afterAll(async () => {
  await stack?.close();
});

type Person = 'ada' | 'grace' | 'alan';

/** What a test sees of a ticket, in the product's vocabulary, whichever helpdesk holds it. */
interface TicketView {
  priority: string | null;
  tags: string[];
  notes: string[];
}

/** How the matrix drives one helpdesk's sandbox; every assertion is the same for all of them. */
interface Driver {
  demo: SandboxDemo;
  otherTenant: { tenant: string; secret: string };
  newTicket(person: Person, tags: string[]): string;
  view(id: string): TicketView;
  /** The ticket as the sandbox shows it now, for building its webhook. */
  inspected(id: string): unknown;
  /** Makes the write that carries the decision's priority and tags fail. */
  failWrite(id: string, fault: Omit<SandboxFault, 'method' | 'pathPrefix'>): void;
  personAddsTag(id: string, tag: string): void;
  /** Every API request about the ticket or its requester. */
  requests(id: string): SandboxRequest[];
  /** The path of the write that carries priority and tags. */
  writeMethod: string;
  malformed(): SignedDelivery;
}

const FRESHDESK_PRIORITIES: Record<number, string> = { 1: 'low', 2: 'normal', 3: 'high', 4: 'urgent' };
const FRESHDESK_CONTACTS: Record<Person, number> = { ada: 2001, grace: 2002, alan: 2003 };
const GENERIC_REQUESTERS: Record<Person, { id: string; email: string }> = {
  ada: { id: 'u-1001', email: 'ada@example.com' },
  grace: { id: 'u-1002', email: 'grace@example.com' },
  alan: { id: 'u-1003', email: 'alan@example.com' },
};

function freshdeskDriver(): Driver {
  const desk = () => stack.sandbox.part(freshdeskPart);
  return {
    demo: demoOf('freshdesk'),
    otherTenant: OTHER.freshdesk,
    newTicket: (person, tags) =>
      String(
        desk().createTicket({ subject: 'Help', description: 'It broke.', requesterId: FRESHDESK_CONTACTS[person], priority: 2, tags }).id,
      ),
    view: (id) => {
      const ticket = desk().ticket(Number(id));
      return {
        priority: ticket ? (FRESHDESK_PRIORITIES[ticket.priority] ?? null) : null,
        tags: ticket?.tags ?? [],
        notes: (ticket?.conversations ?? []).filter((c) => c.private).map((c) => c.body_text),
      };
    },
    inspected: (id) => desk().ticket(Number(id)),
    failWrite: (id, fault) => desk().failNext({ ...fault, method: 'PUT', pathPrefix: `/api/v2/tickets/${id}` }),
    personAddsTag: (id, tag) => {
      desk().editTicket(Number(id), { tags: [...(desk().ticket(Number(id))?.tags ?? []), tag] });
    },
    requests: (id) => {
      const ticket = desk().ticket(Number(id));
      return desk()
        .requests()
        .filter((r) => r.path.startsWith(`/api/v2/tickets/${id}`) || r.path === `/api/v2/contacts/${ticket?.requester_id ?? 0}`);
    },
    writeMethod: 'PUT',
    malformed: () => ({
      // A requester name with a quote, pasted raw by the placeholder, breaks the JSON.
      body: '{"event":"ticket_created","ticket":{"id":"1"},"requester":{"name":"Ada "The Countess" Lovelace"}}',
      headers: { 'content-type': 'application/json', 'x-influence-router-token': FRESHDESK_DEMO.sharedSecret },
    }),
  };
}

function genericDriver(): Driver {
  const desk = () => stack.sandbox.part(genericPart);
  return {
    demo: demoOf('generic'),
    otherTenant: OTHER.generic,
    newTicket: (person, tags) =>
      desk().createTicket({ subject: 'Help', priority: 'normal', tags, requester: GENERIC_REQUESTERS[person] }).id,
    view: (id) => {
      const ticket = desk().ticket(id);
      return { priority: ticket?.priority ?? null, tags: ticket?.tags ?? [], notes: (ticket?.notes ?? []).map((n) => n.body) };
    },
    inspected: (id) => desk().ticket(id),
    failWrite: (_id, fault) => desk().failNext({ ...fault, method: 'POST', pathPrefix: '/decisions' }),
    personAddsTag: (id, tag) => {
      desk().editTicket(id, { tags: [...(desk().ticket(id)?.tags ?? []), tag] });
    },
    // The receiver takes every decision on one path; the tests run one at a time, so the log is the ticket's since `mark`.
    requests: () =>
      desk()
        .requests()
        .filter((r) => r.path === '/decisions' && r.at >= mark),
    writeMethod: 'POST',
    malformed: () => {
      const body = JSON.stringify({ type: 'ticket.created', ticket: { id: 'not a ticket id!' }, requester: { email: 'ada@example.com' } });
      const now = new Date();
      const id = `msg_${randomUUID()}`;
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signStandardWebhook({ secret: GENERIC_DEMO.inboundSecret, id, timestamp: now, body }),
        },
      };
    },
  };
}

let mark = 0;

function demoOf(helpdesk: string): SandboxDemo {
  const demo = demoFor(helpdesk);
  if (!demo) throw new Error(`no demo for ${helpdesk}`);
  return demo;
}

async function post(driver: Driver, delivery: SignedDelivery, tenant = driver.demo.tenantId): Promise<Response> {
  return fetch(`${stack.url}/webhooks/${tenant}/${driver.demo.source}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
}

async function deliver(driver: Driver, id: string, options: { secret?: string; deliveryId?: string } = {}): Promise<Response> {
  return post(driver, driver.demo.delivery(driver.inspected(id), options));
}

/** Requests per ticket on the usual path, by helpdesk, for the notes: a known, scored customer's first ticket. */
const requestsPerTicket: Record<string, number> = {};

describe.each([
  ['freshdesk', freshdeskDriver],
  ['generic', genericDriver],
])('%s: the ticket-created matrix', (name, makeDriver) => {
  const driver = makeDriver();

  it('applies a valid delivery once: priority raised, tags merged, one internal note', async () => {
    mark = Date.now();
    const id = driver.newTicket('ada', ['printer']);

    const response = await deliver(driver, id);
    await stack.queue.drained();

    expect(response.status).toBe(202);
    const after = driver.view(id);
    expect(after.priority).toBe('high');
    expect(after.tags).toEqual(['printer', 'influence_high']);
    expect(after.notes).toHaveLength(1);
    expect(after.notes[0]).toContain('priority raised from normal to high (+1)');
    const [decision] = await stack.decisions.listForTicket(driver.demo.tenantId, id);
    expect(decision?.status).toBe('applied');
    expect(decision?.decisionId).toBe(`${name}:ticket-created:${id}`);
    requestsPerTicket[name] = driver.requests(id).length;
    // Freshdesk: the contact once, the re-read before the write, the PUT, the note. Generic: one signed POST.
    expect(driver.requests(id).map((r) => r.method)).toEqual(name === 'freshdesk' ? ['GET', 'GET', 'PUT', 'POST'] : ['POST']);
  });

  it('applies a duplicate delivery once', async () => {
    mark = Date.now();
    const id = driver.newTicket('ada', ['printer']);
    const deliveryId = `msg_${randomUUID()}`;

    const first = await deliver(driver, id, { deliveryId });
    const second = await deliver(driver, id, { deliveryId });
    await stack.queue.drained();
    const third = await deliver(driver, id);
    await stack.queue.drained();

    expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
    expect(driver.view(id).notes).toHaveLength(1);
    expect(driver.view(id).priority).toBe('high');
    expect(driver.requests(id).filter((r) => r.method === driver.writeMethod && r.status < 300)).toHaveLength(1);
  });

  it.each([
    [
      'a wrong secret',
      (d: Driver) =>
        d.demo.delivery(d.inspected(d.newTicket('ada', [])), {
          secret: name === 'generic' ? 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==' : 'wrong-secret',
        }),
    ],
    ["another tenant's secret", (d: Driver) => d.demo.delivery(d.inspected(d.newTicket('ada', [])), { secret: d.otherTenant.secret })],
    [
      'no credentials',
      (d: Driver) => {
        const delivery = d.demo.delivery(d.inspected(d.newTicket('ada', [])));
        const headers = Object.fromEntries(
          Object.entries(delivery.headers).filter(([key]) => key === 'content-type' || key === 'webhook-id' || key === 'webhook-timestamp'),
        );
        return { ...delivery, headers };
      },
    ],
  ])('answers 401 to %s and enqueues nothing', async (_label, make) => {
    const delivery = make(driver);

    const response = await post(driver, delivery);

    expect(response.status).toBe(401);
    expect(stack.queue.pending()).toHaveLength(0);
  });

  it('lets the other tenant in with its own secret, and only for itself', async () => {
    const id = driver.newTicket('grace', []);
    const delivery = driver.demo.delivery(driver.inspected(id), { secret: driver.otherTenant.secret });

    const own = await post(driver, delivery, driver.otherTenant.tenant);
    await stack.queue.drained();

    expect(own.status).toBe(202);
  });

  it('answers 400 to a malformed body and enqueues nothing', async () => {
    const response = await post(driver, driver.malformed());

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_payload');
    expect(stack.queue.pending()).toHaveLength(0);
  });

  it('waits out a 429 for its Retry-After, then applies once', async () => {
    mark = Date.now();
    const id = driver.newTicket('ada', ['printer']);
    driver.failWrite(id, { status: 429, count: 1, headers: { 'retry-after': '2' } });

    await deliver(driver, id);
    await stack.queue.drained();

    const writes = driver.requests(id).filter((r) => r.method === driver.writeMethod);
    expect(writes.map((r) => r.status)).toEqual([429, 200]);
    expect((writes[1]?.at ?? 0) - (writes[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000 * TIME_SCALE);
    expect(driver.view(id).notes).toHaveLength(1);
  });

  it('sends an event that keeps failing with 5xx to the dead-letter queue; a replay applies it once', async () => {
    mark = Date.now();
    const id = driver.newTicket('ada', ['printer']);
    driver.failWrite(id, { status: 503, count: MAX_RECEIVES });

    await deliver(driver, id);
    await stack.queue.drained();

    expect(driver.view(id).priority).toBe('normal');
    expect(stack.queue.deadLettered().map((m) => JSON.parse(m.body).ticket.id)).toEqual([id]);

    const replay = (await (await fetch(`${stack.url}/admin/dlq/replay`, { method: 'POST' })).json()) as { replayed: number };
    await stack.queue.drained();

    expect(replay.replayed).toBe(1);
    expect(driver.view(id).priority).toBe('high');
    expect(driver.view(id).notes).toHaveLength(1);
    expect(stack.queue.deadLettered()).toHaveLength(0);
  });

  it('keeps a tag a person added after the webhook was sent', async () => {
    const id = driver.newTicket('ada', ['printer']);
    const stale = driver.demo.delivery(driver.inspected(id));
    driver.personAddsTag(id, 'escalated');

    await post(driver, stale);
    await stack.queue.drained();

    expect(driver.view(id).tags).toEqual(['printer', 'escalated', 'influence_high']);
    expect(driver.view(id).notes).toHaveLength(1);
  });

  it.each([
    ['with no score', 'grace' as const, 'Tier: none (baseline service)'],
    ['who opted out', 'alan' as const, 'opted out'],
  ])('leaves the ticket of a customer %s as it was', async (_label, person, said) => {
    const id = driver.newTicket(person, ['login']);
    const before = driver.view(id);

    await deliver(driver, id);
    await stack.queue.drained();

    expect(driver.view(id)).toEqual(before);
    const [decision] = await stack.decisions.listForTicket(driver.demo.tenantId, id);
    expect(decision?.status).toBe('skipped');
    expect(decision?.note).toContain(said);
  });
});

describe('freshdesk: a write whose note failed after its PUT landed', () => {
  it('is finished on retry with one note and one raise, never two', async () => {
    const driver = freshdeskDriver();
    const id = driver.newTicket('ada', ['printer']);
    stack.sandbox.part(freshdeskPart).failNext({ status: 500, count: 1, method: 'POST', pathPrefix: `/api/v2/tickets/${id}/notes` });

    await deliver(driver, id);
    await stack.queue.drained();

    const after = driver.view(id);
    expect(after.priority).toBe('high');
    expect(after.tags).toEqual(['printer', 'influence_high']);
    expect(after.notes).toHaveLength(1);
    expect(after.notes[0]).toContain('priority raised from normal to high (+1)');
  });
});

describe('requests per ticket', () => {
  it('are as few as each API allows', () => {
    expect(requestsPerTicket).toEqual({ freshdesk: 4, generic: 1 });
  });

  it('the default tenant keeps its own secret: the other helpdesks refuse it', async () => {
    const driver = freshdeskDriver();
    const delivery = driver.demo.delivery(driver.inspected(driver.newTicket('ada', [])), { secret: ZENDESK_DEMO.signingSecret });

    expect((await post(driver, delivery)).status).toBe(401);
  });
});
