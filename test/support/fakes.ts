import { createHmac } from 'node:crypto';
import type { CustomerProfile, Identity } from '../../shared/domain/customer.js';
import { normaliseIdentity } from '../../shared/domain/customer.js';
import { ConflictError, TicketNotFoundError } from '../../shared/domain/errors.js';
import type { HelpdeskEvent, TicketSnapshot } from '../../shared/domain/events.js';
import type {
  Clock,
  CustomerStore,
  DecisionLog,
  DecisionRecord,
  EventQueue,
  HelpdeskClient,
  IdentityHasher,
  RequesterDetails,
  TicketUpdate,
} from '../../shared/domain/ports.js';

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Deterministic keyed hasher for tests. */
export class TestHasher implements IdentityHasher {
  constructor(private readonly tenant: string) {}
  hash(identity: Identity): string {
    const n = normaliseIdentity(identity);
    return createHmac('sha256', 'test-key').update(`${this.tenant}\n${n.kind}\n${n.value}`).digest('base64url');
  }
}

/** Customer store in memory, keyed the way the real one is: by the hash of any identity. */
export class InMemoryCustomerStore implements CustomerStore {
  readonly profiles = new Map<string, CustomerProfile>();
  private readonly aliases = new Map<string, string>();
  finds = 0;
  constructor(private readonly hasherFor: (tenant: string) => IdentityHasher) {}

  async findCustomer(tenant: string, identities: Identity[]): Promise<CustomerProfile | undefined> {
    this.finds += 1;
    const hasher = this.hasherFor(tenant);
    for (const identity of identities) {
      const hash = hasher.hash(identity);
      const key = this.aliases.get(`${tenant}#${hash}`) ?? hash;
      const profile = this.profiles.get(`${tenant}#${key}`);
      if (profile) return structuredClone(profile);
    }
    return undefined;
  }

  async saveCustomer(profile: CustomerProfile, identities: Identity[]): Promise<void> {
    this.profiles.set(`${profile.tenant}#${profile.customerKey}`, structuredClone(profile));
    const hasher = this.hasherFor(profile.tenant);
    for (const identity of identities) this.aliases.set(`${profile.tenant}#${hasher.hash(identity)}`, profile.customerKey);
  }
}

/** Decision log in memory with the same once-guard as the real one. */
export class InMemoryDecisionLog implements DecisionLog {
  readonly records = new Map<string, DecisionRecord>();
  async get(tenant: string, decisionId: string): Promise<DecisionRecord | undefined> {
    return this.records.get(`${tenant}#${decisionId}`);
  }
  async record(record: DecisionRecord): Promise<'written' | 'already-final'> {
    const key = `${record.tenant}#${record.decisionId}`;
    const existing = this.records.get(key);
    if (existing && existing.status !== 'pending') return 'already-final';
    this.records.set(key, structuredClone(record));
    return 'written';
  }
  async listForTicket(tenant: string, ticketId: string): Promise<DecisionRecord[]> {
    return [...this.records.values()].filter((r) => r.tenant === tenant && r.ticketId === ticketId);
  }
}

/** A helpdesk in memory that keeps Zendesk's stamp semantics: a stale stamp is a conflict. */
export class InMemoryHelpdesk implements HelpdeskClient {
  readonly tickets = new Map<string, TicketSnapshot & { notes: string[] }>();
  readonly users = new Map<string, RequesterDetails>();
  readonly updates: TicketUpdate[] = [];
  requesterLookups = 0;
  private stamp = 0;
  /** Called before an update is applied, so a test can change the ticket under our feet. */
  beforeUpdate?: (ticketId: string) => void;

  addTicket(ticket: TicketSnapshot): void {
    this.tickets.set(ticket.id, { ...ticket, updatedStamp: ticket.updatedStamp ?? this.nextStamp(), notes: [] });
  }
  touch(ticketId: string, change: Partial<TicketSnapshot>): void {
    const ticket = this.tickets.get(ticketId);
    if (ticket) this.tickets.set(ticketId, { ...ticket, ...change, updatedStamp: this.nextStamp() });
  }
  private nextStamp(): string {
    this.stamp += 1;
    return new Date(Date.UTC(2026, 10, 23, 10, 0, this.stamp)).toISOString();
  }
  async getRequester(userId: string): Promise<RequesterDetails> {
    this.requesterLookups += 1;
    const user = this.users.get(userId);
    if (!user) throw new TicketNotFoundError(`user ${userId}`);
    return user;
  }
  async getTicket(ticketId: string): Promise<TicketSnapshot> {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new TicketNotFoundError(`ticket ${ticketId}`);
    const { notes: _notes, ...snapshot } = ticket;
    return structuredClone(snapshot);
  }
  async updateTicket(update: TicketUpdate): Promise<TicketSnapshot> {
    this.beforeUpdate?.(update.ticketId);
    const ticket = this.tickets.get(update.ticketId);
    if (!ticket) throw new TicketNotFoundError(`ticket ${update.ticketId}`);
    if (update.updatedStamp && update.updatedStamp !== ticket.updatedStamp) throw new ConflictError('stale updated_stamp');
    this.updates.push(structuredClone(update));
    const next = {
      ...ticket,
      ...(update.priority ? { priority: update.priority } : {}),
      ...(update.groupId ? { groupId: update.groupId } : {}),
      tags: update.tags,
      notes: [...ticket.notes, update.note],
      updatedStamp: this.nextStamp(),
    };
    this.tickets.set(update.ticketId, next);
    const { notes: _notes, ...snapshot } = next;
    return structuredClone(snapshot);
  }
}

/** Queue in memory. */
export class InMemoryQueue implements EventQueue {
  readonly events: HelpdeskEvent[] = [];
  async enqueue(event: HelpdeskEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }
}
