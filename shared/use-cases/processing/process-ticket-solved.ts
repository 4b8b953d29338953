import type { Decision } from '../../domain/decide.js';
import { type DecisionRecord, isFinal, type TicketOutcome, ticketCreatedDecisionId } from '../../domain/decision-record.js';
import { ConfigurationError, TicketNotFoundError, TransientError } from '../../domain/errors.js';
import type { SolvedReading, TicketSolved } from '../../domain/events.js';
import type { Policy } from '../../domain/policy.js';
import type { Clock, DecisionLog, HelpdeskClient } from '../../domain/ports.js';
import type { TenantView } from './tenant-view.js';

/** Ports for processing a solved ticket. */
export interface ProcessSolvedDeps {
  tenant(id: string): TenantView | undefined | Promise<TenantView | undefined>;
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  decisions: DecisionLog;
  clock: Clock;
}

/**
 * What a solved event did: `outcome-recorded` on the ticket's decision, `baseline-recorded` for a
 * ticket never decided, `earlier-solve` when a later solve is stored already, `duplicate` when
 * this solve is, `ticket-gone` when the helpdesk no longer has the ticket.
 */
export type SolvedOutcome = {
  status: 'outcome-recorded' | 'baseline-recorded' | 'earlier-solve' | 'duplicate' | 'ticket-gone';
  ticketId: string;
  outcome?: TicketOutcome;
};

/** Rounds of read-then-conditional-write before a ticket that keeps changing is handed back to the queue. */
const MAX_ROUNDS = 4;

/**
 * Stores what followed a solved ticket with its decision: first reply and resolution times and
 * reopens, read back from the helpdesk (one request) unless the event carries them, then one
 * strongly consistent read and one conditional write. A ticket never decided gets a `baseline`
 * record so everyone's times count; a reopened ticket solved again replaces the earlier solve
 * (the later solve wins, whatever order the events come in) and counts the reopen. Running it
 * again changes nothing.
 *
 * @example await processTicketSolved(event, deps) // { status: 'outcome-recorded', ticketId: '35436', outcome }
 */
export async function processTicketSolved(event: TicketSolved, deps: ProcessSolvedDeps): Promise<SolvedOutcome> {
  const tenant = await deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const decisionId = ticketCreatedDecisionId(tenant.helpdesk.kind, event.ticketId);
  const reading = event.reading ?? (await readBack(event, deps));
  if (!reading) return { status: 'ticket-gone', ticketId: event.ticketId };
  const solvedAt = Date.parse(reading.solvedAt);

  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const now = deps.clock.now();
    const read = await deps.decisions.get(event.tenant, decisionId);
    if (!read) {
      const baseline = baselineRecord(event, decisionId, tenant.policy, reading, now);
      if ((await deps.decisions.record(baseline)) === 'written') {
        return { status: 'baseline-recorded', ticketId: event.ticketId, ...(baseline.outcome ? { outcome: baseline.outcome } : {}) };
      }
      continue;
    }
    // A decision still being written is rewritten whole when it settles: its outcome waits for that.
    if (!isFinal(read.status)) {
      throw new TransientError(`The decision on ticket ${event.ticketId} is not settled yet; its outcome is stored once it is`);
    }
    const stored = read.outcome;
    if (stored && Date.parse(stored.solvedAt) > solvedAt) return { status: 'earlier-solve', ticketId: event.ticketId, outcome: stored };
    if (stored && Date.parse(stored.solvedAt) === solvedAt) return { status: 'duplicate', ticketId: event.ticketId, outcome: stored };
    const outcome = outcomeOf(reading, stored, now);
    if ((await deps.decisions.recordOutcome(read, outcome)) === 'written') {
      return { status: 'outcome-recorded', ticketId: event.ticketId, outcome };
    }
  }
  throw new TransientError(`The record of ticket ${event.ticketId} kept changing while its outcome was stored; retried later`);
}

/** The outcome read from the helpdesk; undefined when the ticket is gone. */
async function readBack(event: TicketSolved, deps: ProcessSolvedDeps): Promise<SolvedReading | undefined> {
  const helpdesk = await deps.helpdeskFor(event.tenant);
  if (!helpdesk.readOutcome) {
    throw new ConfigurationError(`Tenant "${event.tenant}"'s helpdesk cannot be read back: its solved events must carry the times`);
  }
  try {
    const reading = await helpdesk.readOutcome(event.ticketId);
    // Metrics can lag the status change, or the ticket was reopened at once: read again later.
    if (!reading) throw new TransientError(`Ticket ${event.ticketId} is not shown solved by its helpdesk yet; read again later`);
    return reading;
  } catch (error) {
    if (error instanceof TicketNotFoundError) return undefined;
    throw error;
  }
}

/**
 * The outcome to store. A later solve after a stored one means the ticket was reopened in
 * between: the helpdesk's own count is kept when it says more (Zendesk counts reopens; Freshdesk
 * only says when the last one was).
 */
function outcomeOf(reading: SolvedReading, stored: TicketOutcome | undefined, now: Date): TicketOutcome {
  const { createdAt: _createdAt, solvedAt, ...times } = reading;
  return {
    ...times,
    solvedAt: new Date(solvedAt).toISOString(),
    reopens: stored ? Math.max(reading.reopens, stored.reopens + 1) : reading.reopens,
    readAt: now.toISOString(),
  };
}

/** Nothing decided: the decision a baseline record carries (tier none, nothing asked, nothing changed). */
function nothingDecided(policy: Policy): Decision {
  return {
    policyVersion: policy.version,
    mode: policy.mode,
    tier: 'none',
    uplift: 0,
    requestedUplift: 0,
    tags: [],
    matchedRules: [],
    guardrails: [],
    refreshDue: false,
  };
}

/**
 * The record of a solved ticket never decided, filed in the day index under the ticket's creation
 * (if the event or the helpdesk said) else its solve.
 */
function baselineRecord(event: TicketSolved, decisionId: string, policy: Policy, reading: SolvedReading, now: Date): DecisionRecord {
  const createdAt = event.createdAt ?? reading.createdAt;
  return {
    tenant: event.tenant,
    decisionId,
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId: event.ticketId,
    receivedAt: event.receivedAt,
    decidedAt: new Date(createdAt ?? reading.solvedAt).toISOString(),
    status: 'baseline',
    decision: nothingDecided(policy),
    note: '',
    outcome: outcomeOf(reading, undefined, now),
  };
}
