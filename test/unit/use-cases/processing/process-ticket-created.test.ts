import { beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../../shared/adapters/resilience/circuit-breaker.js';
import { HelpdeskMetricsProvider } from '../../../../shared/adapters/influence/helpdesk-metrics.js';
import { type CustomerProfile, handleIdentity } from '../../../../shared/domain/customer.js';
import { RateLimitedError, TransientError } from '../../../../shared/domain/errors.js';
import type { TicketCreated } from '../../../../shared/domain/events.js';
import { PolicySchema, type PolicyInput } from '../../../../shared/domain/policy.js';
import type { HelpdeskClient, ScoreProvider } from '../../../../shared/domain/ports.js';
import { processTicketCreated, type ProcessTicketDeps } from '../../../../shared/use-cases/processing/process-ticket-created.js';
import {
  FixedClock,
  InMemoryCustomerStore,
  InMemoryDecisionLog,
  InMemoryHelpdesk,
  InMemoryScoreRefreshStore,
  ScriptedScoreProvider,
  TestHasher,
  testHoldoutDraw,
} from '../../../support/fakes.js';

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
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse(policyInput), helpdesk: { kind: 'zendesk' } } : undefined),
      helpdeskFor: async () => helpdesk,
      customers,
      hasherFor,
      holdoutDraw: testHoldoutDraw,
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
    await processTicketCreated(
      event({ deliveryId: 'd2', ticket: { id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-x' } }),
      deps,
    );

    expect(helpdesk.requesterLookups).toBe(1);
    const profile = [...customers.profiles.values()][0];
    expect(profile?.identities.helpdeskUserIds).toEqual(['zendesk:501']);
    expect(profile?.identities.handles).toEqual([{ network: 'twitter', handle: 'ada' }]);
    expect(JSON.stringify(profile)).not.toContain('example.com');
    expect(profile?.identitiesResolvedAt).toBe(NOW.toISOString());
  });

  it('records when the customer was last seen, and moves it when they come back after a month, however recently their score was refreshed', async () => {
    await seedScore(72);
    await processTicketCreated(event(), deps);
    const [first] = [...customers.profiles.values()];
    expect(first?.lastSeenAt).toBe(NOW.toISOString());

    // Forty days on, a refresh wrote the profile yesterday; the customer writes in again.
    clock.advance(40 * 86_400_000);
    for (const [key, profile] of customers.profiles) {
      customers.profiles.set(key, { ...profile, updatedAt: new Date(clock.now().getTime() - 86_400_000).toISOString() });
    }
    helpdesk.addTicket({ id: '35440', priority: 'normal', tags: [], updatedStamp: 'stamp-y' });
    await processTicketCreated(
      event({ deliveryId: 'd40', ticket: { id: '35440', priority: 'normal', tags: [], updatedStamp: 'stamp-y' } }),
      deps,
    );

    const [later] = [...customers.profiles.values()];
    expect(later?.lastSeenAt).toBe(clock.now().toISOString());
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

  /** The first of the ticket ids from 35436 up whose keyed draw falls below (or not below) `share`. */
  function ticketDrawn(below: boolean, share: number): string {
    for (let id = 35436; ; id += 1) {
      if (testHoldoutDraw.draw('acme', String(id)) < share === below) return String(id);
    }
  }

  it('holds out a ticket whose draw falls in the share: nothing written, no note posted, recorded with what would have been done', async () => {
    await seedScore(72);
    policyInput = { holdout: 0.5 };
    const id = ticketDrawn(true, 0.5);
    helpdesk.addTicket({ id, priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-h' });
    const created = event({ ticket: { id, priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-h' } });

    const outcome = await processTicketCreated(created, deps);

    expect(outcome.status).toBe('held-out');
    expect(helpdesk.updates).toHaveLength(0);
    expect(helpdesk.tickets.get(id)).toMatchObject({ priority: 'normal', tags: ['printer'], notes: [] });
    const record = decisions.records.get(`acme#zendesk:ticket-created:${id}`);
    expect(record?.status).toBe('held-out');
    expect(record?.decision).toMatchObject({ priority: 'high', uplift: 1, tags: ['influence_high'] });
    expect(record?.holdout).toEqual({ draw: testHoldoutDraw.draw('acme', id), share: 0.5 });
    expect(record?.written).toBeUndefined();

    // Another delivery of the same ticket draws the same number: still nothing written.
    const again = await processTicketCreated({ ...created, deliveryId: 'another-delivery' }, deps);
    expect(again.status).toBe('duplicate');
    expect(helpdesk.updates).toHaveLength(0);
  });

  it('raises a ticket whose draw falls outside the share as usual', async () => {
    await seedScore(72);
    policyInput = { holdout: 0.5 };
    const id = ticketDrawn(false, 0.5);
    helpdesk.addTicket({ id, priority: 'normal', tags: [], updatedStamp: 'stamp-r' });

    const outcome = await processTicketCreated(event({ ticket: { id, priority: 'normal', tags: [], updatedStamp: 'stamp-r' } }), deps);

    expect(outcome.status).toBe('applied');
    expect(helpdesk.tickets.get(id)?.priority).toBe('high');
    expect(decisions.records.get(`acme#zendesk:ticket-created:${id}`)?.holdout).toBeUndefined();
  });

  it('finishes a ticket an earlier attempt started writing, whatever its draw', async () => {
    await seedScore(72);
    const id = ticketDrawn(true, 0.5);
    helpdesk.addTicket({ id, priority: 'normal', tags: [], updatedStamp: 'stamp-p' });
    const created = event({ ticket: { id, priority: 'normal', tags: [], updatedStamp: 'stamp-p' } });
    // The first attempt (no holdout yet) was refused after recording pending; the holdout is set meanwhile.
    helpdesk.beforeUpdate = () => {
      throw new TransientError('helpdesk down');
    };
    await expect(processTicketCreated(created, deps)).rejects.toThrow('helpdesk down');
    expect(decisions.records.get(`acme#zendesk:ticket-created:${id}`)?.status).toBe('pending');
    helpdesk.beforeUpdate = undefined;
    policyInput = { holdout: 0.5 };

    const outcome = await processTicketCreated(created, deps);

    expect(outcome.status).toBe('applied');
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

  it('still decides when the helpdesk refuses the requester lookup for good, says so in the log, and asks again next time', async () => {
    helpdesk.users.clear();

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('skipped');
    expect(warnings[0]).toMatch(/requester lookup refused/);
    // The identity the webhook carried is kept; the helpdesk is asked again on the next ticket.
    const [profile] = [...customers.profiles.values()];
    expect(profile?.identities.helpdeskUserIds).toEqual(['zendesk:501']);
    expect(profile?.identitiesResolvedAt).toBeUndefined();
  });

  it('merges the identities a ticket carries when the helpdesk has no user API, so any one of them finds the customer later', async () => {
    // The generic helpdesk: tickets and notes, but no user API to read a requester from.
    const generic: HelpdeskClient = {
      getTicket: (id) => helpdesk.getTicket(id),
      updateTicket: (update) => helpdesk.updateTicket(update),
      hasInternalNote: (id, marker) => helpdesk.hasInternalNote(id, marker),
    };
    const hasher = new TestHasher('acme');
    const userId = { kind: 'helpdesk-user' as const, value: 'generic:u-2001' };
    await customers.saveCustomer(
      {
        tenant: 'acme',
        customerKey: hasher.hash(userId),
        identities: { helpdeskUserIds: [userId.value], emailHashes: [], handles: [] },
        optedOut: false,
        score: {
          value: 72,
          source: 'import',
          modelVersion: 'import-1',
          scoredAt: '2026-11-22T00:00:00Z',
          refreshAfter: '2026-11-29T00:00:00Z',
          components: {},
          inputs: {},
          explanation: 'Imported score 72.',
        },
        createdAt: '2026-11-22T00:00:00Z',
        updatedAt: '2026-11-22T00:00:00Z',
      },
      [userId],
    );
    const genericDeps: ProcessTicketDeps = {
      ...deps,
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse({}), helpdesk: { kind: 'generic' } } : undefined),
      helpdeskFor: async () => generic,
    };
    const requesters: TicketCreated['requester'][] = [
      // The first ticket came through the network's own channel: the handle is hers, and finds her.
      {
        helpdeskUserId: 'u-2001',
        email: 'ada@example.com',
        externalId: 'crm-2001',
        handles: [{ network: 'twitter', handle: 'ada_gen', trust: 'channel' }],
      },
      { email: 'Ada@Example.com', handles: [] },
      { handles: [{ network: 'twitter', handle: '@Ada_Gen', trust: 'channel' }] },
      { externalId: 'crm-2001', handles: [] },
    ];

    const outcomes = [];
    for (const [n, requester] of requesters.entries()) {
      const ticket = { id: `t-${n}`, priority: 'normal' as const, tags: [], updatedStamp: `stamp-${n}` };
      helpdesk.addTicket(ticket);
      outcomes.push(await processTicketCreated(event({ source: 'generic', deliveryId: `d-${n}`, ticket, requester }), genericDeps));
    }

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(requesters.map((_, n) => helpdesk.tickets.get(`t-${n}`)?.priority)).toEqual(['high', 'high', 'high', 'high']);
    expect(customers.profiles.size).toBe(1);
    const [profile] = [...customers.profiles.values()];
    expect(profile?.identities).toEqual({
      helpdeskUserIds: ['generic:u-2001'],
      emailHashes: [hasher.hash({ kind: 'email', value: 'ada@example.com' })],
      externalIdHashes: [hasher.hash({ kind: 'external-id', value: 'crm-2001' })],
      handles: [{ network: 'twitter', handle: 'ada_gen', trust: 'channel' }],
    });
    expect(JSON.stringify(profile)).not.toContain('crm-2001');
  });

  it("never joins a customer who types someone else's handle to that person's profile, nor finds anyone by a declared handle alone", async () => {
    // Arrange: the generic helpdesk (no user API); Ada's handle reached her through its channel.
    const generic: HelpdeskClient = {
      getTicket: (id) => helpdesk.getTicket(id),
      updateTicket: (update) => helpdesk.updateTicket(update),
      hasInternalNote: (id, marker) => helpdesk.hasInternalNote(id, marker),
    };
    const genericDeps: ProcessTicketDeps = {
      ...deps,
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse({}), helpdesk: { kind: 'generic' } } : undefined),
      helpdeskFor: async () => generic,
    };
    const requesters: TicketCreated['requester'][] = [
      { email: 'ada@example.com', handles: [{ network: 'bluesky', handle: 'ada.example.com', trust: 'channel' }] },
      // Mallory types Ada's handle into the form: declared.
      { email: 'mallory@example.com', handles: [{ network: 'bluesky', handle: 'ada.example.com', trust: 'declared' }] },
      // Someone named by nothing but that typed handle.
      { handles: [{ network: 'bluesky', handle: 'Ada.Example.com' }] },
    ];

    // Act
    for (const [n, requester] of requesters.entries()) {
      const ticket = { id: `t-${n}`, priority: 'normal' as const, tags: [], updatedStamp: `stamp-${n}` };
      helpdesk.addTicket(ticket);
      await processTicketCreated(event({ source: 'generic', deliveryId: `d-${n}`, ticket, requester }), genericDeps);
    }

    // Assert: two profiles, each with its own email; Mallory's lists the handle as she declared it.
    const hasher = new TestHasher('acme');
    const ada = await customers.findCustomer('acme', [{ kind: 'email', value: 'ada@example.com' }]);
    const mallory = await customers.findCustomer('acme', [{ kind: 'email', value: 'mallory@example.com' }]);
    expect(customers.profiles.size).toBe(2);
    expect(ada?.customerKey).not.toBe(mallory?.customerKey);
    expect(ada?.identities.emailHashes).toEqual([hasher.hash({ kind: 'email', value: 'ada@example.com' })]);
    expect(mallory?.identities.handles).toEqual([{ network: 'bluesky', handle: 'ada.example.com', trust: 'declared' }]);
    const byHandle = await customers.findCustomer('acme', [handleIdentity('bluesky', 'ada.example.com', 'channel')]);
    expect(byHandle?.customerKey).toBe(ada?.customerKey);
    expect(await customers.findCustomer('acme', [handleIdentity('bluesky', 'ada.example.com', 'declared')])).toBeUndefined();
  });

  it('adds an identity a later ticket carries to a customer whose details were already read, without asking the helpdesk again', async () => {
    await seedScore(72);
    await processTicketCreated(event(), deps);
    helpdesk.addTicket({ id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-x' });

    await processTicketCreated(
      event({
        deliveryId: 'd2',
        ticket: { id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-x' },
        requester: { helpdeskUserId: '501', externalId: 'crm-501', handles: [] },
      }),
      deps,
    );

    expect(helpdesk.requesterLookups).toBe(1);
    const found = await customers.findCustomer('acme', [{ kind: 'external-id', value: 'crm-501' }]);
    expect(found?.score?.value).toBe(72);
  });

  it('retries the event on a transient lookup failure rather than splitting the customer into a second profile', async () => {
    await seedScore(72);
    const lookup = helpdesk.getRequester.bind(helpdesk);
    let failures = 1;
    helpdesk.getRequester = async (id) => {
      if (failures-- > 0) throw new TransientError('503');
      return lookup(id);
    };

    await expect(processTicketCreated(event(), deps)).rejects.toBeInstanceOf(TransientError);
    expect(customers.profiles.size).toBe(1);

    const retry = await processTicketCreated(event(), deps);

    expect(retry.status).toBe('applied');
    expect(helpdesk.tickets.get('35436')?.priority).toBe('high');
    expect(customers.profiles.size).toBe(1);
  });

  it('never brings back a customer erased while their requester lookup was in flight', async () => {
    await seedScore(85);
    const lookup = helpdesk.getRequester.bind(helpdesk);
    helpdesk.getRequester = async (id) => {
      customers.profiles.clear(); // the erasure lands now
      return lookup(id);
    };

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('skipped');
    const stored = [...customers.profiles.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]?.score).toBeUndefined();
    expect(helpdesk.tickets.get('35436')?.priority).toBe('normal');
  });

  it('keeps an opt-out that landed while the requester lookup was in flight', async () => {
    await seedScore(85);
    const lookup = helpdesk.getRequester.bind(helpdesk);
    helpdesk.getRequester = async (id) => {
      for (const [key, profile] of customers.profiles) {
        customers.profiles.set(key, { ...profile, optedOut: true, score: undefined, updatedAt: '2026-11-23T09:59:00.000Z' });
      }
      return lookup(id);
    };

    await processTicketCreated(event(), deps);

    const [stored] = [...customers.profiles.values()];
    expect(stored?.optedOut).toBe(true);
    expect(stored?.score).toBeUndefined();
    expect(helpdesk.updates).toHaveLength(0);
  });

  it('writes once when an applied write lost its answer: no second note, no second uplift', async () => {
    await seedScore(72);
    let lose = true;
    helpdesk.afterUpdate = () => {
      if (lose) {
        lose = false;
        throw new TransientError('gateway timeout after the write');
      }
    };

    await expect(processTicketCreated(event(), deps)).rejects.toBeInstanceOf(TransientError);
    const retry = await processTicketCreated(event(), deps);

    expect(retry.status).toBe('applied');
    const ticket = helpdesk.tickets.get('35436');
    expect(ticket?.priority).toBe('high');
    expect(ticket?.notes).toHaveLength(1);
    expect(ticket?.notes[0]).toContain('[influence-router zendesk:ticket-created:35436]');
    expect(decisions.records.get('acme#zendesk:ticket-created:35436')?.status).toBe('applied');
  });

  it('recognises its own write from a concurrent delivery behind a 409, and does not write again', async () => {
    await seedScore(72);
    let raced = false;
    helpdesk.beforeUpdate = (id) => {
      if (raced) return;
      raced = true;
      // Another worker, processing a second delivery of the same event, wrote first.
      const ticket = helpdesk.tickets.get(id);
      if (ticket) {
        helpdesk.tickets.set(id, {
          ...ticket,
          notes: [...ticket.notes, 'x\n[influence-router zendesk:ticket-created:35436]'],
          priority: 'high',
        });
        helpdesk.touch(id, {});
      }
    };

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('applied');
    expect(helpdesk.updates).toHaveLength(0);
    expect(helpdesk.tickets.get('35436')?.priority).toBe('high');
  });

  it('keeps the routing a person gave the ticket after it was created', async () => {
    await seedScore(72);
    policyInput = { rules: [{ id: 'reach-high', tiers: ['high'], uplift: 1, tags: ['influence_high'], groupId: '900', reason: 'big' }] };
    let moved = false;
    helpdesk.beforeUpdate = (id) => {
      if (!moved) {
        moved = true;
        helpdesk.touch(id, { groupId: '555' });
      }
    };

    await processTicketCreated(event(), deps);

    expect(helpdesk.tickets.get('35436')?.groupId).toBe('555');
    expect(helpdesk.tickets.get('35436')?.priority).toBe('high');
  });

  it('routes to the hint when nobody has routed the ticket yet', async () => {
    await seedScore(72);
    policyInput = { rules: [{ id: 'reach-high', tiers: ['high'], uplift: 1, tags: ['influence_high'], groupId: '900', reason: 'big' }] };

    await processTicketCreated(event(), deps);

    expect(helpdesk.tickets.get('35436')?.groupId).toBe('900');
  });
});

describe('processTicketCreated: score freshness and the score provider', () => {
  const DAY = 86_400_000;
  const FIELD_KEYS = {
    followers: 'followers',
    following: 'following',
    engagementPerPost: 'engagement_per_post',
    accountAgeDays: 'account_age_days',
    postCount: 'post_count',
    verification: 'verification',
  };
  let helpdesk: InMemoryHelpdesk;
  let customers: InMemoryCustomerStore;
  let queue: InMemoryScoreRefreshStore;
  let decisions: InMemoryDecisionLog;
  let provider: ScoreProvider | undefined;
  let warnings: string[];
  let deps: ProcessTicketDeps;
  const hasher = new TestHasher('acme');
  const email = { kind: 'email' as const, value: 'ada@example.com' };
  const key = hasher.hash(email);

  beforeEach(() => {
    helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '35436', priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-0' });
    helpdesk.users.set('501', {
      helpdeskUserId: '501',
      email: 'Ada@Example.com',
      handles: [],
      // Zendesk user_fields as the API answers them: integers, a decimal, a text count, a dropdown.
      fields: {
        followers: 48_000,
        following: 1_100,
        engagement_per_post: 350.0,
        account_age_days: 2_920,
        post_count: '5,200',
        verification: 'paid',
        vip: false,
      },
    });
    customers = new InMemoryCustomerStore((tenant) => new TestHasher(tenant));
    queue = new InMemoryScoreRefreshStore(customers);
    decisions = new InMemoryDecisionLog();
    warnings = [];
    const clock = new FixedClock(NOW);
    provider = new HelpdeskMetricsProvider({
      helpdeskKind: 'zendesk',
      fieldKeys: FIELD_KEYS,
      helpdesk: async () => helpdesk,
      breaker: new CircuitBreaker({ failureThreshold: 5, resetAfterMs: 30_000, clock }),
    });
    deps = {
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse({}), helpdesk: { kind: 'zendesk' } } : undefined),
      helpdeskFor: async () => helpdesk,
      customers,
      hasherFor: (tenant) => new TestHasher(tenant),
      holdoutDraw: testHoldoutDraw,
      decisions,
      clock,
      logger: { warn: (message) => warnings.push(message) },
      scoreProviderFor: () => provider,
      scoreRefresh: queue,
    };
  });

  async function seed(extra: Partial<CustomerProfile> = {}, ageDays?: number): Promise<void> {
    const scoredAt = ageDays === undefined ? undefined : new Date(NOW.getTime() - ageDays * DAY);
    await customers.saveCustomer(
      {
        tenant: 'acme',
        customerKey: key,
        identities: { helpdeskUserIds: [], emailHashes: [key], handles: [] },
        optedOut: false,
        ...(scoredAt
          ? {
              score: {
                value: 72,
                source: 'import',
                modelVersion: 'import-1',
                scoredAt: scoredAt.toISOString(),
                refreshAfter: new Date(scoredAt.getTime() + 7 * DAY).toISOString(),
                components: {},
                inputs: {},
                explanation: 'Imported score 72.',
              },
            }
          : {}),
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
        ...extra,
      },
      [email],
    );
  }

  const record = () => decisions.records.get('acme#zendesk:ticket-created:35436');

  it('uses a fresh score and asks no provider', async () => {
    await seed({}, 2);
    const scripted = new ScriptedScoreProvider('http');
    provider = scripted;

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('applied');
    expect(scripted.requests).toHaveLength(0);
    expect(record()?.note).toContain('Tier: high (score 72). Imported score 72.\n');
  });

  it('uses a stale score as it is and says a refresh is queued, without calling the provider', async () => {
    await seed({}, 10);
    const scripted = new ScriptedScoreProvider('http');
    provider = scripted;

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('applied');
    expect(scripted.requests).toHaveLength(0);
    expect(record()?.decision).toMatchObject({ tier: 'high', refreshDue: true, refreshQueued: true, score: { freshness: 'stale' } });
    expect(record()?.note).toContain('Imported score 72. The score is due for refresh; a refresh is queued.');
  });

  it('does not promise a refresh for a stale score when the tenant has no provider', async () => {
    await seed({}, 10);
    provider = undefined;

    await processTicketCreated(event(), deps);

    expect(record()?.decision.refreshQueued).toBe(false);
    expect(record()?.note).toContain('The score is due for refresh; this tenant updates scores by import, so it is used until it expires.');
  });

  it('scores a customer with no score inline from the requester fields already fetched, and keeps the score', async () => {
    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('applied');
    expect(helpdesk.requesterLookups).toBe(1);
    expect(record()?.decision).toMatchObject({
      tier: 'high',
      priority: 'high',
      score: { value: 64, freshness: 'fresh', modelVersion: 'reach-2' },
    });
    expect(record()?.note).toMatch(/Tier: high \(score 64\)\. Reach 64 \(high\): 48k followers/);
    const stored = [...customers.profiles.values()][0];
    expect(stored?.score).toMatchObject({ value: 64, source: 'helpdesk-metrics', scoredAt: NOW.toISOString() });
    expect(queue.queue.get(`acme#${stored?.customerKey}`)).toEqual({ dueAt: '2026-11-30T10:00:00.000Z', failures: 0 });
  });

  it('re-scores a customer whose score is past the maximum age', async () => {
    await seed({ identitiesResolvedAt: '2026-01-01T00:00:00Z' }, 45);

    await processTicketCreated(event(), deps);

    expect(record()?.decision.score).toMatchObject({ value: 64, freshness: 'fresh' });
    expect(record()?.decision.guardrails).toEqual([]);
    expect(customers.profiles.get(`acme#${key}`)?.score?.value).toBe(64);
  });

  it('decides without a score when the provider is down, says so, and leaves the customer due for the scheduled refresh', async () => {
    const scripted = new ScriptedScoreProvider('http', { outcome: 'failed', kind: 'timeout', reason: 'no answer within 800 ms' });
    provider = scripted;

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('skipped');
    expect(scripted.requests.map((r) => r.purpose)).toEqual(['inline']);
    expect(record()?.decision.tier).toBe('none');
    expect(record()?.note).toContain(
      '- Score provider http unavailable (no answer within 800 ms): decided without a score; a refresh is queued.',
    );
    expect(record()?.decision.providerFailure).toBe('timeout');
    const stored = [...customers.profiles.values()][0];
    expect(queue.queue.get(`acme#${stored?.customerKey}`)).toEqual({ dueAt: NOW.toISOString(), failures: 0 });
    expect(warnings).toContain('score provider failed on the ticket path; deciding without a score');
  });

  it('never fails the event when a provider throws, even with an expired score', async () => {
    await seed({ identitiesResolvedAt: '2026-01-01T00:00:00Z' }, 45);
    provider = new ScriptedScoreProvider('http', new Error('socket hang up'));

    const outcome = await processTicketCreated(event(), deps);

    expect(outcome.status).toBe('skipped');
    expect(record()?.decision.guardrails.map((g) => g.message)).toEqual([
      'The score is 45 days old (limit 30): treated as no score until refreshed.',
      'Score provider http unavailable (provider error (Error)): decided without a score; a refresh is queued.',
    ]);
  });

  it('says why the provider has no score', async () => {
    helpdesk.users.set('501', { helpdeskUserId: '501', email: 'ada@example.com', handles: [], fields: { followers: 48_000 } });

    await processTicketCreated(event(), deps);

    expect(record()?.decision.tier).toBe('none');
    expect(record()?.note).toContain('- Score provider helpdesk-metrics has no score for this customer (user field "following" is empty).');
    const stored = [...customers.profiles.values()][0];
    expect(queue.queue.get(`acme#${stored?.customerKey}`)?.dueAt).toBe('2026-11-30T10:00:00.000Z');
  });

  it('reads the requester for helpdesk metrics when this event did not need to', async () => {
    await seed({
      identities: { helpdeskUserIds: ['zendesk:501'], emailHashes: [key], handles: [] },
      identitiesResolvedAt: '2026-01-01T00:00:00Z',
    });

    await processTicketCreated(event(), deps);

    expect(helpdesk.requesterLookups).toBe(1);
    expect(record()?.decision.score?.value).toBe(64);
  });

  it('asks no provider about an opted-out customer or one with a live override', async () => {
    const scripted = new ScriptedScoreProvider('http', { outcome: 'failed', kind: 'timeout', reason: 'x' });
    provider = scripted;
    await seed({ optedOut: true, optedOutAt: '2026-02-01T00:00:00Z' });
    await processTicketCreated(event(), deps);
    await seed({ override: { kind: 'never', reason: 'press contact' } });
    helpdesk.addTicket({ id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-1' });
    await processTicketCreated(
      event({ deliveryId: 'd2', ticket: { id: '35437', priority: 'normal', tags: [], updatedStamp: 'stamp-1' } }),
      deps,
    );

    expect(scripted.requests).toHaveLength(0);
  });
});
