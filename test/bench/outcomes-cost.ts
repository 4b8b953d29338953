import type { LocalStack } from '../../infra/local/stack.js';
import { signedZendeskRequest, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import type { SandboxTicket } from '../../infra/sandbox/zendesk/types.js';
import type { AwsCallRecord } from '../../shared/adapters/aws/aws-json-client.js';
import { ZENDESK_SOLVED_TRIGGER_BODY } from '../../shared/adapters/helpdesks/zendesk/solved.js';
import { unitsOf, unitsOver } from '../support/dynamo-capacity.js';
import { costLines, type Measured } from './cost-model.js';
import { summarise } from '../../infra/commands/stats.js';

/** What storing outcomes adds per ticket: the solved event's requests, units and cost. */
export interface OutcomesCost {
  perEvent: Measured;
  byOperation: Record<string, { requests: number; units: number }>;
  lines: string[];
}

/**
 * The second half of a ticket's life on the usual path: each ticket decided by the bench is
 * solved in the sandbox Zendesk (an agent's public reply, then status solved; not counted), and the solved trigger's body (ids only) is posted, signed, as Zendesk would; the
 * processor reads Ticket Metrics and stores the outcome. Counted: DynamoDB requests and units by
 * operation, helpdesk requests, log bytes and the processor's own time per solved event.
 */
export async function benchOutcomes(
  stack: LocalStack,
  tickets: readonly SandboxTicket[],
  calls: readonly AwsCallRecord[],
  meter: { start(): void; stop(): { logBytes: number; processMs: number } },
): Promise<OutcomesCost> {
  const desk = stack.sandbox.part(zendeskPart);
  for (const ticket of tickets) desk.solveTicket(ticket.id);
  const callMark = calls.length;
  const requestMark = Date.now();
  meter.start();
  const answers: number[] = [];
  for (const ticket of tickets) {
    const body = ZENDESK_SOLVED_TRIGGER_BODY.replace('{{ticket.id}}', String(ticket.id)).replace(
      '{{ticket.created_at_with_timestamp}}',
      ticket.created_at,
    );
    const delivery = signedZendeskRequest({ body, secret: ZENDESK_DEMO.signingSecret });
    const t0 = performance.now();
    const response = await fetch(`${stack.url}/webhooks/${ZENDESK_DEMO.tenant}/zendesk`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    await response.text();
    answers.push(performance.now() - t0);
    if (response.status !== 202) throw new Error(`unexpected status ${response.status} for a solved event`);
  }
  await stack.queue.drained(120_000);
  const { logBytes, processMs } = meter.stop();
  const measured = calls.slice(callMark);
  const stored = await Promise.all(
    tickets.map((ticket) => stack.decisions.get(ZENDESK_DEMO.tenant, `zendesk:ticket-created:${ticket.id}`)),
  );
  const withOutcome = stored.filter((record) => record?.outcome !== undefined).length;
  if (withOutcome !== tickets.length) throw new Error(`${tickets.length - withOutcome} solved tickets have no outcome stored`);

  const per = (n: number) => n / tickets.length;
  const byOperation = new Map<string, { requests: number; units: number }>();
  for (const call of measured) {
    const entry = byOperation.get(call.operation) ?? { requests: 0, units: 0 };
    entry.requests += call.attempts;
    entry.units += unitsOf(call);
    byOperation.set(call.operation, entry);
  }
  const units = unitsOver(measured);
  const helpdeskRequests = desk.requests().filter((r) => r.at >= requestMark).length;
  const perEvent: Measured = {
    dynamoRequests: per(measured.reduce((sum, c) => sum + c.attempts, 0)),
    writeUnits: per(units.writeUnits),
    readUnits: per(units.readUnits),
    helpdeskRequests: per(helpdeskRequests),
    logBytes: per(logBytes),
    ingestMs: summarise(answers).p50,
    processMs: per(processMs - measured.reduce((sum, c) => sum + c.ms, 0)),
  };
  const cost = costLines(perEvent);
  return {
    perEvent,
    byOperation: Object.fromEntries(byOperation),
    lines: [
      `outcomes: each of the ${tickets.length} tickets solved (the solved trigger's body, then Ticket Metrics read back):`,
      `  per ticket: ${perEvent.dynamoRequests.toFixed(2)} DynamoDB requests (${[...byOperation].map(([op, e]) => `${op} ${per(e.requests).toFixed(2)}`).join(', ')}),`,
      `              ${perEvent.writeUnits.toFixed(2)} write units, ${perEvent.readUnits.toFixed(2)} read units, ${perEvent.helpdeskRequests.toFixed(2)} helpdesk requests, ${perEvent.logBytes.toFixed(0)} B of log`,
      ...cost.lines.map((line) => `  ${line.replace('ticket events', 'solved events')}`),
    ],
  };
}
