import * as z from 'zod';
import { ConfigurationError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import { systemClock } from '../clock/system-clock.js';
import { describeSecretRef, type SecretRef } from '../plugin/secret-ref.js';

/** Fetches a secret string by id (Secrets Manager in AWS); the implementation caches. */
export type SecretFetcher = (secretId: string) => Promise<string>;

/** Turns secret references from the tenants file into secret values. */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}

/** Where a resolver says a secret could not be read (a function's logger). */
export interface SecretFailureLog {
  warn(message: string, details: Record<string, unknown>): void;
}

/** How references are read, and how long a failure to read one is remembered. */
export interface RefSecretResolverOptions {
  fetchSecret?: SecretFetcher;
  env?: Readonly<Record<string, string | undefined>>;
  /** How long a secret that could not be read is not asked for again (default 60 s). */
  failureTtlMs?: number;
  /** What a remembered failure's age is read by (default the system clock). */
  clock?: Clock;
  /** Told once per failure and period, by reference: never a value. */
  logger?: SecretFailureLog;
}

/** A secret that could not be read a moment ago, answered from memory until it is asked for again. */
export class UnreadableSecretError extends ConfigurationError {}

const JsonObjectSchema = z.record(z.string(), z.unknown());

const DEFAULT_FAILURE_TTL_MS = 60_000;

/** How a reference reads in an error: `Secret acme/webhook (field previous)`. */
function named(ref: { secretId: string; field?: string | undefined }): string {
  return `Secret ${ref.secretId}${ref.field ? ` (field ${ref.field})` : ''}`;
}

/**
 * Resolves `{secretId, field?}` through a fetcher, `{env}` from the environment and `{value}`
 * inline. Error messages name the reference, never the secret.
 *
 * A `secretId` reference that could not be read (a deleted rotation's `previous`, a denied or
 * throttled read) is not asked for again for `failureTtlMs`: until then the failure answers at
 * once, so a request that needs it (an unsigned one included, since secrets are read before a
 * signature is checked) costs no Secrets Manager call. The logger is told once per period; a
 * success after the period clears it.
 *
 * @example await new RefSecretResolver({ fetchSecret, logger }).resolve({ secretId: 'acme/zendesk', field: 'apiToken' })
 */
export class RefSecretResolver implements SecretResolver {
  readonly #failures = new Map<string, { error: unknown; at: number; until: number }>();
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(private readonly options: RefSecretResolverOptions = {}) {
    this.#ttlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
    this.#clock = options.clock ?? systemClock;
  }

  async resolve(ref: SecretRef): Promise<string> {
    if ('value' in ref) return ref.value;
    if ('env' in ref) {
      const value = (this.options.env ?? process.env)[ref.env];
      if (!value) throw new ConfigurationError(`Environment variable ${ref.env} (a secret reference) is not set`);
      return value;
    }
    // The field is part of the key: a secret may hold a readable `current` and a missing `previous`.
    const key = describeSecretRef(ref);
    const failure = this.#failures.get(key);
    if (failure && failure.until > this.#clock.now().getTime()) {
      throw new UnreadableSecretError(
        `${named(ref)} could not be read at ${new Date(failure.at).toISOString()} (${reasonOf(failure.error)}); it is asked for again after ${new Date(failure.until).toISOString()}`,
        { cause: failure.error },
      );
    }
    try {
      const value = await this.#read(ref);
      this.#failures.delete(key);
      return value;
    } catch (error) {
      this.#remember(key, error);
      throw error;
    }
  }

  /** Keeps a failure for the period, and says so unless a concurrent read of the same reference already did. */
  #remember(key: string, error: unknown): void {
    const now = this.#clock.now().getTime();
    const known = this.#failures.get(key);
    if (known && known.until > now) return;
    const until = now + this.#ttlMs;
    this.#failures.set(key, { error, at: now, until });
    this.options.logger?.warn(`a secret could not be read; it is not asked for again for ${Math.round(this.#ttlMs / 1000)} s`, {
      secret: key,
      error: reasonOf(error),
      retryAfter: new Date(until).toISOString(),
    });
  }

  async #read(ref: { secretId: string; field?: string | undefined }): Promise<string> {
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

/** What went wrong, by message: the resolver's own never quote a value, nor do the store's. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
