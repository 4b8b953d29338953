import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { refreshDemoTenant, storedDemoProfile } from '../support/networks-demo.js';
import { DEMO_NETWORK_PEOPLE } from '../../infra/sandbox/demo-people.js';
import { NETWORKS_DEMO } from '../../infra/sandbox/index.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const TENANT = NETWORKS_DEMO.tenantId;
// The Zendesk demo's users with handles, from 1005 on in the order of DEMO_NETWORK_PEOPLE (Annie, the generic demo's, left out).
const USER = { mary: 1005, dorothy: 1006, margaret: 1007, evelyn: 1008, joan: 1009, hedy: 1010, radia: 1011, frances: 1012 } as const;

let stack: LocalStack;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-networks-demo-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
  });
  // As `npm run scores:refresh -- --tenant <tenant>` runs against `npm start`.
  const { code, lines: printed } = await refreshDemoTenant(stack, TENANT);
  lines.push(...printed);
  expect(code).toBe(0);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const stored = (userId: number) => storedDemoProfile(stack, TENANT, `zendesk:${userId}`);

describe('npm run scores:refresh scores the demo customers with handles (tenant demo-networks)', () => {
  it('refreshes every queued customer, reaching the sandbox Mastodon server', () => {
    expect(lines).toContain(`  ${TENANT} (networks): examined 8, refreshed 5, no score 3, failed 0, skipped 0`);
    expect(lines.filter((line) => line.startsWith('ERR'))).toEqual([]);
  });

  it('stores Mary verified on Bluesky, from the domain of the email Zendesk verified', async () => {
    const mary = await stored(USER.mary);

    expect(mary?.score).toMatchObject({ source: 'networks', trust: 'verified', inputs: { network: 'bluesky' } });
    expect(mary?.score?.unusedReason).toBeUndefined();
  });

  it('stores Margaret her better score of two networks, both verified', async () => {
    const margaret = await stored(USER.margaret);

    expect(margaret?.score).toMatchObject({ trust: 'verified', inputs: { network: 'mastodon' } });
    expect(margaret?.score?.handles?.map((handle) => [handle.network, handle.trust])).toEqual([
      ['bluesky', 'verified'],
      ['mastodon', 'verified'],
    ]);
  });

  it('keeps Dorothy and Hedy declared: scored and shown, not for priority', async () => {
    for (const userId of [USER.dorothy, USER.hedy]) {
      const profile = await stored(userId);
      expect(profile?.score).toMatchObject({ trust: 'declared', unusedReason: expect.stringContaining('not verified') });
    }
  });

  it('gives no score to Evelyn and Joan, who asked not to be indexed, nor to Frances, as YouTube is off', async () => {
    for (const userId of [USER.evelyn, USER.joan, USER.frances]) expect((await stored(userId))?.score).toBeUndefined();
  });
});

async function ticketFrom(userId: number) {
  const desk = stack.sandbox.part(zendeskPart);
  const ticket = desk.createTicket({ subject: 'Help', description: 'It broke.', requesterId: userId, priority: 'normal', tags: [] });
  const delivery = signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret });
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/zendesk`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  const [decision] = await stack.decisions.listForTicket(TENANT, String(ticket.id));
  return { priority: desk.ticket(ticket.id)?.priority, note: decision?.note ?? '' };
}

describe('their tickets', () => {
  it("raises Mary's ticket, the note naming Bluesky and the handle verified", async () => {
    const { priority, note } = await ticketFrom(USER.mary);

    expect(priority).not.toBe('normal');
    expect(note).toMatch(/Reach \d+ on Bluesky \(\w+\): .* Bluesky handle verified\./);
  });

  it("leaves Dorothy's ticket as it was, the note saying her handle is declared", async () => {
    const { priority, note } = await ticketFrom(USER.dorothy);

    expect(priority).toBe('normal');
    expect(note).toContain('Bluesky handle declared by the customer, not verified: not used for priority');
  });
});

it('names each demo customer it checks', () => {
  expect(Object.keys(USER).sort()).toEqual(
    Object.keys(DEMO_NETWORK_PEOPLE)
      .filter((name) => name !== 'annie')
      .sort(),
  );
});
