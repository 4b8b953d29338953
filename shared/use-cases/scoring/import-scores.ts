import * as z from 'zod';
import type { Identity } from '../../domain/customer.js';
import type { InfluenceScore } from '../../domain/score.js';

/** One row of an import file, or why its line could not be read; `line` is 1-based. */
export type ImportRow = { line: number; fields: Record<string, string> } | { line: number; error: string };

/** A score to store for the customer known by `identity`. */
export interface ImportedScore {
  identity: Identity;
  score: InfluenceScore;
}

/** Where imported scores go. */
export interface ScoreImportStore {
  /**
   * Stores each score on the customer known by its identity (a new profile when nobody is),
   * keeping every other field; later entries win for the same customer; repeatable. Customers
   * who opted out are never scored: their entries' indexes come back in `optedOut`.
   */
  upsertScores(tenant: string, entries: readonly ImportedScore[], updatedAt: string): Promise<{ optedOut: readonly number[] }>;
}

/** What an import reads. */
export interface ImportScoresInput {
  tenant: string;
  rows: AsyncIterable<ImportRow>;
  now: Date;
  /** The file name, quoted in each score's explanation. */
  sourceName: string;
  /** The columns that may hold a helpdesk user id, and whose ids they are. */
  userIdColumns: readonly UserIdColumn[];
}

/** A column of helpdesk user ids: `<helpdesk>_user_id`, checked with that helpdesk's id form. */
export interface UserIdColumn {
  column: string;
  /** The helpdesk adapter the ids belong to; they are stored qualified as `<helpdesk>:<id>`. */
  helpdesk: string;
  userId: z.ZodType<string>;
}

/** What an import needs. */
export interface ImportScoresDeps {
  store: ScoreImportStore;
  /** Rows handed to the store at once (default 2000); the store batches them further. */
  windowSize?: number;
  /** Called after each window is stored, with the number of rows imported so far. */
  onProgress?: (imported: number) => void;
}

/** A row that was not imported, and why. */
export interface RejectedRow {
  line: number;
  reason: string;
}

/** The outcome of an import. */
export interface ImportScoresResult {
  imported: number;
  rejected: RejectedRow[];
  durationMs: number;
}

/** The column of the tenant's own customer ids (a CRM id): the same id whichever helpdesk or survey tool carries it. */
export const EXTERNAL_ID_COLUMN = 'external_id';

/** The columns that identify the customer of a row (a row uses exactly one): email, external_id, then the user id columns. */
export function identityColumns(userIdColumns: readonly UserIdColumn[]): string[] {
  return ['email', EXTERNAL_ID_COLUMN, ...userIdColumns.map((column) => column.column)];
}

/** The score column. */
export const SCORE_COLUMN = 'score';
/** Model version recorded on imported scores. */
export const IMPORT_MODEL_VERSION = 'import-1';
/** Days after import when a score is due for refresh. */
export const IMPORT_REFRESH_AFTER_DAYS = 7;

const DAY_MS = 86_400_000;

const trimmed = (value: unknown) => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return text.length === 0 ? undefined : text;
};

