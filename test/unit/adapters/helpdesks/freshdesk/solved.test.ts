import { describe, expect, it } from 'vitest';
import { freshdeskInbound } from '../../../../../shared/adapters/helpdesks/freshdesk/inbound.js';
import { readingFromStats, TicketWithStatsSchema } from '../../../../../shared/adapters/helpdesks/freshdesk/solved.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';

const TICKET = {
  id: 12,
  created_at: '2026-11-23T10:00:00Z',
  stats: {
    agent_responded_at: '2026-11-23T10:42:00Z',
    requester_responded_at: null,
    first_responded_at: '2026-11-23T10:42:00Z',
    status_updated_at: '2026-11-23T15:00:00Z',
    reopened_at: null,
    resolved_at: '2026-11-23T15:00:00Z',
    closed_at: null,
    pending_since: null,
  },
};

describe('Freshdesk ticket stats as an outcome', () => {
  it('computes calendar minutes from the creation; Freshdesk gives times, not durations', () => {
    expect(readingFromStats(TicketWithStatsSchema.parse(TICKET))).toEqual({
      solvedAt: '2026-11-23T15:00:00Z',
      firstReplyMinutes: 42,
      resolutionMinutes: 300,
      reopens: 0,
      source: 'freshdesk-stats',
      createdAt: '2026-11-23T10:00:00Z',
    });
  });

  it('leaves the first reply absent when there was none, counts a reopen it is told of, and has no reading before a resolution', () => {
    const reading = readingFromStats(
      TicketWithStatsSchema.parse({ ...TICKET, stats: { ...TICKET.stats, first_responded_at: null, reopened_at: '2026-11-23T12:00:00Z' } }),
    );
    expect(reading).not.toHaveProperty('firstReplyMinutes');
    expect(reading?.reopens).toBe(1);
    expect(readingFromStats(TicketWithStatsSchema.parse({ ...TICKET, stats: { ...TICKET.stats, resolved_at: null } }))).toBeUndefined();
  });
});

describe('the Freshdesk resolved rule body', () => {
  const request = (body: string) => ({
    tenant: 'acme',
    source: 'freshdesk',
    rawBody: Buffer.from(body),
    headers: { 'content-type': 'application/json' },
    receivedAt: new Date('2026-11-23T15:00:01Z'),
  });

  it('becomes a TicketSolved event with the id only', () => {
    expect(freshdeskInbound.normalise(request('{"event":"ticket_resolved","ticket":{"id":"12"}}'))).toMatchObject({
      type: 'TicketSolved',
      ticketId: '12',
      source: 'freshdesk',
    });
  });

  it('refuses a ticket id that is not one, and leaves a malformed body to the ticket-created message', () => {
    expect(() => freshdeskInbound.normalise(request('{"event":"ticket_resolved","ticket":{"id":"x1"}}'))).toThrow(InvalidPayloadError);
    expect(() => freshdeskInbound.normalise(request('{"event":"ticket_resolved",'))).toThrow(/a placeholder may hold a quote/);
  });
});
