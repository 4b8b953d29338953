import { PermanentHelpdeskError } from '../../domain/errors.js';
import type { HelpdeskClient, RateLimiter, ScoreProvider } from '../../domain/ports.js';
import type { RequesterDetails } from '../../domain/events.js';
import type { ScoreLookup, ScoreRequest } from '../../domain/score-lookup.js';
import { computeReachScore, type ReachInputs, toInfluenceScore } from '../../domain/score-model.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { failed, failureOf } from './provider-failures.js';

/** The helpdesk requester field keys that hold each Reach input (user or contact field keys). */
export interface MetricFieldKeys {
  followers?: string;
  following?: string;
  engagementPerPost?: string;
  accountAgeDays?: string;
  postCount?: string;
  verification?: string;
}

/** What reading the fields gave: the model's inputs, or why there are none. */
export type MetricsReading = { ok: true; inputs: ReachInputs } | { ok: false; reason: string };

type FieldValue = RequesterDetails['fields'][string] | undefined;

const COUNT_FIELDS = ['followers', 'following', 'engagementPerPost', 'postCount'] as const;
const DAY_MS = 86_400_000;
// 48000, 48,000, 48000.5, 48k, 1.2M: how people type counts into a text field.
const COUNT_TEXT = /^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*([km])?$/i;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// X's colours: blue is the paid check, gold a business, grey a government account.
const VERIFICATION_WORDS: Record<string, ReachInputs['verification']> = {
  none: 'none',
  no: 'none',
  false: 'none',
  paid: 'paid',
  subscription: 'paid',
  blue: 'paid',
  org: 'org',
  organisation: 'org',
  organization: 'org',
  business: 'org',
  government: 'org',
  gold: 'org',
  grey: 'org',
  gray: 'org',
};

const blank = (value: FieldValue): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function readCount(value: FieldValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = COUNT_TEXT.exec(value.trim());
  if (!match) return undefined;
  const [, whole = '', fraction = '', unit = ''] = match;
  const multiplier = unit.toLowerCase() === 'k' ? 1_000 : unit.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Number(`${whole.replaceAll(',', '')}${fraction}`) * multiplier;
}

/** A count of days, or a date field (the day the account was opened) read as its age in days. */
function readAgeDays(value: FieldValue, now: Date): number | undefined {
  if (typeof value === 'string' && DATE_TEXT.test(value.trim())) {
    const opened = Date.parse(value.trim());
    if (!Number.isFinite(opened) || opened > now.getTime()) return undefined;
    return Math.floor((now.getTime() - opened) / DAY_MS);
  }
  return readCount(value);
}

function readVerification(value: FieldValue): ReachInputs['verification'] | undefined {
  if (blank(value)) return 'none';
  // A checkbox cannot say which check; counting it as the paid one, worth at most one point, never over-credits.
  if (typeof value === 'boolean') return value ? 'paid' : 'none';
  if (typeof value !== 'string') return undefined;
  return VERIFICATION_WORDS[value.trim().toLowerCase()];
}

/**
 * Reads the Reach model's inputs from helpdesk user fields. A field that is configured but empty
 * or unreadable means no score, with the field named in the reason; `verification` may be left
 * unconfigured or empty (no check). Counts may be numbers or text such as "48,000" or "48k";
 * the account age may be a number of days or the date the account was opened.
 *
 * @example readReachInputs({ followers: 48000, ... }, { followers: 'social_followers', ... }, new Date())
 */
