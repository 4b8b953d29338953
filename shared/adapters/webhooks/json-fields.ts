import * as z from 'zod';

/**
 * Integration platforms render an unmapped field as "" (or null): both mean "absent". Other
 * strings come back trimmed.
 *
 * @example z.preprocess(blankToUndefined, z.string().optional())
 */
export function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * An id sent as a string or an integer, kept as a string, in the given alphabet.
 *
 * @example idSchema(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits or ._-')
 */
export function idSchema(pattern: RegExp, message: string) {
  return z
    .union([z.string().trim(), z.int()], { error: message })
    .transform((id) => String(id))
    .pipe(z.string().regex(pattern, message));
}
