import { userInfo } from 'node:os';
import { AwsJsonClient, SECRETS_MANAGER } from '../../shared/adapters/aws/aws-json-client.js';
import { signRequest } from '../../shared/adapters/aws/signature-v4.js';
import { secretNameOf, suggestedSecretName } from '../../shared/adapters/config/secret-names.js';
import { formatDiff } from '../../shared/adapters/config/tenant-diff.js';
import type { TenantChangeResult } from '../../shared/adapters/config/tenant-changes.js';
import { secretUsesOf, TenantSchema, type Tenant } from '../../shared/adapters/config/tenants.js';
import { describeSecretRef } from '../../shared/adapters/plugin/secret-ref.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import type { StoredTenant } from '../../shared/adapters/store/tenant-store.js';
import { type DynamoTarget, sdkCredentialChain } from '../local/dynamodb-target.js';

/**
 * Who makes a change: the AWS caller identity (STS GetCallerIdentity, signed with the admin's
 * credentials) against a deployed table, the local user against DynamoDB Local.
 *
 * @example await changedBy({ region: 'eu-west-1' }) // 'arn:aws:iam::123456789012:user/ada'
 */
export async function changedBy(target: DynamoTarget): Promise<string> {
  if ('endpoint' in target) {
    try {
      return `${userInfo().username} (local)`;
    } catch {
      return 'local user';
    }
  }
  const url = new URL(`https://sts.${target.region}.amazonaws.com/`);
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const headers = signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    { service: 'sts', region: target.region, credentials: await sdkCredentialChain()(), now: new Date() },
  );
  const answer = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await answer.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!answer.ok || !arn) throw new Error(`STS GetCallerIdentity answered ${answer.status}: the AWS credentials cannot be identified`);
  return arn;
}

/** One secret a tenant names, and whether it could be read with the caller's credentials. */
export interface SecretCheck {
  tenant: string;
  path: string;
  from: string;
  readable: boolean | 'not checked';
  problem?: string;
}

/**
 * Reads every secret the tenants name with the caller's credentials (Secrets Manager in the
 * target's region; environment variables and inline values in local mode), never printing a value.
 *
 * @example await checkSecrets(tenants, { region: 'eu-west-1' }) // [{ tenant: 'acme', path: 'helpdesk.apiToken', readable: true, ... }]
 */
export async function checkSecrets(tenants: readonly Tenant[], target: DynamoTarget): Promise<SecretCheck[]> {
  const resolver =
    'region' in target
      ? new RefSecretResolver({
          fetchSecret: secretsManagerFetcher({
            client: new AwsJsonClient(SECRETS_MANAGER, { region: target.region, credentials: sdkCredentialChain() }),
          }),
        })
      : new RefSecretResolver();
  const checks: SecretCheck[] = [];
  for (const tenant of tenants) {
    for (const use of secretUsesOf(tenant)) {
      const base = { tenant: tenant.id, path: use.path.join('.'), from: describeSecretRef(use.ref) };
      if ('secretId' in use.ref && 'endpoint' in target) {
        checks.push({ ...base, readable: 'not checked', problem: 'Secrets Manager is not reached in local mode' });
        continue;
      }
      try {
        await resolver.resolve(use.ref);
        checks.push({ ...base, readable: true });
      } catch (error) {
        checks.push({ ...base, readable: false, problem: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return checks;
}

/**
 * A tenants file's tenant with its Secrets Manager ids moved under the tenant's own prefix
 * (`influence-router/<tenant>/inbound|outbound/<last segment>`), and the renames to make in
 * Secrets Manager: for a file written before secrets were granted by pattern.
 *
 * @example renameSecrets(written) // { config, renames: [{ from: 'influence-router/acme/zendesk-api', to: 'influence-router/acme/outbound/zendesk-api' }] }
 */
export function renameSecrets(written: unknown): { config: unknown; renames: { from: string; to: string }[] } {
  const tenant = TenantSchema.safeParse(written);
  if (!tenant.success) return { config: written, renames: [] };
  const config: unknown = structuredClone(written);
  const renames: { from: string; to: string }[] = [];
  for (const use of secretUsesOf(tenant.data)) {
    if (!('secretId' in use.ref)) continue;
    const from = use.ref.secretId;
    const to = suggestedSecretName(tenant.data.id, use);
    if (secretNameOf(from) === to) continue;
    let holder: unknown = config;
    for (const step of use.path) holder = typeof holder === 'object' && holder !== null ? Reflect.get(holder, step) : undefined;
    if (typeof holder === 'object' && holder !== null) Reflect.set(holder, 'secretId', to);
    if (!renames.some((rename) => rename.from === from)) renames.push({ from, to });
  }
  return { config, renames };
}

/** A change's result as lines a person reads: what happened to which version, and the diff. */
export function describeChange(result: TenantChangeResult, verb: string): string[] {
  const id = result.after.tenantId;
  const head =
    result.status === 'unchanged'
      ? `${id}: unchanged (version ${result.after.version}); nothing written`
      : result.status === 'dry-run'
        ? `${id}: would ${verb} as version ${result.after.version} (dry run: nothing written)`
        : `${id}: version ${result.after.version} written (${result.after.change}${result.after.reason ? `: ${result.after.reason}` : ''})`;
  return [head, ...formatDiff(result.diff).map((line) => `  ${line}`)];
}

/** A change's result as a script reads it. */
export function changeJson(result: TenantChangeResult): Record<string, unknown> {
  return {
    tenant: result.after.tenantId,
    status: result.status,
    version: result.after.version,
    ...(result.before ? { previousVersion: result.before.version } : {}),
    enabled: result.after.enabled,
    diff: result.diff,
  };
}

/** One stored version as a person reads it, in the history and the list. */
export function describeVersion(version: StoredTenant): string {
  return `v${version.version}  ${version.changedAt}  ${version.change.padEnd(7)} ${version.enabled ? 'enabled ' : 'disabled'}  by ${version.changedBy}${version.reason ? `  "${version.reason}"` : ''}`;
}
