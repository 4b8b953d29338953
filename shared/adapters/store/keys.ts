import { parseDecisionId } from '../../domain/decision-record.js';
import { InvalidKeyPartError } from './errors.js';

/**
 * Every key in the table is built here, so the layout lives in one place:
 *
 * - profile:  `T#<tenant>#C#<customerKey>`           / `PROFILE`
 * - alias:    `T#<tenant>#A#<identityHash>`          / `ALIAS`
 * - survey:   `T#<tenant>#C#<customerKey>`           / `SURVEY#<responseId>`
 * - decision: `T#<tenant>#TICKET#<ticketId>`         / `DECISION#<decisionId>`
 * - decision pointer: `T#<tenant>#C#<customerKey>`   / `DECISIONREF#<decisionId>` (a customer's decisions without a scan)
 * - answer index: `T#<tenant>#ANSWERS#<YYYY-MM-DD>` / `<responseId>` (a period's answers, day by day, without a scan)
 * - tenant configuration: `T#<tenant>#CONFIG` / `CURRENT` (what the functions read), and one
 *   `VERSION#<0000000001>` per change (the history); the current item alone carries the keys of
 *   the sparse tenants index, so the tenants are listed without a scan
 *
 * Every partition key starts with `T#<tenant>#`, so no query can reach another tenant's items,
 * and none starts with `idempotency#`, which Powertools idempotency records use in this table.
 */

/** A table item's primary key. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** Sort key of a customer profile. */
export const PROFILE_SK = 'PROFILE';
/** Sort key of an identity alias. */
export const ALIAS_SK = 'ALIAS';
/** Sort-key prefix of a survey answer. */
export const SURVEY_SK_PREFIX = 'SURVEY#';
/** Sort-key prefix of a decision. */
export const DECISION_SK_PREFIX = 'DECISION#';
/** Sort-key prefix of a pointer from a customer's partition to a decision about them. */
export const DECISION_REF_SK_PREFIX = 'DECISIONREF#';
/** How many partitions the refresh index spreads scored profiles over. */
export const REFRESH_BUCKET_COUNT = 16;

const SEPARATOR = '#';

/**
 * Checks one key part: a part holding the separator could forge another segment
 * (a tenant `a#C#x` would read another tenant's items), so it is refused, as is an empty part.
 *
 * @example keyPart('tenant', 'acme') // 'acme'
 */
export function keyPart(name: string, value: string): string {
  if (value.length === 0) throw new InvalidKeyPartError(`${name} must not be empty`);
  if (value.includes(SEPARATOR)) throw new InvalidKeyPartError(`${name} must not contain "${SEPARATOR}"`);
  return value;
}

function tenantPrefix(tenant: string): string {
  return `T#${keyPart('tenant', tenant)}#`;
}

/**
 * Key of a customer profile.
 *
 * @example profileKey('acme', 'k1') // { pk: 'T#acme#C#k1', sk: 'PROFILE' }
 */
export function profileKey(tenant: string, customerKey: string): ItemKey {
  return { pk: `${tenantPrefix(tenant)}C#${keyPart('customerKey', customerKey)}`, sk: PROFILE_SK };
}

/**
 * Key of the alias item that maps an identity's hash to a customer key.
 *
 * @example aliasKey('acme', 'h1') // { pk: 'T#acme#A#h1', sk: 'ALIAS' }
 */
export function aliasKey(tenant: string, identityHash: string): ItemKey {
  return { pk: `${tenantPrefix(tenant)}A#${keyPart('identityHash', identityHash)}`, sk: ALIAS_SK };
}

/**
 * Key of one survey answer in the customer's partition: by response id alone, so an answer the
 * tool sends again with another time (a changed rating) replaces the one it had; the time is an
 * attribute of the item.
 *
 * @example surveyAnswerKey('acme', 'k1', 'typeform:r1') // sk 'SURVEY#typeform:r1'
 */
export function surveyAnswerKey(tenant: string, customerKey: string, responseId: string): ItemKey {
  const { pk } = profileKey(tenant, customerKey);
  return { pk, sk: `${SURVEY_SK_PREFIX}${keyPart('responseId', responseId)}` };
}

const DAY = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

/**
 * Partition key of one UTC day of a tenant's answer index.
 *
 * @example answerIndexPk('acme', '2026-11-23') // 'T#acme#ANSWERS#2026-11-23'
 */
export function answerIndexPk(tenant: string, day: string): string {
  if (!DAY.test(day)) throw new InvalidKeyPartError('day must be a UTC date, YYYY-MM-DD');
  return `${tenantPrefix(tenant)}ANSWERS#${day}`;
}

/**
 * Partition key of one UTC day of a tenant's decisions in the decisions-by-day index.
 *
 * @example decisionDayPk('acme', '2026-11-23') // 'T#acme#DECISIONS#2026-11-23'
 */
export function decisionDayPk(tenant: string, day: string): string {
  if (!DAY.test(day)) throw new InvalidKeyPartError('day must be a UTC date, YYYY-MM-DD');
  return `${tenantPrefix(tenant)}DECISIONS#${day}`;
}

/**
 * Key of one answer in the period index: its UTC day's partition, upserted by response id.
 *
 * @example answerIndexKey('acme', '2026-11-23', 'r1') // { pk: 'T#acme#ANSWERS#2026-11-23', sk: 'r1' }
 */
export function answerIndexKey(tenant: string, day: string, responseId: string): ItemKey {
  return { pk: answerIndexPk(tenant, day), sk: keyPart('responseId', responseId) };
}

