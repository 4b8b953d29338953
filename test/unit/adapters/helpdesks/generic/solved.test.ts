import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseGenericEvent } from '../../../../../shared/adapters/helpdesks/generic/normalise.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { TicketSolvedSchema } from '../../../../../shared/domain/events.js';

const FIXTURE = readFileSync(new URL('../../../../fixtures/generic/ticket-solved.json', import.meta.url), 'utf8');
const HEADERS = { 'content-type': 'application/json', 'webhook-id': 'msg_solved_1', 'webhook-timestamp': '1796119230' };
const input = (rawBody: string) => ({
  tenant: 'acme',
  source: 'generic',
  rawBody,
  headers: HEADERS,
  receivedAt: new Date('2026-12-02T09:30:01Z'),
});

function withTicket(change: (ticket: Record<string, unknown>) => void): string {
  const body = JSON.parse(FIXTURE);
  change(body.ticket);
  return JSON.stringify(body);
}

describe('the generic ticket.solved event', () => {
  it('becomes a TicketSolved event carrying its times in calendar minutes from the creation', () => {
    const event = normaliseGenericEvent(input(FIXTURE));

    expect(TicketSolvedSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      type: 'TicketSolved',
      tenant: 'acme',
      deliveryId: 'msg_solved_1',
      ticketId: '4711',
      createdAt: '2026-12-01T10:00:00Z',
      reading: { solvedAt: '2026-12-02T09:30:00Z', firstReplyMinutes: 42, resolutionMinutes: 1410, reopens: 0, source: 'generic' },
    });
  });

  it('leaves the first reply absent, never 0, when there was none; reopens default to 0', () => {
    const event = normaliseGenericEvent(
      input(
        withTicket((ticket) => {
          ticket.first_replied_at = null;
          delete ticket.reopens;
        }),
      ),
    );
    expect(event.type === 'TicketSolved' && event.reading).toEqual({
      solvedAt: '2026-12-02T09:30:00Z',
      resolutionMinutes: 1410,
      reopens: 0,
      source: 'generic',
      createdAt: '2026-12-01T10:00:00Z',
    });
  });

  it.each([
    ['a solve before the creation', (t: Record<string, unknown>) => (t.solved_at = '2026-11-30T00:00:00Z'), 'ticket.solved_at'],
    [
      'a reply before the creation',
      (t: Record<string, unknown>) => (t.first_replied_at = '2026-11-30T00:00:00Z'),
      'ticket.first_replied_at',
    ],
    ['no solve time', (t: Record<string, unknown>) => delete t.solved_at, 'ticket.solved_at'],
    ['no creation time', (t: Record<string, unknown>) => delete t.created_at, 'ticket.created_at'],
    ['negative reopens', (t: Record<string, unknown>) => (t.reopens = -1), 'ticket.reopens'],
    ['a ticket id with a colon', (t: Record<string, unknown>) => (t.id = 'a:b'), 'ticket.id'],
  ])('refuses %s, naming the field', (_what, change, path) => {
    let error: unknown;
    try {
      normaliseGenericEvent(input(withTicket(change)));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(error instanceof InvalidPayloadError && error.issues.map((issue) => issue.path)).toContain(path);
  });
});
