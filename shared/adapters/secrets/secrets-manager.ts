import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigurationError } from '../../domain/errors.js';
import type { SecretFetcher } from './secret-resolver.js';

/**
 * Reads secrets from AWS Secrets Manager through Powertools Parameters, cached in the process
 * for `maxAgeSeconds` so a warm function does not call Secrets Manager per request, yet a
 * rotated secret is picked up within minutes.
 *
 * @example new RefSecretResolver({ fetchSecret: secretsManagerFetcher(300) })
 */
export function secretsManagerFetcher(maxAgeSeconds = 300): SecretFetcher {
  return async (secretId) => {
    const value = await getSecret(secretId, { maxAge: maxAgeSeconds });
    if (typeof value === 'string' && value.length > 0) return value;
    if (value instanceof Uint8Array && value.byteLength > 0) return Buffer.from(value).toString('utf8');
    throw new ConfigurationError(`Secret "${secretId}" is empty or missing`);
  };
}
