import type { Decision } from '../../domain/decide.js';
import { TransientError } from '../../domain/errors.js';
import type { Policy } from '../../domain/policy.js';
import type { Clock, DecisionLog } from '../../domain/ports.js';
import type { DecisionRecord } from '../../domain/decision-record.js';
import type { Source, TicketSnapshot } from '../../domain/events.js';

/** The slice of a tenant the processing use cases need. */
export interface TenantView {
  id: string;
  policy: Policy;
  /** The tenant's helpdesk adapter: its name qualifies user ids (`<kind>:<id>`) and decision ids. */
  helpdesk: { kind: string };
}

/** Logs what the caller should know about but that does not fail the event. */
export interface UseCaseLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** What happened to an event that was decided on a ticket. */
export type ProcessOutcome =
  | { status: 'applied' | 'shadow' | 'skipped'; decision: Decision; record: DecisionRecord }
  | { status: 'duplicate'; record: DecisionRecord };

/** What every decision record of one event says, whatever was decided. */
export interface RecordBase {
  tenant: string;
  decisionId: string;
  deliveryId: string;
  source: Source;
  ticketId: string;
  customerKey?: string;
  receivedAt: string;
}

/**
 * Whether a decision is settled: applied, recorded in shadow mode, or skipped. A pending one may
 * have landed partly; a failed one was refused and waits in the dead-letter queue for a replay.
 *
 * @example if (previous && isFinal(previous.status)) return { status: 'duplicate', record: previous }
 */
export function isFinal(status: DecisionRecord['status']): boolean {
  return status === 'applied' || status === 'shadow' || status === 'skipped';
}

/** The ports that keep the audit record. */
export interface RecordDeps {
  decisions: DecisionLog;
  clock: Clock;
  logger: UseCaseLogger;
}

/**
 * The marker that ends every note this product writes on a ticket. A retry looks for it to tell
 * that an earlier write landed although its answer was lost, so the note is never written twice.
 *
 * @example noteMarker('zendesk:ticket-created:1') // '[influence-router zendesk:ticket-created:1]'
 */
export function noteMarker(decisionId: string): string {
  return `[influence-router ${decisionId}]`;
}

/**
 * Records the decision as applied, with what the ticket looked like after the write.
 *
 * @example return markApplied(pendingRecord, updatedTicket, deps)
 */
export async function markApplied(record: DecisionRecord, ticket: TicketSnapshot, deps: RecordDeps): Promise<ProcessOutcome> {
  const applied: DecisionRecord = {
    ...record,
    status: 'applied',
    written: {
      ...(ticket.priority ? { priority: ticket.priority } : {}),
      tags: ticket.tags,
      ...(ticket.groupId ? { groupId: ticket.groupId } : {}),
      at: deps.clock.now().toISOString(),
    },
  };
  if ((await deps.decisions.record(applied)) === 'already-final') return duplicateOf(deps, record.tenant, record.decisionId);
  return { status: 'applied', decision: record.decision, record: applied };
}

/**
 * Our note is already on the ticket: an earlier attempt's write landed. Records it; writes nothing.
 *
 * @example if (await helpdesk.hasInternalNote(id, marker)) return reconcile(previous, await helpdesk.getTicket(id), deps)
 */
export async function reconcile(record: DecisionRecord, ticket: TicketSnapshot, deps: RecordDeps): Promise<ProcessOutcome> {
  deps.logger.warn('an earlier write of this decision had landed; recorded without writing again', {
    tenant: record.tenant,
    decisionId: record.decisionId,
  });
  return markApplied(record, ticket, deps);
}

/**
 * Records a final decision that writes nothing (shadow mode, nothing to change, a ticket gone).
 *
 * @example return recordFinal({ ...record, status: 'skipped', skippedReason: 'the ticket no longer exists in the helpdesk' }, deps)
 */
export async function recordFinal(record: DecisionRecord & { status: 'shadow' | 'skipped' }, deps: RecordDeps): Promise<ProcessOutcome> {
  if ((await deps.decisions.record(record)) === 'already-final') return duplicateOf(deps, record.tenant, record.decisionId);
  return { status: record.status, decision: record.decision, record };
}

/**
 * The decision that was already final, as a duplicate outcome.
 *
 * @example return duplicateOf(deps, 'acme', 'zendesk:ticket-created:1')
 */
export async function duplicateOf(deps: RecordDeps, tenant: string, decisionId: string): Promise<ProcessOutcome> {
  const record = await deps.decisions.get(tenant, decisionId);
  if (!record) throw new TransientError(`Decision ${decisionId} was final but could not be read back`);
  return { status: 'duplicate', record };
}
