import type { Decision } from '../../domain/decide.js';
import { type DecisionRecord, type HoldoutDrawRecord, isFinal } from '../../domain/decision-record.js';
import { ConflictError, PermanentHelpdeskError, TicketNotFoundError, TransientError } from '../../domain/errors.js';
import type { Source, TicketSnapshot } from '../../domain/events.js';
import { renderNote } from '../../domain/note.js';
import type { Clock, DecisionLog, HelpdeskClient, UseCaseLogger } from '../../domain/ports.js';
import { maxPriority } from '../../domain/priority.js';

/*
 * One decision on one ticket, from the record read before it to its final record: whether an
 * earlier attempt already settled it or landed it, the claim that keeps two deliveries from
 * writing it at once, the write-back through the helpdesk port's guarantees, and every record it
 * leaves (applied, shadow, skipped, failed, or the duplicate it turned out to be). Its id is
 * built and read back in `domain/decision-record.ts`, where the store reads it too.
 */

/** What happened to an event that was decided on a ticket. */
export type ProcessOutcome =
  | { status: 'applied' | 'shadow' | 'skipped' | 'held-out'; decision: Decision; record: DecisionRecord }
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
  /** The version of the tenant's configuration the decision is made with. */
  configVersion?: number;
}

/** The ports that carry out a decision and keep its audit record. */
export interface DecisionDeps {
  decisions: DecisionLog;
  clock: Clock;
  logger: UseCaseLogger;
  /** How many times a conflict (ticket changed meanwhile) is met by re-reading and deciding again. */
  maxConflictRetries?: number;
}

/** What to decide on, and how, once the helpdesk is reachable and no earlier attempt landed. */
export interface DecisionPlan {
  /** The ticket as the decision first sees it; followed through conflicts from there. */
  ticket: TicketSnapshot;
  /** The group the ticket had when the event happened: a person who routed it elsewhere since keeps their routing. */
  originalGroupId: string | undefined;
  /** The customer the decision is about, when the plan found them. */
  customerKey?: string;
  /**
   * Decides on the ticket as it is now, and renders the note for the decision; `holdout` when the
   * tenant's holdout keeps the ticket at its baseline (then nothing is written, note included).
   */
  decideOn(ticket: TicketSnapshot, now: Date): { decision: Decision; note: string; holdout?: HoldoutDrawRecord };
}

/** One decision on one ticket, as a use case hands it over. */
export interface TicketDecision {
  /** What every record of this decision says; its id comes from `domain/decision-record.ts`. */
  base: RecordBase;
  /** The decision's record as read before (strongly consistent), if there is one. */
  previous: DecisionRecord | undefined;
  /** The tenant's helpdesk. */
  helpdesk(): Promise<HelpdeskClient>;
  /** Reads what the decision needs (the customer, the ticket); asked only when nothing was written yet. */
  plan(helpdesk: HelpdeskClient): Promise<DecisionPlan>;
  /** What would have been decided, for the record of a ticket that no longer exists. */
  whenGone(now: Date): Decision;
}

/** How long a delivery holds a decision's write-back: longer than its helpdesk calls can take (8 s each). */
const CLAIM_MS = 60_000;

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
 * Carries out one decision on a ticket. A decision already final is a duplicate; a pending one
 * whose note is on the ticket landed earlier and is recorded as applied without writing again.
 * Otherwise the plan is read and the decision written through `writeDecision`. A ticket that no
 * longer exists (deleted or merged) is recorded as skipped, since retrying could never succeed.
 *
 * @example return carryOutDecision({ base, previous, helpdesk: () => deps.helpdeskFor(tenant), plan, whenGone }, deps)
 */
export async function carryOutDecision(input: TicketDecision, deps: DecisionDeps): Promise<ProcessOutcome> {
  const { base, previous } = input;
  if (previous && isFinal(previous.status)) return { status: 'duplicate', record: previous };
  try {
    const helpdesk = await input.helpdesk();
    if (previous && (await helpdesk.hasInternalNote(base.ticketId, noteMarker(previous.decisionId)))) {
      return reconcile(previous, await helpdesk.getTicket(base.ticketId), deps);
    }
    const plan = await input.plan(helpdesk);
    return await writeDecision(helpdesk, { ...base, ...(plan.customerKey ? { customerKey: plan.customerKey } : {}) }, plan, deps);
  } catch (error) {
    if (!(error instanceof TicketNotFoundError)) throw error;
    const now = deps.clock.now();
    const decision = input.whenGone(now);
    const record: DecisionRecord = { ...base, decidedAt: now.toISOString(), status: 'skipped', decision, note: renderNote(decision) };
    return recordFinal({ ...record, status: 'skipped', skippedReason: 'the ticket no longer exists in the helpdesk' }, deps);
  }
}

