import type { Decision } from './decide.js';
import type { Source } from './events.js';
import type { Priority } from './priority.js';

/** Status of a recorded decision. */
export type DecisionStatus = 'pending' | 'failed' | 'applied' | 'shadow' | 'skipped';

/** The audit record of one decision: what came in, what was decided and why, what was written. */
export interface DecisionRecord {
  tenant: string;
  /** One per ticket event: `zendesk:ticket-created:123`. */
  decisionId: string;
  deliveryId: string;
  source: Source;
  ticketId: string;
  customerKey?: string;
  receivedAt: string;
  decidedAt: string;
  status: DecisionStatus;
  decision: Decision;
  note: string;
  written?: { priority?: Priority; tags: string[]; groupId?: string; at: string };
  skippedReason?: string;
  /** Why the helpdesk refused the write for good (status `failed`; the event is in the dead-letter queue). */
  failedReason?: string;
}
