import { ImportFileError } from './errors.js';

/** One row read from an import file, or why the line could not be read; `line` is 1-based. */
export type ReadRow = { line: number; fields: Record<string, string> } | { line: number; error: string };

/**
 * Decodes UTF-8 chunks into text, keeping characters split across chunks whole, and drops a
 * leading byte order mark. Invalid UTF-8 is an error rather than replacement characters.
 *
 * @example for await (const text of decodeUtf8(createReadStream(path))) { ... }
 */
export async function* decodeUtf8(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    for await (const chunk of chunks) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && error.code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw new ImportFileError('the file is not valid UTF-8; save it as UTF-8 and retry', { cause: error });
    }
    throw error;
  }
}

/**
 * Drops a byte order mark at the very start of a text stream (the decoder does this for bytes;
 * this covers string input too).
 *
 * @example stripBom(texts)
 */
export async function* stripBom(texts: AsyncIterable<string>): AsyncGenerator<string> {
  let first = true;
  for await (const text of texts) {
    const out = first && text.startsWith('\uFEFF') ? text.slice(1) : text;
    first = false;
    if (out.length > 0) yield out;
  }
}
