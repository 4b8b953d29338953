import type { CustomerProfile, IdentityKind } from './customer.js';
import type { DecisionRecord } from './decision-record.js';

/** Whether a guarded write went through, or the item changed since it was read. */
export type GuardedWriteOutcome = 'written' | 'conflict';

/** An alias as held: which kind of identity, and its keyed hash (never the identity itself). */
export interface HeldAlias {
  identityHash: string;
  kind?: IdentityKind;
}

/** Everything held about one customer profile. */
export interface CustomerRecords {
  profile: CustomerProfile;
  /** When the table's TTL deletes the profile if nothing updates it; undefined while opted out. */
  retainedUntil?: string;
  aliases: HeldAlias[];
  /** Survey answers as stored, with every attribute they have. */
  surveyAnswers: Record<string, unknown>[];
  decisions: DecisionRecord[];
}

/** What an erasure removed or redacted. */
export interface ErasureReport {
  customerKey: string;
  profileDeleted: boolean;
  aliasesDeleted: number;
  surveyAnswersDeleted: number;
  decisionPointersDeleted: number;
  decisionsRedacted: number;
}
