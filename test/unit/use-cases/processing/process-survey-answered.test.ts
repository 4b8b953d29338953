import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SurveyAnswered, TicketCreated } from '../../../../shared/domain/events.js';
import { decide } from '../../../../shared/domain/decide.js';
import { PolicySchema, type PolicyInput } from '../../../../shared/domain/policy.js';
import { processEvent, type ProcessEventDeps } from '../../../../shared/use-cases/processing/process-event.js';
import {
  FixedClock,
  InMemoryCustomerStore,
  InMemoryDecisionLog,
  InMemoryHelpdesk,
  InMemorySurveyAnswers,
  TestHasher,
  testHoldoutDraw,
} from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function answer(overrides: Partial<SurveyAnswered> = {}): SurveyAnswered {
  return {
    type: 'SurveyAnswered',
    tenant: 'acme',
    source: 'typeform',
    deliveryId: 'evt-1',
    occurredAt: '2026-11-23T09:59:00Z',
    receivedAt: '2026-11-23T09:59:01Z',
    responseId: 'r-1',
    answeredAt: '2026-11-23T09:59:00Z',
    kind: 'nps',
    score: 3,
    scale: 10,
    comment: 'Waited <b>three</b> days.\nStill broken.',
    respondent: { email: 'ada@example.com', handles: [] },
    respondentVerified: true,
    ticketId: '35436',
    ...overrides,
  };
}

function ticketCreated(id: string): TicketCreated {
  return {
    type: 'TicketCreated',
    tenant: 'acme',
    source: 'zendesk',
    deliveryId: `d-${id}`,
    occurredAt: NOW.toISOString(),
    receivedAt: NOW.toISOString(),
    ticket: { id, priority: 'normal', tags: [], updatedStamp: 'stamp-new' },
    requester: { email: 'ada@example.com', handles: [] },
  };
}

