import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { readCsvRows } from './csv-reader.js';
import { ImportFileError } from './errors.js';
import { readJsonLines } from './jsonl-reader.js';
import type { ReadRow } from './rows.js';

/** File formats the import reads. */
export type ImportFormat = 'csv' | 'jsonl';

/**
 * The format a file name implies: `.csv`, or `.jsonl` / `.ndjson`; undefined for anything else.
 *
 * @example formatOf('scores.jsonl') // 'jsonl'
 */
export function formatOf(path: string): ImportFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return undefined;
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream) {
      if (chunk instanceof Uint8Array) yield chunk;
    }
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
    throw new ImportFileError(`cannot read ${path} (${code})`, { cause: error });
  }
}

/**
 * Streams the rows of an import file, CSV (header row required) or JSON Lines, reading it in
 * 256 KiB chunks so a large file never sits in memory. Failing to open or read the file, and a
 * bad CSV header, throw ImportFileError while iterating.
 *
 * @example for await (const row of readImportFile('scores.csv', { validateHeader })) { ... }
 */
export function readImportFile(
  path: string,
  options: { format?: ImportFormat; validateHeader?: (columns: readonly string[]) => string | undefined } = {},
): AsyncGenerator<ReadRow> {
  const format = options.format ?? formatOf(path);
  if (!format) throw new ImportFileError(`cannot tell the format of ${path}: name it .csv or .jsonl, or pass the format`);
  if (format === 'jsonl') return readJsonLines(fileChunks(path));
  return readCsvRows(fileChunks(path), options.validateHeader ? { validateHeader: options.validateHeader } : {});
}
