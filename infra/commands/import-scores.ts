/**
 * Loads influence scores from a CSV or JSON Lines file into the table, for one tenant.
 *
 *   npm run scores:import -- --tenant demo --file scores.csv [--endpoint http://127.0.0.1:8000]
 *                            [--table influence-router-local] [--format csv|jsonl] [--helpdesk <name>]
 *
 * Rows name the customer by `email`, by `external_id` (the tenant's own customer id, e.g. a CRM
 * id), by `<helpdesk>_user_id` (one column per registered helpdesk), or by `helpdesk_user_id`:
 * the ids of the helpdesk `--helpdesk` names (default: the registry's first).
 *
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set,
 * else the DynamoDB Local that `npm start` runs on 127.0.0.1:8000. TABLE_NAME (default influence-router-local),
 * IDENTITY_HASH_KEY (the deployment's identity hash key; without it the local stack's
 * development-only key is used, which must never hash real customers' data).
 * Exit codes: 0 when rows were imported (rejected rows listed beside them), 1 when nothing was
 * imported (every row rejected, or no rows), the file could not be read or the import failed, so a
 * script that chains on it stops; 2 on bad arguments.
 */
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { TenantSchema } from '../../shared/adapters/config/tenants.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { ImportFileError } from '../../shared/adapters/import/errors.js';
import { readImportFile } from '../../shared/adapters/import/import-file.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { defaultHelpdeskName, helpdeskNames, helpdeskUserIdFields } from '../../shared/adapters/registry/identities.js';
import { identityColumns, importScores, scoreColumnsCheck } from '../../shared/use-cases/scoring/import-scores.js';
import { dynamoClientFor, dynamoTarget, localTableName } from '../local/dynamodb-target.js';
import { DEMO } from '../local/stack.js';
import { type CliOutput, describeError, runAsProgram, usageMistake, userPath } from './cli.js';
import { checkTenant } from './tenant-check.js';

/** How often a long import redraws its progress line on a terminal, in ms. */
const PROGRESS_EVERY_MS = 500;

/** Line numbers shown for each reason rows were rejected for. */
const LINES_SHOWN_PER_REASON = 5;

