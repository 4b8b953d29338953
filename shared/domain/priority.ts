import * as z from 'zod';

/** Ticket priorities, lowest first; every helpdesk's scale is mapped onto these four. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** A ticket priority in the product's own vocabulary. */
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof PrioritySchema>;

/** Position of a priority on the scale (low = 0, urgent = 3). */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/**
 * Raises a priority by a number of levels, never past urgent and never below where it started.
 *
 * @example raisePriority('normal', 1) // 'high'
 */
export function raisePriority(priority: Priority, levels: number): Priority {
  const rank = Math.min(priorityRank(priority) + Math.max(0, levels), PRIORITIES.length - 1);
  return PRIORITIES[rank] ?? priority;
}

/** The higher of two priorities. */
export function maxPriority(a: Priority, b: Priority): Priority {
  return priorityRank(a) >= priorityRank(b) ? a : b;
}
