import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { loadTenantsFile } from '../../../shared/adapters/config/tenant-directory.js';
import { secretIdsOf, type TenantsFile } from '../../../shared/adapters/config/tenants.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';

/** The tenants file used when the app is synthesised without `-c tenantsFile=...`. */
export const DEFAULT_TENANTS_FILE = 'infra/cdk/config/tenants.json';

/** Where the default tenants file was before the CDK app moved to infra/cdk. */
const FORMER_DEFAULT_TENANTS_FILE = 'infra/config/tenants.json';

/**
 * The tenants file to deploy: the one the context names, else the default. A file left at the
 * former default place is refused rather than passed over: deploying the example tenants instead
 * of one's own would take their webhooks down.
 *
 * @example deploymentTenantsFile(app.node.tryGetContext('tenantsFile'))
 */
export function deploymentTenantsFile(fromContext: string | undefined, cwd: string = process.cwd()): string {
  if (fromContext !== undefined) return fromContext;
  if (existsSync(resolve(cwd, FORMER_DEFAULT_TENANTS_FILE))) {
    throw new ConfigurationError(
      `${FORMER_DEFAULT_TENANTS_FILE} is no longer read by default: move it to ${DEFAULT_TENANTS_FILE}, or name it with -c tenantsFile=${FORMER_DEFAULT_TENANTS_FILE}`,
    );
  }
  return DEFAULT_TENANTS_FILE;
}

/** A tenants file validated for deployment, with the secret ids each function may read. */
export interface DeploymentTenants {
  /** Absolute path of the validated file; it is copied into every function bundle. */
  readonly path: string;
  readonly file: TenantsFile;
  /** Secrets that authenticate inbound webhooks: read by the ingest function only. */
  readonly ingestSecretIds: readonly string[];
  /** Helpdesk credentials, outbound signing secrets and score providers' keys the processor reads. */
  readonly processSecretIds: readonly string[];
  /** Helpdesk credentials (for helpdesk-supplied metrics) and score providers' keys the scheduled refresh reads. */
  readonly refreshSecretIds: readonly string[];
}

/**
 * Reads a tenants file and validates it with the same schema the functions use, in `deployed`
 * mode; throws ConfigurationError naming the file and the bad field, which becomes the synth
 * error. Which function reads which secret comes from the adapters (the registry), so each is
 * granted only its own.
 *
 * @example loadDeploymentTenants('infra/cdk/config/tenants.json').ingestSecretIds
 */
export function loadDeploymentTenants(path: string, cwd: string = process.cwd()): DeploymentTenants {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const file: TenantsFile = { tenants: loadTenantsFile(absolute, 'deployed').all() };
  const ingestSecretIds = secretIdsOf(file, 'ingest-webhook');
  const processSecretIds = secretIdsOf(file, 'process-events');
  const refreshSecretIds = secretIdsOf(file, 'refresh-scores');

  // Every secret the file names must be read by some function, never silently left ungranted.
  const granted = new Set([...ingestSecretIds, ...processSecretIds, ...refreshSecretIds]);
  const ungranted = secretIdsOf(file).filter((id) => !granted.has(id));
  if (ungranted.length > 0) {
    throw new ConfigurationError(`Tenants file ${absolute} refers to secrets no function is granted: ${ungranted.join(', ')}`);
  }
  return { path: absolute, file, ingestSecretIds, processSecretIds, refreshSecretIds };
}
