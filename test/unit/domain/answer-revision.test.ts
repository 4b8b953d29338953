import { describe, expect, it } from 'vitest';
import { answerRevision, isSuperseded } from '../../../shared/domain/answer-revision.js';

describe('answerRevision', () => {
  it("is the answer's own time, then when ingest received it, both in UTC with milliseconds", () => {
    expect(
      answerRevision({ revisedAt: '2026-11-23T10:02:00+01:00', occurredAt: '2026-11-23T09:00:00Z', receivedAt: '2026-11-23T09:02:01.5Z' }),
    ).toBe('2026-11-23T09:02:00.000Z|2026-11-23T09:02:01.500Z');
  });

  it('takes occurredAt for an event queued before events carried revisedAt', () => {
    expect(answerRevision({ occurredAt: '2026-11-23T09:00:00Z', receivedAt: '2026-11-23T09:00:01Z' })).toBe(
      '2026-11-23T09:00:00.000Z|2026-11-23T09:00:01.000Z',
    );
  });

  it('orders as text the way the instants order, whatever ISO form they were sent in', () => {
    // Arrange: the same instants written with offsets, and a later one without.
    const earlier = answerRevision({
      revisedAt: '2026-11-23T23:30:00-02:00',
      occurredAt: '2026-11-24T01:30:00Z',
      receivedAt: '2026-11-24T01:30:01Z',
    });
    const later = answerRevision({
      revisedAt: '2026-11-24T01:30:00.001Z',
      occurredAt: '2026-11-24T01:30:00Z',
      receivedAt: '2026-11-24T01:30:00Z',
    });

    // Assert
    expect(earlier < later).toBe(true);
  });

  it('breaks a tie of the answer time by the time received', () => {
    const first = answerRevision({
      revisedAt: '2026-11-23T09:02:00Z',
      occurredAt: '2026-11-23T09:02:00Z',
      receivedAt: '2026-11-23T09:02:01Z',
    });
    const second = answerRevision({
      revisedAt: '2026-11-23T09:02:00Z',
      occurredAt: '2026-11-23T09:02:00Z',
      receivedAt: '2026-11-23T09:02:01.400Z',
    });

    expect(first < second).toBe(true);
  });
});

describe('isSuperseded', () => {
  it('is true only when a strictly newer version is stored', () => {
    const older = '2026-11-23T09:00:00.000Z|2026-11-23T09:00:01.000Z';
    const newer = '2026-11-23T09:02:00.000Z|2026-11-23T09:02:01.000Z';

    expect(isSuperseded(newer, older)).toBe(true);
    expect(isSuperseded(older, newer)).toBe(false);
    expect(isSuperseded(newer, newer)).toBe(false);
    // Stored before versions were kept: nothing says it is newer.
    expect(isSuperseded(undefined, older)).toBe(false);
  });
});