/** Lines of a file, counted without holding it, for the progress line's total. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines += 1;
  }
  return lines;
}

/** Every rejected row, one `line,reason` a line, in a file of its own in the temp folder; its path. */
function writeRejected(file: string, rejected: readonly { line: number; reason: string }[], now: Date): string {
  const dir = join(tmpdir(), 'influence-router');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${basename(file)}.rejected-${now.toISOString().replace(/[:.]/g, '-')}.csv`);
  writeFileSync(path, `line,reason\n${rejected.map((row) => `${row.line},"${row.reason.replace(/"/g, '""')}"`).join('\n')}\n`);
  return path;
}

/** Rejected rows grouped by reason, the most common first, each with its first line numbers. */
function rejectedByReason(rejected: readonly { line: number; reason: string }[]): string[] {
  const groups = new Map<string, number[]>();
  for (const row of rejected) groups.set(row.reason, [...(groups.get(row.reason) ?? []), row.line]);
  return [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([reason, lines]) => {
      const shown = lines.slice(0, LINES_SHOWN_PER_REASON).join(', ');
      return `    ${String(lines.length).padStart(6)}  ${reason} (line${lines.length === 1 ? '' : 's'} ${shown}${lines.length > LINES_SHOWN_PER_REASON ? ', ...' : ''})`;
    });
}

/** Says so on stderr when an import stored nobody, so a script that chains on it stops. */
function nothingImported(imported: number, rejected: number, file: string, output: CliOutput): boolean {
  if (imported > 0) return false;
  output.err(
    rejected === 0
      ? `Nothing was imported: ${file} has no rows under its header.`
      : `Nothing was imported: all ${rejected} row${rejected === 1 ? ' was' : 's were'} rejected. Mend the rows listed above and import ${file} again.`,
  );
  return true;
}

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
    output.err(usageMistake(error, 'scores:import'));
    return 2;
  }
  if (values.tenant === undefined) {
    output.err(`--tenant is required, e.g. --tenant ${DEMO.tenant} (see npm run scores:import -- --help)`);
    return 2;
  }
  const tenant = TenantSchema.shape.id.safeParse(values.tenant);
  if (!tenant.success || !values.file) {
    output.err(
      !tenant.success
        ? values.tenant === undefined
          ? '--tenant is required (see npm run scores:import -- --help)'
          : `--tenant ${values.tenant}: ${tenant.error.issues[0]?.message ?? 'invalid'} (see npm run scores:import -- --help)`
        : `--file is required (see npm run scores:import -- --help)`,
    );
    return 2;
  }
  const format = values.format;
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') {
    output.err(`--format must be csv or jsonl (see npm run scores:import -- --help)`);
    return 2;
  }

  // The helpdesk whose user ids the unqualified helpdesk_user_id column holds.
  const helpdesk = values.helpdesk ?? defaultHelpdeskName();
  if (!helpdeskNames().includes(helpdesk)) {
    output.err(`--helpdesk must be one of ${helpdeskNames().join(', ')} (see npm run scores:import -- --help)`);
    return 2;
  }
  const userIdColumns = helpdeskUserIdFields(helpdesk);
  const file = userPath(values.file, env);

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
    const known = await checkTenant({ client, tableName, target }, tenant.data, 'scores:import');
    if (!known.ok) {
      output.err(known.message);
      return 2;
    }
    const store = new DynamoCustomerStore(client, tableName, hmacIdentityHashers(hashKey));
    const rows = readImportFile(file, { validateHeader: scoreColumnsCheck(userIdColumns), ...(format ? { format } : {}) });
    // Progress on a terminal's stderr only, so stdout stays the result a script reads.
    const progress = output.progress?.bind(output);
    const total = progress ? Math.max(0, (await countLines(file)) - (format === 'jsonl' || values.file.endsWith('.jsonl') ? 0 : 1)) : 0;
    const started = performance.now();
    let drawn = 0;
    const result = await importScores(
      { tenant: tenant.data, rows, now, sourceName: basename(values.file), userIdColumns },
      {
        store,
        onProgress: (imported) => {
          const elapsed = performance.now() - started;
          if (!progress || elapsed - drawn < PROGRESS_EVERY_MS) return;
          drawn = elapsed;
          const rate = imported / (elapsed / 1000);
          const left = rate > 0 ? Math.max(0, (total - imported) / rate) : 0;
          progress(
            `  ${imported.toLocaleString('en')} of about ${total.toLocaleString('en')} rows written, ${Math.round(rate).toLocaleString('en')} rows/s, about ${Math.ceil(left)} s left`,
          );
        },
      },
    );
    progress?.('');
    output.out(
      `Imported ${result.imported} rows for tenant ${tenant.data} from ${basename(values.file)} into ${tableName} ` +
        `(${where}) ` +
        `in ${result.durationMs} ms; rejected ${result.rejected.length}.`,
    );
    if (result.rejected.length > 0) {
      output.out('  rejected, by reason:');
      for (const line of rejectedByReason(result.rejected)) output.out(line);
      output.out(`  every rejected row: ${writeRejected(file, result.rejected, new Date())}`);
    }
    if (values['all-rejected']) for (const row of result.rejected) output.out(`  line ${row.line}: ${row.reason}`);
    return nothingImported(result.imported, result.rejected.length, basename(values.file), output) ? 1 : 0;
  } catch (error) {
    if (error instanceof ImportFileError) {
      output.err(`Cannot import ${values.file}: ${error.message}`);
      return 1;
    }
    output.err(`Import failed: ${describeError(error)}`);
    return 1;
  }
}

await runAsProgram(
  import.meta.url,
  (argv, env, output) => runImportScores(argv, env, output),
  `Loads influence scores from a CSV or JSON Lines file into the table, for one tenant (DYNAMODB_ENDPOINT, TABLE_NAME, IDENTITY_HASH_KEY as for the other commands).\nEach row: a score (1-100) and one of ${identityColumns(helpdeskUserIdFields(defaultHelpdeskName())).join(', ')}.\n\n${USAGE}`,
);
