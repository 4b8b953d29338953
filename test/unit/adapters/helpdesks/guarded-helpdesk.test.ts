import { describe, expect, it } from 'vitest';
import { withWriteGuards } from '../../../../shared/adapters/helpdesks/guarded-helpdesk.js';
import { TokenBucket } from '../../../../shared/adapters/influence/rate-limiter.js';
import { FixedClock, InMemoryHelpdesk } from '../../../support/fakes.js';

describe('withWriteGuards', () => {
  it('paces ticket writes through the limiter and times each one; reads are not paced', async () => {
    const helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '1', tags: [] });
    const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
    const waits: number[] = [];
    const limiter = new TokenBucket({
      ratePerSecond: 1,
      clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });
    const timings: number[] = [];
    const guarded = withWriteGuards(helpdesk, { limiter, onWrite: (ms) => timings.push(ms) });

    for (let i = 0; i < 3; i += 1) {
      const ticket = await guarded.getTicket('1');
      await guarded.updateTicket({ ticketId: '1', decisionId: 'zendesk:ticket-created:1', tags: [`t${i}`], addedTags: [`t${i}`], note: `n${i}`, updatedStamp: ticket.updatedStamp ?? '' });
    }

    expect(waits).toEqual([1000, 1000]);
    expect(timings).toHaveLength(3);
    expect(helpdesk.tickets.get('1')?.notes).toEqual(['n0', 'n1', 'n2']);
  });

  it('times a write that fails too', async () => {
    const helpdesk = new InMemoryHelpdesk();
    const timings: number[] = [];
    const guarded = withWriteGuards(helpdesk, { onWrite: (ms) => timings.push(ms) });

    await expect(guarded.updateTicket({ ticketId: 'missing', decisionId: 'zendesk:ticket-created:missing', tags: [], addedTags: [], note: 'x' })).rejects.toThrow();
    expect(timings).toHaveLength(1);
  });

  it('reports how long a write waited for its turn, and nothing when it did not wait', async () => {
    const helpdesk = new InMemoryHelpdesk();
    helpdesk.addTicket({ id: '1', tags: [] });
    const turns = [30];
    const limiter = {
      acquire: () => {
        const wait = turns.shift();
        return wait === undefined ? Promise.resolve() : new Promise<void>((resolve) => setTimeout(resolve, wait));
      },
    };
    const waits: number[] = [];
    const guarded = withWriteGuards(helpdesk, { limiter, onWait: (ms) => waits.push(ms) });

    for (const i of [0, 1]) {
      await guarded.updateTicket({ ticketId: '1', decisionId: 'zendesk:ticket-created:1', tags: [`t${i}`], addedTags: [`t${i}`], note: `n${i}` });
    }

    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(25);
  });
});
