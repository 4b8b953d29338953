import { describe, expect, it } from 'vitest';
import { isFinal, parseDecisionId, surveyDecisionId, ticketCreatedDecisionId } from '../../../shared/domain/decision-record.js';

describe('decision ids', () => {
  it('builds one id per ticket event, ending with the ticket id', () => {
    expect(ticketCreatedDecisionId('zendesk', '35436')).toBe('zendesk:ticket-created:35436');
    expect(surveyDecisionId('zendesk', 'typeform:r-1', 'detractor', '35436')).toBe('zendesk:survey-answered:typeform:r-1:detractor:35436');
  });

  it('splits a decision id into source, event and ticket id', () => {
    expect(parseDecisionId('zendesk:ticket-created:123')).toEqual({ source: 'zendesk', event: 'ticket-created', ticketId: '123' });
    expect(parseDecisionId('freshdesk:ticket:updated:9')).toEqual({ source: 'freshdesk', event: 'ticket:updated', ticketId: '9' });
  });

  it('reads back the ticket of every id it builds', () => {
    expect(parseDecisionId(ticketCreatedDecisionId('generic', 'T-1'))?.ticketId).toBe('T-1');
    expect(parseDecisionId(surveyDecisionId('freshdesk', 'delighted:77', 'promoter', '12'))).toEqual({
      source: 'freshdesk',
      event: 'survey-answered:delighted:77:promoter',
      ticketId: '12',
    });
  });

  it.each(['zendesk', 'zendesk:123', ':ticket-created:1', 'zendesk:ticket-created:', 'zendesk::1'])(
    'reads no parts from the malformed decision id %j',
    (decisionId) => {
      expect(parseDecisionId(decisionId)).toBeUndefined();
    },
  );
});

describe('final decisions', () => {
  it.each([
    ['applied', true],
    ['shadow', true],
    ['skipped', true],
    ['pending', false],
    ['failed', false],
  ] as const)('takes a %s record as final: %s', (status, final) => {
    expect(isFinal(status)).toBe(final);
  });
});
