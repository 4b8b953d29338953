import { ConfigurationError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports.js';
import { systemClock } from '../clock/system-clock.js';
import { AwsJsonClient, SECRETS_MANAGER } from '../aws/aws-json-client.js';
import type { SecretFetcher } from './secret-resolver.js';

/** How secrets are read and how long they are kept. */
export interface SecretsManagerOptions {
  /** Default: Secrets Manager in the function's region, with its role's credentials. */
  client?: AwsJsonClient;
  /** How long a value is reused before it is read again (default 300 s). */
  maxAgeSeconds?: number;
  /** What the cache's age is read by (default the system clock). */
  clock?: Clock;
}

/**
 * Reads secrets from AWS Secrets Manager (`GetSecretValue`, the current version), cached in the
 * process for `maxAgeSeconds`, so a warm function does not call Secrets Manager per request, yet
 * a rotated secret is picked up within minutes. Concurrent reads of one secret share one call; a
 * failed read is not kept here (RefSecretResolver remembers it, per reference, for a minute).
 *
 * @example new RefSecretResolver({ fetchSecret: secretsManagerFetcher() })
 */
export function secretsManagerFetcher(options: SecretsManagerOptions = {}): SecretFetcher {
  const maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now().getTime();
  let client = options.client;
  const cache = new Map<string, { value: Promise<string>; expires: number }>();
  const read = async (secretId: string): Promise<string> => {
    client ??= new AwsJsonClient(SECRETS_MANAGER);
    const answer = await client.call<{ SecretString?: string; SecretBinary?: string }>('GetSecretValue', { SecretId: secretId });
    if (typeof answer.SecretString === 'string' && answer.SecretString.length > 0) return answer.SecretString;
    // Binary secrets come base64-encoded in the JSON protocol.
    if (typeof answer.SecretBinary === 'string' && answer.SecretBinary.length > 0)
      return Buffer.from(answer.SecretBinary, 'base64').toString('utf8');
    throw new ConfigurationError(`Secret "${secretId}" is empty or missing`);
  };
  return (secretId) => {
    const cached = cache.get(secretId);
    if (cached && cached.expires > now()) return cached.value;
    const value = read(secretId);
    cache.set(secretId, { value, expires: now() + maxAgeMs });
    value.catch(() => {
      if (cache.get(secretId)?.value === value) cache.delete(secretId);
    });
    return value;
  };
}
