import type { CustomerProfile } from './customer.js';
import type { Requester, RequesterDetails } from './events.js';
import type { InfluenceScore } from './score.js';

/** Why a provider is asked: on the ticket path (one quick attempt) or by the scheduled refresh (retries). */
export type ScorePurpose = 'inline' | 'scheduled';

/** One request to a score provider. */
export interface ScoreRequest {
  tenant: string;
  profile: CustomerProfile;
  /** The requester as the webhook described them, when there is an event. */
  requester?: Requester;
  /** What the helpdesk said about the requester on this event, when it was already fetched: saves a lookup. */
  requesterDetails?: RequesterDetails;
  purpose: ScorePurpose;
  now: Date;
  /** Days until a score made now is due for refresh (the tenant's policy). */
  refreshAfterDays: number;
}

/** Why a provider call failed. `circuit-open` failed fast without calling the provider. */
export type ScoreFailureKind = 'timeout' | 'unavailable' | 'rate-limited' | 'malformed' | 'rejected' | 'circuit-open';

/**
 * What a score provider answered: a score; no score for this customer, and why; or a failure,
 * and why. Providers answer failures instead of throwing them, so no caller can forget one.
 */
export type ScoreLookup =
  | { outcome: 'scored'; score: InfluenceScore }
  | { outcome: 'no-score'; reason: string }
  | {
      outcome: 'failed';
      kind: ScoreFailureKind;
      reason: string;
      retryAfterMs?: number;
      /**
       * The part of the provider whose own limit failed the lookup (a network's label, "GitHub"),
       * when only that part is held back: the refresh goes on with customers who need other parts.
       */
      part?: string;
      /**
       * Why the stored score must go now: it holds data kept as long as a network's terms allow
       * (YouTube: 30 days), and this lookup could not refresh it.
       */
      deleteStored?: string;
    };
