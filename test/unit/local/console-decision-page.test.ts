import { describe, expect, it } from 'vitest';
import { decisionPage } from '../../../infra/console/pages.js';
import { time } from '../../../infra/console/layout.js';
import { demoTenants } from '../../../infra/sandbox/index.js';
import { bindHelpdesk, parseTenantsFile, type Tenant } from '../../../shared/adapters/config/tenants.js';
import { REDACTED_FOR_OPT_OUT, withoutScoreDetails } from '../../../shared/adapters/store/privacy-store.js';
import type { DecisionRecord } from '../../../shared/domain/decision-record.js';

const TENANTS = parseTenantsFile({ tenants: demoTenants('http://127.0.0.1:9') }, 'local').tenants;

/** A tenant like the demo one of `kind`, with its helpdesk's address or settings replaced. */
function tenantOf(kind: string, helpdesk: Record<string, unknown>): Tenant {
  const demo = demoTenants('http://127.0.0.1:9').find((tenant) => tenant.helpdesk.kind === kind);
  const [tenant] = parseTenantsFile({ tenants: [{ ...demo, helpdesk: { ...demo?.helpdesk, ...helpdesk } }] }, 'local').tenants;
  if (!tenant) throw new Error(`no demo tenant for ${kind}`);
  return tenant;
}

const score = {
  value: 64,
  source: 'provider' as const,
  freshness: 'fresh' as const,
  explanation: 'Reach 64 (high)',
  modelVersion: 'reach-2',
};

/** Ada's ticket 1: its own decision raised it from normal to high. */
const created: DecisionRecord = {
  tenant: 'demo',
  decisionId: 'zendesk:ticket-created:1',
  deliveryId: 'd-1',
  source: 'zendesk',
  ticketId: '1',
  customerKey: 'ck',
  receivedAt: '2026-12-05T21:32:08.498Z',
  decidedAt: '2026-12-05T21:32:08.798Z',
  status: 'applied',
  decision: {
    policyVersion: '1',
    mode: 'active',
    tier: 'high',
    score,
    helpdeskPriority: 'normal',
    priority: 'high',
    uplift: 1,
    requestedUplift: 1,
    tags: ['influence_high'],
    matchedRules: [{ id: 'reach-high', reason: 'large engaged audience' }],
    guardrails: [],
    refreshDue: false,
  },
  note: 'Influence Router: priority raised from normal to high (+1).',
  written: { priority: 'high', tags: ['printer', 'influence_high'], at: '2026-12-05T21:32:08.905Z' },
};

/** A promoter's answer on the same ticket: tags only, decided from the helpdesk's normal, written on a ticket already high. */
const followUp: DecisionRecord = {
  ...created,
  decisionId: 'zendesk:survey-answered:typeform:r-prom:promoter:1',
  deliveryId: 'd-2',
  source: 'typeform',
  decidedAt: '2026-12-05T21:40:00.000Z',
  decision: {
    ...created.decision,
    nps: { category: 'promoter', score: 10, answeredAt: '2026-12-05T21:39:59Z' },
    uplift: 0,
    requestedUplift: 0,
    tags: ['nps_promoter'],
    matchedRules: [{ id: 'nps-promoter', reason: 'recent promoter' }],
  },
  note: 'Influence Router: priority left at normal.',
  written: { priority: 'high', tags: ['printer', 'influence_high', 'nps_promoter'], at: '2026-12-05T21:40:00.100Z' },
};
delete followUp.decision.priority;

