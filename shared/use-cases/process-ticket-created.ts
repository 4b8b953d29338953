import { type CustomerProfile, handleIdentity, type Identity, mergeIdentities, newCustomerProfile, retentionStart } from '../domain/customer.js';
import { type Decision, decide, type ProviderContext } from '../domain/decide.js';
import { ConfigurationError, ConflictError, PermanentHelpdeskError, TicketNotFoundError, TransientError } from '../domain/errors.js';
import type { Requester, TicketCreated, TicketSnapshot } from '../domain/events.js';
import { renderNote } from '../domain/note.js';
import type { Policy } from '../domain/policy.js';
import type {
  Clock,
  CustomerAdminStore,
  CustomerStore,
  DecisionLog,
  DecisionRecord,
  HelpdeskClient,
  IdentityHasher,
  RequesterDetails,
  ScoreProvider,
  ScoreRefreshStore,
} from '../domain/ports.js';
import { maxPriority } from '../domain/priority.js';
import { scoreFreshness } from '../domain/score.js';
import type { MergeCustomers } from './merge-customers.js';
import { refreshScore } from './refresh-score.js';

/** The slice of a tenant this use case needs. */
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

/** Ports for processing a ticket-created event. */
export interface ProcessTicketDeps {
  tenant(id: string): TenantView | undefined;
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  /** Finds customers, and rewrites a profile only if it is unchanged since it was read. */
  customers: CustomerStore & Pick<CustomerAdminStore, 'replaceCustomer'>;
  hasherFor(tenantId: string): IdentityHasher;
  decisions: DecisionLog;
  clock: Clock;
  logger: UseCaseLogger;
  /** How many times a 409 (ticket changed meanwhile) is met by re-reading and deciding again. */
  maxConflictRetries?: number;
  /**
   * The tenant's score provider, asked once on the ticket path for a customer with no usable
   * score; undefined for a tenant whose scores come only from imports and overrides. Without it
   * (or without `scoreRefresh`) no provider is ever called here.
   */
  scoreProviderFor?(tenantId: string): ScoreProvider | undefined;
  /** Where a score made on the ticket path is written, and the refresh queue. */
  scoreRefresh?: ScoreRefreshStore;
  /**
   * Finds the customer once the helpdesk has named all their identities, folding profiles that
   * turn out to be one person into one (nothing lost, an opt-out kept). Without it the first
   * profile found is used.
   */
  findOrMergeCustomer?: MergeCustomers;
}

/** A customer seen again after this long has their profile written again, so its retention keeps moving while they are active. */
const PROFILE_TOUCH_AFTER_MS = 30 * 86_400_000;

/**
 * The marker that ends every note this product writes on a ticket. A retry looks for it to tell
 * that an earlier write landed although its answer was lost, so the note is never written twice.
 */
export function noteMarker(decisionId: string): string {
  return `[influence-router ${decisionId}]`;
}

/** What happened to the event. */
export type ProcessOutcome =
  | { status: 'applied' | 'shadow' | 'skipped'; decision: Decision; record: DecisionRecord }
  | { status: 'duplicate'; record: DecisionRecord };

/**
 * The audit id of a ticket-created decision: one per ticket of the tenant's helpdesk, whatever
 * the delivery and whichever source carried it.
 */
export function ticketCreatedDecisionId(tenant: Pick<TenantView, 'helpdesk'>, event: Pick<TicketCreated, 'ticket'>): string {
  return `${tenant.helpdesk.kind}:ticket-created:${event.ticket.id}`;
}

/** Helpdesk user ids are kept qualified by the helpdesk they belong to (`<kind>:<id>`). */
function identitiesOf(helpdeskKind: string, requester: Requester, details?: RequesterDetails): Identity[] {
  const identities: Identity[] = [];
  const userId = details?.helpdeskUserId ?? requester.helpdeskUserId;
  if (userId) identities.push({ kind: 'helpdesk-user', value: `${helpdeskKind}:${userId}` });
  const email = details?.email ?? requester.email;
  if (email) identities.push({ kind: 'email', value: email });
  for (const handle of [...requester.handles, ...(details?.handles ?? [])]) {
    identities.push(handleIdentity(handle.network, handle.handle));
  }
  return identities;
}

