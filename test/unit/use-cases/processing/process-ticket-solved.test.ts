import { beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../../../shared/domain/decision-record.js';
import { TransientError } from '../../../../shared/domain/errors.js';
import type { SolvedReading, TicketSolved } from '../../../../shared/domain/events.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
import { processTicketSolved, type ProcessSolvedDeps } from '../../../../shared/use-cases/processing/process-ticket-solved.js';
import { FixedClock, InMemoryDecisionLog, InMemoryHelpdesk } from '../../../support/fakes.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const DECISION_ID = 'zendesk:ticket-created:35436';

function solved(reading?: Partial<SolvedReading>, overrides: Partial<TicketSolved> = {}): TicketSolved {
  return {
    type: 'TicketSolved',
    tenant: 'acme',
    source: 'zendesk',
    deliveryId: 'solved-1',
    occurredAt: '2026-11-24T09:00:00Z',
    receivedAt: '2026-11-24T09:00:01Z',
    ticketId: '35436',
    ...(reading
      ? {
          reading: {
            solvedAt: '2026-11-24T09:00:00Z',
            firstReplyMinutes: 42,
            resolutionMinutes: 1380,
            reopens: 0,
            source: 'test',
            ...reading,
          },
        }
      : {}),
    ...overrides,
  };
}

function decided(status: DecisionRecord['status'] = 'applied'): DecisionRecord {
  return {
    tenant: 'acme',
    decisionId: DECISION_ID,
    deliveryId: 'created-1',
    source: 'zendesk',
    ticketId: '35436',
    receivedAt: '2026-11-23T10:00:00Z',
    decidedAt: '2026-11-23T10:00:01.000Z',
    status,
    decision: {
      policyVersion: '1',
      mode: 'active',
      tier: 'high',
      helpdeskPriority: 'normal',
      priority: 'high',
      uplift: 1,
      requestedUplift: 1,
      tags: ['influence_high'],
      matchedRules: [{ id: 'reach-high', reason: 'large engaged audience' }],
      guardrails: [],
      refreshDue: false,
    },
    note: 'raised',
  };
}

describe('processTicketSolved', () => {
  let decisions: InMemoryDecisionLog;
  let helpdesk: InMemoryHelpdesk;
  let readings: (SolvedReading | undefined)[];
  let deps: ProcessSolvedDeps;

  beforeEach(() => {
    decisions = new InMemoryDecisionLog();
    helpdesk = new InMemoryHelpdesk();
    readings = [];
    const readable = Object.assign(helpdesk, { readOutcome: async () => readings.shift() });
    deps = {
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse({}), helpdesk: { kind: 'zendesk' } } : undefined),
      helpdeskFor: async () => readable,
      decisions,
      clock: new FixedClock(NOW),
    };
  });

  it('stores the outcome on the ticket’s decision, and in its day index summary', async () => {
    await decisions.record(decided());

    const outcome = await processTicketSolved(solved({}), deps);

    expect(outcome.status).toBe('outcome-recorded');
    const record = await decisions.get('acme', DECISION_ID);
    expect(record?.status).toBe('applied');
    expect(record?.outcome).toEqual({
      solvedAt: '2026-11-24T09:00:00.000Z',
      firstReplyMinutes: 42,
      resolutionMinutes: 1380,
      reopens: 0,
      readAt: NOW.toISOString(),
      source: 'test',
    });
    const [listing] = (await decisions.listDay('acme', '2026-11-23', { limit: 10 })).listings;
    expect(listing?.summary).toMatchObject({ solvedAt: '2026-11-24T09:00:00.000Z', frMin: 42, resMin: 1380, reopens: 0, tier: 'high' });
  });

  it('reads the outcome back from the helpdesk when the event carries none, and waits while it does not show the ticket solved', async () => {
    await decisions.record(decided('held-out'));
    readings = [undefined];
    await expect(processTicketSolved(solved(), deps)).rejects.toBeInstanceOf(TransientError);
    expect((await decisions.get('acme', DECISION_ID))?.outcome).toBeUndefined();

    readings = [{ solvedAt: '2026-11-24T09:00:00Z', resolutionMinutes: 1380, reopens: 0, source: 'test' }];
    const outcome = await processTicketSolved(solved(), deps);

    expect(outcome.status).toBe('outcome-recorded');
    const record = await decisions.get('acme', DECISION_ID);
    expect(record?.status).toBe('held-out');
    // Solved without a public reply: the first reply time stays absent, never 0.
    expect(record?.outcome).not.toHaveProperty('firstReplyMinutes');
  });

  it('records a ticket never decided as a baseline record, filed under its creation day', async () => {
    const outcome = await processTicketSolved(solved({ createdAt: '2026-11-20T08:00:00Z' }), deps);

    expect(outcome.status).toBe('baseline-recorded');
    const record = await decisions.get('acme', DECISION_ID);
    expect(record).toMatchObject({ status: 'baseline', decidedAt: '2026-11-20T08:00:00.000Z', note: '' });
    expect(record?.decision).toMatchObject({ tier: 'none', uplift: 0, tags: [] });
    expect(record?.outcome?.resolutionMinutes).toBe(1380);
    const [listing] = (await decisions.listDay('acme', '2026-11-20', { limit: 10 })).listings;
    expect(listing).toMatchObject({ status: 'baseline', summary: { frMin: 42, resMin: 1380 } });
  });

  it('files a baseline record under its solve day when its creation is not known', async () => {
    await processTicketSolved(solved({}), deps);
    expect((await decisions.get('acme', DECISION_ID))?.decidedAt).toBe('2026-11-24T09:00:00.000Z');
  });

  it('is idempotent: the same solve again changes nothing', async () => {
    await decisions.record(decided());
    await processTicketSolved(solved({}), deps);
    const first = await decisions.get('acme', DECISION_ID);

    const again = await processTicketSolved(solved({ firstReplyMinutes: 7 }, { deliveryId: 'solved-1-retry' }), deps);

    expect(again.status).toBe('duplicate');
    expect(await decisions.get('acme', DECISION_ID)).toEqual(first);
  });

  it('keeps the latest solve of a reopened ticket whatever the order, and counts the reopen', async () => {
    await decisions.record(decided());
    const second = solved({ solvedAt: '2026-11-26T09:00:00Z', resolutionMinutes: 4260 }, { deliveryId: 'solved-2' });

    await processTicketSolved(solved({}), deps);
    expect((await processTicketSolved(second, deps)).status).toBe('outcome-recorded');
    expect(await decisions.get('acme', DECISION_ID)).toMatchObject({
      outcome: { solvedAt: '2026-11-26T09:00:00.000Z', resolutionMinutes: 4260, reopens: 1 },
    });

    // The first solve's event, late: the later solve stands.
    expect((await processTicketSolved(solved({}, { deliveryId: 'solved-1-late' }), deps)).status).toBe('earlier-solve');
    expect((await decisions.get('acme', DECISION_ID))?.outcome?.solvedAt).toBe('2026-11-26T09:00:00.000Z');
  });

  it("keeps the helpdesk's own reopen count when it says more", async () => {
    await decisions.record(decided());
    await processTicketSolved(solved({}), deps);
    await processTicketSolved(solved({ solvedAt: '2026-11-26T09:00:00Z', reopens: 3 }), deps);
    expect((await decisions.get('acme', DECISION_ID))?.outcome?.reopens).toBe(3);
  });

  it('waits for a decision still being written, rather than store an outcome its final record would drop', async () => {
    await decisions.record(decided('pending'));
    await expect(processTicketSolved(solved({}), deps)).rejects.toThrow(/not settled yet/);
    expect((await decisions.get('acme', DECISION_ID))?.outcome).toBeUndefined();
  });

  it('a ticket decided after its baseline record is not decided again', async () => {
    await processTicketSolved(solved({}), deps);
    expect(await decisions.record(decided())).toBe('already-final');
  });
});