/**
 * The ticket a decision id files the decision under (see `parseDecisionId`), refusing an id no
 * decision could have.
 */
function ticketOfDecision(decisionId: string): string {
  const parts = parseDecisionId(decisionId);
  if (!parts) throw new InvalidKeyPartError(`decisionId must look like "<source>:<event>:<ticketId>"`);
  return parts.ticketId;
}

/**
 * Partition key holding every decision about one ticket.
 *
 * @example ticketDecisionsPk('acme', '123') // 'T#acme#TICKET#123'
 */
export function ticketDecisionsPk(tenant: string, ticketId: string): string {
  return `${tenantPrefix(tenant)}TICKET#${keyPart('ticketId', ticketId)}`;
}

/**
 * Key of a decision. The ticket id comes from the decision id, so one GetItem finds a decision by
 * id and one Query lists a ticket's decisions.
 *
 * @example decisionKey('acme', 'zendesk:ticket-created:123') // { pk: 'T#acme#TICKET#123', sk: 'DECISION#zendesk:ticket-created:123' }
 */
export function decisionKey(tenant: string, decisionId: string): ItemKey {
  return { pk: ticketDecisionsPk(tenant, ticketOfDecision(decisionId)), sk: `${DECISION_SK_PREFIX}${keyPart('decisionId', decisionId)}` };
}

/**
 * Reads the tenant and customer key back from a profile's partition key (for items found
 * through the refresh index); undefined for any other key.
 *
 * @example parseProfileKey('T#acme#C#k1') // { tenant: 'acme', customerKey: 'k1' }
 */
export function parseProfileKey(pk: string): { tenant: string; customerKey: string } | undefined {
  const match = /^T#([^#]+)#C#([^#]+)$/.exec(pk);
  const tenant = match?.[1];
  const customerKey = match?.[2];
  return tenant && customerKey ? { tenant, customerKey } : undefined;
}

/**
 * The refresh-index partition of a customer: the tenant, then a small, stable hash of the
 * customer key spread over `REFRESH_BUCKET_COUNT` partitions, so the refresh job queries a few
 * partitions of one tenant and never scans, nor reads another tenant's items.
 *
 * @example refreshBucketFor('acme', 'k1') // 'T#acme#REFRESH#1'
 */
export function refreshBucketFor(tenant: string, customerKey: string): string {
  // FNV-1a, 32 bits: tiny, stable across runtimes, and even enough over keyed-hash inputs.
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerKey.length; i += 1) {
    hash ^= customerKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${tenantPrefix(tenant)}REFRESH#${hash % REFRESH_BUCKET_COUNT}`;
}

/**
 * Every refresh-index partition of a tenant, for the job that walks them.
 *
 * @example refreshBuckets('acme').length // 16
 */
export function refreshBuckets(tenant: string): string[] {
  return Array.from({ length: REFRESH_BUCKET_COUNT }, (_, n) => `${tenantPrefix(tenant)}REFRESH#${n}`);
}

/**
 * Key of the pointer, in the customer's partition, to a decision about them: one Query of the
 * partition lists everything held about a customer, decisions included.
 *
 * @example decisionRefKey('acme', 'k1', 'zendesk:ticket-created:123') // { pk: 'T#acme#C#k1', sk: 'DECISIONREF#zendesk:ticket-created:123' }
 */
export function decisionRefKey(tenant: string, customerKey: string, decisionId: string): ItemKey {
  const { pk } = profileKey(tenant, customerKey);
  // Refuses an id no decision could have, as decisionKey does, so every pointer can be followed.
  ticketOfDecision(decisionId);
  return { pk, sk: `${DECISION_REF_SK_PREFIX}${keyPart('decisionId', decisionId)}` };
}

/** Sort key of a tenant's current configuration. */
export const TENANT_CURRENT_SK = 'CURRENT';
/** Sort-key prefix of one version of a tenant's configuration. */
export const TENANT_VERSION_SK_PREFIX = 'VERSION#';
/** The one partition of the tenants index: every tenant's current configuration, by id. */
export const TENANT_LIST_PARTITION = 'TENANTS';

/**
 * Partition key of a tenant's configuration: its current item and every version.
 *
 * @example tenantConfigPk('acme') // 'T#acme#CONFIG'
 */
export function tenantConfigPk(tenant: string): string {
  return `${tenantPrefix(tenant)}CONFIG`;
}

/** Every tenant's configuration partition, as an IAM condition on the leading key matches it. */
export const TENANT_CONFIG_PK_PATTERN = 'T#*#CONFIG';

/**
 * Key of a tenant's current configuration: the one item a function reads for the tenant.
 *
 * @example tenantCurrentKey('acme') // { pk: 'T#acme#CONFIG', sk: 'CURRENT' }
 */
export function tenantCurrentKey(tenant: string): ItemKey {
  return { pk: tenantConfigPk(tenant), sk: TENANT_CURRENT_SK };
}

/**
 * Key of one version of a tenant's configuration; zero-padded so the versions sort in order.
 *
 * @example tenantVersionKey('acme', 3) // { pk: 'T#acme#CONFIG', sk: 'VERSION#0000000003' }
 */
export function tenantVersionKey(tenant: string, version: number): ItemKey {
  if (!Number.isInteger(version) || version < 1 || version > 9_999_999_999) {
    throw new InvalidKeyPartError('version must be a whole number from 1');
  }
  return { pk: tenantConfigPk(tenant), sk: `${TENANT_VERSION_SK_PREFIX}${String(version).padStart(10, '0')}` };
}
