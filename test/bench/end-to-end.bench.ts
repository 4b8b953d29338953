import { DEMO, startLocalStack } from '../../infra/local/stack.js';
import { signedTicketCreated } from '../../infra/local/sandbox/zendesk-deliveries.js';
import { ms, summarise } from './stats.js';

/**
 * The whole path on this machine: HTTP to the local server, queue, DynamoDB Local, decision,
 * one guarded write to the sandbox Zendesk over loopback. Measures the webhook answer time the
 * sender sees and how long until every ticket carries its note.
 */
export async function benchEndToEnd(tickets = 300, dynamoEndpoint?: string): Promise<string[]> {
  const stack = await startLocalStack({
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    tableName: `bench-${Date.now()}`,
    seedDemo: true,
    queue: { pollIntervalMs: 2, batchSize: 10 },
  });
  try {
    const created = Array.from({ length: tickets }, (_, i) =>
      stack.sandbox.zendesk.createTicket({
        subject: `Ticket ${i}`,
        description: 'bench',
        requesterId: i % 3 === 0 ? 1001 : 1002,
        priority: 'normal',
        tags: ['bench'],
      }),
    );
    const answers: number[] = [];
    const started = performance.now();
    for (const ticket of created) {
      const delivery = signedTicketCreated({ ticket, secret: DEMO.signingSecret });
      const t0 = performance.now();
      const response = await fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await response.text();
      answers.push(performance.now() - t0);
      if (response.status !== 202) throw new Error(`unexpected status ${response.status}`);
    }
    await stack.queue.drained(120_000);
    const elapsed = performance.now() - started;
    const notes = created.filter((t) => (stack.sandbox.zendesk.ticket(t.id)?.comments ?? []).some((c) => !c.public)).length;
    const s = summarise(answers);
    return [
      `end to end through the local stack, ${tickets} tickets (1 in 3 from a scored customer):`,
      `  webhook answer (202) p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}`,
      `  all processed in ${(elapsed / 1000).toFixed(2)} s: ${(tickets / (elapsed / 1000)).toFixed(0)} events/s; ${notes} tickets written back`,
    ];
  } finally {
    await stack.close();
  }
}
