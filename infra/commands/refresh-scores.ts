/**
 * Runs the scheduled score refresh once, by hand, against a local table: the same use case and
 * wiring as the refresh-scores function, with the tenants stored in the table (as `npm start`
 * seeded them, or as `npm run tenants` changed them).
 *
 *   npm run scores:refresh -- [--endpoint http://127.0.0.1:8000] [--table influence-router-local] [--tenant demo]
 *                             [--sandbox http://127.0.0.1:3001]
 *
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set,
 * else the DynamoDB Local that `npm start` runs on 127.0.0.1:8000. TABLE_NAME (default influence-router-local).
 * Exit codes: 0 when the run finished (failed refreshes included), 1 when it could not run, 2 on
 * bad arguments.
 */
import { dynamoClientFor, dynamoTarget, localTableName, localUrls } from '../local/dynamodb-target.js';
import { parseArgs } from 'node:util';
import { CachedTenants, enabledTenants } from '../../shared/adapters/config/tenant-cache.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { createTelemetry } from '../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { refreshDueScores } from '../../shared/use-cases/scoring/refresh-due-scores.js';
import { wireRefreshDeps } from '../../functions/refresh-scores/wiring.js';
import { type CliOutput, describeError, runAsProgram, usageMistake } from './cli.js';
import { checkTenant } from './tenant-check.js';
import { fetchSandboxHosts } from '../sandbox/index.js';
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
  const target = dynamoTarget(values.endpoint, env);
  const endpoint = 'endpoint' in target ? target.endpoint : undefined;
  const tableName = localTableName(values.table, env);
  const mode = endpoint ? 'local' : 'deployed';
  const sandboxUrl = values.sandbox ?? localUrls(env).sandboxUrl;

  const client = dynamoClientFor(target);
  try {
    // Local mode may start from an empty DynamoDB Local; deployed tables come from the CDK stack.
    if (endpoint) await createTable(client, tableName);
    for (const tenant of values.tenant ?? []) {
      const checked = await checkTenant({ client, tableName, target }, tenant, 'scores:refresh', { enabledOnly: true });
      if (!checked.ok) {
        output.err(checked.message);
        return 2;
      }
    }
    const store = new DynamoTenantStore(client, tableName);
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
      tenants: new CachedTenants(store, { mode }),
      allTenants: () => enabledTenants(store, mode, (error, tenant) => output.err(`tenant ${tenant} skipped: ${describeError(error)}`)),
      documentClient: client,
      tableName,
      secrets: new RefSecretResolver(),
      telemetry: createTelemetry('refresh-scores', localLogger('refresh-scores', 'line', true)),
      // Local mode's tenants may use scoring services on loopback and private addresses; deployed ones may not.
      ...(endpoint ? { serviceAddresses: 'any' as const } : {}),
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
      if (report.scoresDeleted)
        output.out(
          `    ${report.scoresDeleted} scores deleted: they held data past a network's terms (YouTube: 30 days) and could not be renewed`,
        );
      for (const held of report.heldBack ?? []) {
        const until = held.until ? ` until ${held.until}` : '';
        output.out(`    ${held.part} held back${until}: ${held.customers} left unscored for now, due again then (${held.reason})`);
      }
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
