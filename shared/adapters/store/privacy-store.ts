import { type DocumentClient, PutCommand } from '../aws/dynamodb.js';
import * as z from 'zod';
import type { CustomerProfile, Identity } from '../../domain/customer.js';
import type { IdentityHasher, PrivacyStore } from '../../domain/ports.js';
import type { CustomerRecords, ErasureReport, HeldAlias } from '../../domain/customer-records.js';
import type { DecisionRecord } from '../../domain/decision-record.js';
import { type BatchRetryOptions, batchGetAll, batchWriteAll, mapConcurrent, queryPartition } from './batch.js';
import { identityHashesOf, parseAlias } from './customer-items.js';
import { transactWrite } from './transactions.js';
import { DecisionRecordSchema, decisionIndexAttributes } from './decision-items.js';
import { CorruptItemError } from './errors.js';
import { DECISION_REF_SK_PREFIX, type ItemKey, PROFILE_SK, SURVEY_SK_PREFIX, aliasKey, decisionKey, profileKey } from './keys.js';
import { TTL_ATTRIBUTE, withoutStorageAttributes } from './table.js';

/** What replaces a personal text field of a decision once its customer is erased. */
export const ERASED = 'erased';

const KeySchema = z.object({ pk: z.string(), sk: z.string() });
const ExpirationSchema = z.object({ [TTL_ATTRIBUTE]: z.number().optional() });
const PointerSchema = z.object({ decisionId: z.string().min(1) });

const keyId = (key: ItemKey) => `${key.pk}\n${key.sk}`;

function retainedUntil(item: Record<string, unknown>): string | undefined {
  const expiration = ExpirationSchema.safeParse(item);
  const seconds = expiration.success ? expiration.data[TTL_ATTRIBUTE] : undefined;
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}

/**
 * A decision record without what it says about the person: the customer key, the score and
 * NPS answer it used, the guardrail messages (which quote override reasons) and the note, the
 * texts replaced by "erased". What stays is the non-personal audit trail: ticket, delivery,
 * times, policy version, tier, matched rules, guardrail ids, what was written and the status.
 *
 * @example redactDecisionRecord(record).note // 'erased'
 */
export function redactDecisionRecord(record: DecisionRecord): DecisionRecord {
  const { customerKey: _customerKey, ...rest } = record;
  const { score: _score, nps: _nps, ...decision } = record.decision;
  return {
    ...rest,
    note: ERASED,
    decision: { ...decision, guardrails: decision.guardrails.map((guardrail) => ({ id: guardrail.id, message: ERASED })) },
  };
}

/** What replaces the note of a decision once its customer opts out. */
export const REDACTED_FOR_OPT_OUT = 'redacted: the customer opted out of influence scoring';

/**
 * A decision record without the score and NPS answer it used, and without its note (which
 * quotes them): what an opt-out deletes from the audit trail. The rest of the record stays.
 *
 * @example withoutScoreDetails(record).decision.score // undefined
 */
export function withoutScoreDetails(record: DecisionRecord): DecisionRecord {
  const { score: _score, nps: _nps, ...decision } = record.decision;
  return { ...record, note: REDACTED_FOR_OPT_OUT, decision };
}

/**
 * Reads and erases everything held about a customer in the single table. Everything of a
 * customer but their aliases and decisions lives in their partition (profile, survey answers,
 * pointers to decisions), so one Query finds it; aliases are found by hashing the identities the
 * profile lists, decisions through the pointers.
 *
 * @example const privacy = new DynamoPrivacyStore(documentClient, tableName, hmacIdentityHashers(secret));
 */
