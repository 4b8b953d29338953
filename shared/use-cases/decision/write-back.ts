import type { Decision } from '../../domain/decide.js';
import { ConflictError, PermanentHelpdeskError, TransientError } from '../../domain/errors.js';
import type { TicketSnapshot } from '../../domain/events.js';
import type { HelpdeskClient } from '../../domain/ports.js';
import type { DecisionRecord } from '../../domain/decision-record.js';
import { maxPriority } from '../../domain/priority.js';
import { duplicateOf, isFinal, markApplied, noteMarker, type ProcessOutcome, type RecordBase, type RecordDeps, reconcile, recordFinal } from './decision-record.js';

/** What a guarded write-back needs besides the audit log. */
export interface WriteBackDeps extends RecordDeps {
  /** How many times a conflict (ticket changed meanwhile) is met by re-reading and deciding again. */
  maxConflictRetries?: number;
}

/** One decision to carry out on one ticket. */
export interface WriteBackInput {
  helpdesk: HelpdeskClient;
  /** What every record of this decision says. */
  base: RecordBase;
  /** The ticket as the decision first sees it; followed through conflicts from there. */
  ticket: TicketSnapshot;
  /** The group the ticket had when the event happened: a person who routed it elsewhere since keeps their routing. */
  originalGroupId: string | undefined;
  /** Decides on the ticket as it is now, and renders the note for the decision. */
  decideOn(ticket: TicketSnapshot, now: Date): { decision: Decision; note: string };
}

/** How long a delivery holds a decision's write-back: longer than its helpdesk calls can take (8 s each). */
const CLAIM_MS = 60_000;

function unchanged(decision: Decision): boolean {
  return decision.priority === undefined && decision.tags.length === 0 && decision.groupId === undefined;
}

/**
 * Whether an earlier attempt of this decision wrote already: a pending record whose note marker
 * is on the ticket. If so, the decision is recorded as applied and nothing is written again.
 *
 * @example const landed = await landedEarlier(previous, helpdesk, ticketId, deps); if (landed) return landed;
 */
export async function landedEarlier(
  previous: DecisionRecord | undefined,
  helpdesk: HelpdeskClient,
  ticketId: string,
  deps: RecordDeps,
): Promise<ProcessOutcome | undefined> {
  if (!previous || isFinal(previous.status)) return undefined;
  if (!(await helpdesk.hasInternalNote(ticketId, noteMarker(previous.decisionId)))) return undefined;
  return reconcile(previous, await helpdesk.getTicket(ticketId), deps);
}

/**
 * Carries out a decision on a ticket through the helpdesk port's guarantees: records it as
 * pending, then writes the priority (never lower than the ticket's), the ticket's tags with ours,
 * the routing hint and the note with the decision's marker, last; records it as applied. Shadow
 * mode and decisions that change nothing are recorded and not written. A conflict re-reads the
 * ticket and decides again, unless our own marker is there (a concurrent delivery wrote it);
 * 429 and transient failures propagate so the queue retries them; a permanent refusal is
 * recorded as failed, with its reason, and propagates to the dead-letter queue.
 *
 * @example return writeDecision({ helpdesk, base, ticket, originalGroupId, decideOn }, deps)
 */
export async function writeDecision(input: WriteBackInput, deps: WriteBackDeps): Promise<ProcessOutcome> {
  const { helpdesk, base } = input;
  const marker = noteMarker(base.decisionId);
  const maxRetries = deps.maxConflictRetries ?? 3;
  let current = input.ticket;
  // The claim belongs to this attempt, not to the delivery: two copies of one delivery processed
  // at once (SQS delivers at least once, to concurrent batches) must not both hold it.
  const holder = `${base.deliveryId}/${crypto.randomUUID()}`;
  let holdsClaim = false;

  for (let attempt = 0; ; attempt += 1) {
    const now = deps.clock.now();
    const { decision, note: text } = input.decideOn(current, now);
    const note = `${text}\n${marker}`;
    const record: DecisionRecord = { ...base, decidedAt: now.toISOString(), status: 'pending', decision, note };

    if (decision.mode === 'shadow') return recordFinal({ ...record, status: 'shadow' }, deps);
    if (unchanged(decision)) return recordFinal({ ...record, status: 'skipped', skippedReason: 'the decision changes nothing on the ticket' }, deps);

    // A claim first: another delivery of this decision writing right now makes this one wait (and
    // retry, then find that one's note) instead of writing a second note. A guarded update needs
    // none: of two deliveries racing, the second's stale stamp gets a conflict, and the re-read
    // finds the first one's note; a retry after a lost answer meets the same conflict.
    if (!(helpdesk.guardsUpdates && current.updatedStamp)) {
      const claimed = await deps.decisions.claim({ ...record, status: 'pending' }, holder, new Date(now.getTime() + CLAIM_MS), now);
      if (claimed === 'already-final') return duplicateOf(deps, base.tenant, base.decisionId);
      if (claimed === 'held') throw new TransientError(`Decision ${base.decisionId} is being written by another delivery; retried later`);
      holdsClaim = true;
    }
    const routable = current.groupId === undefined || current.groupId === input.originalGroupId;
    try {
      const updated = await helpdesk.updateTicket({
        ticketId: current.id,
        decisionId: base.decisionId,
        // The ticket may have been raised by a person since: never write lower.
        ...(decision.priority ? { priority: current.priority ? maxPriority(current.priority, decision.priority) : decision.priority } : {}),
        tags: [...new Set([...current.tags, ...decision.tags])],
        addedTags: decision.tags,
        ...(decision.groupId && routable ? { groupId: decision.groupId } : {}),
        note,
        ...(current.updatedStamp ? { updatedStamp: current.updatedStamp } : {}),
      });
      return markApplied(record, updated, deps);
    } catch (error) {
      if (error instanceof PermanentHelpdeskError) {
        // Refused for good: say so in the audit record (which ends the claim); the event goes to the dead-letter queue.
        await deps.decisions.record({ ...record, status: 'failed', failedReason: error.message.slice(0, 500) });
      } else if (holdsClaim && !(error instanceof ConflictError)) {
        // The next delivery may start at once; whether this write landed is told by its note marker.
        await deps.decisions.release(base.tenant, base.decisionId, holder).catch(() => undefined);
      }
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= maxRetries) {
        throw new TransientError(`Ticket ${current.id} kept changing during ${maxRetries + 1} guarded updates`, { cause: error });
      }
      current = await helpdesk.getTicket(current.id);
      // The change that caused the conflict may be our own write from a concurrent delivery.
      if (await helpdesk.hasInternalNote(current.id, marker)) return reconcile(record, current, deps);
    }
  }
}
