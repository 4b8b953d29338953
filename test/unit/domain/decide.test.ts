import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../shared/domain/customer.js';
import { decide } from '../../../shared/domain/decide.js';
import type { TicketSnapshot } from '../../../shared/domain/events.js';
import { renderNote } from '../../../shared/domain/note.js';
import { PolicySchema, type PolicyInput } from '../../../shared/domain/policy.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function ticket(overrides: Partial<TicketSnapshot> = {}): TicketSnapshot {
  return { id: '35436', priority: 'normal', tags: ['printer'], ...overrides };
}

function profile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    tenant: 'acme',
    customerKey: 'k1',
    identities: { helpdeskUserIds: ['zendesk:1'], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

function scored(value: number, ageDays = 1): Partial<CustomerProfile> {
  const scoredAt = new Date(NOW.getTime() - ageDays * DAY);
  return {
    score: {
      value,
      source: 'import',
      modelVersion: 'import-1',
      scoredAt: scoredAt.toISOString(),
      refreshAfter: new Date(scoredAt.getTime() + 7 * DAY).toISOString(),
      components: {},
      inputs: {},
      explanation: `Imported score ${value}.`,
    },
  };
}

function nps(score: number, category: 'promoter' | 'passive' | 'detractor', ageDays = 3): Partial<CustomerProfile> {
  return {
    latestNps: {
      score,
      category,
      answeredAt: new Date(NOW.getTime() - ageDays * DAY).toISOString(),
      responseId: 'r1',
    },
  };
}

const policy = (input: PolicyInput = {}) => PolicySchema.parse(input);

describe('decide: baseline', () => {
  it('gives an unknown customer exactly the baseline', () => {
    const decision = decide({ ticket: ticket(), policy: policy(), now: NOW });

    expect(decision.tier).toBe('none');
    expect(decision.priority).toBeUndefined();
    expect(decision.uplift).toBe(0);
    expect(decision.tags).toEqual([]);
    expect(decision.groupId).toBeUndefined();
    expect(decision.guardrails.map((g) => g.id)).toEqual(['no-score']);
    expect(decision.refreshDue).toBe(true);
  });

  it('treats an opted-out customer as tier none even with a top score and a detractor answer', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile({ ...scored(95), ...nps(2, 'detractor'), optedOut: true }),
      policy: policy(),
      now: NOW,
    });

    expect(decision.tier).toBe('none');
    expect(decision.priority).toBeUndefined();
    expect(decision.tags).toEqual([]);
    expect(decision.nps).toBeUndefined();
    expect(decision.guardrails.map((g) => g.id)).toContain('opted-out');
    expect(decision.refreshDue).toBe(false);
  });

  it('applies no rule at all to an opted-out customer, not even one written for tier none', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile({ optedOut: true }),
      policy: policy({ rules: [{ id: 'everyone', tiers: ['none'], tags: ['seen'], groupId: '42', reason: 'route all unscored' }] }),
      now: NOW,
    });

    expect(decision.tags).toEqual([]);
    expect(decision.groupId).toBeUndefined();
    expect(decision.matchedRules).toEqual([]);
  });

  it('still applies a tier-none rule to a customer who simply has no score', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile(),
      policy: policy({ rules: [{ id: 'everyone', tiers: ['none'], tags: ['seen'], reason: 'tag all unscored' }] }),
      now: NOW,
    });

    expect(decision.tags).toEqual(['seen']);
  });

  it('gives a detractor with no score the detractor tag and routing, but never a raise', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile(nps(2, 'detractor')),
      policy: policy({
        rules: [{ id: 'nps-detractor', nps: ['detractor'], uplift: 2, tags: ['nps_detractor'], groupId: '7', reason: 'recovery' }],
      }),
      now: NOW,
    });

    expect(decision.tier).toBe('none');
    expect(decision.tags).toEqual(['nps_detractor']);
    expect(decision.groupId).toBe('7');
    expect(decision.requestedUplift).toBe(2);
    expect(decision.uplift).toBe(0);
    expect(decision.priority).toBeUndefined();
    expect(decision.guardrails.map((g) => g.id)).toEqual(['no-score']);
  });

  it('treats a score older than the maximum age as no score', () => {
    const decision = decide({ ticket: ticket(), profile: profile(scored(90, 31)), policy: policy(), now: NOW });

    expect(decision.tier).toBe('none');
    expect(decision.priority).toBeUndefined();
    expect(decision.guardrails[0]?.message).toMatch(/31 days old \(limit 30\)/);
    expect(decision.refreshDue).toBe(true);
  });
});

