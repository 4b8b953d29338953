import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';

/** The budget: application log per ticket event, both functions, metric lines included. */
const LOG_BUDGET_BYTES = 700;

let stack: LocalStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  vi.restoreAllMocks();
  delete process.env.POWERTOOLS_LOG_LEVEL;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

/** Starts the local stack at a log level, with metrics on as deployed, and captures every line it writes. */
async function stackLoggingAt(level: 'INFO' | 'DEBUG'): Promise<{ lines: string[]; ticket: () => Promise<void> }> {
  // Loggers and metrics read these when they are created, inside startLocalStack.
  process.env.POWERTOOLS_LOG_LEVEL = level;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const lines: string[] = [];
  let capturing = false;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    if (capturing)
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((line) => line.length > 0),
      );
    return true;
  });
  const started = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `logs-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { pollIntervalMs: 5 },
  });
  stack = started;
  const ticket = async () => {
    const created = started.sandbox
      .part(zendeskPart)
      .createTicket({ subject: 'Help', description: 'It broke.', requesterId: 1001, priority: 'normal', tags: [] });
    const delivery = signedTicketCreated({ ticket: created, secret: ZENDESK_DEMO.signingSecret });
    const response = await fetch(`${started.url}/webhooks/${DEMO.tenant}/zendesk`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(response.status).toBe(202);
    await started.queue.drained();
  };
  // The customer's first two tickets teach the function who they are; the usual path follows.
  await ticket();
  await ticket();
  capturing = true;
  return { lines, ticket };
}

describe('logs per ticket event at the default level', () => {
  it(`stay within ${LOG_BUDGET_BYTES} bytes, metric lines included: one INFO line per event, which the metric filters count from`, async () => {
    // Arrange
    const { lines, ticket } = await stackLoggingAt('INFO');

    // Act: each event alone in its batch, the costliest case for metric lines
    const events = 10;
    for (let i = 0; i < events; i += 1) await ticket();

    // Assert
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(bytes / events).toBeLessThanOrEqual(LOG_BUDGET_BYTES);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const processed = parsed.filter((line) => line['message'] === 'event processed');
    expect(processed).toHaveLength(events);
    expect(parsed).toHaveLength(events);
    // What the metric filters read (infra/cdk/constructs/service-metrics.ts), and the request id that ties a line to its invocation.
    for (const line of processed) {
      expect(line).toMatchObject({
        service: 'influence-router',
        decisionId: expect.any(String),
        status: 'applied',
        tier: expect.any(String),
        uplift: expect.any(Number),
        ms: expect.any(Number),
        writeBackMs: expect.any(Number),
      });
      expect(line['function_request_id']).toEqual(expect.any(String));
      expect(line).not.toHaveProperty('function_arn');
    }
  });

  it('show the whole Lambda context and each webhook at DEBUG', async () => {
    const { lines, ticket } = await stackLoggingAt('DEBUG');

    await ticket();

    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.find((line) => line['message'] === 'webhook accepted')).toMatchObject({
      function_name: 'ingest-webhook',
      cold_start: expect.any(Boolean),
    });
    expect(parsed.find((line) => line['message'] === 'event processed')).toMatchObject({
      function_arn: expect.stringContaining('process-events'),
      function_memory_size: expect.anything(),
    });
  });
});
