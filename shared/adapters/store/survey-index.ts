import { type DocumentClient, QueryCommand } from '../aws/dynamodb.js';
import * as z from 'zod';
import { RetentionSchema } from '../../domain/customer.js';
import { ConfigurationError } from '../../domain/errors.js';
import type { SurveyAnswerIndex } from '../../domain/ports.js';
import type { IndexedAnswer, IndexedPeriod, SurveyAnswerWrite } from '../../domain/survey-answers.js';
import { TierSchema } from '../../domain/tiers.js';
import { mapConcurrent } from './batch.js';
import { CorruptItemError, StoreError } from './errors.js';
import { answerIndexKey, answerIndexPk } from './keys.js';
import { putNewestAnswer } from './newest-answer.js';
import { TTL_ATTRIBUTE, withoutStorageAttributes } from './table.js';

/** The longest period one read may cover: one Query per day, so the cost of a read is bounded. */
export const MAX_PERIOD_DAYS = 400;

/** Day partitions read at once when the options do not say. */
export const DEFAULT_DAY_CONCURRENCY = 8;

/** Days an indexed answer is kept after it was given when the options do not say (the survey retention). */
export const DEFAULT_SURVEY_RETENTION_DAYS = RetentionSchema.parse({}).surveyRetentionDays;

const DAY_MS = 86_400_000;
const DAY_SECONDS = 86_400;

/** Schema of a stored index entry (the domain declares it as an interface). */
export const IndexedAnswerSchema = z
  .object({
    tenant: z.string().min(1),
    responseId: z.string().min(1),
    source: z.string().min(1),
    answeredAt: z.iso.datetime({ offset: true }),
    kind: z.enum(['nps', 'csat']),
    score: z.number().min(0),
    scale: z.number().int().positive(),
    tier: TierSchema,
    revision: z.string().min(1).optional(),
    ticketId: z.string().min(1).optional(),
  })
  // The same rules as a SurveyAnswered event, so the report's maths never meets a score it cannot count.
  .refine((answer) => answer.score <= answer.scale, { message: 'score must not be above the scale', path: ['score'] })
  .refine((answer) => answer.kind !== 'nps' || (answer.scale === 10 && Number.isInteger(answer.score)), {
    message: 'an NPS answer is a whole number from 0 to 10',
    path: ['score'],
  })
  .refine((answer) => answer.kind !== 'csat' || (answer.score >= 1 && Number.isInteger(answer.score)), {
    message: 'a CSAT answer is a whole number from 1 to its scale',
    path: ['score'],
  }) satisfies z.ZodType<IndexedAnswer>;

/** Options of the answer index. */
export interface SurveyIndexOptions {
  /** Days an answer is kept after it was given, through the table's TTL (default 730). */
  surveyRetentionDays?: number;
  /** Items per Query page (DynamoDB's `Limit`); unset, a page is as large as DynamoDB allows (1 MB). */
  limit?: number;
  /** Day partitions queried at once (default 8). */
  concurrency?: number;
}

/**
 * The UTC day of an instant, as the index partitions by it.
 *
 * @example utcDay(new Date('2026-11-23T23:30:00-02:00')) // '2026-11-24'
 */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The stored item of an indexed answer: its day's key, its fields, and a TTL `retentionDays`
 * after it was given. Exported so bulk loads (BatchWriteItem) write exactly what `put` writes.
 *
 * @example await client.send(new PutCommand({ TableName, Item: answerIndexItem(answer) }));
 */
