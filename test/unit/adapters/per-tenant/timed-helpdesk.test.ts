import { describe, expect, it } from 'vitest';
import { withWriteTiming } from '../../../../shared/adapters/per-tenant/timed-helpdesk.js';
import { InMemoryHelpdesk } from '../../../support/fakes.js';

describe('withWriteTiming', () => {
  it('times each ticket write; reads are not timed', async () => {
    const helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '1', tags: [] });
    const timings: number[] = [];
    const guarded = withWriteTiming(helpdesk, { onWrite: (ms) => timings.push(ms) });

    for (let i = 0; i < 3; i += 1) {
      const ticket = await guarded.getTicket('1');
      await guarded.updateTicket({
        ticketId: '1',
        decisionId: 'zendesk:ticket-created:1',
        tags: [`t${i}`],
        addedTags: [`t${i}`],
        note: `n${i}`,
        updatedStamp: ticket.updatedStamp ?? '',
      });
    }

    expect(timings).toHaveLength(3);
    expect(helpdesk.tickets.get('1')?.notes).toEqual(['n0', 'n1', 'n2']);
  });

  it('times a write that fails too', async () => {
    const helpdesk = new InMemoryHelpdesk();
    const timings: number[] = [];
    const guarded = withWriteTiming(helpdesk, { onWrite: (ms) => timings.push(ms) });

    await expect(
      guarded.updateTicket({ ticketId: 'missing', decisionId: 'zendesk:ticket-created:missing', tags: [], addedTags: [], note: 'x' }),
    ).rejects.toThrow();
    expect(timings).toHaveLength(1);
  });

  it('passes a solved ticket outcome read through, and offers none where the helpdesk has none', async () => {
    const reading = { solvedAt: '2026-11-24T09:00:00Z', reopens: 0, source: 'test' };
    const readable = Object.assign(new InMemoryHelpdesk(), { readOutcome: async () => reading });
    expect(await withWriteTiming(readable, {}).readOutcome?.('1')).toEqual(reading);
    expect(withWriteTiming(new InMemoryHelpdesk(), {}).readOutcome).toBeUndefined();
  });
});
