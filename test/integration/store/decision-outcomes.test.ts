import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { DocumentClient } from '../../../shared/adapters/aws/dynamodb.js';
import { DynamoDecisionLog } from '../../../shared/adapters/store/decision-log.js';
import { createDocumentClient } from '../../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../../shared/adapters/store/table.js';
import type { DecisionRecord, TicketOutcome } from '../../../shared/domain/decision-record.js';
import { PolicySchema } from '../../../shared/domain/policy.js';
import { processTicketSolved } from '../../../shared/use-cases/processing/process-ticket-solved.js';
import { FixedClock } from '../../support/fakes.js';

const tableName = `outcomes-${randomUUID()}`;
let dynamo: DocumentClient;

beforeAll(async () => {
  dynamo = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(dynamo, tableName);
});

function record(ticketId: string, status: DecisionRecord['status']): DecisionRecord {
  return {
    tenant: 'acme',
    decisionId: `zendesk:ticket-created:${ticketId}`,
    deliveryId: `delivery-${ticketId}`,
    source: 'zendesk',
    ticketId,
    receivedAt: '2026-11-23T10:00:00.000Z',
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
    note: 'Priority raised from normal to high.',
    ...(status === 'held-out' ? { holdout: { draw: 0.0421, share: 0.1 } } : {}),
  };
}

const outcome = (solvedAt: string, extra: Partial<TicketOutcome> = {}): TicketOutcome => ({
  solvedAt,
  firstReplyMinutes: 42,
  resolutionMinutes: 1380,
  firstReplyBusinessMinutes: 30,
  reopens: 0,
  readAt: '2026-11-24T10:00:00.000Z',
  source: 'zendesk-metrics',
  ...extra,
});

describe('outcomes in the decision log', () => {
  it('keeps a held-out record final, with its draw, and lists it as held out', async () => {
    const log = new DynamoDecisionLog(dynamo, tableName);
    const ticketId = `h-${randomUUID()}`;
    const heldOut = record(ticketId, 'held-out');
    await log.record(heldOut);

    expect(await log.record({ ...heldOut, status: 'applied' })).toBe('already-final');
    expect(await log.get('acme', heldOut.decisionId)).toEqual(heldOut);
    const listed = (await log.listDay('acme', '2026-11-23', { limit: 1000 })).listings.find((entry) => entry.ticketId === ticketId);
    expect(listed).toMatchObject({ status: 'held-out', summary: { uplift: 1, priority: 'high' } });
  });

  it('stores an outcome on the record and in its day index summary, and never over a later solve', async () => {
    const log = new DynamoDecisionLog(dynamo, tableName);
    const ticketId = `o-${randomUUID()}`;
    const applied = record(ticketId, 'applied');
    await log.record(applied);

    expect(await log.recordOutcome(applied, outcome('2026-11-24T09:00:00.000Z'))).toBe('written');
    const stored = await log.get('acme', applied.decisionId);
    expect(stored?.outcome).toEqual(outcome('2026-11-24T09:00:00.000Z'));
    const listed = (await log.listDay('acme', '2026-11-23', { limit: 1000 })).listings.find((entry) => entry.ticketId === ticketId);
    expect(listed?.summary).toMatchObject({ solvedAt: '2026-11-24T09:00:00.000Z', frMin: 42, resMin: 1380, reopens: 0, tier: 'high' });

    // A writer that read the record before the outcome landed is refused, and reads again.
    expect(await log.recordOutcome(applied, outcome('2026-11-23T12:00:00.000Z'))).toBe('changed');
    // One that read it after replaces it.
    if (!stored) throw new Error('stored record missing');
    const later = outcome('2026-11-26T09:00:00.000Z', { reopens: 1, firstReplyMinutes: undefined });
    delete later.firstReplyMinutes;
    expect(await log.recordOutcome(stored, later)).toBe('written');
    const listedAgain = (await log.listDay('acme', '2026-11-23', { limit: 1000 })).listings.find((entry) => entry.ticketId === ticketId);
    expect(listedAgain?.summary).toMatchObject({ solvedAt: '2026-11-26T09:00:00.000Z', reopens: 1 });
    expect(listedAgain?.summary).not.toHaveProperty('frMin');
  });

  it('records a solved ticket never decided as baseline in its creation day, once, and stores a later solve on it', async () => {
    const log = new DynamoDecisionLog(dynamo, tableName);
    const ticketId = `b-${randomUUID()}`;
    const deps = {
      tenant: (id: string) => (id === 'acme' ? { id, policy: PolicySchema.parse({}), helpdesk: { kind: 'zendesk' } } : undefined),
      helpdeskFor: async () => {
        throw new Error('the event carries its times: no helpdesk call');
      },
      decisions: log,
      clock: new FixedClock(new Date('2026-11-24T10:00:00Z')),
    };
    const event = {
      type: 'TicketSolved' as const,
      tenant: 'acme',
      source: 'generic',
      deliveryId: 'solve-1',
      occurredAt: '2026-11-24T09:00:00Z',
      receivedAt: '2026-11-24T09:00:01Z',
      ticketId,
      createdAt: '2026-11-21T09:00:00Z',
      reading: { solvedAt: '2026-11-24T09:00:00Z', resolutionMinutes: 4320, reopens: 0, source: 'generic' },
    };

    expect((await processTicketSolved(event, deps)).status).toBe('baseline-recorded');
    expect((await processTicketSolved({ ...event, deliveryId: 'solve-1-again' }, deps)).status).toBe('duplicate');
    const listed = (await log.listDay('acme', '2026-11-21', { limit: 1000 })).listings.find((entry) => entry.ticketId === ticketId);
    expect(listed).toMatchObject({ status: 'baseline', summary: { tier: 'none', resMin: 4320, reopens: 0 } });
    expect(listed?.summary).not.toHaveProperty('frMin');

    const again = {
      ...event,
      deliveryId: 'solve-2',
      reading: { ...event.reading, solvedAt: '2026-11-25T09:00:00Z', resolutionMinutes: 5760 },
    };
    expect((await processTicketSolved(again, deps)).status).toBe('outcome-recorded');
    expect((await log.get('acme', `zendesk:ticket-created:${ticketId}`))?.outcome).toMatchObject({ resolutionMinutes: 5760, reopens: 1 });
  });
});
