import * as z from 'zod';
import { MAX_PERIOD_DAYS } from '../../shared/adapters/store/survey-index.js';
import { TierSchema } from '../../shared/domain/tiers.js';
import type { ListDecisionsInput } from '../../shared/use-cases/reporting/list-decisions.js';
import { type DecisionFilters, LISTED_STATUSES } from './pages.js';

const DAY_MS = 86_400_000;
/** The period a list shows when none is given: the last seven UTC days, today included. */
const DEFAULT_DAYS = 7;

const blankIsAbsent = (value: unknown) => (value === '' ? undefined : value);
const Day = z.iso.date({ error: 'must be a day as YYYY-MM-DD' });

const QuerySchema = z
  .object({
    status: z.preprocess(blankIsAbsent, z.enum(LISTED_STATUSES, { error: `must be one of ${LISTED_STATUSES.join(', ')}` }).optional()),
    tier: z.preprocess(blankIsAbsent, TierSchema.optional()),
    rule: z.preprocess(
      blankIsAbsent,
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a rule id')
        .optional(),
    ),
    from: z.preprocess(blankIsAbsent, Day.optional()),
    to: z.preprocess(blankIsAbsent, Day.optional()),
    limit: z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(200).default(50)),
    cursor: z.preprocess(blankIsAbsent, z.string().max(2000).optional()),
  })
  .strict();

/** The list a query string asks for, or what is wrong with it. */
export type DecisionQuery = { ok: true; filters: DecisionFilters; input: ListDecisionsInput } | { ok: false; message: string };

/**
 * Reads the decision list's query string (`status`, `tier`, `rule`, `from`, `to`, `limit`,
 * `cursor`); without `from` and `to` the last seven days up to today.
 *
 * @example decisionQuery('demo', new URLSearchParams('tier=high'), new Date('2026-12-02T10:00:00Z')) // { ok: true, filters: { tier: 'high', from: '2026-11-26', to: '2026-12-02', ... } }
 */
export function decisionQuery(tenant: string, params: URLSearchParams, now: Date): DecisionQuery {
  const parsed = QuerySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}` };
  }
  const { status, tier, rule, limit, cursor } = parsed.data;
  const to = parsed.data.to ?? now.toISOString().slice(0, 10);
  const from = parsed.data.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (from > to) return { ok: false, message: `from: ${from} is after to (${to})` };
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (days > MAX_PERIOD_DAYS)
    return { ok: false, message: `from/to: the period is ${days} days; at most ${MAX_PERIOD_DAYS} are listed at once` };
  const filters: DecisionFilters = { from, to, limit, ...(status ? { status } : {}), ...(tier ? { tier } : {}), ...(rule ? { rule } : {}) };
  return {
    ok: true,
    filters,
    input: {
      tenant,
      from,
      to,
      limit,
      ...(status ? { status } : {}),
      ...(tier ? { tier } : {}),
      ...(rule ? { rule } : {}),
      ...(cursor ? { cursor } : {}),
    },
  };
}
