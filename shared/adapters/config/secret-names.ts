import type { FunctionName, SecretUse } from '../plugin/descriptors.js';

/**
 * Where a deployed tenant's secrets live in Secrets Manager, by convention, so each function is
 * granted a pattern rather than a list that grows with every tenant:
 *
 * - `influence-router/<tenant>/inbound/<name>`: what authenticates webhooks (signing secrets,
 *   shared secrets); read by the internet-facing ingest function only;
 * - `influence-router/<tenant>/outbound/<name>`: helpdesk API credentials, the generic helpdesk's
 *   decision-signing secret, a scoring service's key; read by the processor and the refresh only.
 *
 * `<name>` is one segment (letters, digits and `_+=.@-`), so no name under a tenant's outbound
 * prefix can also match the inbound pattern.
 */
export const SECRET_PREFIX = 'influence-router';

/** The two halves of a tenant's secrets. */
export type SecretDirection = 'inbound' | 'outbound';

const NAME = /^[A-Za-z0-9_+=.@-]{1,200}$/;

/** Which half a secret belongs in, from the functions that read it; undefined when both would. */
export function directionOf(readers: readonly FunctionName[]): SecretDirection | undefined {
  const ingest = readers.includes('ingest-webhook');
  const others = readers.some((reader) => reader !== 'ingest-webhook');
  if (ingest && others) return undefined;
  return ingest ? 'inbound' : 'outbound';
}

/**
 * The secret name a tenant's secret must have (the part after `:secret:` for an ARN).
 *
 * @example conventionalSecretName('acme', 'inbound', 'zendesk-webhook') // 'influence-router/acme/inbound/zendesk-webhook'
 */
export function conventionalSecretName(tenantId: string, direction: SecretDirection, name: string): string {
  return `${SECRET_PREFIX}/${tenantId}/${direction}/${name}`;
}

/** The name part of a secret id: the id itself, or what follows `:secret:` in an ARN. */
export function secretNameOf(secretId: string): string {
  const at = secretId.startsWith('arn:') ? secretId.indexOf(':secret:') : -1;
  return at === -1 ? secretId : secretId.slice(at + ':secret:'.length);
}

/**
 * What is wrong with a deployed tenant's secret id, or undefined when it is under the tenant's
 * own prefix, on the side its readers are granted. The message names the name to use.
 *
 * @example secretNameProblem('acme', use) // 'must be under influence-router/acme/inbound/ ...'
 */
export function secretNameProblem(tenantId: string, use: SecretUse): string | undefined {
  if (!('secretId' in use.ref)) return undefined;
  const direction = directionOf(use.readers);
  if (!direction) {
    return `one secret cannot be read by both the ingest function and ${use.readers.filter((r) => r !== 'ingest-webhook').join(', ')}`;
  }
  const prefix = `${SECRET_PREFIX}/${tenantId}/${direction}/`;
  const name = secretNameOf(use.ref.secretId);
  if (name.startsWith(prefix) && NAME.test(name.slice(prefix.length))) return undefined;
  return `secret "${use.ref.secretId}" is outside this tenant's ${direction} secrets: name it ${suggestedSecretName(tenantId, use)} (one segment after ${prefix}), the only secrets the ${direction === 'inbound' ? 'ingest function' : 'processor and the refresh'} may read for this tenant`;
}

/**
 * The conventional name for a secret that has another: its last segment, under the tenant's prefix.
 *
 * @example suggestedSecretName('acme', use) // 'influence-router/acme/inbound/zendesk-webhook' for 'influence-router/acme/zendesk-webhook'
 */
export function suggestedSecretName(tenantId: string, use: SecretUse): string {
  const name = 'secretId' in use.ref ? secretNameOf(use.ref.secretId) : use.path.map(String).join('-');
  const last = (name.split('/').at(-1) ?? name).replace(/[^A-Za-z0-9_+=.@-]/g, '-') || 'secret';
  return conventionalSecretName(tenantId, directionOf(use.readers) ?? 'outbound', last);
}

/**
 * The resource pattern of a side's secrets, for IAM: every tenant's, in one statement, whatever
 * the number of tenants (Secrets Manager adds `-` and six characters to every ARN).
 *
 * @example secretNamePattern('inbound') // 'influence-router/*\/inbound/*'
 */
export function secretNamePattern(direction: SecretDirection): string {
  return `${SECRET_PREFIX}/*/${direction}/*`;
}
