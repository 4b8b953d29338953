import { DEAD_LETTER_REASON_ATTRIBUTE } from '../../shared/adapters/queue/sqs-event-queue.js';
import type { DecisionStatus } from '../../shared/domain/decision-record.js';
import type { DecisionLog } from '../../shared/domain/ports.js';
import type { QueuedMessage } from '../local/in-process-queue.js';

/** One valid delivery that was accepted (202) and must end applied once or dead-lettered with why. */
export interface SentTicket {
  tenant: string;
  ticketId: string | number;
  /** The decision the ticket's event makes, e.g. `<helpdesk>:ticket-created:<id>`. */
  decisionId: string;
}

/** What the ledger reads: the decision records, the dead-letter queue and the helpdesk's tickets. */
export interface LedgerSources {
  decisions: DecisionLog;
  /** The dead-letter queue's messages, read once per check (from the in-process queue at once, or from an SQS emulator). */
  deadLettered(): readonly QueuedMessage[] | Promise<readonly QueuedMessage[]>;
  /** The internal notes on a ticket, as the helpdesk holds it. */
  internalNotes(ticketId: string | number): number;
}

/** Where each accepted ticket ended, and what broke the rule. */
export interface LedgerResult {
  tickets: number;
  /** Decided and final: applied, shadow or skipped (nothing to write). */
  final: Record<'applied' | 'shadow' | 'skipped', number>;
  /** In the dead-letter queue with a reason. */
  deadLettered: number;
  /** Accepted, but neither final nor in the dead-letter queue: lost, or still on its way. */
  unaccounted: SentTicket[];
  /** In the dead-letter queue with no reason. */
  withoutReason: SentTicket[];
  /** More than one internal note, or a note without an applied decision while none is pending in the dead-letter queue. */
  wrongNotes: (SentTicket & { notes: number; status?: DecisionStatus })[];
  ok: boolean;
}

/**
 * Checks every accepted ticket: applied exactly once (a final decision, one note when it wrote),
 * or in the dead-letter queue with a reason (and at most one note, from a write whose answer was
 * lost); never two notes, never nowhere.
 *
 * @example const result = await checkLedger(sent, { decisions, deadLettered: () => queue.deadLettered(), internalNotes })
 */
export async function checkLedger(sent: readonly SentTicket[], sources: LedgerSources): Promise<LedgerResult> {
  const dead = new Map<string, QueuedMessage>();
  for (const message of await sources.deadLettered()) {
    const body = JSON.parse(message.body) as { tenant?: string; ticket?: { id?: string } };
    dead.set(`${body.tenant}/${body.ticket?.id}`, message);
  }
  const result: LedgerResult = {
    tickets: sent.length,
    final: { applied: 0, shadow: 0, skipped: 0 },
    deadLettered: 0,
    unaccounted: [],
    withoutReason: [],
    wrongNotes: [],
    ok: false,
  };
  for (const ticket of sent) {
    const record = await sources.decisions.get(ticket.tenant, ticket.decisionId);
    const notes = sources.internalNotes(ticket.ticketId);
    const letter = dead.get(`${ticket.tenant}/${ticket.ticketId}`);
    const status = record?.status;
    if (status === 'applied' || status === 'shadow' || status === 'skipped') {
      result.final[status] += 1;
      const expectedNotes = status === 'applied' && record?.written ? 1 : 0;
      if (notes !== expectedNotes) result.wrongNotes.push({ ...ticket, notes, status });
    } else if (letter) {
      result.deadLettered += 1;
      if (!letter.attributes[DEAD_LETTER_REASON_ATTRIBUTE]) result.withoutReason.push(ticket);
      if (notes > 1) result.wrongNotes.push({ ...ticket, notes, ...(status ? { status } : {}) });
    } else {
      result.unaccounted.push(ticket);
    }
  }
  result.ok = result.unaccounted.length === 0 && result.withoutReason.length === 0 && result.wrongNotes.length === 0;
  return result;
}
