import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { signStandardWebhook } from '../../shared/adapters/webhooks/standard-webhooks.js';
import { runCustomerCommand } from '../../infra/commands/customers.js';
import { runImportScores } from '../../infra/commands/import-scores.js';
import type { SignedDelivery } from '../../infra/sandbox/sandbox-demo.js';
import { GENERIC_DEMO, genericDemo } from '../../infra/sandbox/generic/demo.js';
import type { SandboxGenericRequester } from '../../infra/sandbox/generic/types.js';
import { GENERIC_SURVEY_DEMO } from '../../infra/sandbox/generic-survey/demo.js';
import { signedTicketCreated, ZENDESK_DEMO, zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { genericPart } from '../../infra/sandbox/generic/index.js';
import { FRESHDESK_DEMO, freshdeskDemo, freshdeskPart } from '../../infra/sandbox/freshdesk/index.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

/** A tenant on the generic helpdesk whose surveys come in through the generic survey source. */
const GEN = {
  tenant: 'gen',
  ticketSecret: 'whsec_Z2VuLWlkZW50aXRpZXMtdGlja2V0cy1sb2NhbA==',
  surveySecret: 'whsec_Z2VuLWlkZW50aXRpZXMtc3VydmV5cy1sb2NhbA==',
} as const;

function genTenant(sandboxUrl: string): TenantInput[] {
  return [
    {
      id: GEN.tenant,
      helpdesk: { kind: 'generic', decisionsUrl: `${sandboxUrl}/generic/decisions`, signingSecret: { value: GENERIC_DEMO.outboundSecret } },
      sources: {
        generic: { signingSecrets: [{ value: GEN.ticketSecret }] },
        'generic-survey': { signingSecrets: [{ value: GEN.surveySecret }] },
      },
    },
  ];
}

let stack: LocalStack;
let folder: string;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID().slice(0, 8)}`,
    extraTenants: genTenant,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 8 },
  });
  folder = mkdtempSync(join(tmpdir(), 'identities-e2e-'));
});

afterAll(async () => {
  await stack?.close();
});

const env = () => ({ DYNAMODB_ENDPOINT: stack.dynamoEndpoint, TABLE_NAME: stack.tableName, IDENTITY_HASH_KEY: DEMO.identityKey });

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

async function importScores(tenant: string, csv: string): Promise<void> {
  const file = join(folder, `${randomUUID()}.csv`);
  writeFileSync(file, csv);
  const { output, err } = collect();
  const code = await runImportScores(['--tenant', tenant, '--file', file], env(), output);
  expect(code, err.join('\n')).toBe(0);
}

async function post(tenant: string, source: string, delivery: SignedDelivery): Promise<Response> {
  const response = await fetch(`${stack.url}/webhooks/${tenant}/${source}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  await stack.queue.drained();
  return response;
}

/** A ticket in the sandbox's generic helpdesk, sent in as the documented body carrying `requester`. */
async function genericTicket(requester: SandboxGenericRequester): Promise<string> {
  const ticket = stack.sandbox.part(genericPart).createTicket({ subject: 'Help', priority: 'normal', tags: ['printer'], requester });
  const response = await post(GEN.tenant, 'generic', genericDemo.delivery(ticket, { secret: GEN.ticketSecret }));
  expect(response.status).toBe(202);
  return ticket.id;
}

/** A generic `survey.answered` body, signed with Standard Webhooks. */
function surveyAnswer(secret: string, answer: { ticketId: string; score: number; respondent: Record<string, string> }): SignedDelivery {
  const now = new Date();
  const id = `msg_${randomUUID()}`;
  const body = JSON.stringify({
    type: 'survey.answered',
    response_id: `r-${randomUUID().slice(0, 8)}`,
    answered_at: now.toISOString(),
    kind: 'nps',
    score: answer.score,
    comment: 'Nobody called back.',
    ticket_id: answer.ticketId,
    respondent: answer.respondent,
  });
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signStandardWebhook({ secret, id, timestamp: now, body }),
    },
    body,
  };
}

/** The customer keys of an export document. */
const ExportedKeys = z.object({ customers: z.array(z.object({ profile: z.object({ customerKey: z.string() }) })) });
const keys = (text: string) => ExportedKeys.parse(JSON.parse(text)).customers.map((customer) => customer.profile.customerKey);

const decisionOf = (tenant: string, kind: string, ticketId: string) => stack.decisions.get(tenant, `${kind}:ticket-created:${ticketId}`);

