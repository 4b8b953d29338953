import * as z from 'zod';
import { ConfigurationError } from '../../domain/errors.js';
import { AwsJsonClient, AwsServiceError, SECRETS_MANAGER } from '../aws/aws-json-client.js';

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** What storing a secret did. */
export type StoreOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Stores `value` where a `{secretId, field?}` reference points, in Secrets Manager: the whole
 * secret string without `field`; with it, that field of the secret's JSON, keeping its other
 * fields (a rotation's `previous`). A secret that does not exist yet is created; one that already
 * holds the value is left alone, so running twice writes once.
 *
 * @example await storeSecret({ secretId: 'influence-router/acme/zendesk-webhook', field: 'current' }, secret)
 */
export async function storeSecret(
  ref: { secretId: string; field?: string | undefined },
  value: string,
  client = new AwsJsonClient(SECRETS_MANAGER),
): Promise<StoreOutcome> {
  let current: string | undefined;
  try {
    const answer = await client.call<{ SecretString?: string }>('GetSecretValue', { SecretId: ref.secretId });
    current = answer.SecretString ?? '';
  } catch (error) {
    if (!(error instanceof AwsServiceError && error.code === 'ResourceNotFoundException')) throw error;
  }
  const wanted = ref.field ? withField(current, ref, value) : value;
  if (current === undefined) {
    await client.call('CreateSecret', { Name: ref.secretId, SecretString: wanted });
    return 'created';
  }
  if (current === wanted) return 'unchanged';
  await client.call('PutSecretValue', { SecretId: ref.secretId, SecretString: wanted });
  return 'updated';
}

/** The secret's JSON with `field` set to `value`; the current text when that is already so. */
function withField(current: string | undefined, ref: { secretId: string; field?: string | undefined }, value: string): string {
  const field = ref.field as string;
  if (current === undefined || current === '') return JSON.stringify({ [field]: value });
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch {
    // No cause: the parser's message quotes the start of the secret.
    throw new ConfigurationError(
      `Secret "${ref.secretId}" is not JSON, so its field "${field}" cannot be set: fix the secret or drop "field" from the reference`,
    );
  }
  const object = JsonObjectSchema.safeParse(parsed);
  if (!object.success) throw new ConfigurationError(`Secret "${ref.secretId}" is not a JSON object, so its field "${field}" cannot be set`);
  if (object.data[field] === value) return current;
  return JSON.stringify({ ...object.data, [field]: value });
}
