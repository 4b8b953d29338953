import type { UserRecord } from './state.js';
import type { SandboxTicket } from './types.js';

/** A ticket as Zendesk's API shows it, with every field a real response carries. */
export function ticketJson(baseUrl: string, ticket: SandboxTicket): Record<string, unknown> {
  return {
    url: `${baseUrl}/api/v2/tickets/${ticket.id}.json`,
    id: ticket.id,
    external_id: null,
    via: { channel: ticket.via.channel, source: { from: {}, to: {}, rel: null } },
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    type: null,
    subject: ticket.subject,
    raw_subject: ticket.subject,
    description: ticket.description,
    priority: ticket.priority,
    status: ticket.status,
    recipient: null,
    requester_id: ticket.requester_id,
    submitter_id: ticket.requester_id,
    assignee_id: null,
    organization_id: null,
    group_id: ticket.group_id,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    has_incidents: false,
    is_public: ticket.comments.some((comment) => comment.public),
    due_at: null,
    tags: [...ticket.tags],
    custom_fields: [],
    satisfaction_rating: null,
    sharing_agreement_ids: [],
    brand_id: null,
    allow_channelback: false,
    allow_attachments: true,
  };
}

/** A ticket's comments as `GET /api/v2/tickets/{id}/comments` shows them. */
export function commentsJson(ticket: SandboxTicket): Record<string, unknown>[] {
  return ticket.comments.map((comment) => ({
    id: comment.id,
    type: 'Comment',
    author_id: comment.author_id,
    body: comment.body,
    plain_body: comment.body,
    public: comment.public,
    created_at: comment.created_at,
  }));
}

/** An end user as Zendesk's API shows it. */
export function userJson(baseUrl: string, record: UserRecord): Record<string, unknown> {
  const { user } = record;
  return {
    id: user.id,
    url: `${baseUrl}/api/v2/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: record.createdAt,
    updated_at: record.createdAt,
    time_zone: 'UTC',
    phone: record.identities.find((identity) => identity.type === 'phone_number')?.value ?? null,
    locale: 'en-US',
    organization_id: null,
    role: record.role,
    verified: true,
    external_id: user.external_id,
    tags: [],
    active: true,
    suspended: false,
    user_fields: { ...user.user_fields },
  };
}

/** One identity of a user as Zendesk's API shows it. */
export function identityJson(baseUrl: string, record: UserRecord, identity: UserRecord['identities'][number]): Record<string, unknown> {
  return {
    url: `${baseUrl}/api/v2/users/${record.user.id}/identities/${identity.id}.json`,
    id: identity.id,
    user_id: record.user.id,
    type: identity.type,
    value: identity.value,
    verified: identity.verified ?? true,
    verification_method: identity.verification_method ?? 'none',
    verified_at: identity.verification_method === 'full' || identity.verification_method === 'sso' ? record.createdAt : null,
    primary: identity.primary,
    created_at: record.createdAt,
    updated_at: record.createdAt,
  };
}
