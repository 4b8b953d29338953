import * as z from 'zod';
import type { CustomerProfile, ManualOverride } from '../../domain/customer.js';
import { InvalidPayloadError } from '../../domain/errors.js';
import { type CustomerAdminDeps, type CustomerRef, rewriteCustomers } from '../privacy/opt-out.js';

const reason = z.string().trim().min(1, 'a reason is required');
const expiresAt = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z' }).optional();

/** A manual override as an operator asks for it: a VIP boost with a fixed score, or "never boost". */
export const OverrideRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('boost'),
    score: z.number({ error: 'a boost needs a score' }).int('must be a whole number').min(1).max(100),
    reason,
    expiresAt,
  }),
  z.object({ kind: z.literal('never'), reason, expiresAt }),
]);
export type OverrideRequest = z.input<typeof OverrideRequestSchema>;

/** What setting or clearing an override did. */
export type OverrideResult =
  | { status: 'set' | 'cleared'; profiles: CustomerProfile[]; created: boolean; written: number }
  | { status: 'not-found' }
  /** A boost for a customer who opted out: refused, since an opt-out removes every boost. */
  | { status: 'opted-out'; profiles: CustomerProfile[] };

/** Reads a request, or says field by field what is wrong with it. */
function parseRequest(request: unknown, setBy: string, now: Date): ManualOverride {
  const parsed = OverrideRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new InvalidPayloadError(
      'invalid override',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  if (setBy.trim().length === 0)
    throw new InvalidPayloadError('invalid override', [{ path: 'setBy', message: 'who sets the override is required' }]);
  const { expiresAt: expires } = parsed.data;
  if (expires && Date.parse(expires) <= now.getTime()) {
    throw new InvalidPayloadError('invalid override', [{ path: 'expiresAt', message: 'is not in the future' }]);
  }
  return {
    kind: parsed.data.kind,
    ...(parsed.data.kind === 'boost' ? { score: parsed.data.score } : {}),
    reason: parsed.data.reason,
    setBy: setBy.trim(),
    setAt: now.toISOString(),
    ...(expires ? { expiresAt: expires } : {}),
  };
}

/**
 * Sets a manual override on a customer: it wins over every score provider, and the decision's
 * note says so. An unknown customer gets a profile keyed by the identity, holding only the
 * override; everything else on a known profile is kept. A boost for an opted-out customer is
 * refused (`opted-out`); a "never boost" is always accepted. Throws InvalidPayloadError for a
 * boost without a score from 1 to 100, an empty reason or `setBy`, or an expiry in the past;
 * the request is parsed here, so it may come straight from an operator's input.
 *
 * @example await setOverride({ tenant: 'acme', identity }, { kind: 'boost', score: 90, reason: 'Board member' }, 'ops@acme.test', deps)
 */
export async function setOverride(
  ref: CustomerRef,
  request: OverrideRequest | Readonly<Record<string, unknown>>,
  setBy: string,
  deps: CustomerAdminDeps,
): Promise<OverrideResult> {
  const now = deps.clock.now();
  const override = parseRequest(request, setBy, now);
  if (override.kind === 'boost') {
    const known = await deps.customers.findCustomers(ref.tenant, [ref.identity]);
    const optedOut = known.filter((profile) => profile.optedOut);
    if (optedOut.length > 0) return { status: 'opted-out', profiles: optedOut };
  }
  const apply = (profile: CustomerProfile): CustomerProfile => ({ ...profile, override, updatedAt: now.toISOString() });
  const outcome = await rewriteCustomers(
    ref,
    deps,
    (profile) => (profile.optedOut && override.kind === 'boost' ? undefined : apply(profile)),
    apply,
  );
  return { status: 'set', ...outcome };
}

/**
 * Removes a customer's manual override, whatever its kind; the score providers decide again.
 *
 * @example await clearOverride({ tenant: 'acme', identity }, deps)
 */
export async function clearOverride(ref: CustomerRef, deps: CustomerAdminDeps): Promise<OverrideResult> {
  const now = deps.clock.now();
  const outcome = await rewriteCustomers(ref, deps, (profile) => {
    if (!profile.override) return undefined;
    const { override: _override, ...rest } = profile;
    return { ...rest, updatedAt: now.toISOString() };
  });
  return outcome ? { status: 'cleared', ...outcome } : { status: 'not-found' };
}
