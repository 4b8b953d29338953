import { describe, expect, it } from 'vitest';
import { zendeskInbound } from '../../../../../shared/adapters/helpdesks/zendesk/inbound.js';
import { readingFromMetrics, TicketMetricsResponseSchema } from '../../../../../shared/adapters/helpdesks/zendesk/solved.js';
import { InvalidPayloadError } from '../../../../../shared/domain/errors.js';
import { TicketSolvedSchema } from '../../../../../shared/domain/events.js';

/** A Ticket Metrics record in the Zendesk OAS example's shape. */
const METRIC = {
  id: 33,
  ticket_id: 4343,
  created_at: '2026-11-23T10:00:00Z',
  solved_at: '2026-11-23T15:00:00Z',
  reply_time_in_minutes: { calendar: 42, business: 30 },
  first_resolution_time_in_minutes: { calendar: 300, business: 200 },
  full_resolution_time_in_minutes: { calendar: 300, business: 200 },
  reopens: 0,
  replies: 1,
};

const request = (body: unknown) => ({
  tenant: 'acme',
  source: 'zendesk',
  rawBody: Buffer.from(JSON.stringify(body)),
  headers: { 'content-type': 'application/json', 'x-zendesk-webhook-invocation-id': '7001' },
  receivedAt: new Date('2026-11-23T15:00:02Z'),
});

describe('Zendesk Ticket Metrics as an outcome', () => {
  it('reads calendar minutes, business minutes beside them, and reopens; as one object or as the OAS array', () => {
    const expected = {
      solvedAt: '2026-11-23T15:00:00Z',
      firstReplyMinutes: 42,
      firstReplyBusinessMinutes: 30,
      resolutionMinutes: 300,
      resolutionBusinessMinutes: 200,
      reopens: 0,
      source: 'zendesk-metrics',
    };
    expect(readingFromMetrics(TicketMetricsResponseSchema.parse({ ticket_metric: METRIC }))).toEqual(expected);
    expect(readingFromMetrics(TicketMetricsResponseSchema.parse({ ticket_metric: [METRIC] }))).toEqual(expected);
  });

  it('leaves a null duration absent (not replied yet), never 0', () => {
    const reading = readingFromMetrics(
      TicketMetricsResponseSchema.parse({ ticket_metric: { ...METRIC, reply_time_in_minutes: { calendar: null, business: null } } }),
    );
    expect(reading).not.toHaveProperty('firstReplyMinutes');
    expect(reading).not.toHaveProperty('firstReplyBusinessMinutes');
    expect(reading?.resolutionMinutes).toBe(300);
  });

  it('has no reading while the metrics show no solve yet', () => {
    expect(readingFromMetrics(TicketMetricsResponseSchema.parse({ ticket_metric: { ...METRIC, solved_at: null } }))).toBeUndefined();
  });
});

describe('the Zendesk solved trigger body', () => {
  it('becomes a TicketSolved event with the ids only, the invocation id as the delivery id', () => {
    const event = zendeskInbound.normalise(request({ event: 'ticket_solved', ticket_id: '4343', created_at: '2026-11-23T10:00:00Z' }));
    expect(TicketSolvedSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({ type: 'TicketSolved', ticketId: '4343', createdAt: '2026-11-23T10:00:00Z', deliveryId: '7001' });
    expect(event).not.toHaveProperty('reading');
  });

  it('takes an empty creation placeholder as unknown, and refuses a ticket id that is not a Zendesk id', () => {
    expect(zendeskInbound.normalise(request({ event: 'ticket_solved', ticket_id: 4343, created_at: '' }))).not.toHaveProperty('createdAt');
    expect(() => zendeskInbound.normalise(request({ event: 'ticket_solved', ticket_id: 'abc' }))).toThrow(InvalidPayloadError);
  });
});