describe('the identities a generic ticket carries', () => {
  it('find the customer again by any one of them: email-only and handle-only tickets are raised, and export by email finds them', async () => {
    await importScores(GEN.tenant, 'generic_user_id,score\nu-2001,72\n');

    const first = await genericTicket({
      id: 'u-2001',
      email: 'ada@example.com',
      external_id: 'crm-2001',
      // Her first ticket came in through the network's own channel: the handle is proven hers.
      handles: [{ network: 'twitter', handle: 'ada_gen', source: 'channel' }],
    });
    const byEmail = await genericTicket({ email: 'ada@example.com' });
    const byHandle = await genericTicket({ handles: [{ network: 'twitter', handle: 'ada_gen', source: 'channel' }] });
    const byExternalId = await genericTicket({ external_id: 'crm-2001' });

    for (const id of [first, byEmail, byHandle, byExternalId]) {
      const decision = await decisionOf(GEN.tenant, 'generic', id);
      expect({ id, status: decision?.status, tier: decision?.decision.tier }).toEqual({ id, status: 'applied', tier: 'high' });
      expect(stack.sandbox.part(genericPart).ticket(id)?.priority).toBe('high');
    }
    const exported = collect();
    const code = await runCustomerCommand(['export', '--tenant', GEN.tenant, '--email', 'ada@example.com'], env(), exported.output);
    expect(code, exported.err.join('\n')).toBe(0);
    const document: unknown = JSON.parse(exported.out.join('\n'));
    expect(document).toMatchObject({
      tenant: GEN.tenant,
      customers: [
        {
          profile: {
            identities: { helpdeskUserIds: ['generic:u-2001'], handles: [{ network: 'twitter', handle: 'ada_gen' }] },
            score: { value: 72 },
          },
        },
      ],
    });
    // Only keyed hashes of the email and the external id are held.
    expect(exported.out.join('\n')).not.toContain('ada@example.com');
    expect(exported.out.join('\n')).not.toContain('crm-2001');
    const byExternal = collect();
    expect(await runCustomerCommand(['export', '--tenant', GEN.tenant, '--external-id', 'crm-2001'], env(), byExternal.output)).toBe(0);
    expect(keys(byExternal.out.join('\n'))).toEqual(keys(exported.out.join('\n')));
  });

  it("never joins someone who types another customer's handle to that customer, and the handle still finds its owner", async () => {
    await importScores(GEN.tenant, 'generic_user_id,score\nu-4001,81\n');
    await genericTicket({
      id: 'u-4001',
      email: 'owner@example.com',
      handles: [{ network: 'bluesky', handle: 'owner.example', source: 'channel' }],
    });

    // Mallory types the owner's handle into the form, then writes again with nothing but it.
    const mallory = await genericTicket({
      email: 'mallory@example.com',
      handles: [{ network: 'bluesky', handle: 'owner.example', source: 'customer' }],
    });
    const typedOnly = await genericTicket({ handles: [{ network: 'bluesky', handle: 'owner.example', source: 'customer' }] });

    for (const id of [mallory, typedOnly]) {
      expect((await decisionOf(GEN.tenant, 'generic', id))?.decision.tier).toBe('none');
      expect(stack.sandbox.part(genericPart).ticket(id)?.priority).toBe('normal');
    }
    const exportOf = async (args: string[]) => {
      const run = collect();
      expect(await runCustomerCommand(['export', '--tenant', GEN.tenant, ...args], env(), run.output), run.err.join('\n')).toBe(0);
      return keys(run.out.join('\n'));
    };
    const owner = await exportOf(['--email', 'owner@example.com']);
    expect(await exportOf(['--handle', 'bluesky:owner.example'])).toEqual(owner);
    expect(await exportOf(['--email', 'mallory@example.com'])).not.toEqual(owner);
  });

  it("a generic survey answer whose respondent is only an external id closes the loop on that customer's ticket", async () => {
    await importScores(GEN.tenant, 'external_id,score\ncrm-3001,65\n');
    const ticketId = await genericTicket({ id: 'u-3001', external_id: 'crm-3001' });
    expect((await decisionOf(GEN.tenant, 'generic', ticketId))?.decision.tier).toBe('high');

    const response = await post(
      GEN.tenant,
      'generic-survey',
      surveyAnswer(GEN.surveySecret, { ticketId, score: 2, respondent: { external_id: 'crm-3001' } }),
    );

    expect(response.status).toBe(202);
    const ticket = stack.sandbox.part(genericPart).ticket(ticketId);
    expect(ticket?.tags).toContain('nps_detractor');
    expect(ticket?.notes.at(-1)?.body).toContain('Nobody called back.');
  });
});

