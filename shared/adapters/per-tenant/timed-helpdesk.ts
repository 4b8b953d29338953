import type { HelpdeskClient } from '../../domain/ports.js';
import type { TicketUpdate } from '../../domain/ticket-update.js';

/** What to put around a helpdesk's ticket writes. */
export interface WriteGuards {
  /** Told how long each write took, whether it succeeded or not. */
  onWrite?: (milliseconds: number) => void;
}

/**
 * Wraps a helpdesk client so its ticket writes are timed; reads pass through unchanged. (Every
 * call, read or write, is paced below this, by the tenant's HelpdeskPace.)
 *
 * @example const helpdesk = withWriteGuards(client, { onWrite: recordWriteBack })
 */
export function withWriteGuards(client: HelpdeskClient, guards: WriteGuards): HelpdeskClient {
  const getRequester = client.getRequester?.bind(client);
  return {
    ...(getRequester ? { getRequester } : {}),
    ...(client.guardsUpdates ? { guardsUpdates: true } : {}),
    getTicket: (ticketId) => client.getTicket(ticketId),
    hasInternalNote: (ticketId, marker) => client.hasInternalNote(ticketId, marker),
    async updateTicket(update: TicketUpdate) {
      const started = Date.now();
      try {
        return await client.updateTicket(update);
      } finally {
        guards.onWrite?.(Date.now() - started);
      }
    },
  };
}
