import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { AwsCallRecord } from '../../shared/adapters/aws/aws-json-client.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { genericDemo } from '../../infra/sandbox/generic/demo.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { unitsOver } from '../support/dynamo-capacity.js';
import { genericPart } from '../../infra/sandbox/generic/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

let stack: LocalStack;
const calls: AwsCallRecord[] = [];

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `cost-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    onDynamoCall: (call) => calls.push(call),
    queue: { pollIntervalMs: 5 },
    // A warm function's tenant read, as deployed (a minute): a ticket's cost is then its own requests.
    tenantCacheTtlMs: 60_000,
  });
});

afterAll(async () => {
  await stack?.close();
  vi.restoreAllMocks();
});

/** One ticket from the demo's scored customer, delivered and processed; what it cost. */
async function ticketCost(): Promise<{ dynamo: AwsCallRecord[]; writeUnits: number; zendesk: string[] }> {
  const ticket = stack.sandbox
    .part(zendeskPart)
    .createTicket({ subject: 'Help', description: 'It broke.', requesterId: 1001, priority: 'normal', tags: [] });
  const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
  const mark = calls.length;
  const started = Date.now();
  const response = await fetch(`${stack.url}/webhooks/${DEMO.tenant}/zendesk`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  const dynamo = calls.slice(mark);
  const { writeUnits } = unitsOver(dynamo);
  const zendesk = stack.sandbox
    .part(zendeskPart)
    .requests()
    .filter((r) => r.at >= started)
    .map((r) => `${r.method} ${r.path.split('?')[0]}`);
  return { dynamo, writeUnits, zendesk };
}

describe('the usual ticket (a known customer with a fresh score, seen before by the function) on Zendesk', () => {
  it('costs one read and two writes in DynamoDB, at most 4 write units, and one Zendesk request', async () => {
    // The customer's first ticket resolves their identities through Zendesk once; the next one
    // finds their profile through the alias, which the function then remembers.
    const first = await ticketCost();
    const second = await ticketCost();
    expect(first.zendesk.length).toBeGreaterThan(1);
    expect(second.dynamo.map((call) => call.operation)).toEqual(['BatchGetItem', 'GetItem', 'PutItem', 'PutItem']);

    const { dynamo, writeUnits, zendesk } = await ticketCost();

    expect(dynamo.map((call) => call.operation)).toEqual(['BatchGetItem', 'PutItem', 'PutItem']);
    expect(dynamo.every((call) => call.attempts === 1)).toBe(true);
    expect(writeUnits).toBeGreaterThan(0);
    expect(writeUnits).toBeLessThanOrEqual(4);
    expect(zendesk).toEqual([expect.stringMatching(/^PUT \/api\/v2\/tickets\/\d+$/)]);
  });
});

describe('a generic ticket', () => {
  it("keeps a new requester's identities with one more read and one transaction, and costs what a Zendesk ticket does once they are known", async () => {
    const requester = {
      id: `u-${randomUUID().slice(0, 8)}`,
      email: `${randomUUID().slice(0, 8)}@example.com`,
      external_id: `crm-${randomUUID().slice(0, 8)}`,
    };
    const genericTicketCost = async () => {
      const ticket = stack.sandbox.part(genericPart).createTicket({ subject: 'Help', priority: 'normal', tags: [], requester });
      const mark = calls.length;
      const response = await fetch(`${stack.url}/webhooks/${genericDemo.tenantId}/generic`, {
        method: 'POST',
        ...genericDemo.delivery(ticket),
      });
      expect(response.status).toBe(202);
      await stack.queue.drained();
      const dynamo = calls.slice(mark);
      return { operations: dynamo.map((call) => call.operation), writeUnits: unitsOver(dynamo).writeUnits };
    };

    const first = await genericTicketCost();
    const second = await genericTicketCost();
    const third = await genericTicketCost();

    // The profile and the aliases of the email and the external id, in one transaction; this
    // tenant's first ticket also reads its configuration (then kept for a minute, as deployed).
    expect(first.operations).toEqual(['GetItem', 'BatchGetItem', 'BatchGetItem', 'TransactWriteItems', 'PutItem', 'PutItem']);
    expect(first.writeUnits - second.writeUnits).toBeLessThanOrEqual(6);
    expect(second.operations).toEqual(['BatchGetItem', 'PutItem', 'PutItem']);
    expect(third).toEqual(second);
  });
});
