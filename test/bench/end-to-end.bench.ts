import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { DEMO, startLocalStack } from '../../infra/local/stack.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import type { AwsCallRecord } from '../../shared/adapters/aws/aws-json-client.js';
import { ASSUMPTIONS, costLines, DEPLOYMENT, type Measured, PRICES } from './cost-model.js';
import { benchOutcomes } from './outcomes-cost.js';
import { unitsOf, unitsOver } from '../support/dynamo-capacity.js';
import { ms, summarise } from '../../infra/commands/stats.js';
import { EVENT_PROCESSED } from '../../shared/adapters/observability/metric-names.js';

/**
 * The whole path on this machine: HTTP to the local server, queue, DynamoDB Local, decision,
 * one guarded write to the sandbox Zendesk over loopback. Measures the webhook answer time the
 * sender sees, how long until every ticket carries its note, and per ticket: DynamoDB requests
 * and capacity units by operation, helpdesk requests, and log bytes at the default level; then
 * the cost per million ticket events from those counts; then what solving each ticket adds (its
 * outcome read back and stored: `benchOutcomes`) (bench-results/end-to-end.json).
 */
export async function benchEndToEnd(tickets = 300, dynamoEndpoint?: string): Promise<string[]> {
  const calls: AwsCallRecord[] = [];
  // Logs as deployed (INFO, one JSON line each), counted, not shown; loggers read the level when created.
  const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
  const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  // Metrics are log lines too (CloudWatch embedded metric format), paid like any other.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const stack = await startLocalStack({
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    tableName: `bench-${Date.now()}`,
    seedDemo: true,
    onDynamoCall: (call) => calls.push(call),
    queue: { pollIntervalMs: 2, batchSize: 10 },
  });
  let logBytes = 0;
  let counting = false;
  // The processor's 'event processed' lines: how long each event took, and its helpdesk writes.
  const processed: { ms: number; writeBackMs: number; paceMs: number }[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (!counting) return true;
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    logBytes += Buffer.byteLength(text);
    for (const line of text.split('\n')) {
      if (!line.includes(`"message":"${EVENT_PROCESSED}"`)) continue;
      const { ms, writeBackMs, paceMs } = JSON.parse(line) as { ms: number; writeBackMs?: number; paceMs?: number };
      processed.push({ ms, writeBackMs: writeBackMs ?? 0, paceMs: paceMs ?? 0 });
    }
    return true;
  }) as typeof process.stdout.write;
  try {
    // The usual path: a known customer with a fresh score, seen before (their first ticket resolves
    // their identities through Zendesk, and the next one teaches the function their alias).
    for (const requesterId of [1001, 1001]) {
      const ticket = stack.sandbox
        .part(zendeskPart)
        .createTicket({ subject: 'warm-up', description: 'bench', requesterId, priority: 'normal', tags: [] });
      const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
      await fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await stack.queue.drained(30_000);
    }
    const created = Array.from({ length: tickets }, (_, i) =>
      stack.sandbox
        .part(zendeskPart)
        .createTicket({ subject: `Ticket ${i}`, description: 'bench', requesterId: 1001, priority: 'normal', tags: ['bench'] }),
    );
    const callMark = calls.length;
    const requestMark = Date.now();
    counting = true;
    const answers: number[] = [];
    const started = performance.now();
    for (const ticket of created) {
      const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
      const t0 = performance.now();
      const response = await fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      await response.text();
      answers.push(performance.now() - t0);
      if (response.status !== 202) throw new Error(`unexpected status ${response.status}`);
    }
    await stack.queue.drained(120_000);
    const elapsed = performance.now() - started;
    counting = false;

    const measured = calls.slice(callMark);
    const byOperation = new Map<string, { requests: number; units: number }>();
    for (const call of measured) {
      const entry = byOperation.get(call.operation) ?? { requests: 0, units: 0 };
      entry.requests += call.attempts;
      entry.units += unitsOf(call);
      byOperation.set(call.operation, entry);
    }
    const helpdeskRequests = stack.sandbox
      .part(zendeskPart)
      .requests()
      .filter((r) => r.at >= requestMark).length;
    const notes = created.filter((t) => (stack.sandbox.part(zendeskPart).ticket(t.id)?.comments ?? []).some((c) => !c.public)).length;
    const perTicket = (n: number) => n / tickets;
    const s = summarise(answers);
    const units = unitsOver(measured);
    const writeUnits = perTicket(units.writeUnits);
    const readUnits = perTicket(units.readUnits);
    const perEvent: Measured = {
      dynamoRequests: perTicket(measured.reduce((sum, c) => sum + c.attempts, 0)),
      writeUnits,
      readUnits,
      helpdeskRequests: perTicket(helpdeskRequests),
      logBytes: perTicket(logBytes),
      ingestMs: s.p50,
      // Its whole time per event less what it waited for DynamoDB, the helpdesk and the tenant's
      // write pace (the bench sends faster than the demo tenant's 600 writes a minute).
      processMs: perTicket(
        processed.reduce((sum, p) => sum + p.ms - p.writeBackMs - p.paceMs, 0) - measured.reduce((sum, c) => sum + c.ms, 0),
      ),
    };
    const cost = costLines(perEvent);
    let logMark = 0;
    let processedMark = 0;
    const outcomes = await benchOutcomes(stack, created, calls, {
      start: () => {
        logMark = logBytes;
        processedMark = processed.length;
        counting = true;
      },
      stop: () => {
        counting = false;
        const own = processed.slice(processedMark).reduce((sum, p) => sum + p.ms - p.writeBackMs - p.paceMs, 0);
        return { logBytes: logBytes - logMark, processMs: own };
      },
    });
    const result = {
      tickets,
      perEvent,
      byOperation: Object.fromEntries(byOperation),
      cost: { sustained: cost.sustained, quiet: cost.quiet },
      outcomes: { perEvent: outcomes.perEvent, byOperation: outcomes.byOperation },
      prices: PRICES,
      deployment: DEPLOYMENT,
      assumptions: ASSUMPTIONS,
    };
    mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'bench-results', 'end-to-end.json'), `${JSON.stringify(result, null, 2)}\n`);
    return [
      `end to end through the local stack, ${tickets} tickets on the usual path (a known customer with a fresh score):`,
      `  webhook answer (202) p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}`,
      `  all processed in ${(elapsed / 1000).toFixed(2)} s: ${(tickets / (elapsed / 1000)).toFixed(0)} events/s; ${notes} tickets written back`,
      `  per ticket: ${perEvent.dynamoRequests.toFixed(2)} DynamoDB requests (${[...byOperation].map(([op, e]) => `${op} ${perTicket(e.requests).toFixed(2)}`).join(', ')}),`,
      `              ${writeUnits.toFixed(2)} write units, ${readUnits.toFixed(2)} read units, ${perEvent.helpdeskRequests.toFixed(2)} helpdesk requests, ${perEvent.logBytes.toFixed(0)} B of log,`,
      `              the processor's own time ${perEvent.processMs.toFixed(2)} ms (${processed.length} events timed; waits for the tenant's write pace ${perTicket(processed.reduce((sum, p) => sum + p.paceMs, 0)).toFixed(1)} ms, not counted)`,
      ...cost.lines.map((line) => `  ${line}`),
      ...outcomes.lines,
      '  (written to bench-results/end-to-end.json)',
    ];
  } finally {
    process.stdout.write = write;
    if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    if (metricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
    await stack.close();
  }
}