const ScoreSchema = z.preprocess(
  trimmed,
  z
    .string({ error: 'is missing' })
    .regex(/^\d+$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100')),
);

const EmailSchema = z.preprocess(trimmed, z.email({ error: 'is not a valid email address' }).optional());

// The longest external id the webhooks accept, so an imported id can always be matched.
const ExternalIdSchema = z.preprocess(trimmed, z.string().max(128, 'must be at most 128 characters').optional());

/**
 * The schema of one import row: an email, an external id or one helpdesk user id, and a whole
 * score from 1 to 100; parses to the identity and the score.
 *
 * @example scoreRowSchema(columns).parse({ email: 'ada@example.com', score: '72' })
 */
export function scoreRowSchema(userIdColumns: readonly UserIdColumn[]) {
  const columns = identityColumns(userIdColumns);
  const shape: Record<string, z.ZodType> = { email: EmailSchema, [EXTERNAL_ID_COLUMN]: ExternalIdSchema, score: ScoreSchema };
  for (const { column, userId } of userIdColumns) shape[column] = z.preprocess(trimmed, userId.optional());
  return z.object(shape).transform((row, ctx): { identity: Identity; score: number } => {
    const given = columns.filter((column) => row[column] !== undefined);
    const score = z.number().parse(row['score']);
    const [only] = given;
    if (given.length === 1 && only === 'email') return { identity: { kind: 'email', value: z.string().parse(row['email']) }, score };
    if (given.length === 1 && only === EXTERNAL_ID_COLUMN)
      return { identity: { kind: 'external-id', value: z.string().parse(row[EXTERNAL_ID_COLUMN]) }, score };
    const userIdColumn = userIdColumns.find((column) => column.column === only);
    if (given.length === 1 && userIdColumn) {
      // User ids are kept qualified by the helpdesk they belong to.
      return {
        identity: { kind: 'helpdesk-user', value: `${userIdColumn.helpdesk}:${z.string().parse(row[userIdColumn.column])}` },
        score,
      };
    }
    ctx.addIssue({
      code: 'custom',
      message: given.length === 0 ? `needs one of ${columns.join(', ')}` : `gives ${given.join(' and ')}: use one identity per row`,
      path: [],
    });
    return z.NEVER;
  });
}

/**
 * A check of a CSV header for the import: a score column and at least one identity column. The
 * check returns what is wrong, or undefined.
 *
 * @example scoreColumnsCheck(userIdColumns)(['email', 'score']) // undefined
 */
export function scoreColumnsCheck(userIdColumns: readonly UserIdColumn[]): (columns: readonly string[]) => string | undefined {
  const identities = identityColumns(userIdColumns);
  return (columns) => {
    const missing: string[] = [];
    if (!columns.includes(SCORE_COLUMN)) missing.push(`a "${SCORE_COLUMN}" column`);
    if (!identities.some((column) => columns.includes(column))) missing.push(`one of ${identities.join(', ')}`);
    return missing.length > 0 ? `needs ${missing.join(' and ')}` : undefined;
  };
}

function reasonOf(error: z.ZodError): string {
  // Messages only, never the values: a rejected row may hold an email.
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : `row ${issue.message}`))
    .join('; ');
}

/**
 * Imports influence scores for one tenant from rows of (email, external id or helpdesk user id, score):
 * validates every row, reports rejected rows by line and reason, and stores accepted rows in
 * windows. Scores are stamped with `now`, so re-running a file leaves the same items; other
 * profile data (override, NPS, identities) is kept, and a customer who opted out is not scored
 * (the row is reported as rejected).
 *
 * @example const result = await importScores({ tenant: 'demo', rows: readCsvRows(stream), now: new Date(), sourceName: 'scores.csv', userIdColumns }, { store });
 */
export async function importScores(input: ImportScoresInput, deps: ImportScoresDeps): Promise<ImportScoresResult> {
  // How long the run took, not the time of day: the monotonic timer, not the clock.
  const started = performance.now();
  const windowSize = deps.windowSize ?? 2000;
  const scoredAt = input.now.toISOString();
  const refreshAfter = new Date(input.now.getTime() + IMPORT_REFRESH_AFTER_DAYS * DAY_MS).toISOString();
  const day = scoredAt.slice(0, 10);
  const rejected: RejectedRow[] = [];
  let imported = 0;
  let window: ImportedScore[] = [];
  let lines: number[] = [];

  const flush = async () => {
    if (window.length === 0) return;
    const { optedOut } = await deps.store.upsertScores(input.tenant, window, scoredAt);
    for (const index of optedOut) {
      rejected.push({ line: lines[index] ?? 0, reason: 'the customer opted out of influence scoring' });
    }
    imported += window.length - optedOut.length;
    window = [];
    lines = [];
    deps.onProgress?.(imported);
  };

  const rowSchema = scoreRowSchema(input.userIdColumns);
  for await (const row of input.rows) {
    if ('error' in row) {
      rejected.push({ line: row.line, reason: row.error });
      continue;
    }
    const parsed = rowSchema.safeParse(row.fields);
    if (!parsed.success) {
      rejected.push({ line: row.line, reason: reasonOf(parsed.error) });
      continue;
    }
    const { identity, score: value } = parsed.data;
    lines.push(row.line);
    window.push({
      identity,
      score: {
        value,
        source: 'import',
        modelVersion: IMPORT_MODEL_VERSION,
        scoredAt,
        refreshAfter,
        components: {},
        inputs: {},
        explanation: `Imported score ${value} from ${input.sourceName} (${day}).`,
      },
    });
    if (window.length >= windowSize) await flush();
  }
  await flush();
  rejected.sort((a, b) => a.line - b.line);
  return { imported, rejected, durationMs: Math.round(performance.now() - started) };
}
