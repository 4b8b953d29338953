import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../../infra/load/ledger.js';
import type { DecisionRecord, DecisionStatus } from '../../../shared/domain/decision-record.js';

const record = (ticketId: number, status: DecisionStatus, written: boolean) =>
  ({
    tenant: 'acme',
    decisionId: `zendesk:ticket-created:${ticketId}`,
    status,
    ...(written ? { written: { tags: [], at: '' } } : {}),
  }) as unknown as DecisionRecord;

const letter = (ticketId: number, reason?: string) => ({
  messageId: `m-${ticketId}`,
  body: JSON.stringify({ tenant: 'acme', ticket: { id: String(ticketId) } }),
  attributes: (reason ? { deadLetterReason: reason } : {}) as Record<string, string>,
  receiveCount: 1,
  sentAt: 0,
  visibleAt: 0,
});

describe('checkLedger', () => {
  const records = new Map([
    [1, record(1, 'applied', true)],
    [2, record(2, 'skipped', false)],
    [3, record(3, 'applied', true)],
    [4, record(4, 'pending', false)],
    [5, record(5, 'pending', false)],
  ]);
  const notes = new Map([
    [1, 1],
    [3, 2],
    [4, 1],
  ]);
  const sources = {
    decisions: { get: async (_tenant: string, id: string) => records.get(Number(id.split(':').at(-1))) } as never,
    deadLettered: () => [letter(4, 'failed 8 times; last: HelpdeskUnavailableError'), letter(5)],
    internalNotes: (id: number) => notes.get(id) ?? 0,
  };

  it('holds for tickets applied once, skipped, or dead-lettered with a reason and at most one note', async () => {
    const result = await checkLedger(
      [1, 2, 4].map((ticketId) => ({ tenant: 'acme', ticketId, decisionId: `zendesk:ticket-created:${ticketId}` })),
      sources,
    );
    expect(result).toMatchObject({ ok: true, final: { applied: 1, skipped: 1, shadow: 0 }, deadLettered: 1 });
  });

  it('breaks for two notes, a dead letter without a reason, and a ticket found nowhere', async () => {
    const result = await checkLedger(
      [3, 5, 6].map((ticketId) => ({ tenant: 'acme', ticketId, decisionId: `zendesk:ticket-created:${ticketId}` })),
      sources,
    );
    expect(result.ok).toBe(false);
    expect(result.wrongNotes).toEqual([expect.objectContaining({ ticketId: 3, notes: 2, status: 'applied' })]);
    expect(result.withoutReason).toEqual([expect.objectContaining({ ticketId: 5 })]);
    expect(result.unaccounted).toEqual([expect.objectContaining({ ticketId: 6 })]);
  });
});
