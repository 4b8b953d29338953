/** The sandbox Zendesk's Ticket Metrics: the record `GET /api/v2/tickets/{id}/metrics` answers, from the ticket's history. */
import type { SandboxTicket } from './types.js';

const MINUTE_MS = 60_000;

/** Whole minutes between two times, as Zendesk's `{calendar, business}` (the sandbox has no schedule: both alike). */
function duration(from: string, to: string | undefined): { calendar: number; business: number } | null {
  if (to === undefined) return null;
  const minutes = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / MINUTE_MS));
  return { calendar: minutes, business: minutes };
}

/**
 * The ticket's metric record, with the real fields (Zendesk OAS `TicketMetricObject`): reply time
 * to the first public comment by anyone but the requester, first and full resolution to the
 * first and latest solve, reopens, replies; a duration is null until both its events happened.
 */
export function ticketMetricJson(baseUrl: string, ticket: SandboxTicket): Record<string, unknown> {
  const agentReplies = ticket.comments.filter((comment) => comment.public && comment.author_id !== ticket.requester_id);
  const firstReply = agentReplies[0]?.created_at;
  const solvedAt = ticket.solved_at ?? undefined;
  return {
    id: ticket.id + 1_000_000,
    ticket_id: ticket.id,
    url: `${baseUrl}/api/v2/ticket_metrics/${ticket.id + 1_000_000}.json`,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    reply_time_in_minutes: duration(ticket.created_at, firstReply) ?? { calendar: null, business: null },
    first_resolution_time_in_minutes: duration(ticket.created_at, ticket.first_solved_at ?? undefined) ?? {
      calendar: null,
      business: null,
    },
    full_resolution_time_in_minutes: duration(ticket.created_at, solvedAt) ?? { calendar: null, business: null },
    reopens: ticket.reopens,
    replies: agentReplies.length,
    solved_at: ticket.solved_at,
    status_updated_at: ticket.updated_at,
  };
}

/**
 * Moves the ticket's solve bookkeeping on a status change: a solve stamps `solved_at` (and the
 * first solve), leaving solved for an open status counts a reopen. True when it became solved.
 */
export function recordStatusChange(ticket: SandboxTicket, previous: string, at: string): boolean {
  if (previous === ticket.status) return false;
  if (ticket.status === 'solved') {
    ticket.solved_at = at;
    ticket.first_solved_at ??= at;
    return true;
  }
  if (previous === 'solved' && ticket.status !== 'closed') {
    ticket.reopens += 1;
    ticket.solved_at = null;
  }
  return false;
}
