import { describe, expect, it } from 'vitest';
import { ImportFileError } from '../../../../shared/adapters/import/errors.js';
import { formatOf } from '../../../../shared/adapters/import/import-file.js';
import { lines, readJsonLines } from '../../../../shared/adapters/import/jsonl-reader.js';
import type { ReadRow } from '../../../../shared/adapters/import/rows.js';

async function* chunksOf<T extends string | Uint8Array>(...parts: T[]) {
  for (const part of parts) yield part;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('lines', () => {
  it('numbers lines across chunk boundaries and strips CR before LF', async () => {
    const out = await collect(lines(chunksOf('a\r', '\nbb', 'b\n\nc')));

    expect(out).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'bbb' },
      { line: 3, text: '' },
      { line: 4, text: 'c' },
    ]);
  });
});

describe('readJsonLines', () => {
  it('reads objects as string fields, numbers included, and skips blank lines', async () => {
    // Arrange
    const text = '\uFEFF{"email":"ada@example.com","score":72}\r\n\n{"zendesk_user_id":"123","Score":"9","note":null,"vip":true}\n';

    // Act
    const rows = await collect(readJsonLines(chunksOf(new TextEncoder().encode(text))));

    // Assert
    expect(rows).toEqual<ReadRow[]>([
      { line: 1, fields: { email: 'ada@example.com', score: '72' } },
      { line: 3, fields: { zendesk_user_id: '123', score: '9', vip: 'true' } },
    ]);
  });

  it('reports lines that are not JSON objects without quoting them', async () => {
    const rows = await collect(readJsonLines(chunksOf('{"email":"ada@example.com",\n[1,2]\n"x"\n{"score":{"v":1}}\n{"score":1}\n')));

    expect(rows).toEqual<ReadRow[]>([
      { line: 1, error: 'not valid JSON' },
      { line: 2, error: 'each line must be a JSON object' },
      { line: 3, error: 'each line must be a JSON object' },
      { line: 4, error: 'field "score" must be a string or a number' },
      { line: 5, fields: { score: '1' } },
    ]);
  });

  it('refuses invalid UTF-8', async () => {
    await expect(collect(readJsonLines(chunksOf(new Uint8Array([0x7b, 0xfe, 0x7d]))))).rejects.toBeInstanceOf(ImportFileError);
  });
});

describe('formatOf', () => {
  it.each([
    ['scores.csv', 'csv'],
    ['SCORES.CSV', 'csv'],
    ['scores.jsonl', 'jsonl'],
    ['scores.ndjson', 'jsonl'],
    ['scores.txt', undefined],
  ])('%s is %s', (path, format) => {
    expect(formatOf(path)).toBe(format);
  });
});
