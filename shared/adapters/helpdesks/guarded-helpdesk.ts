import type { HelpdeskClient, RateLimiter, TicketUpdate } from '../../domain/ports.js';

/** What to put around a helpdesk's ticket writes. */
export interface WriteGuards {
  /** Paces ticket writes so the tenant's API budget is not spent in a burst. */
  limiter?: RateLimiter;
  /** Told how long each write took, whether it succeeded or not. */
  onWrite?: (milliseconds: number) => void;
  /** Told how long a write waited for its turn, when it waited. */
  onWait?: (milliseconds: number) => void;
}

/**
 * Wraps a helpdesk client so its ticket writes wait their turn and are timed; reads pass
 * through unchanged.
 *
 * @example const helpdesk = withWriteGuards(client, { limiter, onWrite: (ms) => metrics.addMetric(...) })
 */
export function withWriteGuards(client: HelpdeskClient, guards: WriteGuards): HelpdeskClient {
  const getRequester = client.getRequester?.bind(client);
  return {
    ...(getRequester ? { getRequester } : {}),
    ...(client.guardsUpdates ? { guardsUpdates: true } : {}),
    getTicket: (ticketId) => client.getTicket(ticketId),
    hasInternalNote: (ticketId, marker) => client.hasInternalNote(ticketId, marker),
    async updateTicket(update: TicketUpdate) {
      if (guards.limiter) {
        const queued = Date.now();
        await guards.limiter.acquire();
        const waited = Date.now() - queued;
        if (waited > 0) guards.onWait?.(waited);
      }
      const started = Date.now();
      try {
        return await client.updateTicket(update);
      } finally {
        guards.onWrite?.(Date.now() - started);
      }
    },
  };
}