describe('decide: uplift and guardrails', () => {
  it('raises a high-tier customer one level and tags them', () => {
    const decision = decide({ ticket: ticket(), profile: profile(scored(64)), policy: policy(), now: NOW });

    expect(decision.tier).toBe('high');
    expect(decision.priority).toBe('high');
    expect(decision.uplift).toBe(1);
    expect(decision.tags).toEqual(['influence_high']);
    expect(decision.score?.freshness).toBe('fresh');
  });

  it('caps the uplift at one level by default even when rules ask for two', () => {
    const decision = decide({
      ticket: ticket({ priority: 'low' }),
      profile: profile(scored(85)),
      policy: policy({ rules: [{ id: 'big', tiers: ['top'], uplift: 2, reason: 'big audience' }] }),
      now: NOW,
    });

    expect(decision.requestedUplift).toBe(2);
    expect(decision.uplift).toBe(1);
    expect(decision.priority).toBe('normal');
    expect(decision.guardrails.map((g) => g.id)).toContain('uplift-cap');
  });

  it('allows two levels when the tenant raises the cap to two', () => {
    const decision = decide({
      ticket: ticket({ priority: 'low' }),
      profile: profile(scored(85)),
      policy: policy({ maxUplift: 2, rules: [{ id: 'big', tiers: ['top'], uplift: 2, reason: 'big audience' }] }),
      now: NOW,
    });

    expect(decision.priority).toBe('high');
    expect(decision.uplift).toBe(2);
  });

  it('rejects a cap above two', () => {
    expect(() => policy({ maxUplift: 3 })).toThrow();
  });

  it('never goes above urgent and says so', () => {
    const decision = decide({ ticket: ticket({ priority: 'urgent' }), profile: profile(scored(90)), policy: policy(), now: NOW });

    expect(decision.priority).toBeUndefined();
    expect(decision.uplift).toBe(0);
    expect(decision.guardrails.map((g) => g.id)).toContain('urgent-ceiling');
  });

  it('never lowers the priority the helpdesk set', () => {
    const decision = decide({ ticket: ticket({ priority: 'high' }), profile: profile(scored(20)), policy: policy(), now: NOW });

    expect(decision.priority).toBeUndefined();
    expect(decision.helpdeskPriority).toBe('high');
  });

  it('uses the default priority as the baseline when the helpdesk left it empty', () => {
    const decision = decide({ ticket: ticket({ priority: undefined }), profile: profile(scored(70)), policy: policy(), now: NOW });

    expect(decision.priority).toBe('high');
    expect(decision.helpdeskPriority).toBeUndefined();
  });

  it('does not re-add tags the ticket already has', () => {
    const decision = decide({
      ticket: ticket({ tags: ['influence_high'] }),
      profile: profile(scored(64)),
      policy: policy(),
      now: NOW,
    });

    expect(decision.tags).toEqual([]);
  });
});

describe('decide: NPS, overrides, routing', () => {
  it('flags a recent detractor, raises one level and routes to the recovery group', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile({ ...scored(20), ...nps(3, 'detractor') }),
      policy: policy({
        rules: [{ id: 'detractor', nps: ['detractor'], uplift: 1, tags: ['nps_detractor'], groupId: '900', reason: 'follow up' }],
      }),
      now: NOW,
    });

    expect(decision.tier).toBe('standard');
    expect(decision.priority).toBe('high');
    expect(decision.tags).toEqual(['nps_detractor']);
    expect(decision.groupId).toBe('900');
    expect(decision.nps?.category).toBe('detractor');
  });

  it('ignores an NPS answer older than the window', () => {
    const decision = decide({ ticket: ticket(), profile: profile(nps(2, 'detractor', 200)), policy: policy(), now: NOW });

    expect(decision.nps).toBeUndefined();
    expect(decision.tags).toEqual([]);
  });

  it('lets a live boost override win over the provider score', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile({
        ...scored(10),
        override: { kind: 'boost', score: 90, reason: 'key account', expiresAt: '2027-01-01T00:00:00Z' },
      }),
      policy: policy(),
      now: NOW,
    });

    expect(decision.tier).toBe('top');
    expect(decision.score?.source).toBe('override');
    expect(decision.score?.explanation).toMatch(/key account/);
  });

  it('ignores an expired override', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile({ ...scored(10), override: { kind: 'boost', score: 90, reason: 'event', expiresAt: '2026-01-01T00:00:00Z' } }),
      policy: policy(),
      now: NOW,
    });

    expect(decision.tier).toBe('standard');
  });

  it('never boosts a customer on the never-boost list', () => {
    const decision = decide({
      ticket: ticket(),
      profile: profile({ ...scored(99), override: { kind: 'never', reason: 'employee' } }),
      policy: policy(),
      now: NOW,
    });

    expect(decision.tier).toBe('none');
    expect(decision.priority).toBeUndefined();
    expect(decision.guardrails.map((g) => g.id)).toContain('never-boost');
  });

  it('marks a stale score as due for refresh but still uses it', () => {
    const decision = decide({ ticket: ticket(), profile: profile(scored(64, 10)), policy: policy(), now: NOW });

    expect(decision.tier).toBe('high');
    expect(decision.score?.freshness).toBe('stale');
    expect(decision.refreshDue).toBe(true);
  });

  it('refuses a rule that would raise priority for tier none', () => {
    expect(() => policy({ rules: [{ id: 'x', tiers: ['none'], uplift: 1, reason: 'no' }] })).toThrow(/tier none/);
  });
});

describe('renderNote', () => {
  it('explains the uplift, the score, the rules and the guardrails', () => {
    const decision = decide({
      ticket: ticket({ priority: 'low' }),
      profile: profile({ ...scored(64), ...nps(4, 'detractor') }),
      policy: policy({
        rules: [
          { id: 'reach-high', tiers: ['high'], uplift: 1, tags: ['influence_high'], reason: 'large engaged audience' },
          { id: 'detractor', nps: ['detractor'], uplift: 2, tags: ['nps_detractor'], groupId: '77', reason: 'follow up fast' },
        ],
      }),
      now: NOW,
    });

    const note = renderNote(decision);

    expect(note).toContain('priority raised from low to normal (+1)');
    expect(note).toContain('Tier: high (score 64). Imported score 64.');
    expect(note).toContain('Recent NPS: detractor (4/10 on 2026-11-20)');
    expect(note).toContain('- reach-high: large engaged audience');
    expect(note).toContain('Rules asked for +2 levels; capped at +1.');
    expect(note).toContain('Tags added: influence_high, nps_detractor. Routing hint: group 77.');
  });

  it('says the baseline applies when there is no score', () => {
    const note = renderNote(decide({ ticket: ticket(), policy: policy(), now: NOW }));

    expect(note).toContain('priority unchanged');
    expect(note).toContain('Tier: none (baseline service).');
    expect(note).toContain('No influence score is known');
  });
});
