import { decide } from '../../domain/decide.js';
import { ticketCreatedDecisionId } from '../../domain/decision-record.js';
import { ConfigurationError } from '../../domain/errors.js';
import type { TicketCreated, TicketSnapshot } from '../../domain/events.js';
import { renderNote } from '../../domain/note.js';
import { heldOut } from '../../domain/holdout.js';
import type { DecisionLog, HelpdeskClient, HoldoutDraw, TicketContextReader } from '../../domain/ports.js';
import { carryOutDecision, type ProcessOutcome, type RecordBase } from '../decision/ticket-decision.js';
import { type CustomerLookupDeps, identitiesOf, loadRequester } from './customer-lookup.js';
import { type InlineScoringDeps, scoreInline } from './inline-scoring.js';
import type { TenantLookup } from './tenant-view.js';

/** Ports for processing a ticket-created event. */
export interface ProcessTicketDeps extends CustomerLookupDeps, InlineScoringDeps {
  tenant: TenantLookup;
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  decisions: DecisionLog;
  /** The keyed draw that tells which tickets the tenant's holdout keeps at their baseline. */
  holdoutDraw: HoldoutDraw;
  /** Reads the decision record and the profile in one round trip; without it, one read each. */
  ticketContext?: TicketContextReader;
  /** How many times a 409 (ticket changed meanwhile) is met by re-reading and deciding again. */
  maxConflictRetries?: number;
}

/** The two first reads one after the other, for stores that cannot combine them. */
function readSeparately(deps: Pick<ProcessTicketDeps, 'decisions' | 'customers'>): TicketContextReader {
  return {
    read: async (tenant, decisionId, identities) => {
      const previous = await deps.decisions.get(tenant, decisionId);
      const profile = identities.length > 0 ? await deps.customers.findCustomer(tenant, identities) : undefined;
      return { ...(previous ? { previous } : {}), ...(profile ? { profile } : {}) };
    },
  };
}

/**
 * Decides and writes back one ticket-created event: loads the customer (one store round trip
 * on the usual path), scores them inline when they have no usable score, decides with the
 * tenant's policy, and writes priority, merged tags, routing hint and an internal note through
 * the guarded write-back, recording the decision. A decision already applied for this ticket is
 * never written twice; a deleted ticket is recorded as skipped.
 *
 * @example await processTicketCreated(event, deps)
 */
export async function processTicketCreated(event: TicketCreated, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
  const tenant = await deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const base: RecordBase = {
    tenant: event.tenant,
    decisionId: ticketCreatedDecisionId(tenant.helpdesk.kind, event.ticket.id),
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId: event.ticket.id,
    receivedAt: event.receivedAt,
    ...(tenant.configVersion !== undefined ? { configVersion: tenant.configVersion } : {}),
  };
  const identities = identitiesOf(tenant.helpdesk.kind, event.requester);
  const read = await (deps.ticketContext ?? readSeparately(deps)).read(event.tenant, base.decisionId, identities);
  const { previous } = read;

  return carryOutDecision(
    {
      base,
      previous,
      helpdesk: () => deps.helpdeskFor(event.tenant),
      plan: async (helpdesk) => {
        const loaded = await loadRequester(event, tenant.helpdesk.kind, deps, helpdesk, read);
        const { profile, provider } = await scoreInline(event, deps, tenant.policy, loaded);
        // The ticket as created. Deciding on the ticket as it is later is safe because our own
        // earlier write is recognised by its note marker before any re-decision.
        const original: TicketSnapshot = event.ticket.updatedStamp ? event.ticket : await helpdesk.getTicket(event.ticket.id);
        // A pending (or failed) record whose note is missing may still have landed its other
        // changes (helpdesks that write the note as a separate, last request): decide from the
        // priority that attempt started from, so a raise it made is never raised again.
        const startedFrom = (ticket: TicketSnapshot): TicketSnapshot => {
          if (!previous) return ticket;
          const { priority: _current, ...rest } = ticket;
          const baseline = previous.decision.helpdeskPriority;
          return baseline ? { ...rest, priority: baseline } : rest;
        };
        return {
          ticket: original,
          originalGroupId: original.groupId,
          ...(profile ? { customerKey: profile.customerKey } : {}),
          decideOn: (ticket, now) => {
            const decision = decide({
              ticket: startedFrom(ticket),
              ...(profile ? { profile } : {}),
              ...(provider ? { provider } : {}),
              policy: tenant.policy,
              now,
            });
            // The holdout is drawn only for a first attempt: after a pending one, part of its
            // write may have landed, and the ticket is finished as decided.
            const holdout = previous ? undefined : heldOut(decision, tenant.policy, deps.holdoutDraw.draw(event.tenant, event.ticket.id));
            return { decision, note: renderNote(decision), ...(holdout ? { holdout } : {}) };
          },
        };
      },
      // A deleted or merged ticket: recorded with the decision its event alone would have made.
      whenGone: (now) => decide({ ticket: event.ticket, policy: tenant.policy, now }),
    },
    deps,
  );
}
