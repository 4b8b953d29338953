/**
 * Runs the scheduled score refresh once, by hand, against a local table: the same use case and
 * wiring as the refresh-scores function.
 *
 *   npm run scores:refresh -- [--endpoint http://127.0.0.1:8000] [--table influence-router-local]
 *                             [--tenant demo] [--sandbox http://127.0.0.1:3001]
 *
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set,
 * else the DynamoDB Local that `npm start` runs on 127.0.0.1:8000. TABLE_NAME (default influence-router-local),
 * INFLUENCE_ROUTER_TENANTS (a tenants file, local mode rules; without it the built-in demo tenant,
 * whose helpdesk is the sandbox `npm start` runs: --sandbox, else SANDBOX_URL or SANDBOX_PORT,
 * else where the running `npm start` says).
 * Exit codes: 0 when the run finished (failed refreshes included), 1 when it could not run, 2 on
 * bad arguments.
 */
import { dynamoClientFor, dynamoTarget, localTableName, localUrls } from '../local/dynamodb-target.js';
import { parseArgs } from 'node:util';
import { loadTenantsFile, TenantDirectory } from '../../shared/adapters/config/tenant-directory.js';
import { parseTenantsFile, TenantSchema } from '../../shared/adapters/config/tenants.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { refreshDueScores } from '../../shared/use-cases/scoring/refresh-due-scores.js';
import { wireRefreshDeps } from '../../functions/refresh-scores/wiring.js';
import { demoTenants, fetchSandboxHosts } from '../sandbox/index.js';
import { type CliOutput, describeError, runAsProgram, usageMistake, userPath } from './cli.js';
import { localLogger } from '../local/terminal-logger.js';

const USAGE = 'usage: npm run scores:refresh -- [--endpoint <url>] [--table <name>] [--tenant <id>] [--sandbox <url>]';

/**
 * Runs one refresh and returns its exit code; the counts go to `output`.
 *
 * @example process.exitCode = await runRefreshScores(process.argv.slice(2), process.env, console);
 */
export async function runRefreshScores(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CliOutput,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        endpoint: { type: 'string' },
        table: { type: 'string' },
        tenant: { type: 'string', multiple: true },
        sandbox: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    output.err(usageMistake(error, 'scores:refresh'));
    return 2;
  }
  for (const tenant of values.tenant ?? []) {
    const checked = TenantSchema.shape.id.safeParse(tenant);
    if (!checked.success) {
      output.err(`--tenant ${tenant}: ${checked.error.issues[0]?.message ?? 'invalid'} (see npm run scores:refresh -- --help)`);
      return 2;
    }
  }
  const target = dynamoTarget(values.endpoint, env);
  const endpoint = 'endpoint' in target ? target.endpoint : undefined;
  const tableName = localTableName(values.table, env);

  const client = dynamoClientFor(target);
  try {
    const tenantsFile = env.INFLUENCE_ROUTER_TENANTS ? userPath(env.INFLUENCE_ROUTER_TENANTS, env) : undefined;
    const sandboxUrl = values.sandbox ?? localUrls(env).sandboxUrl;
    const tenants = tenantsFile
      ? loadTenantsFile(tenantsFile, 'local')
      : new TenantDirectory(parseTenantsFile({ tenants: demoTenants(sandboxUrl, undefined) }, 'local', 'demo tenants'));
    // Local mode may start from an empty DynamoDB Local; deployed tables come from the CDK stack.
    if (endpoint) await createTable(client, tableName);
    // Local mode: the Mastodon servers and Bluesky handle hosts the running sandbox serves on loopback.
    const hosts = endpoint
      ? await fetchSandboxHosts(sandboxUrl).catch((error: unknown) => {
          output.err(
            `No sandbox hosts from ${sandboxUrl} (${describeError(error)}): Mastodon servers and Bluesky handle domains are not looked up.`,
          );
          return {};
        })
      : undefined;
    const deps = wireRefreshDeps({
      tenants,
      documentClient: client,
      tableName,
      secrets: new RefSecretResolver(),
      telemetry: createTelemetry('refresh-scores', localLogger('refresh-scores', 'line', true)),
      // The tenants file is read in local mode, which allows scoring services on loopback and private addresses.
      serviceAddresses: 'any',
      ...(hosts ? { outsideHosts: () => hosts } : {}),
    });
    const result = await refreshDueScores(values.tenant ? { tenantIds: values.tenant } : {}, deps);
    output.out(
      `Refreshed scores in ${tableName} (${endpoint ?? ('region' in target ? `AWS ${target.region}` : '')}): ` +
        `examined ${result.examined}, refreshed ${result.refreshed}, no score ${result.unchanged}, failed ${result.failed}, skipped ${result.skipped}.`,
    );
    for (const report of result.tenants) {
      const stopped = report.stoppedEarly ? `; stopped early (${report.stoppedEarly})` : '';
      output.out(
        `  ${report.tenant} (${report.provider}): examined ${report.examined}, refreshed ${report.refreshed}, ` +
          `no score ${report.unchanged}, failed ${report.failed}, skipped ${report.skipped}${stopped}`,
      );
    }
    if (result.tenants.length === 0) output.out('  No tenant has a score provider ("scoring": {"provider": "none"}): nothing to refresh.');
    return 0;
  } catch (error) {
    output.err(`Refresh failed: ${describeError(error)}`);
    return 1;
  }
}

await runAsProgram(
  import.meta.url,
  (argv, env, output) => runRefreshScores(argv, env, output),
  `Runs the scheduled score refresh once, against DynamoDB Local and the sandbox (or AWS), and prints what it did.\n\n${USAGE}`,
);
