import { isAbsolute, resolve } from 'node:path';
import { loadTenantsFile } from '../../shared/adapters/config/tenant-directory.js';
import { scoringSecretIdsOf, secretIdsOf, type SecretRef, type TenantsFile } from '../../shared/adapters/config/tenants.js';
import { ConfigurationError } from '../../shared/domain/errors.js';

/** The tenants file used when the app is synthesised without `-c tenantsFile=...`. */
export const DEFAULT_TENANTS_FILE = 'infra/config/tenants.json';

/** A tenants file validated for deployment, with the secret ids each function may read. */
export interface DeploymentTenants {
  /** Absolute path of the validated file; it is copied into every function bundle. */
  readonly path: string;
  readonly file: TenantsFile;
  /** Secrets that verify inbound webhooks: read by the ingest function only. */
  readonly signingSecretIds: readonly string[];
  /** Helpdesk API credentials: read by the processor and, for helpdesk-supplied metrics, the refresh. */
  readonly helpdeskSecretIds: readonly string[];
  /** Score providers' API keys: read by the processor (scoring on the ticket path) and the refresh. */
  readonly scoringSecretIds: readonly string[];
}

function secretIds(refs: readonly SecretRef[]): string[] {
  const ids = new Set<string>();
  for (const ref of refs) if ('secretId' in ref) ids.add(ref.secretId);
  return [...ids].sort();
}

/**
 * Reads a tenants file and validates it with the same schema the functions use, in `deployed`
 * mode; throws ConfigurationError naming the file and the bad field, which becomes the synth error.
 *
 * @example loadDeploymentTenants('infra/config/tenants.json').signingSecretIds
 */
export function loadDeploymentTenants(path: string, cwd: string = process.cwd()): DeploymentTenants {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const file: TenantsFile = { tenants: loadTenantsFile(absolute, 'deployed').all() };
  const signingSecretIds = secretIds(file.tenants.flatMap((tenant) => tenant.sources.zendesk?.signingSecrets ?? []));
  const helpdeskSecretIds = secretIds(file.tenants.map((tenant) => tenant.helpdesk.apiToken));
  const scoringSecretIds = [...scoringSecretIdsOf(file)].sort();

  // A secret kind added to the schema must get an explicit grant here, never a silent omission.
  const granted = new Set([...signingSecretIds, ...helpdeskSecretIds, ...scoringSecretIds]);
  const ungranted = secretIdsOf(file).filter((id) => !granted.has(id));
  if (ungranted.length > 0) {
    throw new ConfigurationError(`Tenants file ${absolute} refers to secrets no function is granted: ${ungranted.join(', ')}`);
  }
  return { path: absolute, file, signingSecretIds, helpdeskSecretIds, scoringSecretIds };
}
