import { ConfigurationError } from '../../../shared/domain/errors.js';

/**
 * Refuses a tenants file given to synth (`-c tenantsFile=...`), naming the import that replaces
 * it. Tenants are data in the table now, changed by `npm run tenants` without a deploy: a file
 * read at synth would be a second source of truth, either overwriting those changes at every
 * deploy or silently ignored after the first; and synth works offline, so it cannot write to a
 * table anyway. Refusing says so at once, where accepting would surprise later.
 *
 * @example refuseTenantsFile(app.node.tryGetContext('tenantsFile'))
 * @throws ConfigurationError naming `npm run tenants -- import --file <path>`
 */
export function refuseTenantsFile(fromContext: string | undefined): void {
  if (fromContext === undefined) return;
  throw new ConfigurationError(
    `Tenants are no longer deployed from a file (-c tenantsFile=${fromContext}): import it once into the deployed table with ` +
      `AWS_REGION=<region> TABLE_NAME=<table> npm run tenants -- import --file ${fromContext}, then synth and deploy without -c tenantsFile ` +
      `(docs/deploying.md#upgrading-from-a-tenants-file)`,
  );
}
