import { beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../../../shared/domain/decide.js';
import { TransientError } from '../../../../shared/domain/errors.js';
import type { SurveyAnswered } from '../../../../shared/domain/events.js';
import { PolicySchema } from '../../../../shared/domain/policy.js';
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
const EMAIL = 'ada@example.com';

/** One delivery of response r-1 about ticket 35436: given at 09:00, received a second after its own time. */
function answer(overrides: Partial<SurveyAnswered> = {}): SurveyAnswered {
  return {
    type: 'SurveyAnswered',
    tenant: 'acme',
    source: 'delighted',
    deliveryId: 'evt-created',
    occurredAt: '2026-11-23T09:00:00.000Z',
    revisedAt: '2026-11-23T09:00:00.000Z',
    receivedAt: '2026-11-23T09:00:01.000Z',
    responseId: 'r-1',
    answeredAt: '2026-11-23T09:00:00.000Z',
    kind: 'nps',
    score: 9,
    scale: 10,
    respondent: { email: EMAIL, handles: [] },
    respondentVerified: true,
    ticketId: '35436',
    ...overrides,
  };
}

/** The same answer changed two minutes later, with a comment: Delighted's `survey_response.updated`. */
function updated(overrides: Partial<SurveyAnswered> = {}): SurveyAnswered {
  return answer({
    deliveryId: 'evt-updated',
    occurredAt: '2026-11-23T09:02:00.000Z',
    revisedAt: '2026-11-23T09:02:00.000Z',
    receivedAt: '2026-11-23T09:02:01.000Z',
    score: 3,
    comment: 'Still broken after three calls.',
    ...overrides,
  });
}

describe('survey answers that arrive out of order', () => {
  let helpdesk: InMemoryHelpdesk;
  let customers: InMemoryCustomerStore;
  let decisions: InMemoryDecisionLog;
  let surveys: InMemorySurveyAnswers;
  let warnings: { message: string; details: Record<string, unknown> }[];
  let deps: ProcessEventDeps;

  beforeEach(async () => {
    helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '35436', priority: 'normal', tags: ['printer'], updatedStamp: 'stamp-0' });
    const hasherFor = (tenant: string) => new TestHasher(tenant);
    customers = new InMemoryCustomerStore(hasherFor);
    decisions = new InMemoryDecisionLog();
    surveys = new InMemorySurveyAnswers();
    warnings = [];
    deps = {
      tenant: (id) => (id === 'acme' ? { id, policy: PolicySchema.parse({}), helpdesk: { kind: 'zendesk' } } : undefined),
      helpdeskFor: async () => helpdesk,
      customers,
      hasherFor,
      holdoutDraw: testHoldoutDraw,
      decisions,
      clock: new FixedClock(NOW),
      logger: { warn: (message, details = {}) => warnings.push({ message, details }) },
      surveyAnswers: surveys,
      answerIndex: surveys,
    };
    await seedCustomerAndTicket();
  });

  /** Ada, high tier, and the decision the product made on her ticket 35436. */
  async function seedCustomerAndTicket(): Promise<void> {
    const hasher = new TestHasher('acme');
    const identity = { kind: 'email' as const, value: EMAIL };
    const customerKey = hasher.hash(identity);
    await customers.saveCustomer(
      {
        tenant: 'acme',
        customerKey,
        identities: { helpdeskUserIds: [], emailHashes: [customerKey], handles: [] },
        optedOut: false,
        score: {
          value: 64,
          source: 'import',
          modelVersion: 'import-1',
          scoredAt: NOW.toISOString(),
          refreshAfter: new Date(NOW.getTime() + 7 * DAY).toISOString(),
          components: {},
          inputs: {},
          explanation: 'Imported score 64.',
        },
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      },
      [identity],
    );
    const decision = decide({ ticket: { id: '35436', priority: 'normal', tags: [] }, policy: PolicySchema.parse({}), now: NOW });
    await decisions.record({
      tenant: 'acme',
      decisionId: 'zendesk:ticket-created:35436',
      deliveryId: 'd-35436',
      source: 'zendesk',
      ticketId: '35436',
      customerKey,
      receivedAt: NOW.toISOString(),
      decidedAt: NOW.toISOString(),
      status: 'skipped',
      decision,
      note: 'seeded',
    });
  }

  const stored = () => [...surveys.records.values()];
  const indexed = () => [...surveys.indexed.values()];
  const latestNps = () => [...customers.profiles.values()][0]?.latestNps;
  const ticket = () => helpdesk.tickets.get('35436');
  const surveyDecisions = () =>
    [...decisions.records.values()].filter((record) => record.decisionId.includes(':survey-answered:')).map((record) => record.decisionId);

  it('keeps the updated answer and its comment when the created delivery comes again after it (Delighted: 9, then 3, then 9 again)', async () => {
    // Arrange
    await processEvent(answer(), deps);
    await processEvent(updated(), deps);

    // Act
    const replay = await processEvent(answer(), deps);

    // Assert
    expect(replay).toEqual({ status: 'superseded', responseId: 'delighted:r-1', customerKey: expect.any(String) });
    expect(stored()).toMatchObject([{ score: 3, comment: 'Still broken after three calls.' }]);
    expect(indexed()).toMatchObject([{ score: 3 }]);
    expect(latestNps()).toMatchObject({ score: 3, category: 'detractor' });
  });

  it('logs the older delivery once, as a warning that names no one', async () => {
    // Arrange
    await processEvent(updated(), deps);

    // Act
    await processEvent(answer(), deps);

    // Assert
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toBe('survey answer superseded: a newer version of it is stored, so this older one changed nothing');
    expect(warnings[0]?.details).toEqual({
      tenant: 'acme',
      source: 'delighted',
      deliveryId: 'evt-created',
      revision: '2026-11-23T09:00:00.000Z|2026-11-23T09:00:01.000Z',
    });
    expect(JSON.stringify(warnings)).not.toContain(EMAIL);
  });

  it('neither re-triggers nor undoes a follow-up: the original answer arriving after its update decides nothing (generic: 2, then 10)', async () => {
    // Arrange: the update (a detractor) is processed first and raises the follow-up.
    const update = updated({ source: 'generic-survey', score: 2 });
    const first = await processEvent(update, deps);
    expect(first.status).toBe('applied');
    const after = structuredClone(ticket());

    // Act: the original answer (a promoter), older by its own time.
    const original = await processEvent(answer({ source: 'generic-survey', score: 10 }), deps);
    const replayOfUpdate = await processEvent(update, deps);

    // Assert
    expect(original.status).toBe('superseded');
    expect(replayOfUpdate.status).toBe('duplicate');
    expect(ticket()).toEqual(after);
    expect(ticket()?.tags).toEqual(['printer', 'nps_detractor']);
    expect(surveyDecisions()).toEqual(['zendesk:survey-answered:generic-survey:r-1:detractor:35436']);
    expect(stored()).toMatchObject([{ score: 2 }]);
    expect(indexed()).toMatchObject([{ score: 2 }]);
  });

  it('orders the ratings of a source with no time of its own by when ingest first received them; a replay keeps that time', async () => {
    // Arrange: Zendesk's ratings carry no time of their own, so the adapter sets revisedAt to receivedAt.
    const csat = (score: number, receivedAt: string, deliveryId: string) =>
      answer({
        source: 'zendesk-csat',
        kind: 'csat',
        scale: 2,
        score,
        responseId: 'ticket-35436',
        deliveryId,
        occurredAt: receivedAt,
        revisedAt: receivedAt,
        receivedAt,
        answeredAt: receivedAt,
      });
    const bad = csat(1, '2026-11-23T09:00:00.000Z', 'inv-1');
    await processEvent(bad, deps);
    await processEvent(csat(2, '2026-11-23T09:30:00.000Z', 'inv-2'), deps);

    // Act: the first rating again, from the dead-letter queue: the same event, received when it was.
    const replay = await processEvent(bad, deps);

    // Assert
    expect(replay.status).toBe('superseded');
    expect(stored()).toMatchObject([{ score: 2 }]);
    expect(indexed()).toMatchObject([{ score: 2 }]);
  });

  it('breaks a tie of the tool’s own time (Delighted stamps whole seconds) by the order ingest received them', async () => {
    // Arrange: two changes within one second.
    const second = updated({ deliveryId: 'evt-updated-2', score: 5, comment: 'Fixed, finally.', receivedAt: '2026-11-23T09:02:01.400Z' });
    await processEvent(updated(), deps);
    await processEvent(second, deps);

    // Act
    const replay = await processEvent(updated(), deps);

    // Assert
    expect(replay.status).toBe('superseded');
    expect(stored()).toMatchObject([{ score: 5, comment: 'Fixed, finally.' }]);
  });

  it('orders events queued before answers carried revisedAt by their occurredAt', async () => {
    // Arrange
    const { revisedAt: _created, ...oldCreated } = answer();
    const { revisedAt: _updated, ...oldUpdated } = updated();
    await processEvent(oldCreated, deps);
    await processEvent(oldUpdated, deps);

    // Act
    const replay = await processEvent(oldCreated, deps);

    // Assert
    expect(replay.status).toBe('superseded');
    expect(stored()).toMatchObject([{ score: 3 }]);
  });

  it('still closes the loop when the same version is processed again after a failure', async () => {
    // Arrange: the first attempt stores the answer, then the helpdesk is unreachable.
    const failing = { ...deps, helpdeskFor: async () => Promise.reject(new TransientError('helpdesk unreachable')) };
    await expect(processEvent(updated(), failing)).rejects.toThrow(TransientError);

    // Act: the queue's retry of the same event.
    const retry = await processEvent(updated(), deps);

    // Assert
    expect(retry.status).toBe('applied');
    expect(ticket()?.tags).toContain('nps_detractor');
    expect(warnings).toEqual([]);
  });

  it('keeps the newest version on the profile even when another answer of the customer is newer still', async () => {
    // Arrange: a later response, then the updated and the created deliveries of r-1.
    await processEvent(
      answer({
        responseId: 'r-2',
        deliveryId: 'evt-r2',
        score: 7,
        answeredAt: '2026-11-23T09:30:00.000Z',
        occurredAt: '2026-11-23T09:30:00.000Z',
        revisedAt: '2026-11-23T09:30:00.000Z',
        ticketId: undefined,
      }),
      deps,
    );
    await processEvent(updated({ ticketId: undefined }), deps);

    // Act
    await processEvent(answer({ ticketId: undefined }), deps);

    // Assert: r-2 was given after r-1, so it stays the latest; r-1's record keeps its update.
    expect(latestNps()).toMatchObject({ responseId: 'delighted:r-2', score: 7 });
    expect(stored().find((record) => record.responseId === 'delighted:r-1')).toMatchObject({ score: 3 });
  });
});
