import type { Priority } from './priority.js';

/** One write-back to a ticket: everything the decision changes, in as few requests as the API allows. */
export interface TicketUpdate {
  ticketId: string;
  /** The decision this write carries out: the idempotency id of helpdesks that take one. */
  decisionId: string;
  priority?: Priority;
  /** The complete tag list to leave on the ticket: the ticket's tags plus ours. */
  tags: string[];
  /** Our tags alone, for helpdesks with an additive tags call or a read-merge-write. */
  addedTags: string[];
  groupId?: string;
  /** Internal (private) note for the agent; it ends with the decision's marker. */
  note: string;
  /** The ticket's concurrency stamp when read; a ticket changed since then is a ConflictError. */
  updatedStamp?: string;
}
