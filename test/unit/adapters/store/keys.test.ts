import { describe, expect, it } from 'vitest';
import { InvalidKeyPartError } from '../../../../shared/adapters/store/errors.js';
import {
  REFRESH_BUCKET_COUNT,
  aliasKey,
  answerIndexKey,
  answerIndexPk,
  decisionKey,
  keyPart,
  parseProfileKey,
  profileKey,
  refreshBucketFor,
  refreshBuckets,
  surveyAnswerKey,
  ticketDecisionsPk,
} from '../../../../shared/adapters/store/keys.js';

describe('table keys', () => {
  it('prefixes every partition key with the tenant', () => {
    // Arrange
    const tenant = 'acme';

    // Act
    const keys = [
      profileKey(tenant, 'k1'),
      aliasKey(tenant, 'h1'),
      surveyAnswerKey(tenant, 'k1', 'resp-1'),
      decisionKey(tenant, 'zendesk:ticket-created:123'),
    ];

    // Assert
    expect(keys).toEqual([
      { pk: 'T#acme#C#k1', sk: 'PROFILE' },
      { pk: 'T#acme#A#h1', sk: 'ALIAS' },
      { pk: 'T#acme#C#k1', sk: 'SURVEY#resp-1' },
      { pk: 'T#acme#TICKET#123', sk: 'DECISION#zendesk:ticket-created:123' },
    ]);
    for (const key of keys) expect(key.pk.startsWith('idempotency#')).toBe(false);
  });

  it.each([
    ['tenant', () => profileKey('acme#C#victim', 'k1')],
    ['customer key', () => profileKey('acme', 'k1#x')],
    ['identity hash', () => aliasKey('acme', 'h#1')],
    ['response id', () => surveyAnswerKey('acme', 'k1', 'r#1')],
    ['ticket id', () => ticketDecisionsPk('acme', '12#3')],
    ['decision id', () => decisionKey('acme', 'zendesk:ticket#created:123')],
  ])('refuses a "#" in the %s', (_, build) => {
    expect(build).toThrow(InvalidKeyPartError);
  });

  it('refuses empty key parts', () => {
    expect(() => keyPart('tenant', '')).toThrow(InvalidKeyPartError);
    expect(() => profileKey('', 'k1')).toThrow(/tenant must not be empty/);
  });

  it('files a decision under the ticket its id ends with', () => {
    expect(decisionKey('acme', 'freshdesk:ticket:updated:9').pk).toBe('T#acme#TICKET#9');
  });

  it.each(['zendesk', 'zendesk:123', ':ticket-created:1', 'zendesk:ticket-created:', 'zendesk::1'])(
    'refuses the malformed decision id %j',
    (decisionId) => {
      expect(() => decisionKey('acme', decisionId)).toThrow(InvalidKeyPartError);
    },
  );

  it('reads the tenant and customer key back from a profile key only', () => {
    expect(parseProfileKey(profileKey('acme', 'k-1_x').pk)).toEqual({ tenant: 'acme', customerKey: 'k-1_x' });
    expect(parseProfileKey(aliasKey('acme', 'h1').pk)).toBeUndefined();
    expect(parseProfileKey(ticketDecisionsPk('acme', '1'))).toBeUndefined();
  });
});

describe('refresh buckets', () => {
  it('puts a customer key in the same bucket every time', () => {
    expect(refreshBucketFor('acme', 'k1')).toBe('T#acme#REFRESH#1');
    expect(refreshBucketFor('acme', 'k1')).toBe(refreshBucketFor('acme', 'k1'));
  });

  it('keeps each tenant in buckets of its own', () => {
    expect(refreshBucketFor('acme', 'k1')).not.toBe(refreshBucketFor('globex', 'k1'));
    expect(refreshBuckets('acme').every((bucket) => bucket.startsWith('T#acme#'))).toBe(true);
    expect(() => refreshBucketFor('ac#me', 'k1')).toThrow();
  });

  it('spreads keys over all 16 buckets and only those', () => {
    // Arrange
    const keys = Array.from({ length: 1600 }, (_, i) => `customer-${i}`);

    // Act
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(refreshBucketFor('acme', key), (counts.get(refreshBucketFor('acme', key)) ?? 0) + 1);

    // Assert
    expect([...counts.keys()].sort()).toEqual([...refreshBuckets('acme')].sort());
    expect(refreshBuckets('acme')).toHaveLength(REFRESH_BUCKET_COUNT);
    for (const count of counts.values()) expect(count).toBeGreaterThan(50);
  });
});

describe('answer index keys', () => {
  it("puts an answer in its tenant's day partition, keyed by response id alone", () => {
    // Act
    const key = answerIndexKey('acme', '2026-11-23', 'ticket-35436');

    // Assert
    expect(key).toEqual({ pk: 'T#acme#ANSWERS#2026-11-23', sk: 'ticket-35436' });
    expect(answerIndexPk('acme', '2026-11-23')).toBe(key.pk);
    expect(answerIndexPk('globex', '2026-11-23')).not.toBe(key.pk);
  });

  it.each(['2026-11-23T10:00:00Z', '2026-13-01', '2026-11-32', '26-11-23', '2026-11-23#x', ''])('refuses %j as a day', (day) => {
    expect(() => answerIndexKey('acme', day, 'r1')).toThrow(InvalidKeyPartError);
  });

  it.each([
    ['tenant', () => answerIndexKey('acme#ANSWERS#2026-11-23', '2026-11-23', 'r1')],
    ['response id', () => answerIndexKey('acme', '2026-11-23', 'r#1')],
    ['empty response id', () => answerIndexKey('acme', '2026-11-23', '')],
  ])('refuses a forged or empty %s', (_, build) => {
    expect(build).toThrow(InvalidKeyPartError);
  });
});
