import { stamp, uniqueTags } from '../http.js';
import { recordNotFound } from './schemas.js';
import type { SandboxIdentity, SandboxTicket, SandboxUser } from './types.js';

/** A user with the identity records (ids, primary flag) the API shows. */
export interface UserRecord {
  user: SandboxUser;
  identities: (SandboxIdentity & { id: number; primary: boolean })[];
  createdAt: string;
  role: 'end-user' | 'agent';
}

/** The id of the agent the API token belongs to: the author of what the API writes, and `users/me`. */
export const API_AGENT_ID = 901;

/** What a new ticket is made of, whether it comes from a test, local mode or the API. */
export interface NewTicket {
  subject: string;
  description: string;
  requesterId: number;
  priority?: SandboxTicket['priority'];
  status?: string;
  tags?: string[];
  groupId?: number | null;
  channel?: string;
}

type TicketListener = (ticket: SandboxTicket, requester: SandboxUser) => void;

/** The users and tickets of the sandbox Zendesk, with Zendesk-like ids. */
export class ZendeskState {
  readonly users = new Map<number, UserRecord>();
  readonly tickets = new Map<number, SandboxTicket>();
  readonly #listeners: TicketListener[] = [];
  #nextUserId = 1001;
  #nextTicketId = 1;
  #nextCommentId = 5001;
  #nextIdentityId = 9001;
  #nextAuditId = 7001;

  /** Starts with the agent whose API token the clients use. */
  constructor(agentEmail: string) {
    this.addUser(
      { id: API_AGENT_ID, name: 'Influence Router', email: agentEmail, external_id: null, user_fields: {}, identities: [] },
      'agent',
    );
  }

  /** A fresh comment id. */
  commentId(): number {
    return this.#nextCommentId++;
  }

  /** A fresh audit or audit event id. */
  auditId(): number {
    return this.#nextAuditId++;
  }

  /** Calls `listener` for every ticket created from now on. */
  onTicketCreated(listener: TicketListener): void {
    this.#listeners.push(listener);
  }

  /** Adds an end user; an email not already among the identities becomes the primary email identity. */
  addUser(input: Omit<SandboxUser, 'id'> & { id?: number }, role: UserRecord['role'] = 'end-user'): SandboxUser {
    const id = input.id ?? this.#nextUserId;
    if (!Number.isInteger(id) || id <= 0) throw new Error(`sandbox zendesk: user id ${id} must be a positive integer`);
    if (this.users.has(id)) throw new Error(`sandbox zendesk: user ${id} already exists`);
    this.#nextUserId = Math.max(this.#nextUserId, id + 1);
    const identities: SandboxIdentity[] = input.identities.map((identity) => ({ ...identity }));
    if (input.email && !identities.some((identity) => identity.type === 'email' && identity.value === input.email)) {
      identities.unshift({ type: 'email', value: input.email });
    }
    const user: SandboxUser = {
      id,
      name: input.name,
      email: input.email,
      external_id: input.external_id,
      user_fields: { ...input.user_fields },
      identities,
    };
    const primaryEmail = input.email ?? identities.find((identity) => identity.type === 'email')?.value;
    this.users.set(id, {
      user,
      identities: identities.map((identity) => ({
        id: this.#nextIdentityId++,
        ...identity,
        primary: identity.type === 'email' ? identity.value === primaryEmail : true,
      })),
      createdAt: stamp(Date.now()),
      role,
    });
    return structuredClone(user);
  }

  /** Adds a ticket with its description as the first public comment, and tells the listeners. */
  addTicket(input: NewTicket): SandboxTicket {
    const requester = this.users.get(input.requesterId);
    if (!requester) throw new Error(`sandbox zendesk: requester ${input.requesterId} does not exist`);
    const now = stamp(Date.now());
    const ticket: SandboxTicket = {
      id: this.#nextTicketId++,
      subject: input.subject,
      description: input.description,
      priority: input.priority ?? null,
      status: input.status ?? 'new',
      tags: uniqueTags(input.tags ?? []),
      group_id: input.groupId ?? null,
      requester_id: input.requesterId,
      created_at: now,
      updated_at: now,
      via: { channel: input.channel ?? 'web' },
      comments: [{ id: this.commentId(), author_id: input.requesterId, body: input.description, public: true, created_at: now }],
      solved_at: null,
      first_solved_at: null,
      reopens: 0,
    };
    this.tickets.set(ticket.id, ticket);
    for (const listener of this.#listeners) {
      try {
        listener(structuredClone(ticket), structuredClone(requester.user));
      } catch (error) {
        // A failing listener (local mode's webhook sender) must not fail the ticket's creation.
        console.error('sandbox zendesk: onTicketCreated listener failed', error);
      }
    }
    return structuredClone(ticket);
  }

  /** The ticket a path segment names, or Zendesk's RecordNotFound. */
  findTicket(idSegment: string): SandboxTicket {
    const ticket = /^\d+$/.test(idSegment) ? this.tickets.get(Number(idSegment)) : undefined;
    if (!ticket) throw recordNotFound();
    return ticket;
  }

  /** The user a path segment names, or Zendesk's RecordNotFound. */
  findUser(idSegment: string): UserRecord {
    const record = /^\d+$/.test(idSegment) ? this.users.get(Number(idSegment)) : undefined;
    if (!record) throw recordNotFound();
    return record;
  }

  /** The user with this email identity, compared case-insensitively as Zendesk does. */
  userByEmail(email: string): UserRecord | undefined {
    return [...this.users.values()].find((record) =>
      record.identities.some((identity) => identity.type === 'email' && identity.value.toLowerCase() === email.toLowerCase()),
    );
  }
}
