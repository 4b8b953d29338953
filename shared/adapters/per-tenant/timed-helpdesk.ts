import type { HelpdeskClient } from '../../domain/ports.js';
import type { TicketUpdate } from '../../domain/ticket-update.js';

/** Where a helpdesk's ticket writes are reported. */
export interface WriteTiming {
  /** Told how long each write took, whether it succeeded or not. */
  onWrite?: (milliseconds: number) => void;
}

/**
 * Wraps a helpdesk client so its ticket writes are timed; reads pass through unchanged. (Every
 * call, read or write, is paced below this, by the tenant's HelpdeskPace.) A write's duration is
 * read on the monotonic timer, not the clock: it is an elapsed time, which a clock change (or a
 * test's fixed clock) must not bend.
 *
 * @example const helpdesk = withWriteTiming(client, { onWrite: recordWriteBack })
 */
export function withWriteTiming(client: HelpdeskClient, timing: WriteTiming): HelpdeskClient {
  const getRequester = client.getRequester?.bind(client);
  const readOutcome = client.readOutcome?.bind(client);
  return {
    ...(getRequester ? { getRequester } : {}),
    ...(readOutcome ? { readOutcome } : {}),
    ...(client.guardsUpdates ? { guardsUpdates: true } : {}),
    getTicket: (ticketId) => client.getTicket(ticketId),
    hasInternalNote: (ticketId, marker) => client.hasInternalNote(ticketId, marker),
    async updateTicket(update: TicketUpdate) {
      const started = performance.now();
      try {
        return await client.updateTicket(update);
      } finally {
        timing.onWrite?.(Math.round(performance.now() - started));
      }
    },
  };
}
