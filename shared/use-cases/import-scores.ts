import { z } from 'zod';
import type { Identity } from '../domain/customer.js';
import type { InfluenceScore } from '../domain/score.js';

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

/** Columns that identify the customer of a row; a row uses exactly one. */
export const IDENTITY_COLUMNS = ['email', 'zendesk_user_id', 'helpdesk_user_id'] as const;
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

/** One import row: an email or a Zendesk user id, and a whole score from 1 to 100; parses to the identity and the score. */
export const ScoreRowSchema = z
  .object({
    email: z.preprocess(trimmed, z.email({ error: 'is not a valid email address' }).optional()),
    zendesk_user_id: z.preprocess(trimmed, z.string().regex(/^\d{1,20}$/, 'must be a numeric Zendesk user id').optional()),
    helpdesk_user_id: z.preprocess(trimmed, z.string().regex(/^\d{1,20}$/, 'must be a numeric Zendesk user id').optional()),
    score: z.preprocess(
      trimmed,
      z
        .string({ error: 'is missing' })
        .regex(/^\d+$/, 'must be a whole number from 1 to 100')
        .transform(Number)
        .pipe(z.number().int().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100')),
    ),
  })
  .transform((row, ctx): { identity: Identity; score: number } => {
    const given = IDENTITY_COLUMNS.filter((column) => row[column] !== undefined);
    const userId = row.zendesk_user_id ?? row.helpdesk_user_id;
    if (given.length === 1 && row.email !== undefined) return { identity: { kind: 'email', value: row.email }, score: row.score };
    // Zendesk is the helpdesk these user ids belong to; user ids are kept qualified by source.
    if (given.length === 1 && userId !== undefined) return { identity: { kind: 'helpdesk-user', value: `zendesk:${userId}` }, score: row.score };
    ctx.addIssue({
      code: 'custom',
      message: given.length === 0 ? `needs one of ${IDENTITY_COLUMNS.join(', ')}` : `gives ${given.join(' and ')}: use one identity per row`,
      path: [],
    });
    return z.NEVER;
  });

/**
 * Checks a CSV header for the import: a score column and at least one identity column. Returns
 * what is wrong, or undefined.
 *
 * @example checkScoreColumns(['email', 'score']) // undefined
 */
export function checkScoreColumns(columns: readonly string[]): string | undefined {
  const missing: string[] = [];
  if (!columns.includes(SCORE_COLUMN)) missing.push(`a "${SCORE_COLUMN}" column`);
  if (!IDENTITY_COLUMNS.some((column) => columns.includes(column))) missing.push(`one of ${IDENTITY_COLUMNS.join(', ')}`);
  return missing.length > 0 ? `needs ${missing.join(' and ')}` : undefined;
}

function reasonOf(error: z.ZodError): string {
  // Messages only, never the values: a rejected row may hold an email.
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : `row ${issue.message}`)).join('; ');
}

/**
 * Imports influence scores for one tenant from rows of (email or Zendesk user id, score):
 * validates every row, reports rejected rows by line and reason, and stores accepted rows in
 * windows. Scores are stamped with `now`, so re-running a file leaves the same items; other
 * profile data (override, NPS, identities) is kept, and a customer who opted out is not scored
 * (the row is reported as rejected).
 *
 * @example const result = await importScores({ tenant: 'demo', rows: readCsvRows(stream), now: new Date(), sourceName: 'scores.csv' }, { store });
 */
export async function importScores(input: ImportScoresInput, deps: ImportScoresDeps): Promise<ImportScoresResult> {
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

  for await (const row of input.rows) {
    if ('error' in row) {
      rejected.push({ line: row.line, reason: row.error });
      continue;
    }
    const parsed = ScoreRowSchema.safeParse(row.fields);
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
