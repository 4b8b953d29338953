import { stamp, uniqueTags } from '../http.js';
import { notFound } from './schemas.js';
import type {
  SandboxFreshdeskContact,
  SandboxFreshdeskContactInput,
  SandboxFreshdeskTicket,
  SandboxFreshdeskTicketInput,
} from './types.js';

/** What a ticket may be made with through the API beyond what `createTicket` takes. */
export type TicketRecordInput = SandboxFreshdeskTicketInput &
  Partial<Pick<SandboxFreshdeskTicket, 'status' | 'responder_id' | 'type' | 'custom_fields'>>;

/** The sandbox Freshdesk's records: contacts, tickets with their conversations, and who hears of new tickets. */
export class FreshdeskState {
  readonly contacts = new Map<number, SandboxFreshdeskContact>();
  readonly tickets = new Map<number, SandboxFreshdeskTicket>();
  readonly #listeners: ((ticket: SandboxFreshdeskTicket, requester: SandboxFreshdeskContact) => void)[] = [];
  #nextContactId = 2001;
  #nextTicketId = 1;
  #nextConversationId = 5001;

  /** Calls `listener` with a copy of every new ticket and its requester. */
  readonly #resolvedListeners: ((ticket: SandboxFreshdeskTicket) => void)[] = [];

  /** Registers a listener for tickets set to Resolved through the API. */
  onTicketResolved(listener: (ticket: SandboxFreshdeskTicket) => void): void {
    this.#resolvedListeners.push(listener);
  }

  /** Tells the listeners a ticket was resolved; a failing one does not fail the API call. */
  resolved(ticket: SandboxFreshdeskTicket): void {
    for (const listener of this.#resolvedListeners) {
      try {
        listener(structuredClone(ticket));
      } catch (error) {
        console.error('sandbox freshdesk: onTicketResolved listener failed', error);
      }
    }
  }

  onTicketCreated(listener: (ticket: SandboxFreshdeskTicket, requester: SandboxFreshdeskContact) => void): void {
    this.#listeners.push(listener);
  }

  /** The next conversation id, 5001 onwards. */
  conversationId(): number {
    return this.#nextConversationId++;
  }

  /** Adds a contact; ids are given out from 2001 unless one is chosen. */
  addContact(input: SandboxFreshdeskContactInput): SandboxFreshdeskContact {
    const id = input.id ?? this.#nextContactId;
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`sandbox freshdesk: contact id ${id} must be a positive integer`);
    if (this.contacts.has(id)) throw new Error(`sandbox freshdesk: contact ${id} already exists`);
    this.#nextContactId = Math.max(this.#nextContactId, id + 1);
    const now = stamp(Date.now());
    const contact: SandboxFreshdeskContact = {
      id,
      name: input.name,
      email: input.email,
      phone: input.phone ?? null,
      mobile: input.mobile ?? null,
      twitter_id: input.twitter_id ?? null,
      active: input.active ?? false,
      unique_external_id: input.unique_external_id ?? null,
      other_emails: [...(input.other_emails ?? [])],
      custom_fields: { ...input.custom_fields },
      twitter_followers_count: input.twitter_followers_count ?? null,
      twitter_profile_status: input.twitter_id ? false : null,
      created_at: now,
      updated_at: now,
    };
    this.contacts.set(id, contact);
    return structuredClone(contact);
  }

  /** Adds a ticket for an existing contact and tells the listeners; ids are given out from 1. */
  addTicket(input: TicketRecordInput): SandboxFreshdeskTicket {
    const requester = this.contacts.get(input.requesterId);
    if (!requester) throw new Error(`sandbox freshdesk: contact ${input.requesterId} does not exist`);
    const now = stamp(Date.now());
    const ticket: SandboxFreshdeskTicket = {
      id: this.#nextTicketId++,
      subject: input.subject,
      description: input.description,
      priority: input.priority ?? 1,
      status: input.status ?? 2,
      source: input.source ?? 2,
      tags: uniqueTags(input.tags ?? []),
      group_id: input.groupId ?? null,
      requester_id: requester.id,
      responder_id: input.responder_id ?? null,
      type: input.type ?? null,
      custom_fields: { ...input.custom_fields },
      created_at: now,
      updated_at: now,
      stats: { first_responded_at: null, resolved_at: null, closed_at: null, reopened_at: null },
      conversations: [],
    };
    this.tickets.set(ticket.id, ticket);
    for (const listener of this.#listeners) {
      try {
        listener(structuredClone(ticket), structuredClone(requester));
      } catch (error) {
        // A failing listener (local mode's webhook sender) must not fail the ticket's creation.
        console.error('sandbox freshdesk: onTicketCreated listener failed', error);
      }
    }
    return structuredClone(ticket);
  }

  /** The ticket a path segment names, or Freshdesk's empty 404. */
  findTicket(segment: string | undefined): SandboxFreshdeskTicket {
    const ticket = segment !== undefined && /^\d+$/.test(segment) ? this.tickets.get(Number(segment)) : undefined;
    if (!ticket) throw notFound();
    return ticket;
  }
}
