import type { InboundEvent } from '../../domain/events.js';
import { processSurveyAnswered, type ProcessSurveyDeps, type SurveyOutcome } from './process-survey-answered.js';
import { processTicketCreated, type ProcessTicketDeps } from './process-ticket-created.js';
import { processTicketSolved, type SolvedOutcome } from './process-ticket-solved.js';
import { recordSurveyUnsubscribe, type UnsubscribeOutcome } from './record-survey-unsubscribe.js';

/** Everything processing any event needs: the union of each event type's ports. */
export type ProcessEventDeps = ProcessTicketDeps & ProcessSurveyDeps;

/** What processing one event did. */
export type EventOutcome = SurveyOutcome | UnsubscribeOutcome | SolvedOutcome;

/**
 * Processes one normalised event with the use case of its type: a ticket is decided and written
 * back, a solved ticket's outcome stored with its decision, a survey answer stored and its loop
 * closed, an unsubscribe recorded.
 *
 * @example const outcome = await processEvent(event, deps)
 */
export function processEvent(event: InboundEvent, deps: ProcessEventDeps): Promise<EventOutcome> {
  switch (event.type) {
    case 'TicketCreated':
      return processTicketCreated(event, deps);
    case 'TicketSolved':
      return processTicketSolved(event, deps);
    case 'SurveyAnswered':
      return processSurveyAnswered(event, deps);
    case 'SurveyUnsubscribed':
      return recordSurveyUnsubscribe(event, deps);
  }
}
