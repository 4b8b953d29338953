import type { DecisionRecord } from './decision-record.js';
import type { Source, TrustLevel } from './events.js';
import type { NpsCategory } from './nps.js';
import type { Priority } from './priority.js';
import type { ScoreFailureKind } from './score-lookup.js';
import type { Tier } from './tiers.js';

/** What the decisions-by-day index keeps of a decision: enough to list, filter and count it. */
export interface DecisionSummary {
  tier: Tier;
  mode: 'active' | 'shadow';
  uplift: number;
  requestedUplift: number;
  priority?: Priority;
  helpdeskPriority?: Priority;
  /** Ids of the rules that matched. */
  rules: string[];
  /** Ids of the guardrails that spoke. */
  guardrails: string[];
  nps?: NpsCategory;
  score?: { value: number; source: 'override' | 'provider'; freshness: 'fresh' | 'stale' | 'expired'; trust?: TrustLevel };
  /** How the score provider failed on this ticket's path, when it did. */
  providerFailure?: ScoreFailureKind;
  /** When the ticket was (last) solved, once it was. */
  solvedAt?: string;
  /** First reply time in calendar minutes; absent: no reply yet (censored), never 0 in its place. */
  frMin?: number;
  /** Full resolution time in calendar minutes; absent when not known. */
  resMin?: number;
  /** Times the ticket was reopened, once solved. */
  reopens?: number;
  /** The version of the tenant's configuration the decision was made with. */
  configVersion?: number;
}

/** One decided record as the decisions-by-day index lists it (the note and the explanation stay in the record). */
export interface DecisionListing {
  tenant: string;
  decisionId: string;
  ticketId: string;
  source: Source;
  status: DecisionRecord['status'];
  decidedAt: string;
  customerKey?: string;
  summary: DecisionSummary;
  skippedReason?: string;
  failedReason?: string;
}

/** A page of one day's decisions, newest first, and where the next page starts. */
export interface DecisionDayPage {
  listings: DecisionListing[];
  /** For each listing, the opaque cursor that reads on from just after it. */
  after: string[];
  /** Opaque: reads on after the page; absent on the day's last page. */
  cursor?: string;
}