/**
 * Finds the customer, resolving their email and social identities through the helpdesk once
 * per customer, and keeps what it learnt on the profile. Only a permanent refusal of the lookup
 * (the user is gone, the token may not read users) is decided around; a transient failure or a
 * 429 fails the event so the queue retries it, because deciding without the email could split
 * one customer into two profiles.
 */
async function loadCustomer(
  event: TicketCreated,
  tenant: TenantView,
  deps: ProcessTicketDeps,
  helpdesk: HelpdeskClient,
): Promise<{ profile?: CustomerProfile; details?: RequesterDetails }> {
  const known = identitiesOf(tenant.helpdesk.kind, event.requester);
  if (known.length === 0) return {};
  const now = deps.clock.now();
  const profile = await deps.customers.findCustomer(event.tenant, known);
  const userId = event.requester.helpdeskUserId;
  // A helpdesk with no user API (the generic one) has told us all it will in the event.
  const getRequester = helpdesk.getRequester?.bind(helpdesk);
  if (!userId || !getRequester || profile?.identitiesResolvedAt) {
    if (profile && now.getTime() - Date.parse(retentionStart(profile)) > PROFILE_TOUCH_AFTER_MS) {
      // Keeps the retention of an active customer moving. Guarded: on a conflict the next ticket tries again.
      await deps.customers.replaceCustomer({ ...profile, lastSeenAt: now.toISOString(), updatedAt: now.toISOString() }, profile.updatedAt);
    }
    return profile ? { profile } : {};
  }

  let details: RequesterDetails;
  try {
    details = await getRequester(userId);
  } catch (error) {
    if (!(error instanceof PermanentHelpdeskError)) throw error;
    deps.logger.warn('requester lookup refused; deciding with the identities the webhook carried', {
      tenant: event.tenant,
      status: error.status,
    });
    return profile ? { profile } : {};
  }
  const identities = identitiesOf(tenant.helpdesk.kind, event.requester, details);
  const find = (identitiesToFind: Identity[]) =>
    deps.findOrMergeCustomer ? deps.findOrMergeCustomer(event.tenant, identitiesToFind) : deps.customers.findCustomer(event.tenant, identitiesToFind);
  const hasher = deps.hasherFor(event.tenant);
  const [first] = identities;
  const resolved = await writeGuarded(deps, await find(identities), () => find(identities), (base) => ({
    ...base,
    identities: mergeIdentities(base.identities, identities, hasher),
    identitiesResolvedAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }), () => (first ? newCustomerProfile(event.tenant, first, hasher.hash(first), now) : undefined));
  return { ...(resolved ? { profile: resolved } : {}), details };
}

/**
 * Writes a change to a profile only if nobody wrote it since it was read (or, for a new one, only
 * if it still does not exist), reading again and re-applying the change on a conflict: a profile
 * read before a slow helpdesk call must never overwrite an opt-out, an erasure, a new score or an
 * override that landed meanwhile.
 */
async function writeGuarded(
  deps: ProcessTicketDeps,
  read: CustomerProfile | undefined,
  reread: () => Promise<CustomerProfile | undefined>,
  change: (base: CustomerProfile) => CustomerProfile,
  create: () => CustomerProfile | undefined,
): Promise<CustomerProfile | undefined> {
  let current = read;
  for (let attempt = 0; attempt < MAX_PROFILE_WRITE_ATTEMPTS; attempt += 1) {
    const base = current ?? create();
    if (!base) return undefined;
    const next = change(base);
    if ((await deps.customers.replaceCustomer(next, current?.updatedAt)) === 'written') return next;
    current = await reread();
  }
  throw new TransientError(`the customer profile kept changing during ${MAX_PROFILE_WRITE_ATTEMPTS} guarded writes`);
}

const MAX_PROFILE_WRITE_ATTEMPTS = 3;

/** What the ticket path scored, and what the explanation should say about the provider. */
interface InlineScoring {
  profile?: CustomerProfile;
  provider?: ProviderContext;
}

/**
 * Gives a customer with no usable score (none, or past the maximum age) one chance to be scored
 * before the decision: one provider call, with the requester details this event already fetched.
 * A stale score is used as it is: it is already in the refresh queue. A provider that fails or
 * knows nothing never fails the event: the decision goes ahead without a score, says why, and
 * the customer is left in the refresh queue.
 */
