import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ZENDESK_TRIGGER_BODY_TEMPLATE,
  ZendeskTicketCreatedEventSchema,
  ZendeskTriggerTicketCreatedSchema,
} from '../../../../../shared/adapters/helpdesks/zendesk/webhook-schemas.js';

const FIXTURES = new URL('../../../../fixtures/zendesk/', import.meta.url);

function fixture(name: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${name} is not a JSON object`);
  return { ...parsed };
}

function eventWithDetail(changes: Record<string, unknown>): Record<string, unknown> {
  const body = fixture('event-ticket-created.json');
  const detail = body['detail'];
  if (typeof detail !== 'object' || detail === null) throw new Error('fixture has no detail');
  return { ...body, detail: { ...detail, ...changes } };
}

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

/** Renders the trigger template the way Zendesk does: placeholders replaced by raw text. */
function renderTemplate(values: Record<string, string>): string {
  return ZENDESK_TRIGGER_BODY_TEMPLATE.replace(/\{\{([a-z_.]+)\}\}/g, (_match, name: string) => values[name] ?? '');
}

describe('ZendeskTicketCreatedEventSchema', () => {
  it('parses the full event fixture, keeping string ids and dropping fields it does not model', () => {
    // Arrange
    const body = fixture('event-ticket-created.json');

    // Act
    const parsed = ZendeskTicketCreatedEventSchema.parse(body);

    // Assert
    expect(parsed.id).toBe('01HVQ8Z6M4T3K2R1P0N9B8C7D6');
    expect(parsed.account_id).toBe('88888888');
    expect(parsed.detail).toEqual({
      id: '35436',
      requester_id: '20978392',
      group_id: '360012345678',
      organization_id: '509974',
      external_id: 'ORD-88311',
      status: 'Open',
      priority: 'High',
      subject: 'Order arrived damaged',
      tags: ['damaged', 'order'],
      via: { channel: 'web' },
      created_at: '2024-04-17T17:18:09Z',
      updated_at: '2024-04-17T17:18:10Z',
    });
    expect(parsed.detail).not.toHaveProperty('description');
  });

  it('parses the minimal observed event (no priority, tags or group)', () => {
    // Arrange
    const body = fixture('event-ticket-created-minimal.json');

    // Act
    const parsed = ZendeskTicketCreatedEventSchema.parse(body);

    // Assert
    expect(parsed.detail.id).toBe('35436');
    expect(parsed.detail.priority).toBeUndefined();
    expect(parsed.detail.tags).toBeUndefined();
    expect(parsed.detail.group_id).toBeUndefined();
  });

  it('coerces numeric ids to strings and treats null and 0 ids as none', () => {
    // Arrange
    const body = fixture('event-ticket-created-numeric-ids.json');

    // Act
    const parsed = ZendeskTicketCreatedEventSchema.parse(body);

    // Assert
    expect(parsed.detail.id).toBe('35437');
    expect(parsed.detail.requester_id).toBe('6596848315901');
    expect(parsed.detail.group_id).toBeUndefined();
    expect(parsed.detail.organization_id).toBeUndefined();
    expect(parsed.detail.priority).toBeNull();
    expect(parsed.detail.tags).toBeNull();
  });

  it('treats the string "0" as no group and no organization', () => {
    // Arrange
    const body = fixture('event-ticket-created-no-group.json');

    // Act
    const parsed = ZendeskTicketCreatedEventSchema.parse(body);

    // Assert
    expect(parsed.detail.group_id).toBeUndefined();
    expect(parsed.detail.organization_id).toBeUndefined();
    expect(parsed.detail.tags).toEqual([]);
  });

  it('refuses a ticket id longer than the 20 digits the API takes, naming the field', () => {
    const result = ZendeskTicketCreatedEventSchema.safeParse(eventWithDetail({ id: '123456789012345678901' }));

    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain('detail.id');
  });

  it('accepts tags sent as one space-separated string', () => {
    // Arrange
    const body = eventWithDetail({ tags: 'vip  order ' });

    // Act
    const parsed = ZendeskTicketCreatedEventSchema.parse(body);

    // Assert
    expect(parsed.detail.tags).toEqual(['vip', 'order']);
  });

  it.each([
    ['no requester', { requester_id: undefined }, 'detail.requester_id'],
    ['requester 0', { requester_id: '0' }, 'detail.requester_id'],
    ['a non-numeric ticket id', { id: 'abc' }, 'detail.id'],
    ['a fractional ticket id', { id: 35436.5 }, 'detail.id'],
    ['a malformed group id', { group_id: 'sales' }, 'detail.group_id'],
    ['tags that are not strings', { tags: [1, 2] }, 'detail.tags'],
    ['a malformed created_at', { created_at: 'yesterday' }, 'detail.created_at'],
  ])('rejects a detail with %s', (_label, changes, path) => {
    // Arrange
    const body = eventWithDetail(changes);

    // Act
    const result = ZendeskTicketCreatedEventSchema.safeParse(body);

    // Assert
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual([path]);
  });

  it.each([
    ['no event id', { id: undefined }, 'id'],
    ['a blank event id', { id: ' ' }, 'id'],
    ['no account id', { account_id: undefined }, 'account_id'],
    ['a malformed time', { time: '17/04/2024 17:18' }, 'time'],
    ['a subject that is not a ticket', { subject: 'zen:user:35436' }, 'subject'],
    ['a subject naming another ticket', { subject: 'zen:ticket:99999' }, 'subject'],
    ['another event type', { type: 'zen:event-type:ticket.status_changed' }, 'type'],
    ['no detail', { detail: undefined }, 'detail'],
  ])('rejects an envelope with %s', (_label, changes, path) => {
    // Arrange
    const body = { ...fixture('event-ticket-created.json'), ...changes };

    // Act
    const result = ZendeskTicketCreatedEventSchema.safeParse(body);

    // Assert
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual([path]);
  });
});

describe('ZendeskTriggerTicketCreatedSchema', () => {
  it('parses a fully rendered trigger body', () => {
    // Arrange
    const body = fixture('trigger-ticket-created.json');

    // Act
    const parsed = ZendeskTriggerTicketCreatedSchema.parse(body);

    // Assert
    expect(parsed).toEqual({
      event: 'ticket_created',
      ticket_id: '35437',
      requester_id: '20978392',
      requester_email: 'priya@example.com',
      requester_external_id: 'crm-4471',
      via: 'Web Form',
    });
  });

  it('treats placeholders rendered empty as absent', () => {
    // Arrange
    const body = fixture('trigger-ticket-created-empty-placeholders.json');

    // Act
    const parsed = ZendeskTriggerTicketCreatedSchema.parse(body);

    // Assert
    expect(parsed.requester_email).toBeUndefined();
    expect(parsed.requester_external_id).toBeUndefined();
    expect(parsed.requester_id).toBe('20978392');
  });

  it('accepts an email without a requester id', () => {
    // Arrange
    const body = fixture('trigger-ticket-created-email-only.json');

    // Act
    const parsed = ZendeskTriggerTicketCreatedSchema.parse(body);

    // Assert
    expect(parsed.requester_id).toBeUndefined();
    expect(parsed.requester_email).toBe('ana.lopez@example.org');
    expect(parsed.via).toBeUndefined();
  });

  it('accepts a numeric ticket id and trims stray whitespace', () => {
    // Arrange
    const body = { event: 'ticket_created', ticket_id: 35440, requester_id: ' 20978392 ', requester_email: ' priya@example.com' };

    // Act
    const parsed = ZendeskTriggerTicketCreatedSchema.parse(body);

    // Assert
    expect(parsed.ticket_id).toBe('35440');
    expect(parsed.requester_id).toBe('20978392');
    expect(parsed.requester_email).toBe('priya@example.com');
  });

  it.each([
    ['an empty ticket id', { ticket_id: '' }, 'ticket_id'],
    ['an unrendered ticket placeholder', { ticket_id: '{{ticket.id}}' }, 'ticket_id'],
    ['ticket 0', { ticket_id: '0' }, 'ticket_id'],
    ['a non-numeric requester id', { requester_id: 'priya' }, 'requester_id'],
    ['an email without @', { requester_email: 'priya.example.com' }, 'requester_email'],
    ['neither requester id nor email', { requester_id: '', requester_email: '' }, 'requester_id'],
  ])('rejects a trigger body with %s', (_label, changes, path) => {
    // Arrange
    const body = { ...fixture('trigger-ticket-created.json'), ...changes };

    // Act
    const result = ZendeskTriggerTicketCreatedSchema.safeParse(body);

    // Assert
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual([path]);
  });

  it('says which requester fields are needed when both are missing', () => {
    // Arrange
    const body = { event: 'ticket_created', ticket_id: '35437' };

    // Act
    const result = ZendeskTriggerTicketCreatedSchema.safeParse(body);

    // Assert
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['requester_id or requester_email is required']);
  });
});

describe('ZENDESK_TRIGGER_BODY_TEMPLATE', () => {
  it('holds only id and simple-string placeholders, never names that could contain quotes', () => {
    // Arrange
    const placeholders = [...ZENDESK_TRIGGER_BODY_TEMPLATE.matchAll(/\{\{([a-z_.]+)\}\}/g)].map((match) => match[1]);

    // Act
    const parsed: unknown = JSON.parse(ZENDESK_TRIGGER_BODY_TEMPLATE);

    // Assert
    expect(parsed).toEqual({
      event: 'ticket_created',
      ticket_id: '{{ticket.id}}',
      requester_id: '{{ticket.requester.id}}',
      requester_email: '{{ticket.requester.email}}',
      requester_external_id: '{{ticket.requester.external_id}}',
      via: '{{ticket.via}}',
    });
    expect(placeholders).toEqual([
      'ticket.id',
      'ticket.requester.id',
      'ticket.requester.email',
      'ticket.requester.external_id',
      'ticket.via',
    ]);
  });

  it('renders, as Zendesk would, into a body the trigger schema accepts', () => {
    // Arrange
    const rendered = renderTemplate({
      'ticket.id': '35437',
      'ticket.requester.id': '20978392',
      'ticket.requester.email': 'priya@example.com',
      'ticket.via': 'Web Form',
    });

    // Act
    const parsed = ZendeskTriggerTicketCreatedSchema.parse(JSON.parse(rendered));

    // Assert
    expect(parsed).toEqual({
      event: 'ticket_created',
      ticket_id: '35437',
      requester_id: '20978392',
      requester_email: 'priya@example.com',
      via: 'Web Form',
    });
  });
});
