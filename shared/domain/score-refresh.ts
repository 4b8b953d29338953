import type { CustomerProfile } from './customer.js';

/** A profile the refresh queue holds as due, with the queue's bookkeeping. */
export interface DueProfile {
  profile: CustomerProfile;
  /** When it became due: its place in the queue. */
  dueAt: string;
  /** Failed refreshes in a row since the last good answer. */
  failures: number;
}

/**
 * What a conditional write to a profile did: `changed` when its score is no longer the one read
 * (an import, an override or another refresh got there first), `opted-out`, or `gone` (erased).
 */
export type ScoreWriteOutcome = 'written' | 'changed' | 'opted-out' | 'gone';
