import { describe, expect, it } from 'vitest';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import type { DecisionRecord } from '../../../../shared/domain/decision-record.js';
import { CUSTOMER_EXPORT_FORMAT, exportCustomer } from '../../../../shared/use-cases/privacy/export-customer.js';
import { FixedClock, InMemoryCustomerAdmin, TestHasher } from '../../../support/fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const hasherFor = (tenant: string) => new TestHasher(tenant);
const email: Identity = { kind: 'email', value: 'ada.lovelace@example.com' };
const userId: Identity = { kind: 'helpdesk-user', value: 'zendesk:42' };
const key = hasherFor('acme').hash(email);

const profile: CustomerProfile = {
  tenant: 'acme',
  customerKey: key,
  identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: [key], handles: [] },
  optedOut: false,
  createdAt: '2026-10-01T00:00:00.000Z',
  updatedAt: '2026-11-20T00:00:00.000Z',
};

const record: DecisionRecord = {
  tenant: 'acme',
  decisionId: 'zendesk:ticket-created:501',
  deliveryId: 'd-1',
  source: 'zendesk',
  ticketId: '501',
  customerKey: key,
  receivedAt: '2026-11-22T10:00:00.000Z',
  decidedAt: '2026-11-22T10:00:01.000Z',
  status: 'skipped',
  decision: {
    policyVersion: 'v1',
    mode: 'active',
    tier: 'none',
    uplift: 0,
    requestedUplift: 0,
    tags: [],
    matchedRules: [],
    guardrails: [],
    refreshDue: true,
  },
  note: 'Influence Router: priority unchanged.',
};

describe('exportCustomer', () => {
  it('gathers the profile, aliases, survey answers and decisions into one document without the raw email', async () => {
    // Arrange
    const store = new InMemoryCustomerAdmin(hasherFor);
    await store.saveCustomer(profile, [email, userId]);
    store.surveyAnswers.set(`acme#${key}`, [{ responseId: 'r-1', kind: 'nps', score: 9 }]);
    store.addDecision(record);

    // Act
    const document = await exportCustomer(
      { tenant: 'acme', identity: userId },
      { customers: store, privacy: store, clock: new FixedClock(NOW) },
    );

    // Assert
    expect(document).toMatchObject({
      format: CUSTOMER_EXPORT_FORMAT,
      tenant: 'acme',
      exportedAt: NOW.toISOString(),
      customers: [
        {
          profile,
          aliases: [{ identityHash: hasherFor('acme').hash(userId), kind: 'helpdesk-user' }],
          surveyAnswers: [{ responseId: 'r-1', kind: 'nps', score: 9 }],
          decisions: [record],
        },
      ],
    });
    expect(document?.notes.join(' ')).toMatch(/never stored.*keyed hash/i);
    expect(JSON.stringify(document)).not.toContain('lovelace');
  });

  it('returns undefined for an identity nobody is known by', async () => {
    const store = new InMemoryCustomerAdmin(hasherFor);

    expect(
      await exportCustomer({ tenant: 'acme', identity: email }, { customers: store, privacy: store, clock: new FixedClock(NOW) }),
    ).toBeUndefined();
  });
});
