import type { CustomerProfile, Identity } from '../domain/customer.js';
import { handleIdentity } from '../domain/customer.js';
import { type Decision, decide, type ProviderContext } from '../domain/decide.js';
import { ConfigurationError, ConflictError, RateLimitedError, TicketNotFoundError, TransientError } from '../domain/errors.js';
import type { Requester, TicketCreated, TicketSnapshot } from '../domain/events.js';
import { renderNote } from '../domain/note.js';
import type { Policy } from '../domain/policy.js';
import type {
  Clock,
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
import { refreshScore } from './refresh-score.js';

/** The slice of a tenant this use case needs. */
export interface TenantView {
  id: string;
  policy: Policy;
}

/** Logs what the caller should know about but that does not fail the event. */
export interface UseCaseLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** Ports for processing a ticket-created event. */
export interface ProcessTicketDeps {
  tenant(id: string): TenantView | undefined;
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  customers: CustomerStore;
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
}

/** What happened to the event. */
export type ProcessOutcome =
  | { status: 'applied' | 'shadow' | 'skipped'; decision: Decision; record: DecisionRecord }
  | { status: 'duplicate'; record: DecisionRecord };

/** The audit id of a ticket-created decision: one per ticket, whatever the delivery. */
export function ticketCreatedDecisionId(event: Pick<TicketCreated, 'source' | 'ticket'>): string {
  return `${event.source}:ticket-created:${event.ticket.id}`;
}

function identitiesOf(source: string, requester: Requester, details?: RequesterDetails): Identity[] {
  const identities: Identity[] = [];
  const userId = details?.helpdeskUserId ?? requester.helpdeskUserId;
  if (userId) identities.push({ kind: 'helpdesk-user', value: `${source}:${userId}` });
  const email = details?.email ?? requester.email;
  if (email) identities.push({ kind: 'email', value: email });
  for (const handle of [...requester.handles, ...(details?.handles ?? [])]) {
    identities.push(handleIdentity(handle.network, handle.handle));
  }
  return identities;
}

function mergeProfile(
  existing: CustomerProfile | undefined,
  tenant: string,
  identities: Identity[],
  hasher: IdentityHasher,
  now: string,
  resolved: boolean,
): CustomerProfile {
  const first = identities[0];
  if (!existing && !first) throw new ConfigurationError('A customer needs at least one identity');
  const base: CustomerProfile = existing ?? {
    tenant,
    customerKey: hasher.hash(first as Identity),
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: now,
    updatedAt: now,
  };
  const helpdeskUserIds = new Set(base.identities.helpdeskUserIds);
  const emailHashes = new Set(base.identities.emailHashes);
  const handles = new Map(base.identities.handles.map((h) => [`${h.network}:${h.handle}`, h]));
  for (const identity of identities) {
    if (identity.kind === 'helpdesk-user') helpdeskUserIds.add(identity.value);
    if (identity.kind === 'email') emailHashes.add(hasher.hash(identity));
    if (identity.kind === 'handle') {
      const [network = '', ...rest] = identity.value.split(':');
      handles.set(identity.value, { network, handle: rest.join(':') });
    }
  }
  return {
    ...base,
    identities: { helpdeskUserIds: [...helpdeskUserIds], emailHashes: [...emailHashes], handles: [...handles.values()] },
    ...(resolved ? { identitiesResolvedAt: now } : {}),
    updatedAt: now,
  };
}

/**
 * Finds the customer, resolving their email and social identities through the helpdesk once
 * per customer, and keeps what it learnt on the profile.
 */
async function loadCustomer(
  event: TicketCreated,
  deps: ProcessTicketDeps,
  helpdesk: HelpdeskClient,
): Promise<{ profile?: CustomerProfile; details?: RequesterDetails }> {
  const hasher = deps.hasherFor(event.tenant);
  const known = identitiesOf(event.source, event.requester);
  if (known.length === 0) return {};
  let profile = await deps.customers.findCustomer(event.tenant, known);
  const userId = event.requester.helpdeskUserId;
  if (!userId || profile?.identitiesResolvedAt) return profile ? { profile } : {};

  let details: RequesterDetails | undefined;
  try {
    details = await helpdesk.getRequester(userId);
  } catch (error) {
    if (error instanceof RateLimitedError) throw error;
    deps.logger.warn('requester lookup failed; deciding with the identities the webhook carried', {
      tenant: event.tenant,
      error: (error as Error).name,
    });
  }
  const identities = identitiesOf(event.source, event.requester, details);
  if (details && identities.length > known.length) {
    profile = (await deps.customers.findCustomer(event.tenant, identities)) ?? profile;
  }
  const now = deps.clock.now().toISOString();
  const merged = mergeProfile(profile, event.tenant, identities, hasher, now, details !== undefined);
  await deps.customers.saveCustomer(merged, identities);
  return { profile: merged, ...(details ? { details } : {}) };
}

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

async function recordGone(event: TicketCreated, deps: ProcessTicketDeps): Promise<ProcessOutcome> {
  const tenant = deps.tenant(event.tenant);
  if (!tenant) throw new ConfigurationError(`Tenant "${event.tenant}" is no longer configured`);
  const now = deps.clock.now();
  const decision = decide({ ticket: event.ticket, policy: tenant.policy, now });
  const record: DecisionRecord = {
    tenant: event.tenant,
    decisionId: ticketCreatedDecisionId(event),
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId: event.ticket.id,
    receivedAt: event.receivedAt,
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
  const decisionId = ticketCreatedDecisionId(event);
  const previous = await deps.decisions.get(event.tenant, decisionId);
  if (previous && previous.status !== 'pending') return { status: 'duplicate', record: previous };

  const helpdesk = await deps.helpdeskFor(event.tenant);
  const { profile, provider } = await scoreInline(event, deps, tenant.policy, await loadCustomer(event, deps, helpdesk));

  let ticket: TicketSnapshot = event.ticket;
  if (!ticket.updatedStamp) ticket = await helpdesk.getTicket(ticket.id);

  const base = {
    tenant: event.tenant,
    decisionId,
    deliveryId: event.deliveryId,
    source: event.source,
    ticketId: event.ticket.id,
    ...(profile ? { customerKey: profile.customerKey } : {}),
    receivedAt: event.receivedAt,
  };
  const maxRetries = deps.maxConflictRetries ?? 3;

  for (let attempt = 0; ; attempt += 1) {
    const now = deps.clock.now();
    const decision = decide({ ticket, ...(profile ? { profile } : {}), ...(provider ? { provider } : {}), policy: tenant.policy, now });
    const note = renderNote(decision);
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
    const tags = [...new Set([...ticket.tags, ...decision.tags])];
    try {
      const updated = await helpdesk.updateTicket({
        ticketId: ticket.id,
        // The ticket may have been raised by a person since it was read: never write lower.
        ...(decision.priority ? { priority: ticket.priority ? maxPriority(ticket.priority, decision.priority) : decision.priority } : {}),
        tags,
        addedTags: decision.tags,
        ...(decision.groupId ? { groupId: decision.groupId } : {}),
        note,
        ...(ticket.updatedStamp ? { updatedStamp: ticket.updatedStamp } : {}),
      });
      const applied: DecisionRecord = {
        ...record,
        status: 'applied',
        written: {
          ...(updated.priority ? { priority: updated.priority } : {}),
          tags: updated.tags,
          ...(updated.groupId ? { groupId: updated.groupId } : {}),
          at: deps.clock.now().toISOString(),
        },
      };
      await deps.decisions.record(applied);
      return { status: 'applied', decision, record: applied };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= maxRetries) {
        throw new TransientError(`Ticket ${ticket.id} kept changing during ${maxRetries + 1} guarded updates`, { cause: error });
      }
      ticket = await helpdesk.getTicket(ticket.id);
    }
  }
}


async function duplicateOf(deps: ProcessTicketDeps, tenant: string, decisionId: string): Promise<ProcessOutcome> {
  const record = await deps.decisions.get(tenant, decisionId);
  if (!record) throw new TransientError(`Decision ${decisionId} was final but could not be read back`);
  return { status: 'duplicate', record };
}