async function scoreInline(
  event: TicketCreated,
  deps: ProcessTicketDeps,
  policy: Policy,
  loaded: { profile?: CustomerProfile; details?: RequesterDetails },
): Promise<InlineScoring> {
  const { profile } = loaded;
  if (!deps.scoreProviderFor) return profile ? { profile } : {};
  const provider = deps.scoreProviderFor(event.tenant);
  const context: ProviderContext = provider ? { name: provider.name } : {};
  if (!profile || !provider || !deps.scoreRefresh || !needsScore(profile, policy, deps.clock.now())) {
    return { ...(profile ? { profile } : {}), provider: context };
  }

  const result = await refreshScore(
    {
      profile,
      purpose: 'inline',
      freshness: policy.freshness,
      requester: event.requester,
      ...(loaded.details ? { requesterDetails: loaded.details } : {}),
    },
    { provider, store: deps.scoreRefresh, clock: deps.clock },
  );
  switch (result.outcome) {
    case 'refreshed':
    case 'superseded':
      // A score written by someone else meanwhile is no fresher than this one: decide with it.
      return { profile: { ...profile, score: result.score }, provider: context };
    case 'no-score':
      return { profile, provider: { ...context, inline: { outcome: 'no-score', reason: result.reason } } };
    case 'failed':
      deps.logger.warn('score provider failed on the ticket path; deciding without a score', {
        tenant: event.tenant,
        provider: provider.name,
        kind: result.kind,
      });
      return { profile, provider: { ...context, inline: { outcome: 'failed', reason: result.reason } } };
    case 'skipped':
      // Opted out since the profile was read: honour it now.
      return { profile: result.reason === 'opted-out' ? { ...profile, optedOut: true } : profile, provider: context };
  }
}

/** No score, or one past the maximum age, for a customer who has not opted out and has no live override. */
function needsScore(profile: CustomerProfile, policy: Policy, now: Date): boolean {
  if (profile.optedOut) return false;
  const override = profile.override;
  if (override && (!override.expiresAt || Date.parse(override.expiresAt) > now.getTime())) return false;
  return !profile.score || scoreFreshness(profile.score, now, policy.freshness) === 'expired';
}

function unchanged(decision: Decision): boolean {
  return decision.priority === undefined && decision.tags.length === 0 && decision.groupId === undefined;
}

/**
 * Decides and writes back one ticket-created event: loads the customer (one store round trip
 * on the usual path), decides with the tenant's policy, writes priority, merged tags, routing
 * hint and an internal note in one guarded helpdesk request, and records the decision. A
 * decision already applied for this ticket is never written twice. A 409 re-reads the ticket
 * and decides again; 429 and transient failures propagate so the queue retries them.
 *
 * @example await processTicketCreated(event, deps)
 */
export async function processTicketCreated(event: TicketCreated, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
  try {
    return await decideAndWrite(event, deps);
  } catch (error) {
    if (!(error instanceof TicketNotFoundError)) throw error;
    // A deleted or merged ticket cannot be written; retrying would never succeed.
    return recordGone(event, deps);
  }
}

/** What every decision record of this event says, whatever was decided. */
function recordBase(event: TicketCreated, tenant: TenantView, profile?: CustomerProfile) {
  return {
    tenant: event.tenant,
    decisionId: ticketCreatedDecisionId(tenant, event),
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId: event.ticket.id,
    ...(profile ? { customerKey: profile.customerKey } : {}),
    receivedAt: event.receivedAt,
  };
}

async function recordGone(event: TicketCreated, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
  const tenant = deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const now = deps.clock.now();
  const decision = decide({ ticket: event.ticket, policy: tenant.policy, now });
  const record: DecisionRecord = {
    ...recordBase(event, tenant),
    decidedAt: now.toISOString(),
    status: 'skipped',
    decision,
    note: renderNote(decision),
    skippedReason: 'the ticket no longer exists in the helpdesk',
  };
  if ((await deps.decisions.record(record)) === 'already-final') return duplicateOf(deps, event.tenant, record.decisionId);
  return { status: 'skipped', decision, record };
}

