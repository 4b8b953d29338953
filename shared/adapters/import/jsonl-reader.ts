import { type ReadRow, decodeUtf8, stripBom } from './rows.js';

/**
 * Splits a text stream into lines (LF or CRLF), numbered from 1, whatever the chunk boundaries.
 *
 * @example for await (const { line, text } of lines(texts)) { ... }
 */
export async function* lines(texts: AsyncIterable<string>): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let line = 0;
  for await (const text of texts) {
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      line += 1;
      yield { line, text: part.endsWith('\r') ? part.slice(0, -1) : part };
    }
  }
  if (rest.length > 0) yield { line: line + 1, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}

function toFields(value: unknown): Record<string, string> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'each line must be a JSON object';
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(value)) {
    // null means "not given", as an empty CSV cell does.
    if (field === null) continue;
    if (typeof field === 'string') fields[name.toLowerCase()] = field;
    else if (typeof field === 'number' || typeof field === 'boolean') fields[name.toLowerCase()] = String(field);
    else return `field "${name}" must be a string or a number`;
  }
  return fields;
}

/**
 * Streams a JSON Lines file (one JSON object per line) as rows of string fields; numbers become
 * their decimal text, so `{"score": 72}` and `{"score": "72"}` read the same. Blank lines are
 * skipped; a line that is not a JSON object becomes an `{ line, error }` entry.
 *
 * @example for await (const row of readJsonLines(createReadStream('scores.jsonl'))) { ... }
 */
export async function* readJsonLines(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<ReadRow> {
  for await (const { line, text } of lines(stripBom(decodeUtf8(chunks)))) {
    if (text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // The parser's message quotes the line, which may hold an email: keep it out of the report.
      yield { line, error: 'not valid JSON' };
      continue;
    }
    const fields = toFields(value);
    yield typeof fields === 'string' ? { line, error: fields } : { line, fields };
  }
}