/** The text of a labelled row of the page's facts tables, in page order. */
function rows(page: string, label: string): string[] {
  return [...page.matchAll(new RegExp(`<th scope="row">${label}</th>\\s*<td>([\\s\\S]*?)</td>`, 'g'))].map((match) =>
    (match[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe("a decision's console page", () => {
  it('says a follow-up that raised nothing left the ticket at the priority "What was written" shows', () => {
    const page = decisionPage(followUp, TENANTS, { sameTicket: [created, followUp] });

    expect(rows(page, 'Priority')).toEqual([
      'not raised by this decision: the ticket stays high (the helpdesk had set normal)',
      'not written: the ticket stays high',
    ]);
  });

  it('still shows a raise as the helpdesk priority, an arrow and the new one, beside what was written', () => {
    const page = decisionPage(created, TENANTS, { sameTicket: [created] });

    expect(rows(page, 'Priority')).toEqual(['normal → high (+1; rules asked +1)', 'high']);
  });

  it('links the decisions of one ticket to each other, oldest first, this one marked and not linked', () => {
    const page = decisionPage(followUp, TENANTS, { sameTicket: [followUp, created] });
    const list = /<ol class="same-ticket">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '';

    expect(page).toContain('Decisions on ticket 1');
    expect(list.indexOf('ticket created')).toBeLessThan(list.indexOf('survey answered (typeform r-prom promoter)'));
    expect(list).toContain('href="/console/decisions/demo/zendesk%3Aticket-created%3A1"');
    expect(list).not.toContain('href="/console/decisions/demo/zendesk%3Asurvey-answered');
    expect(list).toContain('aria-current="page"');
  });

  it("shows no list of the ticket's decisions when it has only this one", () => {
    expect(decisionPage(created, TENANTS, { sameTicket: [created] })).not.toContain('Decisions on ticket');
  });

  it('says the score was redacted by the opt-out, never "no score" beside a tier, and explains the redacted note', () => {
    const redacted = withoutScoreDetails(created);
    const page = decisionPage(redacted, TENANTS, { sameTicket: [redacted] });

    expect(rows(page, 'Score')).toEqual(['redacted by the opt-out (the decision used one: tier high)']);
    expect(page).toMatch(/<p class="redacted" role="note">\s*The customer opted out after this decision/);
    expect(page).toContain(REDACTED_FOR_OPT_OUT);
  });

  it('still says "no score" for a decision made without one', () => {
    const { score: _score, ...decision } = created.decision;
    const page = decisionPage({ ...created, decision: { ...decision, tier: 'none' } }, TENANTS, { sameTicket: [] });

    expect(rows(page, 'Score')).toEqual(['no score']);
    expect(page).not.toContain('class="redacted"');
  });

  it('links the ticket to the helpdesk where one is given, and shows its id alone where not', () => {
    const linked = decisionPage(created, TENANTS, { sameTicket: [], ticketUrl: 'https://acme.zendesk.com/agent/tickets/1' });
    const plain = decisionPage(created, TENANTS, { sameTicket: [] });

    expect(rows(linked, 'Ticket')).toEqual(['1 in the helpdesk']);
    expect(linked).toContain('<a href="https://acme.zendesk.com/agent/tickets/1" rel="noreferrer" target="_blank">');
    expect(rows(plain, 'Ticket')).toEqual(['1']);
  });

  it('shows times as a person reads them, with the ISO time as the datetime and the title', () => {
    expect(time('2026-12-05T21:32:08.798Z').text).toBe(
      '<time datetime="2026-12-05T21:32:08.798Z" title="2026-12-05T21:32:08.798Z">5 Dec 2026, 21:32:08 UTC</time>',
    );
  });
});

describe("where an agent opens a ticket in the helpdesk (the console's link)", () => {
  it.each([
    ['zendesk', { baseUrl: 'https://acme.zendesk.com' }, 'https://acme.zendesk.com/agent/tickets/35436'],
    ['freshdesk', { baseUrl: 'https://acme.freshdesk.com' }, 'https://acme.freshdesk.com/a/tickets/35436'],
    [
      'generic',
      { ticketUrlTemplate: 'https://desk.acme.example/tickets/{ticketId}?view=agent' },
      'https://desk.acme.example/tickets/35436?view=agent',
    ],
  ])('%s with %o: %s', (kind, helpdesk, url) => {
    expect(bindHelpdesk(tenantOf(kind, helpdesk)).agentTicketUrl?.('35436')).toBe(url);
  });

  it.each([
    ['zendesk', { baseUrl: 'http://127.0.0.1:3001' }],
    ['freshdesk', { baseUrl: 'http://127.0.0.1:3001/freshdesk' }],
    ['generic', {}],
  ])('%s with %o (the sandbox, or no template): none', (kind, helpdesk) => {
    expect(bindHelpdesk(tenantOf(kind, helpdesk)).agentTicketUrl?.('35436')).toBeUndefined();
  });

  it('refuses a generic ticket URL template that is not https or has no {ticketId}, naming the fix', () => {
    for (const template of ['http://desk.acme.example/tickets/{ticketId}', 'https://desk.acme.example/tickets/']) {
      expect(() => tenantOf('generic', { ticketUrlTemplate: template })).toThrow(/https address with \{ticketId\}/);
    }
  });

  it('puts an id with characters a URL reserves into the link escaped', () => {
    expect(bindHelpdesk(tenantOf('generic', { ticketUrlTemplate: 'https://d.example/t/{ticketId}' })).agentTicketUrl?.('a/b?c')).toBe(
      'https://d.example/t/a%2Fb%3Fc',
    );
  });
});
