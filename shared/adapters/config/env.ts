import type { z } from 'zod';
import { ConfigurationError } from '../../domain/errors.js';

/**
 * Reads and validates settings from the environment once, at cold start, failing with a
 * message that names every missing or invalid setting.
 *
 * @example const env = readEnv(z.object({ TABLE_NAME: z.string().min(1) }))
 */
export function readEnv<T extends z.ZodType>(schema: T, env: Readonly<Record<string, string | undefined>> = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
