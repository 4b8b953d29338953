import * as z from 'zod';

/**
 * Where a secret comes from: a Secrets Manager secret (optionally one JSON field of it), an
 * environment variable, or an inline value. Inline values are for local mode only.
 */
export const SecretRefSchema = z.union([
  z.object({ secretId: z.string().min(1), field: z.string().min(1).optional() }).strict(),
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'env names are upper-case letters, digits and _') }).strict(),
  z.object({ value: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

/** One to three secrets accepted at once, so a secret can be rotated without dropping a delivery. */
export const RotatingSecretsSchema = z.array(SecretRefSchema).min(1).max(3);

/**
 * How a secret reference reads in a log line or an error: by where it is, never by value.
 *
 * @example describeSecretRef({ env: 'ACME_TOKEN' }) // 'env ACME_TOKEN'
 */
export function describeSecretRef(ref: SecretRef | undefined): string {
  if (!ref) return 'unknown';
  if ('secretId' in ref) return `secretId ${ref.secretId}${ref.field ? ` field ${ref.field}` : ''}`;
  if ('env' in ref) return `env ${ref.env}`;
  return 'inline value';
}