export function answerIndexItem(answer: IndexedAnswer, retentionDays: number = DEFAULT_SURVEY_RETENTION_DAYS): Record<string, unknown> {
  const parsed = IndexedAnswerSchema.safeParse(answer);
  if (!parsed.success) throw new StoreError(`not an indexable answer: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const valid = parsed.data;
  return {
    ...answerIndexKey(valid.tenant, utcDay(new Date(valid.answeredAt)), valid.responseId),
    ...valid,
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(valid.answeredAt) / 1000) + retentionDays * DAY_SECONDS,
  };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`${name} must be a positive whole number, got ${value}`);
  return value;
}

/**
 * The survey answer index in the single table: one partition per tenant and UTC day, one item
 * per response id, so a period is read with one Query per day (never a Scan), and an answer
 * sent again (an edited rating) replaces itself with one conditional PutItem, never with an
 * older version of itself.
 *
 * @example const index = new DynamoSurveyAnswerIndex(documentClient, tableName); await index.inPeriod('acme', from, to);
 */
export class DynamoSurveyAnswerIndex implements SurveyAnswerIndex {
  private readonly retentionDays: number;
  private readonly limit: number | undefined;
  private readonly concurrency: number;

  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    options: SurveyIndexOptions = {},
  ) {
    this.retentionDays = positiveInteger('surveyRetentionDays', options.surveyRetentionDays, DEFAULT_SURVEY_RETENTION_DAYS);
    this.limit = options.limit === undefined ? undefined : positiveInteger('limit', options.limit, 1);
    this.concurrency = positiveInteger('concurrency', options.concurrency, DEFAULT_DAY_CONCURRENCY);
  }

  /**
   * Writes the answer in its day's partition, replacing the one with the same response id unless
   * that one is a newer version (`superseded`: it stays).
   */
  async put(answer: IndexedAnswer): Promise<SurveyAnswerWrite> {
    return putNewestAnswer(this.client, this.tableName, answerIndexItem(answer, this.retentionDays));
  }

  /**
   * Every answer of the tenant given in [from, to), oldest first: one Query per UTC day of the
   * period, paged. A response id found on two days (a rating changed on a later day lands in that
   * day's partition) counts once, as its latest answer.
   */
  async inPeriod(tenant: string, from: Date, to: Date): Promise<IndexedPeriod> {
    const days = periodDays(from, to);
    let requests = 0;
    const perDay = await mapConcurrent(days, this.concurrency, async (day) => {
      const pk = answerIndexPk(tenant, day);
      const found: IndexedAnswer[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        requests += 1;
        // Eventually consistent: a report can miss an answer of the last second, at half the read cost.
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues: { ':pk': pk },
            ...(this.limit ? { Limit: this.limit } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) found.push(parseAnswer(item, pk, tenant));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      // Only the first and last days can hold answers outside the period; the check is as cheap everywhere.
      return found.filter((answer) => {
        const at = Date.parse(answer.answeredAt);
        return at >= from.getTime() && at < to.getTime();
      });
    });
    return { answers: latestPerResponse(perDay.flat()), partitions: days.length, requests };
  }
}

/**
 * The UTC days [from, to) touches, in order; refuses invalid dates and periods over MAX_PERIOD_DAYS.
 *
 * @example periodDays(new Date('2026-11-01T12:00:00Z'), new Date('2026-11-03T00:00:00Z')) // ['2026-11-01', '2026-11-02']
 */
export function periodDays(from: Date, to: Date): string[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new ConfigurationError('the period needs valid from and to dates');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    const length = Math.ceil((to.getTime() - from.getTime()) / DAY_MS);
    throw new ConfigurationError(`the period is ${length} days; at most ${MAX_PERIOD_DAYS} days are read at once`);
  }
  const days: string[] = [];
  for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) days.push(utcDay(new Date(day)));
  return days;
}

function parseAnswer(item: Record<string, unknown>, pk: string, tenant: string): IndexedAnswer {
  const key = { pk, sk: typeof item.sk === 'string' ? item.sk : '?' };
  const parsed = IndexedAnswerSchema.safeParse(withoutStorageAttributes(item));
  if (!parsed.success) {
    throw new CorruptItemError(`answer index item failed validation: ${z.prettifyError(parsed.error)}`, key, { cause: parsed.error });
  }
  if (parsed.data.tenant !== tenant) throw new CorruptItemError('answer index item belongs to another tenant', key);
  return parsed.data;
}

function latestPerResponse(answers: readonly IndexedAnswer[]): IndexedAnswer[] {
  const latest = new Map<string, IndexedAnswer>();
  for (const answer of answers) {
    const known = latest.get(answer.responseId);
    if (!known || Date.parse(answer.answeredAt) > Date.parse(known.answeredAt)) latest.set(answer.responseId, answer);
  }
  return [...latest.values()].sort(
    (a, b) => Date.parse(a.answeredAt) - Date.parse(b.answeredAt) || a.responseId.localeCompare(b.responseId),
  );
}
