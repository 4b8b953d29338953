import type { Tier } from './tiers.js';

/**
 * One survey answer as the period index holds it: what the NPS and CSAT report needs, and nothing
 * personal (no customer key, no identity, no comment), so it needs no erasure.
 */
export interface IndexedAnswer {
  tenant: string;
  responseId: string;
  source: string;
  answeredAt: string;
  kind: 'nps' | 'csat';
  score: number;
  scale: number;
  /** The customer's influence tier when they answered (`none` without a usable score or when opted out). */
  tier: Tier;
  /** Which version of the answer this is (`answerRevision`): an older one never replaces it. */
  revision?: string;
  /** The ticket the answer is about, when the survey named one: the report compares raised and held-out tickets by it. */
  ticketId?: string;
}

/** What reading a period of the index took: the answers, and the partitions and requests it read. */
export interface IndexedPeriod {
  answers: IndexedAnswer[];
  /** Day partitions read: one per day of the period, never a scan. */
  partitions: number;
  /** DynamoDB requests made (a query per page of each day). */
  requests: number;
}

/**
 * What writing a version of a survey answer did: `written`, or `superseded` when a newer version
 * of the same answer was stored already and was kept (the write changed nothing).
 */
export type SurveyAnswerWrite = 'written' | 'superseded';
