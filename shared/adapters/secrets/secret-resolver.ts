import * as z from 'zod';
import { ConfigurationError } from '../../domain/errors.js';
import type { SecretRef } from '../config/tenants.js';

/** Fetches a secret string by id (Secrets Manager in AWS); the implementation caches. */
export type SecretFetcher = (secretId: string) => Promise<string>;

/** Turns secret references from the tenants file into secret values. */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}

const JsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * Resolves `{secretId, field?}` through a fetcher, `{env}` from the environment and `{value}`
 * inline. Error messages name the reference, never the secret.
 *
 * @example await new RefSecretResolver({ fetchSecret }).resolve({ secretId: 'acme/zendesk', field: 'apiToken' })
 */
export class RefSecretResolver implements SecretResolver {
  constructor(
    private readonly options: { fetchSecret?: SecretFetcher; env?: Readonly<Record<string, string | undefined>> } = {},
  ) {}

  async resolve(ref: SecretRef): Promise<string> {
    if ('value' in ref) return ref.value;
    if ('env' in ref) {
      const value = (this.options.env ?? process.env)[ref.env];
      if (!value) throw new ConfigurationError(`Environment variable ${ref.env} (a secret reference) is not set`);
      return value;
    }
    if (!this.options.fetchSecret) {
      throw new ConfigurationError(`Secret "${ref.secretId}" cannot be read: no secrets store is configured`);
    }
    const raw = await this.options.fetchSecret(ref.secretId);
    if (!ref.field) return raw;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // No cause: the parser's message quotes the start of the secret.
      throw new ConfigurationError(`Secret "${ref.secretId}" is not JSON, so field "${ref.field}" cannot be read`);
    }
    const object = JsonObjectSchema.safeParse(parsed);
    const value = object.success ? object.data[ref.field] : undefined;
    if (typeof value !== 'string' || value.length === 0) {
      throw new ConfigurationError(`Secret "${ref.secretId}" has no non-empty string field "${ref.field}"`);
    }
    return value;
  }
}