async function decideAndWrite(event: TicketCreated, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
  const tenant = deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const decisionId = ticketCreatedDecisionId(tenant, event);
  const marker = noteMarker(decisionId);
  const previous = await deps.decisions.get(event.tenant, decisionId);
  if (previous && previous.status !== 'pending') return { status: 'duplicate', record: previous };

  const helpdesk = await deps.helpdeskFor(event.tenant);
  // A pending record means an earlier attempt may have written: if its note is there, it did.
  if (previous && (await helpdesk.hasInternalNote(event.ticket.id, marker))) {
    return reconcile(previous, await helpdesk.getTicket(event.ticket.id), deps);
  }
  const { profile, provider } = await scoreInline(event, deps, tenant.policy, await loadCustomer(event, tenant, deps, helpdesk));

  // The ticket as created; `current` follows it through 409s. Deciding on `current` is safe
  // because our own earlier write is recognised by its note marker before any re-decision.
  const original: TicketSnapshot = event.ticket.updatedStamp ? event.ticket : await helpdesk.getTicket(event.ticket.id);
  let current = original;

  const base = recordBase(event, tenant, profile);
  // A pending record whose note is missing may still have landed its other changes (helpdesks
  // that write the note as a separate, last request): decide from the priority that attempt
  // started from, so a raise it made is never raised again.
  const baseline = previous?.status === 'pending' ? previous.decision.helpdeskPriority : undefined;
  const startedFrom = (ticket: TicketSnapshot): TicketSnapshot => {
    if (previous?.status !== 'pending') return ticket;
    const { priority: _ignored, ...rest } = ticket;
    return baseline ? { ...rest, priority: baseline } : rest;
  };
  const maxRetries = deps.maxConflictRetries ?? 3;

  for (let attempt = 0; ; attempt += 1) {
    const now = deps.clock.now();
    const decision = decide({
      ticket: startedFrom(current),
      ...(profile ? { profile } : {}),
      ...(provider ? { provider } : {}),
      policy: tenant.policy,
      now,
    });
    const note = `${renderNote(decision)}\n${marker}`;
    const record: DecisionRecord = { ...base, decidedAt: now.toISOString(), status: 'pending', decision, note };

    if (decision.mode === 'shadow' || unchanged(decision)) {
      const final: DecisionRecord = {
        ...record,
        status: decision.mode === 'shadow' ? 'shadow' : 'skipped',
        ...(decision.mode === 'shadow' ? {} : { skippedReason: 'the decision changes nothing on the ticket' }),
      };
      if ((await deps.decisions.record(final)) === 'already-final') return duplicateOf(deps, event.tenant, decisionId);
      return { status: final.status === 'shadow' ? 'shadow' : 'skipped', decision, record: final };
    }

    if ((await deps.decisions.record(record)) === 'already-final') return duplicateOf(deps, event.tenant, decisionId);
    // A person who routed the ticket elsewhere since it was created keeps their routing.
    const routable = current.groupId === undefined || current.groupId === original.groupId;
    try {
      const updated = await helpdesk.updateTicket({
        ticketId: current.id,
        decisionId,
        // The ticket may have been raised by a person since it was created: never write lower.
        ...(decision.priority ? { priority: current.priority ? maxPriority(current.priority, decision.priority) : decision.priority } : {}),
        tags: [...new Set([...current.tags, ...decision.tags])],
        addedTags: decision.tags,
        ...(decision.groupId && routable ? { groupId: decision.groupId } : {}),
        note,
        ...(current.updatedStamp ? { updatedStamp: current.updatedStamp } : {}),
      });
      return markApplied(record, updated, deps);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= maxRetries) {
        throw new TransientError(`Ticket ${current.id} kept changing during ${maxRetries + 1} guarded updates`, { cause: error });
      }
      current = await helpdesk.getTicket(current.id);
      // The change that caused the 409 may be our own write from a concurrent delivery.
      if (await helpdesk.hasInternalNote(current.id, marker)) return reconcile(record, current, deps);
    }
  }
}

async function markApplied(record: DecisionRecord, ticket: TicketSnapshot, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
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

/** Our note is already on the ticket: an earlier attempt's write landed. Record it; write nothing. */
async function reconcile(record: DecisionRecord, ticket: TicketSnapshot, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
  deps.logger.warn('an earlier write of this decision had landed; recorded without writing again', {
    tenant: record.tenant,
    decisionId: record.decisionId,
  });
  return markApplied(record, ticket, deps);
}

async function duplicateOf(deps: ProcessTicketDeps, tenant: string, decisionId: string): Promise<ProcessOutcome> {
  const record = await deps.decisions.get(tenant, decisionId);
  if (!record) throw new TransientError(`Decision ${decisionId} was final but could not be read back`);
  return { status: 'duplicate', record };
}
