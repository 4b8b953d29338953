import { TenantSchema } from '../../shared/adapters/config/tenants.js';
import { MAX_PERIOD_DAYS } from '../../shared/adapters/store/survey-index.js';

const DAY_MS = 86_400_000;
/** A mistake in a command's arguments: the command prints it with its usage hint and exits 2. */
export class UsageError extends Error {}

/** Midnight UTC of a YYYY-MM-DD day; refuses other forms and days that do not exist (2026-02-30). */
function utcDate(option: string, value: string): Date {
  const at = new Date(`${value}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--${option} must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return at;
}

const DEFAULT_PERIOD_DAYS = 30;
const day = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The period [from, to) of a command's `--from` and `--to`, and its first and last day: `--to`
 * names the last day included (default today), `--from` the first (default 29 days before `--to`).
 *
 * @example dayPeriod({ to: '2026-11-30' }, new Date()).firstDay // '2026-11-01'
 */
export function dayPeriod(values: { from?: string; to?: string }, now: Date): { from: Date; to: Date; firstDay: string; lastDay: string } {
  const lastDay = values.to ?? day(now);
  const to = new Date(utcDate('to', lastDay).getTime() + DAY_MS);
  const firstDay = values.from ?? day(new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS));
  const from = utcDate('from', firstDay);
  if (to <= from) throw new UsageError('--to must not be before --from');
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  if (days > MAX_PERIOD_DAYS)
    throw new UsageError(`--from/--to: the period is ${days} days; at most ${MAX_PERIOD_DAYS} days are read at once`);
  return { from, to, firstDay, lastDay };
}

/** The options of a command that reads one tenant's period of days from a table: its parseArgs spelling. */
export const TENANT_PERIOD_OPTIONS = {
  tenant: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  endpoint: { type: 'string' },
  table: { type: 'string' },
} as const;

/**
 * The tenant and the period of a command's `--tenant`, `--from` and `--to`, or a UsageError
 * naming what to change.
 *
 * @example tenantPeriod({ tenant: 'demo', to: '2026-11-30' }, new Date()).firstDay // '2026-11-01'
 */
export function tenantPeriod(
  values: { tenant?: string; from?: string; to?: string },
  now: Date,
): { tenant: string } & ReturnType<typeof dayPeriod> {
  if (values.tenant === undefined) throw new UsageError('--tenant is required');
  const tenant = TenantSchema.shape.id.safeParse(values.tenant);
  if (!tenant.success) throw new UsageError(`--tenant: ${tenant.error.issues[0]?.message ?? 'invalid'}`);
  return { tenant: tenant.data, ...dayPeriod(values, now) };
}
