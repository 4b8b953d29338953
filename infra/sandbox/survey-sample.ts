import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import type { SignedDelivery } from './sandbox-demo.js';

/** One survey answer to send as a survey tool would. */
export interface SampleAnswer {
  /** The survey tool's response id; the same id sent twice is one answer (created, then updated). */
  responseId: string;
  /** 0-10 for NPS; 1 to the scale for CSAT (good is 2 and bad 1 on a 2-point scale). */
  score: number;
  comment?: string;
  /** The helpdesk ticket the answer is about. */
  ticketId?: string;
  email: string;
  /** The helpdesk user id of the respondent. */
  userId?: string;
  /** `updated`: the tool's second delivery of the same answer (an update event, where the tool sends one). */
  phase?: 'created' | 'updated';
  answeredAt?: Date;
}

/** How one survey source sends an answer in local mode, for `npm run send-survey` and the tests. */
export interface SurveySample {
  /** The source's name, as in the registry: `POST /webhooks/{tenant}/{source}`. */
  readonly source: string;
  /** What its score means, for a command's help. */
  readonly scores: string;
  deliver(answer: SampleAnswer): SignedDelivery;
  /** Whether every answer is about a ticket (a helpdesk's own satisfaction rating): `--ticket` is then required. */
  readonly needsTicket?: boolean;
  /** The response id the tool would use when none is given (e.g. one rating per ticket). */
  responseIdFor?(ticketId: string | undefined): string | undefined;
  /**
   * The source as the default demo tenant accepts it, signed with the secret `deliver` uses;
   * absent for a helpdesk's own survey source, which that helpdesk's demo tenant declares.
   */
  readonly demoSources?: TenantInput['sources'];
}

/** A survey tool's timestamps: ISO 8601 in UTC with whole seconds. */
export const isoSeconds = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
