import { describe, expect, it } from 'vitest';
import { CsvTokenizer, readCsvRows } from '../../../../shared/adapters/import/csv-reader.js';
import { ImportFileError } from '../../../../shared/adapters/import/errors.js';
import type { ReadRow } from '../../../../shared/adapters/import/rows.js';

function tokenize(text: string) {
  const tokenizer = new CsvTokenizer();
  return [...tokenizer.push(text), ...tokenizer.end()];
}

async function* chunksOf(...parts: (string | Uint8Array)[]) {
  for (const part of parts) yield part;
}

async function collect(rows: AsyncIterable<ReadRow>): Promise<ReadRow[]> {
  const out: ReadRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('CsvTokenizer', () => {
  it('splits plain fields and records', () => {
    expect(tokenize('a,b\nc,d\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(tokenize('"Lovelace, Ada","say ""hi""","two\nlines"\nx,y,z')).toEqual([
      { line: 1, fields: ['Lovelace, Ada', 'say "hi"', 'two\nlines'] },
      { line: 3, fields: ['x', 'y', 'z'] },
    ]);
  });

  it('treats CRLF, LF and CR alike and does not count CRLF twice', () => {
    expect(tokenize('a\r\nb\rc\nd')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
      { line: 3, fields: ['c'] },
      { line: 4, fields: ['d'] },
    ]);
  });

  it('skips blank lines but keeps their line numbers counted', () => {
    expect(tokenize('a\n\n\r\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('keeps empty fields, quoted or not', () => {
    expect(tokenize('a,,""\n,\n""\n')).toEqual([
      { line: 1, fields: ['a', '', ''] },
      { line: 2, fields: ['', ''] },
      { line: 3, fields: [''] },
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    // Arrange
    const text = '"a ""q"", b",c\r\n"x\r\ny",z\r\nlast,"";\r\n';
    const whole = tokenize(text);

    // Act: feed one character at a time, splitting "" and CRLF pairs
    const tokenizer = new CsvTokenizer();
    const pieces = [...text].flatMap((char) => tokenizer.push(char));
    pieces.push(...tokenizer.end());

    // Assert
    expect(pieces).toEqual(whole);
    expect(whole[0]).toEqual({ line: 1, fields: ['a "q", b', 'c'] });
    expect(whole[1]).toEqual({ line: 2, fields: ['x\r\ny', 'z'] });
  });

  it('flags text after a closing quote and a stray quote, then reads on', () => {
    const records = tokenize('"a"b,c\nab"c,d\nok,1\n');

    expect(records[0]).toMatchObject({ line: 1, error: expect.stringContaining('after the closing quote') });
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringContaining('quote inside unquoted field 1') });
    expect(records[2]).toEqual({ line: 3, fields: ['ok', '1'] });
  });

  it('flags a quoted field left open at the end of the input', () => {
    expect(tokenize('a,b\n"open,1\n2\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['open,1\n2\n'], error: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('supports another delimiter', () => {
    const tokenizer = new CsvTokenizer(';');

    expect([...tokenizer.push('a;"b;c";d,e\n'), ...tokenizer.end()]).toEqual([{ line: 1, fields: ['a', 'b;c', 'd,e'] }]);
  });
});

describe('readCsvRows', () => {
  it('maps rows to the header, dropping a UTF-8 byte order mark and normalising column names', async () => {
    // Arrange
    const bytes = new TextEncoder().encode('\uFEFFEmail , Score\r\nada@example.com,72\r\n');

    // Act
    const rows = await collect(readCsvRows(chunksOf(bytes.slice(0, 2), bytes.slice(2))));

    // Assert
    expect(rows).toEqual([{ line: 2, fields: { email: 'ada@example.com', score: '72' } }]);
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('name\nJosé\n');
    const split = bytes.indexOf(0xc3) + 1;

    const rows = await collect(readCsvRows(chunksOf(bytes.slice(0, split), bytes.slice(split))));

    expect(rows).toEqual([{ line: 2, fields: { name: 'José' } }]);
  });

  it('drops a byte order mark given as text', async () => {
    const rows = await collect(readCsvRows(chunksOf('\uFEFFemail,score\nx,1\n')));

    expect(rows).toEqual([{ line: 2, fields: { email: 'x', score: '1' } }]);
  });

  it('reports rows with the wrong number of fields by line and reads on', async () => {
    const rows = await collect(readCsvRows(chunksOf('email,score\na,1,extra\n"b\nc",2\nd\ne,5\n')));

    expect(rows).toEqual([
      { line: 2, error: 'expected 2 fields as in the header, found 3' },
      { line: 3, fields: { email: 'b\nc', score: '2' } },
      { line: 5, error: 'expected 2 fields as in the header, found 1' },
      { line: 6, fields: { email: 'e', score: '5' } },
    ]);
  });

  it.each([
    ['an empty file', '', /header row is required/],
    ['only blank lines', '\r\n\n', /header row is required/],
    ['a duplicate column', 'email,Email\n', /names column "email" twice/],
    ['an empty column name', 'email,,score\n', /empty column name/],
    ['a malformed header', '"email,score\n', /header row \(line 1\) is malformed/],
    ['invalid UTF-8', new Uint8Array([0x65, 0x2c, 0xff, 0x0a]), /not valid UTF-8/],
  ])('refuses %s', async (_, input, message) => {
    await expect(collect(readCsvRows(chunksOf(input)))).rejects.toThrow(message);
    await expect(collect(readCsvRows(chunksOf(input)))).rejects.toBeInstanceOf(ImportFileError);
  });

  it('lets the caller refuse a header', async () => {
    const rows = readCsvRows(chunksOf('name,age\n'), {
      validateHeader: (columns) => (columns.includes('score') ? undefined : 'needs a score'),
    });

    await expect(collect(rows)).rejects.toThrow('the header row (line 1) needs a score');
  });
});
