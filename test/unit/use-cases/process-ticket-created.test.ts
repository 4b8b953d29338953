import { beforeEach, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../shared/domain/errors.js';
import type { TicketCreated } from '../../../shared/domain/events.js';
import { PolicySchema, type PolicyInput } from '../../../shared/domain/policy.js';
import { processTicketCreated, type ProcessTicketDeps } from '../../../shared/use-cases/process-ticket-created.js';
import {
  FixedClock,
  InMemoryCustomerStore,
  InMemoryDecisionLog,
  InMemoryHelpdesk,
  TestHasher,
} from '../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00Z');

function event(overrides: Partial<TicketCreated> = {}): TicketCreated {
  return {
    type: 'TicketCreated',
    tenant: 'acme',
    source: 'zendesk',
    deliveryId: '01HNXXXX-CTEXAMPLE',
    occurredAt: '2026-11-23T09:59:58Z',
    receivedAt: '2026-11-23T09:59:59Z',
    ticket: { id: '35436', priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-0' },
    requester: { helpdeskUserId: '501', handles: [] },
    ...overrides,
  };
}

describe('processTicketCreated', () => {
  let helpdesk: InMemoryHelpdesk;
  let customers: InMemoryCustomerStore;
  let decisions: InMemoryDecisionLog;
  let clock: FixedClock;
  let policyInput: PolicyInput;
  let warnings: string[];
  let deps: ProcessTicketDeps;

  beforeEach(() => {
    helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '35436', priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-0' });
    helpdesk.users.set('501', {
      helpdeskUserId: '501',
      email: 'Ada@Example.com',
      handles: [{ network: 'twitter', handle: 'ada' }],
      fields: {},
    });
    const hasherFor = (tenant: string) => new TestHasher(tenant);
    customers = new InMemoryCustomerStore(hasherFor);
    decisions = new InMemoryDecisionLog();
    clock = new FixedClock(NOW);
    policyInput = {};
    warnings = [];
    deps = {
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse(policyInput) } : undefined),
      helpdeskFor: async () => helpdesk,
      customers,
      hasherFor,
      decisions,
      clock,
      logger: { warn: (message) => warnings.push(message) },
    };
  });

  async function seedScore(value: number): Promise<void> {
    const hasher = new TestHasher('acme');
    const identity = { kind: 'email' as const, value: 'ada@example.com' };
    await customers.saveCustomer(
      {
        tenant: 'acme',
        customerKey: hasher.hash(identity),
        identities: { helpdeskUserIds: [], emailHashes: [hasher.hash(identity)], handles: [] },
        optedOut: false,
        score: {
          value,
          source: 'import',
          modelVersion: 'import-1',
          scoredAt: '2026-11-22T00:00:00Z',
          refreshAfter: '2026-11-29T00:00:00Z',
          components: {},
          inputs: {},
          explanation: `Imported score ${value}.`,
        },
        createdAt: '2026-11-22T00:00:00Z',
        updatedAt: '2026-11-22T00:00:00Z',
      },
      [identity],
    );
  }

  it('resolves the requester by email, raises priority, merges tags and writes one note', async () => {
    await seedScore(72);

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('applied');
    const ticket = helpdesk.tickets.get('35436');
    expect(ticket?.priority).toBe('high');
    expect(ticket?.tags).toEqual(['printer', 'influence_high']);
    expect(ticket?.notes).toHaveLength(1);
    expect(ticket?.notes[0]).toContain('priority raised from normal to high (+1)');
    expect(helpdesk.updates).toHaveLength(1);
    expect(decisions.records.get('acme#zendesk:ticket-created:35436')?.status).toBe('applied');
  });

  it('looks the requester up once per customer and keeps the identities on the profile', async () => {
    await seedScore(72);

    await processTicketCreated(event(), deps);
    helpdesk.addTicket({ id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-x' });
    await processTicketCreated(event({ deliveryId: 'd2', ticket: { id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-x' } }), deps);

    expect(helpdesk.requesterLookups).toBe(1);
    const profile = [...customers.profiles.values()][0];
    expect(profile?.identities.helpdeskUserIds).toEqual(['zendesk:501']);
    expect(profile?.identities.handles).toEqual([{ network: 'twitter', handle: 'ada' }]);
    expect(JSON.stringify(profile)).not.toContain('example.com');
    expect(profile?.identitiesResolvedAt).toBe(NOW.toISOString());
  });

  it('never writes a second time for the same ticket, whatever the delivery id', async () => {
    await seedScore(72);

    await processTicketCreated(event(), deps);
    const second = await processTicketCreated(event({ deliveryId: 'another-delivery' }), deps);

    expect(second.status).toBe('duplicate');
    expect(helpdesk.updates).toHaveLength(1);
    expect(helpdesk.tickets.get('35436')?.notes).toHaveLength(1);
  });

  it('re-reads the ticket on a 409 and keeps a priority a person raised meanwhile', async () => {
    await seedScore(72);
    let touched = false;
    helpdesk.beforeUpdate = (id) => {
      if (!touched) {
        touched = true;
        helpdesk.touch(id, { priority: 'urgent', tags: ['printer', 'vip_by_hand'] });
      }
    };

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('applied');
    const ticket = helpdesk.tickets.get('35436');
    expect(ticket?.priority).toBe('urgent');
    expect(ticket?.tags).toEqual(['printer', 'vip_by_hand', 'influence_high']);
    expect(ticket?.notes).toHaveLength(1);
  });

  it('records but does not write back in shadow mode', async () => {
    await seedScore(72);
    policyInput = { mode: 'shadow' };

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('shadow');
    expect(helpdesk.updates).toHaveLength(0);
    const record = decisions.records.get('acme#zendesk:ticket-created:35436');
    expect(record?.decision.priority).toBe('high');
    expect(record?.note).toContain('priority raised');
  });

  it('writes nothing when the decision changes nothing, and audits why', async () => {
    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('skipped');
    expect(helpdesk.updates).toHaveLength(0);
    expect(decisions.records.get('acme#zendesk:ticket-created:35436')?.skippedReason).toMatch(/changes nothing/);
  });

  it('reads the ticket first when the webhook carried no concurrency stamp', async () => {
    await seedScore(72);
    helpdesk.touch('35436', { tags: ['printer', 'from_trigger'] });

    await processTicketCreated(event({ ticket: { id: '35436', tags: [] } }), deps);

    expect(helpdesk.tickets.get('35436')?.tags).toEqual(['printer', 'from_trigger', 'influence_high']);
  });

  it('lets a 429 propagate so the queue retries after Retry-After, leaving the decision pending', async () => {
    await seedScore(72);
    helpdesk.beforeUpdate = () => {
      throw new RateLimitedError('slow down', 7);
    };

    await expect(processTicketCreated(event(), deps)).rejects.toMatchObject({ retryAfterSeconds: 7 });
    expect(decisions.records.get('acme#zendesk:ticket-created:35436')?.status).toBe('pending');

    helpdesk.beforeUpdate = undefined;
    const retry = await processTicketCreated(event(), deps);
    expect(retry.status).toBe('applied');
    expect(helpdesk.updates).toHaveLength(1);
  });

  it('records a skipped decision when the ticket was deleted', async () => {
    await seedScore(72);

    const outcome = await processTicketCreated(event({ ticket: { id: '999', tags: [] } }), deps);

    expect(outcome.status).toBe('skipped');
    expect(decisions.records.get('acme#zendesk:ticket-created:999')?.skippedReason).toMatch(/no longer exists/);
  });

  it('still decides when the requester lookup fails, and says so in the log', async () => {
    helpdesk.users.clear();

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('skipped');
    expect(warnings[0]).toMatch(/requester lookup failed/);
  });
});