export class DynamoPrivacyStore implements PrivacyStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly hasher: (tenant: string) => IdentityHasher,
    private readonly retry: BatchRetryOptions = {},
  ) {}

  /** The profile's aliases, survey answers and decisions, as stored. */
  async records(profile: CustomerProfile): Promise<CustomerRecords> {
    const items = await this.partition(profile);
    const profileItem = items.find((item) => item.sk === PROFILE_SK);
    const until = profileItem ? retainedUntil(profileItem) : undefined;
    const surveyAnswers = items
      .filter((item) => item.sk.startsWith(SURVEY_SK_PREFIX))
      .map((item) => {
        const answerUntil = retainedUntil(item);
        return { ...withoutStorageAttributes(item), ...(answerUntil ? { retainedUntil: answerUntil } : {}) };
      });
    const aliases = (await this.aliasesOf(profile, [])).map(({ identityHash, kind }) => ({ identityHash, ...(kind ? { kind } : {}) }));
    const decisions = await this.decisionsOf(profile, items);
    return {
      profile,
      ...(until ? { retainedUntil: until } : {}),
      aliases,
      surveyAnswers,
      decisions: decisions.map(({ record }) => record).sort((a, b) => Date.parse(b.decidedAt) - Date.parse(a.decidedAt)),
    };
  }

  /**
   * Erases in an order that can be run again after any failure: decisions are redacted first,
   * then the partition's survey answers and pointers and the aliases go, and last, in one
   * transaction, the profile with the aliases of the identities it was found by, so a second run
   * still finds whatever is left.
   */
  async erase(profile: CustomerProfile, identities: readonly Identity[], erasedAt: string): Promise<ErasureReport> {
    const items = await this.partition(profile);
    const decisions = await this.decisionsOf(profile, items);
    const toRedact = decisions.filter(({ record }) => record.customerKey !== undefined || record.note !== ERASED);
    await mapConcurrent(toRedact, this.retry.concurrency ?? 4, ({ record, key, item }) => {
      const redacted = redactDecisionRecord(record);
      return this.client
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...redacted, ...key, ...decisionIndexAttributes(redacted), ...ExpirationSchema.parse(item), erasedAt },
            // A decision the TTL deleted meanwhile is not brought back.
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        });
    });

    const partitionItems = items.filter((item) => item.sk !== PROFILE_SK);
    await batchWriteAll(
      this.client,
      this.tableName,
      partitionItems.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
      this.retry,
    );

    const aliases = await this.aliasesOf(profile, identities);
    const early = aliases.filter((alias) => !alias.foundBy);
    const last = aliases.filter((alias) => alias.foundBy);
    await batchWriteAll(
      this.client,
      this.tableName,
      early.map((alias) => ({ DeleteRequest: { Key: aliasKey(profile.tenant, alias.identityHash) } })),
      this.retry,
    );
    const profileDeleted = items.some((item) => item.sk === PROFILE_SK);
    await transactWrite(this.client, [
      { Delete: { TableName: this.tableName, Key: profileKey(profile.tenant, profile.customerKey) } },
      ...last.map((alias) => ({ Delete: { TableName: this.tableName, Key: aliasKey(profile.tenant, alias.identityHash) } })),
    ]);

    return {
      customerKey: profile.customerKey,
      profileDeleted,
      aliasesDeleted: aliases.length,
      surveyAnswersDeleted: partitionItems.filter((item) => item.sk.startsWith(SURVEY_SK_PREFIX)).length,
      decisionPointersDeleted: partitionItems.filter((item) => item.sk.startsWith(DECISION_REF_SK_PREFIX)).length,
      decisionsRedacted: toRedact.length,
    };
  }

  /** Removes the score, NPS answer and note from every decision recorded about the customer. */
  async redactScoreDetails(profile: CustomerProfile): Promise<number> {
    const decisions = await this.decisionsOf(profile, await this.partition(profile));
    const toRedact = decisions.filter(
      ({ record }) => record.decision.score !== undefined || record.decision.nps !== undefined || record.note !== REDACTED_FOR_OPT_OUT,
    );
    await mapConcurrent(toRedact, this.retry.concurrency ?? 4, ({ record, key, item }) => {
      const redacted = withoutScoreDetails(record);
      return this.client
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...redacted, ...key, ...decisionIndexAttributes(redacted), ...ExpirationSchema.parse(item) },
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        });
    });
    return toRedact.length;
  }

  /** Every item in the customer's partition, read strongly consistent. */
  private async partition(profile: CustomerProfile): Promise<(Record<string, unknown> & ItemKey)[]> {
    const { pk } = profileKey(profile.tenant, profile.customerKey);
    return (await queryPartition(this.client, this.tableName, pk)).map((item) => ({ ...item, ...KeySchema.parse(item) }));
  }

  /**
   * The aliases that point at this profile: one per identity it lists, and per identity it was
   * found by (`foundBy`); an alias that points elsewhere belongs to another profile and is left.
   */
  private async aliasesOf(profile: CustomerProfile, foundBy: readonly Identity[]): Promise<(HeldAlias & { foundBy: boolean })[]> {
    const hasher = this.hasher(profile.tenant);
    const hashes = identityHashesOf(profile.identities, hasher);
    const given = new Set(foundBy.map((identity) => hasher.hash(identity)));
    const candidates = [...new Set([...hashes.keys(), ...given])].filter((hash) => hash !== profile.customerKey);
    if (candidates.length === 0) return [];
    const items = await batchGetAll(
      this.client,
      this.tableName,
      candidates.map((hash) => aliasKey(profile.tenant, hash)),
      this.retry,
    );
    const byKey = new Map(items.map((item) => [keyId(KeySchema.parse(item)), item]));
    const held: (HeldAlias & { foundBy: boolean })[] = [];
    for (const hash of candidates) {
      const key = aliasKey(profile.tenant, hash);
      const item = byKey.get(keyId(key));
      if (!item) continue;
      const alias = parseAlias(item, key, profile.tenant);
      if (alias.customerKey !== profile.customerKey) continue;
      const kind = alias.kind ?? hashes.get(hash);
      held.push({ identityHash: hash, ...(kind ? { kind } : {}), foundBy: given.has(hash) });
    }
    return held;
  }

  /**
   * The decisions about this customer the partition's pointers name, as stored; a pointer whose
   * decision expired, or is not (yet, or any more) about this customer, is skipped.
   */
  private async decisionsOf(
    profile: CustomerProfile,
    items: readonly (Record<string, unknown> & ItemKey)[],
  ): Promise<{ record: DecisionRecord; key: ItemKey; item: Record<string, unknown> }[]> {
    const keys = items
      .filter((item) => item.sk.startsWith(DECISION_REF_SK_PREFIX))
      .map((item) => {
        const pointer = PointerSchema.safeParse(item);
        if (!pointer.success) throw new CorruptItemError('decision pointer failed validation', item, { cause: pointer.error });
        return decisionKey(profile.tenant, pointer.data.decisionId);
      });
    if (keys.length === 0) return [];
    const found = await batchGetAll(this.client, this.tableName, keys, this.retry);
    return found.flatMap((item) => {
      const key = KeySchema.parse(item);
      const parsed = DecisionRecordSchema.safeParse(withoutStorageAttributes(item));
      if (!parsed.success) {
        throw new CorruptItemError(`decision item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
      }
      if (parsed.data.tenant !== profile.tenant) throw new CorruptItemError('decision item belongs to another tenant', key);
      if (parsed.data.customerKey !== profile.customerKey) return [];
      return [{ record: parsed.data, key: { pk: key.pk, sk: key.sk }, item }];
    });
  }
}
