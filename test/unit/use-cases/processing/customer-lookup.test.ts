import { describe, expect, it } from 'vitest';
import { identitiesOf } from '../../../../shared/use-cases/processing/customer-lookup.js';

describe('identitiesOf', () => {
  it('lists a requester by user id, email, external id, then handles', () => {
    const identities = identitiesOf('generic', {
      helpdeskUserId: 'u-1',
      email: 'ada@example.com',
      externalId: 'crm-1',
      handles: [{ network: 'twitter', handle: '@Ada' }],
    });

    expect(identities).toEqual([
      { kind: 'helpdesk-user', value: 'generic:u-1' },
      { kind: 'email', value: 'ada@example.com' },
      { kind: 'external-id', value: 'crm-1' },
      { kind: 'handle', value: 'twitter:ada' },
    ]);
  });

  it("keeps both the event's and the helpdesk's identities, each once", () => {
    const identities = identitiesOf(
      'zendesk',
      { helpdeskUserId: '501', email: 'Ada@Example.com', externalId: 'crm-old', handles: [] },
      {
        helpdeskUserId: '501',
        email: 'ada@example.com',
        externalId: 'crm-1',
        handles: [{ network: 'twitter', handle: 'ada' }],
        fields: {},
      },
    );

    expect(identities).toEqual([
      { kind: 'helpdesk-user', value: 'zendesk:501' },
      { kind: 'email', value: 'ada@example.com' },
      { kind: 'external-id', value: 'crm-1' },
      { kind: 'external-id', value: 'crm-old' },
      { kind: 'handle', value: 'twitter:ada' },
    ]);
  });

  it('is empty for a requester who names nobody', () => {
    expect(identitiesOf('generic', { handles: [] })).toEqual([]);
  });
});
