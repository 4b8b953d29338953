import { ImportFileError } from './errors.js';
import { type ReadRow, decodeUtf8, stripBom } from './rows.js';

/** One CSV record as split into fields, with the line it starts on and why it is malformed, if it is. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * An incremental RFC 4180 tokenizer: fields separated by a delimiter, records by LF, CRLF or CR;
 * a field in double quotes may hold delimiters, line breaks and doubled quotes (`""`). Text may
 * arrive in chunks split anywhere, even between the two characters of `""` or of CRLF.
 * Blank lines are skipped. A malformed record is returned with an `error`, not thrown, so one bad
 * row never stops an import.
 *
 * @example const t = new CsvTokenizer(); t.push('a,"b,c"\r\n'); t.end() // [{ line: 1, fields: ['a', 'b,c'] }]
 */
export class CsvTokenizer {
  private records: CsvRecord[] = [];
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  private inQuotes = false;
  /** A quote seen inside a quoted field: either half of `""` or the closing quote. */
  private quotePending = false;
  /** The current field was quoted and its closing quote has been read. */
  private closed = false;
  /** The current field started with a quote. */
  private quoted = false;
  /** The previous character was a CR that ended a record, so an LF right after it is skipped. */
  private afterCr = false;
  private error: string | undefined;

  constructor(private readonly delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
      throw new ImportFileError('the CSV delimiter must be one character other than a quote or a line break');
    }
  }

  /** Feeds more text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    for (const char of text) this.consume(char);
    return this.take();
  }

  /** Ends the input; returns the last record, if the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.quotePending) this.closeQuote();
    if (this.inQuotes) {
      this.fail('a quoted field is not closed before the end of the file');
      this.inQuotes = false;
    }
    this.endRecord();
    return this.take();
  }

  private take(): CsvRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }

  private consume(char: string): void {
    if (this.afterCr) {
      this.afterCr = false;
      if (char === '\n') return;
    }
    if (this.inQuotes) {
      if (this.quotePending) {
        this.quotePending = false;
        if (char === '"') {
          this.field += '"';
          return;
        }
        this.closeQuote();
      } else {
        if (char === '"') this.quotePending = true;
        else {
          if (char === '\n') this.line += 1;
          this.field += char;
        }
        return;
      }
    }
    if (char === this.delimiter) {
      this.endField();
      return;
    }
    if (char === '\r' || char === '\n') {
      this.endRecord();
      this.afterCr = char === '\r';
      this.line += 1;
      this.recordLine = this.line;
      return;
    }
    if (this.closed) {
      this.fail(`unexpected text after the closing quote of field ${this.fields.length + 1}`);
      return;
    }
    if (char === '"') {
      if (this.field.length === 0) {
        this.inQuotes = true;
        this.quoted = true;
      } else {
        this.fail(`a quote inside unquoted field ${this.fields.length + 1}; quote the whole field and double the quote`);
      }
      return;
    }
    this.field += char;
  }

  private closeQuote(): void {
    this.inQuotes = false;
    this.closed = true;
  }

  private fail(reason: string): void {
    this.error ??= reason;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.quoted = false;
    this.closed = false;
  }

  private endRecord(): void {
    const blank = this.fields.length === 0 && this.field.length === 0 && !this.quoted;
    if (!blank) {
      this.endField();
      this.records.push({ line: this.recordLine, fields: this.fields, ...(this.error ? { error: this.error } : {}) });
    }
    this.fields = [];
    this.field = '';
    this.quoted = false;
    this.closed = false;
    this.error = undefined;
  }
}

/** Options of the CSV reader. */
export interface CsvReadOptions {
  delimiter?: string;
  /** Checks the header's column names; a message means the file cannot be imported. */
  validateHeader?: (columns: readonly string[]) => string | undefined;
}

async function* csvRecords(chunks: AsyncIterable<string | Uint8Array>, delimiter: string | undefined): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer(delimiter);
  for await (const text of stripBom(decodeUtf8(chunks))) yield* tokenizer.push(text);
  yield* tokenizer.end();
}

/**
 * Streams a CSV file with a header row as one record per row, keyed by column name. Column names
 * are trimmed and lower-cased. A missing or unusable header throws ImportFileError; a bad row
 * becomes an `{ line, error }` entry and reading goes on.
 *
 * @example for await (const row of readCsvRows(createReadStream('scores.csv'))) console.log(row.line);
 */
export async function* readCsvRows(chunks: AsyncIterable<string | Uint8Array>, options: CsvReadOptions = {}): AsyncGenerator<ReadRow> {
  let columns: string[] | undefined;
  for await (const record of csvRecords(chunks, options.delimiter)) {
    if (!columns) {
      columns = headerColumns(record, options.validateHeader);
      continue;
    }
    if (record.error) {
      yield { line: record.line, error: record.error };
    } else if (record.fields.length !== columns.length) {
      yield { line: record.line, error: `expected ${columns.length} fields as in the header, found ${record.fields.length}` };
    } else {
      const fields: Record<string, string> = {};
      columns.forEach((column, index) => {
        fields[column] = record.fields[index] ?? '';
      });
      yield { line: record.line, fields };
    }
  }
  if (!columns) throw new ImportFileError('the file is empty: a header row is required');
}

function headerColumns(record: CsvRecord, validate: CsvReadOptions['validateHeader']): string[] {
  if (record.error) throw new ImportFileError(`the header row (line ${record.line}) is malformed: ${record.error}`);
  const columns = record.fields.map((name) => name.trim().toLowerCase());
  const seen = new Set<string>();
  for (const column of columns) {
    if (column.length === 0) throw new ImportFileError(`the header row (line ${record.line}) has an empty column name`);
    if (seen.has(column)) throw new ImportFileError(`the header row (line ${record.line}) names column "${column}" twice`);
    seen.add(column);
  }
  const problem = validate?.(columns);
  if (problem) throw new ImportFileError(`the header row (line ${record.line}) ${problem}`);
  return columns;
}