describe('processing a survey answer', () => {
  let helpdesk: InMemoryHelpdesk;
  let customers: InMemoryCustomerStore;
  let decisions: InMemoryDecisionLog;
  let surveys: InMemorySurveyAnswers;
  let clock: FixedClock;
  let policyInput: PolicyInput;
  let deps: ProcessEventDeps;

  beforeEach(() => {
    helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '35436', priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-0' });
    const hasherFor = (tenant: string) => new TestHasher(tenant);
    customers = new InMemoryCustomerStore(hasherFor);
    decisions = new InMemoryDecisionLog();
    surveys = new InMemorySurveyAnswers();
    clock = new FixedClock(NOW);
    policyInput = {};
    deps = {
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse(policyInput), helpdesk: { kind: 'zendesk' } } : undefined),
      helpdeskFor: async () => helpdesk,
      customers,
      hasherFor,
      holdoutDraw: testHoldoutDraw,
      decisions,
      clock,
      logger: { warn: () => {} },
      surveyAnswers: surveys,
      answerIndex: surveys,
    };
  });

  async function seedCustomer(score: number | undefined, extra: { optedOut?: boolean } = {}): Promise<void> {
    const hasher = new TestHasher('acme');
    const identity = { kind: 'email' as const, value: 'ada@example.com' };
    await customers.saveCustomer(
      {
        tenant: 'acme',
        customerKey: hasher.hash(identity),
        identities: { helpdeskUserIds: [], emailHashes: [hasher.hash(identity)], handles: [] },
        optedOut: extra.optedOut ?? false,
        ...(score === undefined
          ? {}
          : {
              score: {
                value: score,
                source: 'import',
                modelVersion: 'import-1',
                scoredAt: NOW.toISOString(),
                refreshAfter: new Date(NOW.getTime() + 7 * DAY).toISOString(),
                components: {},
                inputs: {},
                explanation: `Imported score ${score}.`,
              },
            }),
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      },
      [identity],
    );
  }

  const ticket = () => helpdesk.tickets.get('35436');

  /** The ticket's own decision, as the ticket path records it: whose ticket it is, and the priority the helpdesk set. */
  async function seedTicketDecision(ticketId = '35436', email = 'ada@example.com'): Promise<void> {
    const customerKey = new TestHasher('acme').hash({ kind: 'email', value: email });
    const decision = decide({ ticket: { id: ticketId, priority: 'normal', tags: [] }, policy: PolicySchema.parse({}), now: NOW });
    await decisions.record({
      tenant: 'acme',
      decisionId: `zendesk:ticket-created:${ticketId}`,
      deliveryId: `d-${ticketId}`,
      source: 'zendesk',
      ticketId,
      customerKey,
      receivedAt: NOW.toISOString(),
      decidedAt: NOW.toISOString(),
      status: 'skipped',
      decision,
      note: 'seeded',
    });
  }
  const profile = () => [...customers.profiles.values()][0];

  it('gives a detractor answer about a known ticket the detractor tag, the uplift and a note quoting the comment as plain text', async () => {
    await seedCustomer(64);
    await seedTicketDecision();

    const outcome = await processEvent(answer(), deps);

    expect(outcome.status).toBe('applied');
    expect(ticket()?.priority).toBe('high');
    expect(ticket()?.tags).toEqual(['printer', 'nps_detractor']);
    expect(ticket()?.notes).toHaveLength(1);
    expect(ticket()?.notes[0]).toContain('Customer\'s comment: "Waited <b>three</b> days. Still broken."');
    expect(ticket()?.notes[0]).toContain('Recent NPS: detractor (3/10');
    expect(ticket()?.notes[0]).not.toContain('influence_high');
  });

  it('stores the answer with its comment and indexes it with the tier, and keeps it as the latest NPS answer', async () => {
    await seedCustomer(64);

    await processEvent(answer({ ticketId: undefined }), deps);

    expect([...surveys.records.values()]).toMatchObject([
      { responseId: 'typeform:r-1', score: 3, comment: 'Waited <b>three</b> days.\nStill broken.' },
    ]);
    expect([...surveys.indexed.values()]).toEqual([
      {
        tenant: 'acme',
        responseId: 'typeform:r-1',
        source: 'typeform',
        answeredAt: '2026-11-23T09:59:00Z',
        kind: 'nps',
        score: 3,
        scale: 10,
        tier: 'high',
        revision: '2026-11-23T09:59:00.000Z|2026-11-23T09:59:01.000Z',
      },
    ]);
    expect(profile()?.latestNps).toEqual({
      score: 3,
      category: 'detractor',
      answeredAt: '2026-11-23T09:59:00Z',
      responseId: 'typeform:r-1',
      revision: '2026-11-23T09:59:00.000Z|2026-11-23T09:59:01.000Z',
    });
  });

  it('never writes twice for one answer: the updated answer is stored again but not written', async () => {
    await seedCustomer(64);
    await seedTicketDecision();
    await processEvent(answer({ comment: undefined }), deps);

    const second = await processEvent(answer({ deliveryId: 'evt-2', comment: 'added later' }), deps);

    expect(second.status).toBe('duplicate');
    expect(ticket()?.notes).toHaveLength(1);
    expect(surveys.records.size).toBe(1);
    expect([...surveys.records.values()][0]?.comment).toBe('added later');
  });

  it('never raises past the cap over the ticket decision and the survey decision together', async () => {
    await seedCustomer(64);
    await processEvent(ticketCreated('35436'), {
      ...deps,
      tenant: () => ({ id: 'acme', policy: PolicySchema.parse({}), helpdesk: { kind: 'zendesk' } }),
    });
    helpdesk.touch('35436', {});
    expect(ticket()?.priority).toBe('high');

    await processEvent(answer(), deps);

    expect(ticket()?.priority).toBe('high');
    expect(ticket()?.tags).toContain('nps_detractor');
    expect(ticket()?.notes).toHaveLength(2);
  });

  it('never lowers a priority a person raised', async () => {
    await seedCustomer(64);
    await seedTicketDecision();
    helpdesk.touch('35436', { priority: 'urgent' });

    await processEvent(answer(), deps);

    expect(ticket()?.priority).toBe('urgent');
  });

  it('lets a detractor answer with no ticket count on the next ticket within the window, not after', async () => {
    await seedCustomer(64);
    await processEvent(answer({ ticketId: undefined, score: 2 }), deps);
    helpdesk.addTicket({ id: '2', priority: 'normal', tags: [], updatedStamp: 'stamp-new' });
    helpdesk.addTicket({ id: '3', priority: 'normal', tags: [], updatedStamp: 'stamp-new' });

    await processEvent(ticketCreated('2'), deps);
    clock.advance(31 * DAY);
    await processEvent(ticketCreated('3'), deps);

    expect(helpdesk.tickets.get('2')?.tags).toEqual(expect.arrayContaining(['nps_detractor', 'influence_high']));
    expect(helpdesk.tickets.get('3')?.tags).not.toContain('nps_detractor');
  });

  it('gives a promoter in a high tier an advocacy tag and no priority change', async () => {
    await seedCustomer(64);
    await seedTicketDecision();

    await processEvent(answer({ score: 10, comment: 'Great!' }), deps);

    expect(ticket()?.priority).toBe('normal');
    expect(ticket()?.tags).toEqual(['printer', 'nps_promoter', 'influence_advocate']);
  });

  it("stores an opted-out customer's answer for NPS but never uses it", async () => {
    await seedCustomer(90, { optedOut: true });
    await seedTicketDecision();

    const outcome = await processEvent(answer(), deps);

    expect(outcome.status).toBe('recorded');
    expect(ticket()?.notes).toHaveLength(0);
    expect(profile()?.latestNps).toBeUndefined();
    expect([...surveys.indexed.values()][0]?.tier).toBe('none');
  });

  it('records and writes nothing in shadow mode', async () => {
    await seedCustomer(64);
    await seedTicketDecision();
    policyInput = { mode: 'shadow' };

    const outcome = await processEvent(answer(), deps);

    expect(outcome.status).toBe('shadow');
    expect(ticket()?.notes).toHaveLength(0);
  });

  it('records a CSAT answer without deciding on its ticket', async () => {
    await seedCustomer(64);
    await seedTicketDecision();

    const outcome = await processEvent(answer({ kind: 'csat', score: 1, scale: 2, responseId: 'ticket-35436' }), deps);

    expect(outcome.status).toBe('recorded');
    expect(ticket()?.notes).toHaveLength(0);
    expect(profile()?.latestNps).toBeUndefined();
  });

  it('keeps the newest NPS answer on the profile when an older one arrives late', async () => {
    await seedCustomer(64);
    await processEvent(answer({ ticketId: undefined, responseId: 'r-new', score: 9, answeredAt: '2026-11-23T09:00:00Z' }), deps);

    await processEvent(answer({ ticketId: undefined, responseId: 'r-old', score: 2, answeredAt: '2026-11-20T09:00:00Z' }), deps);

    expect(profile()?.latestNps?.responseId).toBe('typeform:r-new');
    expect(surveys.indexed.size).toBe(2);
  });

  it('compares answer times as instants, whatever their ISO form', async () => {
    await seedCustomer(64);
    await processEvent(answer({ ticketId: undefined, responseId: 'r-first', score: 9, answeredAt: '2026-11-23T09:00:00Z' }), deps);

    await processEvent(answer({ ticketId: undefined, responseId: 'r-later', score: 2, answeredAt: '2026-11-23T09:00:00.500Z' }), deps);

    expect(profile()?.latestNps?.responseId).toBe('typeform:r-later');
  });

  it('creates the profile of a respondent not seen before', async () => {
    const outcome = await processEvent(answer({ ticketId: undefined, respondent: { email: 'grace@example.com', handles: [] } }), deps);

    expect(outcome).toMatchObject({ status: 'recorded' });
    expect(profile()?.latestNps?.category).toBe('detractor');
    expect([...surveys.indexed.values()][0]?.tier).toBe('none');
  });

  it('waits, writing nothing, while another delivery of the same decision holds its write-back', async () => {
    await seedCustomer(64);
    await seedTicketDecision();
    // The first delivery claims the write-back, then its helpdesk call hangs.
    const hanging = {
      getTicket: (id: string) => helpdesk.getTicket(id),
      hasInternalNote: (id: string, marker: string) => helpdesk.hasInternalNote(id, marker),
      updateTicket: () => new Promise<never>(() => {}),
    };
    void processEvent(answer({ comment: undefined }), { ...deps, helpdeskFor: async () => hanging });
    await vi.waitFor(() => expect([...decisions.records.values()].some((r) => r.status === 'pending')).toBe(true));

    await expect(processEvent(answer({ deliveryId: 'evt-2', comment: 'added later' }), deps)).rejects.toThrow(
      /being written by another delivery/,
    );
    expect(ticket()?.notes).toHaveLength(0);
  });

  it('writes nothing on a ticket this product did not decide for the respondent', async () => {
    await seedCustomer(64);
    await seedTicketDecision('35436', 'grace@example.com');

    const unknownTicket = await processEvent(answer({ ticketId: '999' }), deps);
    const someoneElses = await processEvent(answer({ responseId: 'r-2' }), deps);

    expect([unknownTicket.status, someoneElses.status]).toEqual(['recorded', 'recorded']);
    expect(ticket()?.notes).toHaveLength(0);
  });

  it("closes the loop for a respondent named only by the external id the helpdesk gave the ticket's requester", async () => {
    helpdesk.users.set('5009', { helpdeskUserId: '5009', email: 'edsger@example.com', externalId: 'crm-5009', handles: [], fields: {} });
    await processEvent({ ...ticketCreated('35436'), requester: { helpdeskUserId: '5009', handles: [] } }, deps);

    const outcome = await processEvent(
      answer({ source: 'generic-survey', score: 2, respondent: { externalId: 'crm-5009', handles: [] } }),
      deps,
    );

    expect(outcome.status).toBe('applied');
    expect(ticket()?.tags).toContain('nps_detractor');
  });

  it('never merges profiles nor adds identities from a survey', async () => {
    await seedCustomer(85);
    await customers.saveCustomer(
      {
        tenant: 'acme',
        customerKey: 'mallory',
        identities: { helpdeskUserIds: ['zendesk:2002'], emailHashes: [], handles: [] },
        optedOut: false,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      },
      [{ kind: 'helpdesk-user', value: 'zendesk:2002' }],
    );
    const before = structuredClone([...customers.profiles.values()].map((p) => p.identities));

    await processEvent(
      answer({ ticketId: undefined, respondent: { email: 'ada@example.com', helpdeskUserId: '2002', handles: [] } }),
      deps,
    );

    expect([...customers.profiles.values()].map((p) => p.identities)).toEqual(before);
  });

  it("counts an answer the tool cannot vouch for only for NPS, unless the ticket it names is the respondent's", async () => {
    await seedCustomer(64);
    await seedTicketDecision('35436', 'grace@example.com');

    const spoofed = await processEvent(answer({ respondentVerified: false }), deps);

    expect(spoofed.status).toBe('recorded');
    expect(profile()?.latestNps).toBeUndefined();
    expect(surveys.records.size).toBe(0);
    expect([...surveys.indexed.values()][0]?.tier).toBe('none');
    expect(ticket()?.notes).toHaveLength(0);

    await seedTicketDecision('36000');
    helpdesk.addTicket({ id: '36000', priority: 'normal', tags: [], updatedStamp: 'stamp-x' });
    const corroborated = await processEvent(answer({ respondentVerified: false, responseId: 'r-3', ticketId: '36000' }), deps);

    expect(corroborated.status).toBe('applied');
    expect(helpdesk.tickets.get('36000')?.tags).toContain('nps_detractor');
  });

  it('keeps answers of different survey tools apart, even with the same response id', async () => {
    await seedCustomer(64);

    await processEvent(answer({ ticketId: undefined, source: 'typeform', responseId: '5435' }), deps);
    await processEvent(answer({ ticketId: undefined, source: 'delighted', responseId: '5435' }), deps);

    expect([...surveys.indexed.keys()].sort()).toEqual(['acme#delighted:5435', 'acme#typeform:5435']);
  });

  it('records an unsubscribe on the profile once per survey tool', async () => {
    await seedCustomer(64);
    const unsubscribe = {
      type: 'SurveyUnsubscribed' as const,
      tenant: 'acme',
      source: 'delighted',
      deliveryId: 'u-1',
      occurredAt: '2026-11-22T00:00:00Z',
      receivedAt: NOW.toISOString(),
      respondent: { email: 'ada@example.com', handles: [] },
    };

    await processEvent(unsubscribe, deps);
    await processEvent({ ...unsubscribe, deliveryId: 'u-2', occurredAt: '2026-11-23T00:00:00Z' }, deps);

    expect(profile()?.surveyUnsubscribes).toEqual([{ source: 'delighted', at: '2026-11-22T00:00:00Z' }]);
  });
});
