import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { checkLedger, type SentTicket } from '../../infra/load/ledger.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { startDynamoFaultProxy } from '../support/dynamo-fault-proxy.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

let proxy: Awaited<ReturnType<typeof startDynamoFaultProxy>>;
let stack: LocalStack;

beforeAll(async () => {
  proxy = await startDynamoFaultProxy(inject('dynamoDbEndpoint'));
  // The table is created beforehand without the short timeout: creating it (four indexes) can
  // take DynamoDB Local longer than the 300 ms the faults below are given up on after.
  const tableName = `faults-${randomUUID().slice(0, 8)}`;
  await createTable(createDocumentClient({ endpoint: inject('dynamoDbEndpoint') }), tableName);
  stack = await startLocalStack({
    dynamoEndpoint: proxy.endpoint,
    tableName,
    seedDemo: true,
    // Delays at a hundredth of real time; an answer that never comes is given up on after 300 ms.
    queue: { timeScale: 0.01, maxReceiveCount: 6, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
    dynamoTimeoutMs: 300,
  });
});

afterEach(() => {
  proxy.clear();
  proxy.restore();
});

afterAll(async () => {
  await stack?.close();
  await proxy?.close();
});

/** Sends `count` tickets from the demo's scored customer; what was accepted. */
async function sendTickets(count: number): Promise<SentTicket[]> {
  const sent: SentTicket[] = [];
  for (let i = 0; i < count; i += 1) {
    const ticket = stack.sandbox
      .part(zendeskPart)
      .createTicket({ subject: `Fault ${i}`, description: 'It broke.', requesterId: 1001, priority: 'normal', tags: [] });
    const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
    const response = await fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(response.status).toBe(202);
    sent.push({ tenant: DEMO.tenant, ticketId: ticket.id, decisionId: `zendesk:ticket-created:${ticket.id}` });
  }
  return sent;
}

/** The ledger once the queue is empty, after replaying the dead-letter queue with the faults gone. */
async function ledgerAfterRecovery(sent: SentTicket[]) {
  await stack.queue.drained(60_000);
  proxy.clear();
  proxy.restore();
  const sources = {
    decisions: stack.decisions,
    deadLettered: () => stack.queue.deadLettered(),
    internalNotes: (id: number) => (stack.sandbox.part(zendeskPart).ticket(id)?.comments ?? []).filter((c) => !c.public).length,
  };
  const before = await checkLedger(sent, sources);
  stack.queue.replayDeadLetters();
  await stack.queue.drained(60_000);
  return { before, after: await checkLedger(sent, sources) };
}

describe('DynamoDB failing', () => {
  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'InternalServerError'] as const)(
    'with %s on 4 in 10 requests: every ticket applied exactly once',
    async (fault) => {
      proxy.add({ fault, rate: 0.4 });
      const sent = await sendTickets(15);

      const { before, after } = await ledgerAfterRecovery(sent);

      expect(proxy.seen().filter((request) => request.fault === fault).length).toBeGreaterThan(0);
      expect(before).toMatchObject({ ok: true });
      expect(after).toMatchObject({ ok: true, deadLettered: 0, final: { applied: 15 } });
    },
  );

  it('with answers that never come: given up on, retried, every ticket applied exactly once', async () => {
    proxy.add({ fault: 'hang', rate: 0.3 });
    const sent = await sendTickets(10);

    const { before, after } = await ledgerAfterRecovery(sent);

    expect(proxy.seen().some((request) => request.fault === 'hang')).toBe(true);
    expect(before.ok).toBe(true);
    expect(after).toMatchObject({ ok: true, deadLettered: 0, final: { applied: 10 } });
  });

  it('down for a while (every connection dropped): events wait in the queue or the dead-letter queue, and none is lost', async () => {
    proxy.outage();
    const sent = await sendTickets(8);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const failedMeanwhile = stack.queue.pending().filter((message) => message.receiveCount > 0).length + stack.queue.deadLettered().length;
    proxy.restore();

    const { before, after } = await ledgerAfterRecovery(sent);

    expect(failedMeanwhile).toBeGreaterThan(0);
    expect(before.ok).toBe(true);
    expect(after).toMatchObject({ ok: true, deadLettered: 0, final: { applied: 8 } });
  });

  it('losing the answer to the decision record after the write-back (a crash between the two): one note, one raise, recorded on retry', async () => {
    // The final record is the PutItem that carries the applied status; its write happens, its answer is lost, twice.
    const mark = proxy.seen().length;
    proxy.add({ fault: 'lost-answer', operation: 'PutItem', bodyIncludes: '"applied"', count: 2 });
    proxy.add({ fault: 'InternalServerError', operation: 'PutItem', bodyIncludes: '"applied"', count: 3 });
    const sent = await sendTickets(2);

    const { before, after } = await ledgerAfterRecovery(sent);

    const faults = proxy
      .seen()
      .slice(mark)
      .map((request) => request.fault)
      .filter(Boolean);
    expect(faults).toEqual(['lost-answer', 'lost-answer', 'InternalServerError', 'InternalServerError', 'InternalServerError']);
    expect(before.ok).toBe(true);
    expect(after).toMatchObject({ ok: true, deadLettered: 0, final: { applied: 2 } });
    for (const { ticketId } of sent) expect(stack.sandbox.part(zendeskPart).ticket(Number(ticketId))?.priority).toBe('high');
  });
});