function unchanged(decision: Decision): boolean {
  return decision.priority === undefined && decision.tags.length === 0 && decision.groupId === undefined;
}

/**
 * Writes a decision through the helpdesk port's guarantees: records it as pending, then writes
 * the priority (never lower than the ticket's), the ticket's tags with ours, the routing hint and
 * the note with the decision's marker, last; records it as applied. Shadow mode and decisions
 * that change nothing are recorded and not written. A conflict re-reads the ticket and decides
 * again, unless our own marker is there (a concurrent delivery wrote it); 429 and transient
 * failures propagate so the queue retries them; a permanent refusal is recorded as failed, with
 * its reason, and propagates to the dead-letter queue.
 */
async function writeDecision(helpdesk: HelpdeskClient, base: RecordBase, plan: DecisionPlan, deps: DecisionDeps): Promise<ProcessOutcome> {
  const marker = noteMarker(base.decisionId);
  const maxRetries = deps.maxConflictRetries ?? 3;
  let current = plan.ticket;
  // The claim belongs to this attempt, not to the delivery: two copies of one delivery processed
  // at once (SQS delivers at least once, to concurrent batches) must not both hold it.
  const holder = `${base.deliveryId}/${crypto.randomUUID()}`;
  let holdsClaim = false;

  for (let attempt = 0; ; attempt += 1) {
    const now = deps.clock.now();
    const { decision, note: text, holdout } = plan.decideOn(current, now);
    const note = `${text}\n${marker}`;
    const record: DecisionRecord = { ...base, decidedAt: now.toISOString(), status: 'pending', decision, note };

    if (decision.mode === 'shadow') return recordFinal({ ...record, status: 'shadow' }, deps);
    // Held out: the ticket keeps the helpdesk's own priority and gets nothing of ours, no note
    // either; the record keeps what would have been done (its note never posted) and the draw.
    if (holdout) return recordFinal({ ...record, status: 'held-out', holdout }, deps);
    if (unchanged(decision))
      return recordFinal({ ...record, status: 'skipped', skippedReason: 'the decision changes nothing on the ticket' }, deps);

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
    const routable = current.groupId === undefined || current.groupId === plan.originalGroupId;
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

/** Records the decision as applied, with what the ticket looked like after the write. */
async function markApplied(record: DecisionRecord, ticket: TicketSnapshot, deps: DecisionDeps): Promise<ProcessOutcome> {
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

/** Our note is already on the ticket: an earlier attempt's write landed. Records it; writes nothing. */
async function reconcile(record: DecisionRecord, ticket: TicketSnapshot, deps: DecisionDeps): Promise<ProcessOutcome> {
  deps.logger.warn('an earlier write of this decision had landed; recorded without writing again', {
    tenant: record.tenant,
    decisionId: record.decisionId,
  });
  return markApplied(record, ticket, deps);
}

/** Records a final decision that writes nothing (shadow mode, held out, nothing to change, a ticket gone). */
async function recordFinal(
  record: DecisionRecord & { status: 'shadow' | 'skipped' | 'held-out' },
  deps: DecisionDeps,
): Promise<ProcessOutcome> {
  if ((await deps.decisions.record(record)) === 'already-final') return duplicateOf(deps, record.tenant, record.decisionId);
  return { status: record.status, decision: record.decision, record };
}

/** The decision that was already final, as a duplicate outcome. */
async function duplicateOf(deps: DecisionDeps, tenant: string, decisionId: string): Promise<ProcessOutcome> {
  const record = await deps.decisions.get(tenant, decisionId);
  if (!record) throw new TransientError(`Decision ${decisionId} was final but could not be read back`);
  return { status: 'duplicate', record };
}
