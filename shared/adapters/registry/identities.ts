import type * as z from 'zod';
import { HELPDESKS, helpdeskAdapter } from './adapters.js';

/** A column of an import file (or a command's option) that holds one helpdesk's user ids. */
export interface HelpdeskUserIdField {
  /** `<helpdesk>_user_id`, or `helpdesk_user_id` for the ids of the tenant's own helpdesk. */
  column: string;
  /** `--<helpdesk>-user-id`, or `--helpdesk-user-id`. */
  option: string;
  helpdesk: string;
  userId: z.ZodType<string>;
}

/**
 * The user id columns and options of every registered helpdesk, plus the unqualified
 * `helpdesk_user_id` (`--helpdesk-user-id`) for the ids of `ownHelpdesk` (the tenant's helpdesk).
 *
 * @example helpdeskUserIdFields(tenant.helpdesk.kind).map((field) => field.column) // ['<name>_user_id' of each helpdesk, ..., 'helpdesk_user_id']
 */
export function helpdeskUserIdFields(ownHelpdesk: string): HelpdeskUserIdField[] {
  const fields = qualifiedUserIdFields();
  const own = helpdeskAdapter(ownHelpdesk);
  if (own) fields.push({ column: 'helpdesk_user_id', option: 'helpdesk-user-id', helpdesk: own.name, userId: own.userId });
  return fields;
}

/**
 * The user id column and option of every registered helpdesk, each naming its helpdesk.
 *
 * @example qualifiedUserIdFields().map((field) => field.option) // ['<name>-user-id' of each registered helpdesk]
 */
export function qualifiedUserIdFields(): HelpdeskUserIdField[] {
  return HELPDESKS.map((helpdesk) => ({
    column: `${helpdesk.name}_user_id`,
    option: `${helpdesk.name}-user-id`,
    helpdesk: helpdesk.name,
    userId: helpdesk.userId,
  }));
}

/** The helpdesk assumed where nothing says which one: the first of the registry. */
export function defaultHelpdeskName(): string {
  const [first] = HELPDESKS;
  if (!first) throw new Error('the adapter registry lists no helpdesk');
  return first.name;
}

/** The names of every registered helpdesk. */
export function helpdeskNames(): string[] {
  return HELPDESKS.map((helpdesk) => helpdesk.name);
}