export function readReachInputs(fields: RequesterDetails['fields'], keys: MetricFieldKeys, now: Date): MetricsReading {
  const counts: Partial<Record<(typeof COUNT_FIELDS)[number] | 'accountAgeDays', number>> = {};
  for (const name of [...COUNT_FIELDS, 'accountAgeDays'] as const) {
    const key = keys[name];
    if (key === undefined) return { ok: false, reason: `no user field is configured for ${name}` };
    const raw = fields[key];
    if (blank(raw)) return { ok: false, reason: `user field "${key}" is empty` };
    const value = name === 'accountAgeDays' ? readAgeDays(raw, now) : readCount(raw);
    if (value === undefined)
      return { ok: false, reason: `user field "${key}" is not a ${name === 'accountAgeDays' ? 'number of days or a past date' : 'count'}` };
    counts[name] = value;
  }
  const verification = keys.verification === undefined ? 'none' : readVerification(fields[keys.verification]);
  if (verification === undefined) return { ok: false, reason: `user field "${keys.verification}" is not a known verification` };
  const { followers, following, engagementPerPost, accountAgeDays, postCount } = counts;
  if (
    followers === undefined ||
    following === undefined ||
    engagementPerPost === undefined ||
    accountAgeDays === undefined ||
    postCount === undefined
  ) {
    return { ok: false, reason: 'a metric could not be read' };
  }
  return { ok: true, inputs: { followers, following, engagementPerPost, accountAgeDays, postCount, verification } };
}

/** How the helpdesk-metrics provider reaches the helpdesk. */
export interface HelpdeskMetricsOptions {
  fieldKeys: MetricFieldKeys;
  /** The tenant's helpdesk, asked for the requester's fields when they were not fetched already. */
  helpdesk: () => Promise<HelpdeskClient>;
  /** Guards the helpdesk lookups of the scheduled refresh. */
  breaker: CircuitBreaker;
  /** Paces the helpdesk lookups of the scheduled refresh (they share the account's API limit). */
  limiter?: RateLimiter;
  /** The helpdesk adapter's name: the prefix of the profile's user ids that belong to this helpdesk. */
  helpdeskKind: string;
}

/**
 * Scores a customer from what the helpdesk already holds about them: the user fields named in
 * the tenant's configuration, run through the Reach model, so the score explains itself. On the
 * ticket path it uses the requester details already fetched for the event; otherwise it reads the
 * requester once through the helpdesk API, behind the tenant's circuit breaker and, on the
 * scheduled refresh, its rate limiter.
 *
 * @example await new HelpdeskMetricsProvider({ fieldKeys, helpdesk: async () => client, breaker, helpdeskKind: tenant.helpdesk.kind }).score(request)
 */
export class HelpdeskMetricsProvider implements ScoreProvider {
  readonly name = 'helpdesk-metrics';
  readonly #prefix: string;

  constructor(private readonly options: HelpdeskMetricsOptions) {
    this.#prefix = `${options.helpdeskKind}:`;
  }

  async score(request: ScoreRequest): Promise<ScoreLookup> {
    let details = request.requesterDetails;
    if (!details) {
      const fetched = await this.#fetchDetails(request);
      if ('outcome' in fetched) return fetched;
      details = fetched.details;
    }
    const reading = readReachInputs(details.fields, this.options.fieldKeys, request.now);
    if (!reading.ok) return { outcome: 'no-score', reason: reading.reason };
    const result = computeReachScore(reading.inputs);
    return {
      outcome: 'scored',
      score: toInfluenceScore(result, { source: 'helpdesk-metrics', scoredAt: request.now, refreshAfterDays: request.refreshAfterDays }),
    };
  }

  async #fetchDetails(request: ScoreRequest): Promise<{ details: RequesterDetails } | ScoreLookup> {
    const qualified = request.profile.identities.helpdeskUserIds.find((id) => id.startsWith(this.#prefix));
    const userId = qualified?.slice(this.#prefix.length) ?? request.requester?.helpdeskUserId;
    if (!userId) return { outcome: 'no-score', reason: `no ${this.#prefix.slice(0, -1)} user id is known for this customer` };
    if (request.purpose === 'scheduled') await this.options.limiter?.acquire();
    const permit = this.options.breaker.admit();
    if (!permit) return failed('circuit-open', 'helpdesk lookups paused after repeated failures');
    try {
      const helpdesk = await this.options.helpdesk();
      if (!helpdesk.getRequester) {
        permit.success();
        return { outcome: 'no-score', reason: 'this helpdesk holds no requester fields to score from' };
      }
      const details = await helpdesk.getRequester(userId);
      permit.success();
      return { details };
    } catch (error) {
      if (error instanceof PermanentHelpdeskError && error.status === 404) {
        permit.success();
        return { outcome: 'no-score', reason: `helpdesk user ${userId} no longer exists` };
      }
      permit.failure();
      return failureOf(error);
    }
  }
}
