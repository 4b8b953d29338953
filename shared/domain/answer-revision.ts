import type { SurveyAnswered } from './events.js';

/**
 * Where a version of a survey answer stands among the versions of the same answer, as text that
 * sorts as they happened: the answer's own time (`revisedAt`, else `occurredAt` for an event
 * queued before events carried it), then, to break a tie (a tool stamping whole seconds), when
 * ingest received the delivery. Both are kept on the event, so a retry or a replay from the
 * dead-letter queue has the revision of the delivery it repeats.
 *
 * @example answerRevision({ revisedAt: '2026-11-23T09:02:00Z', occurredAt: '2026-11-23T09:02:00Z', receivedAt: '2026-11-23T09:02:01Z' }) // '2026-11-23T09:02:00.000Z|2026-11-23T09:02:01.000Z'
 */
export function answerRevision(event: Pick<SurveyAnswered, 'revisedAt' | 'occurredAt' | 'receivedAt'>): string {
  // In UTC with milliseconds, every part has one width (events hold four-digit years), so the
  // text compares as the instants do, in DynamoDB's conditions as here.
  return `${utc(event.revisedAt ?? event.occurredAt)}|${utc(event.receivedAt)}`;
}

/**
 * True when `stored` is a newer version than `incoming`; an answer stored before versions were
 * kept (`undefined`) is never taken as newer.
 *
 * @example isSuperseded(profile.latestNps?.revision, answerRevision(event))
 */
export function isSuperseded(stored: string | undefined, incoming: string): boolean {
  return stored !== undefined && stored > incoming;
}

function utc(at: string): string {
  return new Date(at).toISOString();
}
