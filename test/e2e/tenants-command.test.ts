import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runTenants } from '../../infra/commands/tenants.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { type SandboxTicket, signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const SECRET = 'acme-local-signing-secret';
let stack: LocalStack;
let file: string;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-tenants-${randomUUID().slice(0, 8)}`,
    seedDemo: true,
    // Every read goes to the table, so a change shows at the next webhook without waiting.
    tenantCacheTtlMs: 0,
  });
  file = join(mkdtempSync(join(tmpdir(), 'tenants-command-')), 'acme-local.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'acme-local',
      helpdesk: {
        kind: 'zendesk',
        baseUrl: stack.sandbox.part(zendeskPart).baseUrl,
        email: ZENDESK_DEMO.agentEmail,
        apiToken: { value: ZENDESK_DEMO.apiToken },
      },
      sources: { zendesk: { signingSecrets: [{ value: SECRET }] } },
      policy: { mode: 'active' },
    }),
  );
});

afterAll(async () => {
  await stack?.close();
  vi.restoreAllMocks();
});

async function tenants(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTenants(
    argv,
    { DYNAMODB_ENDPOINT: stack.dynamoEndpoint, TABLE_NAME: stack.tableName },
    {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  return { code, out, err };
}

async function send(ticket: SandboxTicket): Promise<Response> {
  const delivery = signedTicketCreated({ ticket, secret: SECRET });
  return fetch(`${stack.url}/webhooks/acme-local/zendesk`, { method: 'POST', headers: delivery.headers, body: delivery.body });
}

const newTicket = () =>
  stack.sandbox
    .part(zendeskPart)
    .createTicket({ subject: 'Help', description: 'It broke.', requesterId: 1001, priority: 'normal', tags: [] });

async function decisionOf(ticket: SandboxTicket) {
  await vi.waitFor(async () => expect(await stack.decisions.listForTicket('acme-local', String(ticket.id))).toHaveLength(1), {
    timeout: 20_000,
    interval: 100,
  });
  return (await stack.decisions.listForTicket('acme-local', String(ticket.id)))[0];
}

describe('npm run tenants while the local stack runs', () => {
  it('adds a tenant whose webhook is then accepted, changes its mode, and each decision names the version it was made with', async () => {
    // Before: the tenant does not exist, so its webhook is refused and nothing is queued.
    expect((await send(newTicket())).status).toBe(404);

    const added = await tenants('add', '--file', file, '--reason', 'onboarding');
    expect(added).toMatchObject({ code: 0, err: [] });
    expect(added.out[0]).toBe('acme-local: version 1 written (add: onboarding)');
    expect(added.out).toContain('  + policy.mode: "active"');
    expect(added.out.join('\n')).not.toContain(SECRET);

    const first = newTicket();
    expect((await send(first)).status).toBe(202);
    expect(await decisionOf(first)).toMatchObject({ configVersion: 1, decision: { mode: 'active' } });

    const updated = await tenants('update', 'acme-local', '--set', 'policy.mode=shadow', '--reason', 'evaluate first');
    expect(updated.out).toEqual(['acme-local: version 2 written (update: evaluate first)', '  ~ policy.mode: "active" -> "shadow"']);

    const second = newTicket();
    expect((await send(second)).status).toBe(202);
    expect(await decisionOf(second)).toMatchObject({ configVersion: 2, status: 'shadow', decision: { mode: 'shadow' } });

    const history = await tenants('history', 'acme-local', '--json');
    expect(JSON.parse(history.out[0] ?? '{}').versions.map((v: { version: number; reason: string }) => [v.version, v.reason])).toEqual([
      [2, 'evaluate first'],
      [1, 'onboarding'],
    ]);
  });

  it("gives a disabled tenant's webhooks 404 and queues nothing, until it is enabled again", async () => {
    expect((await tenants('disable', 'acme-local', '--reason', 'paused')).code).toBe(0);
    const before = (await stack.queue.snapshot()).pending.length;

    const refused = await send(newTicket());

    expect(refused.status).toBe(404);
    expect((await stack.queue.snapshot()).pending.length).toBe(before);
    expect((await tenants('enable', 'acme-local')).code).toBe(0);
    expect((await send(newTicket())).status).toBe(202);
  });

  it('writes nothing on a dry run or a refused configuration, and says why', async () => {
    const dry = await tenants('update', 'acme-local', '--set', 'policy.maxUplift=2', '--dry-run');
    const refused = await tenants('update', 'acme-local', '--set', 'policy.maxUplift=9');
    const unknown = await tenants('history', 'acme-lcoal');

    expect(dry.out[0]).toMatch(/^acme-local: would update as version \d+ \(dry run: nothing written\)$/);
    expect(refused.code).toBe(2);
    expect(refused.err[0]).toMatch(/^Invalid tenant acme-local: policy\.maxUplift: .*\(nothing was written\)$/);
    expect(unknown).toMatchObject({ code: 2, err: [expect.stringContaining('No tenant "acme-lcoal"')] });
  });
});