describe('handles proven by the channel a ticket came through', () => {
  const exportByHandle = async (tenant: string, handle: string) => {
    const run = collect();
    const code = await runCustomerCommand(['export', '--tenant', tenant, '--handle', handle], env(), run.output);
    return { code, keys: code === 0 ? keys(run.out.join('\n')) : [], err: run.err.join('\n') };
  };

  it('a Zendesk ticket from the X channel makes the twitter identity Zendesk linked `channel`, and the handle then finds its owner', async () => {
    const zendesk = stack.sandbox.part(zendeskPart);
    const suffix = randomUUID().slice(0, 6);
    const viaX = zendesk.createUser({
      name: 'Hedy',
      email: `hedy-${suffix}@example.com`,
      external_id: null,
      user_fields: {},
      identities: [{ type: 'twitter', value: `hedy_${suffix}` }],
    });
    const viaWeb = zendesk.createUser({
      name: 'Barbara',
      email: `barbara-${suffix}@example.com`,
      external_id: null,
      user_fields: {},
      identities: [{ type: 'twitter', value: `barbara_${suffix}` }],
    });

    for (const [user, channel] of [
      [viaX, 'twitter'],
      [viaWeb, 'web'],
    ] as const) {
      const ticket = zendesk.createTicket({
        subject: 'Help',
        description: 'It broke.',
        requesterId: user.id,
        channel,
        priority: 'normal',
        tags: [],
      });
      expect((await post(DEMO.tenant, 'zendesk', signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret }))).status).toBe(202);
    }

    const hedy = await exportByHandle(DEMO.tenant, `twitter:hedy_${suffix}`);
    expect(hedy.code, hedy.err).toBe(0);
    expect(hedy.keys).toHaveLength(1);
    // Barbara's identity is listed on her profile, but nothing proved it hers: it finds nobody.
    const barbara = await exportByHandle(DEMO.tenant, `twitter:barbara_${suffix}`);
    expect(barbara.code).toBe(1);
    expect(barbara.err).toContain('A handle finds a customer only once verified or seen through its network channel');
  });

  it("a Freshdesk ticket from the Twitter channel (source 5) makes the contact's twitter_id `channel`", async () => {
    const freshdesk = stack.sandbox.part(freshdeskPart);
    const suffix = randomUUID().slice(0, 6);
    const contact = freshdesk.createContact({ name: 'Annie', email: `annie-${suffix}@example.com`, twitter_id: `annie_${suffix}` });
    const ticket = freshdesk.createTicket({
      subject: 'Help',
      description: 'It broke.',
      source: 5,
      requesterId: contact.id,
      priority: 2,
      tags: [],
    });

    expect((await post(FRESHDESK_DEMO.tenant, 'freshdesk', freshdeskDemo.delivery(freshdesk.ticket(ticket.id)))).status).toBe(202);

    const annie = await exportByHandle(FRESHDESK_DEMO.tenant, `twitter:annie_${suffix}`);
    expect(annie.code, annie.err).toBe(0);
    expect(annie.keys).toHaveLength(1);
  });
});

describe('external ids on Zendesk', () => {
  it("a generic survey answer naming only the Zendesk user's external_id closes the loop on their ticket", async () => {
    const user = stack.sandbox.part(zendeskPart).createUser({
      name: 'Edsger',
      email: `edsger-${randomUUID().slice(0, 6)}@example.com`,
      external_id: 'crm-5009',
      user_fields: {},
      identities: [],
    });
    const ticket = stack.sandbox
      .part(zendeskPart)
      .createTicket({ subject: 'Help', description: 'It broke.', requesterId: user.id, priority: 'normal', tags: [] });
    expect((await post(DEMO.tenant, 'zendesk', signedTicketCreated({ ticket, secret: ZENDESK_DEMO.signingSecret }))).status).toBe(202);
    expect((await decisionOf(DEMO.tenant, 'zendesk', String(ticket.id)))?.status).toBeDefined();

    const response = await post(
      DEMO.tenant,
      'generic-survey',
      surveyAnswer(GENERIC_SURVEY_DEMO.signingSecret, { ticketId: String(ticket.id), score: 1, respondent: { external_id: 'crm-5009' } }),
    );

    expect(response.status).toBe(202);
    expect(stack.sandbox.part(zendeskPart).ticket(ticket.id)?.tags).toContain('nps_detractor');
  });
});
