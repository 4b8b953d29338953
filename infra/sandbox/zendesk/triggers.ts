/** What a trigger does for a new ticket: whether its conditions hold, and the body it renders. */
import type { Condition, SandboxTrigger } from './admin-records.js';
import type { SandboxTicket, SandboxUser } from './types.js';

/** A ticket placeholder as a trigger renders it to a webhook: raw, unformatted text. */
function placeholderValue(name: string, ticket: SandboxTicket, requester: SandboxUser): string | undefined {
  const values: Record<string, string> = {
    'ticket.id': String(ticket.id),
    'ticket.title': ticket.subject,
    'ticket.status': ticket.status,
    'ticket.priority': ticket.priority ?? '',
    'ticket.tags': ticket.tags.join(' '),
    'ticket.via': ticket.via.channel === 'web' ? 'Web Form' : ticket.via.channel === 'api' ? 'Web Service' : ticket.via.channel,
    'ticket.created_at_with_timestamp': ticket.created_at,
    'ticket.requester.id': String(requester.id),
    'ticket.requester.name': requester.name,
    'ticket.requester.email': requester.email ?? '',
    'ticket.requester.external_id': requester.external_id ?? '',
  };
  return values[name];
}

/**
 * Renders a trigger's webhook body as Zendesk does: each `{{placeholder}}` replaced by its raw
 * text, never JSON-escaped (so a quote in a value breaks a JSON body, as it would in Zendesk); a
 * placeholder it does not know stays as written.
 */
export function renderPlaceholders(body: string, ticket: SandboxTicket, requester: SandboxUser): string {
  return body.replace(/\{\{\s*([a-z0-9_.]+)\s*\}\}/gi, (whole, name: string) => placeholderValue(name, ticket, requester) ?? whole);
}

/** Whether a trigger's conditions hold for a ticket just created (the sandbox knows `update_type`, `status` and `priority`). */
export function meetsOnCreate(conditions: SandboxTrigger['conditions'], ticket: SandboxTicket): boolean {
  const holds = (condition: Condition): boolean => {
    const value = String(condition.value ?? '').toLowerCase();
    const actual =
      condition.field === 'update_type'
        ? 'create'
        : condition.field === 'status'
          ? ticket.status
          : condition.field === 'priority'
            ? (ticket.priority ?? '')
            : undefined;
    if (actual === undefined) return false;
    if (condition.operator === 'is') return actual === value;
    if (condition.operator === 'is_not') return actual !== value;
    return false;
  };
  return conditions.all.every(holds) && (conditions.any.length === 0 || conditions.any.some(holds));
}

/**
 * Whether a trigger's conditions hold for a ticket whose status just changed to solved: `status`
 * "changed to" (`value`) solved, or `is` its status now, `update_type` is `Change`.
 */
export function meetsOnSolve(conditions: SandboxTrigger['conditions'], ticket: SandboxTicket): boolean {
  const holds = (condition: Condition): boolean => {
    const value = String(condition.value ?? '').toLowerCase();
    if (condition.field === 'status' && condition.operator === 'value') return value === 'solved';
    if (condition.field === 'status' && condition.operator === 'is') return ticket.status === value;
    if (condition.field === 'update_type' && condition.operator === 'is') return value === 'change';
    if (condition.field === 'priority' && condition.operator === 'is') return (ticket.priority ?? '') === value;
    return false;
  };
  // A trigger with no "changed to solved" condition is not about a solve.
  const aboutSolve = [...conditions.all, ...conditions.any].some((c) => c.field === 'status' && c.operator === 'value');
  return aboutSolve && conditions.all.every(holds) && (conditions.any.length === 0 || conditions.any.some(holds));
}
