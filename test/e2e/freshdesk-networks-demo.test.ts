import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { refreshDemoTenant, storedDemoProfile } from '../support/networks-demo.js';
import { FRESHDESK_DEMO, freshdeskDemo, freshdeskPart } from '../../infra/sandbox/freshdesk/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

// Spelled out, as a user types them: the tenant the docs name and the Freshdesk demo's contacts with handles.
const TENANT = 'demo-freshdesk-networks';
const CONTACT = { dorothy: 2005, radia: 2006, mary: 2007, evelyn: 2008 } as const;

let stack: LocalStack;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-fd-networks-demo-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
  });
  // As `npm run scores:refresh -- --tenant <tenant>` runs against `npm start`.
  const { code, lines: printed } = await refreshDemoTenant(stack, TENANT);
  lines.push(...printed);
  expect(lines.filter((line) => line.startsWith('ERR'))).toEqual([]);
  expect(code).toBe(0);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const stored = (contactId: number) => storedDemoProfile(stack, TENANT, `freshdesk:${contactId}`);

describe('npm run scores:refresh scores the Freshdesk demo contacts with handles (tenant demo-freshdesk-networks)', () => {
  it('refreshes every queued contact', () => {
    expect(lines).toContain(`  ${TENANT} (networks): examined 4, refreshed 3, no score 1, failed 0, skipped 0`);
  });

  it('stores Mary verified on Bluesky, from the domain of her email', async () => {
    const mary = await stored(CONTACT.mary);

    expect(mary?.score).toMatchObject({ source: 'networks', trust: 'verified', inputs: { network: 'bluesky' } });
    // The figure docs/local-mode.md shows, as for the Zendesk demo's Mary: the same profile on the same fake.
    expect(mary?.score?.explanation).toMatch(/^Reach 64 on Bluesky \(high\): /);
    expect(mary?.score?.unusedReason).toBeUndefined();
  });

  it('keeps Dorothy (Bluesky) and Radia (GitHub) declared: scored and shown, not for priority', async () => {
    const dorothy = await stored(CONTACT.dorothy);
    const radia = await stored(CONTACT.radia);

    expect(dorothy?.score).toMatchObject({
      trust: 'declared',
      inputs: { network: 'bluesky' },
      unusedReason: expect.stringContaining('not verified'),
    });
    expect(dorothy?.score?.explanation).toMatch(/^Reach 64 on Bluesky \(high\): /);
    expect(radia?.score?.explanation).toMatch(/^Reach 57 on GitHub \(notable\): /);
    expect(radia?.score).toMatchObject({
      trust: 'declared',
      inputs: { network: 'github' },
      unusedReason: expect.stringContaining('not verified'),
    });
  });

  it('gives Evelyn no score, her Mastodon profile asking not to be indexed', async () => {
    const evelyn = await stored(CONTACT.evelyn);

    expect(evelyn?.score).toBeUndefined();
  });
});

async function ticketFrom(contactId: number) {
  const desk = stack.sandbox.part(freshdeskPart);
  const ticket = desk.createTicket({ subject: 'Help', description: 'It broke.', requesterId: contactId, priority: 2, tags: [] });
  const delivery = freshdeskDemo.delivery(ticket, { secret: FRESHDESK_DEMO.sharedSecret });
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/freshdesk`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  const [decision] = await stack.decisions.listForTicket(TENANT, String(ticket.id));
  const after = desk.ticket(ticket.id);
  return { priority: after?.priority, note: decision?.note ?? '', notes: after?.conversations.length ?? 0 };
}

describe('their tickets through the Freshdesk automation rule', () => {
  it("raises Mary's ticket, the note naming Bluesky and the handle verified", async () => {
    const { priority, note, notes } = await ticketFrom(CONTACT.mary);

    expect(priority).toBeGreaterThan(2);
    expect(note).toMatch(/Reach \d+ on Bluesky \(\w+\): .* Bluesky handle verified\./);
    expect(notes).toBe(1);
  });

  it("leaves Dorothy's ticket as it was, the note saying her handle is declared", async () => {
    const { priority, note } = await ticketFrom(CONTACT.dorothy);

    expect(priority).toBe(2);
    expect(note).toContain('Bluesky handle declared by the customer, not verified: not used for priority');
  });
});
