/**
 * Loads influence scores from a CSV or JSON Lines file into the table, for one tenant.
 *
 *   npm run scores:import -- --tenant demo --file scores.csv [--endpoint http://127.0.0.1:8000]
 *                            [--table influence-router-local] [--format csv|jsonl] [--helpdesk <name>]
 *
 * Rows name the customer by `email`, by `<helpdesk>_user_id` (one column per registered
 * helpdesk), or by `helpdesk_user_id`: the ids of the helpdesk `--helpdesk` names (default: the
 * registry's first).
 *
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set,
 * else the DynamoDB Local that `npm start` runs on 127.0.0.1:8000. TABLE_NAME (default influence-router-local),
 * IDENTITY_HASH_KEY (the deployment's identity hash key; without it the local stack's
 * development-only key is used, which must never hash real customers' data).
 * Exit codes: 0 when the file was read (rejected rows included), 1 when it could not be read or
 * the import failed, 2 on bad arguments.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { TenantSchema } from '../../shared/adapters/config/tenants.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { ImportFileError } from '../../shared/adapters/import/errors.js';
import { readImportFile } from '../../shared/adapters/import/import-file.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { defaultHelpdeskName, helpdeskNames, helpdeskUserIdFields } from '../../shared/adapters/registry/identities.js';
import { importScores, scoreColumnsCheck } from '../../shared/use-cases/import-scores.js';
import { dynamoClientFor, dynamoTarget, localTableName } from './dynamodb-target.js';
import { DEMO } from './stack.js';
import { type CliOutput, describeError, runAsProgram } from './cli.js';

/** How often a long import says how far it got. */
const PROGRESS_EVERY_ROWS = 10_000;

/** Rejected rows listed unless `--all-rejected` asks for every one. */
const MAX_REJECTED_SHOWN = 20;


const USAGE = `usage: npm run scores:import -- --tenant <id> --file <path> [--helpdesk ${helpdeskNames().join('|')}] [--endpoint <url>] [--table <name>] [--format csv|jsonl] [--all-rejected]`;

/**
 * Runs the import command and returns its exit code.
 *
 * @example process.exitCode = await runImportScores(process.argv.slice(2), process.env, console);
 */
export async function runImportScores(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CliOutput,
  now: Date = new Date(),
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tenant: { type: 'string' },
        file: { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        format: { type: 'string' },
        helpdesk: { type: 'string' },
        'all-rejected': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const tenant = TenantSchema.shape.id.safeParse(values.tenant);
  if (!tenant.success || !values.file) {
    output.err(!tenant.success ? `--tenant: ${tenant.error.issues[0]?.message ?? 'invalid'}\n${USAGE}` : `--file is required\n${USAGE}`);
    return 2;
  }
  const format = values.format;
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') {
    output.err(`--format must be csv or jsonl\n${USAGE}`);
    return 2;
  }

  // The helpdesk whose user ids the unqualified helpdesk_user_id column holds.
  const helpdesk = values.helpdesk ?? defaultHelpdeskName();
  if (!helpdeskNames().includes(helpdesk)) {
    output.err(`--helpdesk must be one of ${helpdeskNames().join(', ')}\n${USAGE}`);
    return 2;
  }
  const userIdColumns = helpdeskUserIdFields(helpdesk);

  const target = dynamoTarget(values.endpoint, env);
  const endpoint = 'endpoint' in target ? target.endpoint : undefined;
  const tableName = localTableName(values.table, env);
  // The local stack's key, so that `npm start` finds the customers imported here.
  const hashKey = env.IDENTITY_HASH_KEY || DEMO.identityKey;
  if (!env.IDENTITY_HASH_KEY) output.err('IDENTITY_HASH_KEY is not set: using the development-only key (never for real data).');

  const where = endpoint ?? ('region' in target ? `AWS ${target.region}` : '');
  const client = dynamoClientFor(target);
  try {
    // Local mode may start from an empty DynamoDB Local; deployed tables come from the CDK stack.
    if (endpoint) await createTable(client, tableName);
    const store = new DynamoCustomerStore(client, tableName, hmacIdentityHashers(hashKey));
    const rows = readImportFile(values.file, { validateHeader: scoreColumnsCheck(userIdColumns), ...(format ? { format } : {}) });
    // Progress on stderr, so stdout stays the result a script reads.
    let reported = 0;
    const result = await importScores(
      { tenant: tenant.data, rows, now, sourceName: basename(values.file), userIdColumns },
      {
        store,
        onProgress: (imported) => {
          if (imported - reported < PROGRESS_EVERY_ROWS) return;
          reported = imported;
          output.err(`  ${imported} rows imported...`);
        },
      },
    );
    output.out(
      `Imported ${result.imported} rows for tenant ${tenant.data} from ${basename(values.file)} into ${tableName} ` +
        `(${where}) ` +
        `in ${result.durationMs} ms; rejected ${result.rejected.length}.`,
    );
    const shown = values['all-rejected'] ? result.rejected : result.rejected.slice(0, MAX_REJECTED_SHOWN);
    for (const row of shown) output.out(`  line ${row.line}: ${row.reason}`);
    if (shown.length < result.rejected.length) {
      output.out(`  ... and ${result.rejected.length - shown.length} more rejected rows (--all-rejected lists every one)`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ImportFileError) {
      output.err(`Cannot import ${values.file}: ${error.message}`);
      return 1;
    }
    output.err(`Import failed: ${describeError(error)}`);
    return 1;
  }
}

await runAsProgram(import.meta.url, (argv, env, output) => runImportScores(argv, env, output), `Loads influence scores from a CSV or JSON Lines file into the table, for one tenant (DYNAMODB_ENDPOINT, TABLE_NAME, IDENTITY_HASH_KEY as for the other commands).\n\n${USAGE}`);
