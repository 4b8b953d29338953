/**
 * Manages the tenants stored in the table, which the functions read (within a minute deployed):
 * add, update, show, list, disable, enable, history, and import a tenants file.
 *
 *   npm run tenants -- <verb> [<tenant>] [options]      (npm run tenants -- <verb> --help)
 *
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set
 * (with the admin's AWS credentials; deployed rules apply), else the DynamoDB Local that
 * `npm start` runs (local rules). TABLE_NAME (the deployment's TableName output; default influence-router-local).
 * Exit codes: 0 done (or nothing to change), 1 failed (the table unreachable, another writer
 * first, a secret unreadable with --check-secrets), 2 bad arguments or a configuration refused.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';
import {
  changeTenant,
  importTenants,
  TenantConflictError,
  type TenantChangeResult,
  UnknownTenantIdError,
  withSetting,
} from '../../shared/adapters/config/tenant-changes.js';
import { withInlineSecretsHidden } from '../../shared/adapters/config/tenant-diff.js';
import { TenantSchema, type Tenant } from '../../shared/adapters/config/tenants.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { dynamoClientFor, dynamoTarget, localTableName } from '../local/dynamodb-target.js';
import { type CliOutput, describeError, runAsProgram, usageMistake, userPath, UsageError } from './cli.js';
import { describeTable } from './tenant-check.js';
import {
  changedBy,
  changeJson,
  checkSecrets,
  describeChange,
  describeVersion,
  renameSecrets,
  type SecretCheck,
} from './tenants-support.js';

const COMMON = '[--endpoint <url>] [--table <name>] [--json]';
const WRITE = '[--reason <text>] [--dry-run] [--check-secrets]';

/** Each verb's usage and what it does: `npm run tenants -- <verb> --help` prints it. */
export const VERBS = {
  list: { usage: `list ${COMMON}`, does: 'Lists the tenants: id, current version, enabled, helpdesk, mode.' },
  show: {
    usage: `show <tenant> [--version <n>] ${COMMON}`,
    does: 'Shows a tenant as stored (a version with --version): its configuration with every secret shown as where it comes from, never its value.',
  },
  add: {
    usage: `add --file <tenant.json> ${WRITE} ${COMMON}`,
    does: 'Adds a tenant from a file holding one tenant (as one entry of a tenants file).',
  },
  update: {
    usage: `update <tenant> (--file <tenant.json> | --set <path>=<value> ...) ${WRITE} ${COMMON}`,
    does: 'Changes a tenant: a whole new configuration, or settings such as --set policy.mode=active (values are JSON, or text).',
  },
  disable: {
    usage: `disable <tenant> [--reason <text>] [--dry-run] ${COMMON}`,
    does: 'Disables a tenant: its webhooks get 404 and nothing is enqueued; its data stays.',
  },
  enable: { usage: `enable <tenant> ${WRITE} ${COMMON}`, does: 'Enables a disabled tenant again.' },
  history: {
    usage: `history <tenant> [--limit <n>] ${COMMON}`,
    does: "Lists a tenant's versions, newest first: when, by whom, what and why.",
  },
  import: {
    usage: `import --file <tenants.json> [--rename-secrets] ${WRITE} ${COMMON}`,
    does: "Imports a tenants file (today's form): adds new tenants, makes a new version of changed ones, leaves the same ones. Lists the secrets the file needs. --rename-secrets moves Secrets Manager ids under each tenant's own prefix and prints the renames to make.",
  },
} as const;
type Verb = keyof typeof VERBS;

/** The command's usage, every verb. */
export const TENANTS_HELP = `Manages the tenants stored in the table (local mode's DynamoDB Local, or AWS with AWS_REGION and TABLE_NAME).
Changes take effect without a deploy: within a minute deployed, a second in local mode.

${Object.entries(VERBS)
  .map(([, verb]) => `  npm run tenants -- ${verb.usage}\n      ${verb.does}`)
  .join('\n')}

Every write validates the whole tenant first (deployed: the rules synth applied to a tenants file, and secrets under
influence-router/<tenant>/inbound/ or /outbound/), prints what changes, and writes a new version on the condition that
no one else wrote one meanwhile. Exit codes: 0 done, 1 failed, 2 bad arguments or a configuration refused.`;

function isVerb(value: string | undefined): value is Verb {
  return value !== undefined && Object.hasOwn(VERBS, value);
}

function readJson(path: string, env: Record<string, string | undefined>): unknown {
  const file = userPath(path, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function tenantArg(positionals: readonly string[], verb: Verb): string {
  const id = positionals[0];
  if (id === undefined) throw new UsageError(`${verb} needs a tenant id (see npm run tenants -- ${verb} --help)`);
  const parsed = TenantSchema.shape.id.safeParse(id);
  if (!parsed.success) throw new UsageError(`tenant "${id}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * Runs `npm run tenants -- <verb> ...` and returns its exit code.
 *
 * @example process.exitCode = await runTenants(['list'], process.env, console)
 */
export async function runTenants(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h') {
    output.out(TENANTS_HELP);
    return 0;
  }
  if (!isVerb(verb)) {
    output.err(
      verb === undefined
        ? `A verb is needed: ${Object.keys(VERBS).join(', ')} (see npm run tenants -- --help)`
        : `Unknown verb "${verb}": use one of ${Object.keys(VERBS).join(', ')} (see npm run tenants -- --help)`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(`${VERBS[verb].does}\n\nusage: npm run tenants -- ${VERBS[verb].usage}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        file: { type: 'string' },
        set: { type: 'string', multiple: true },
        version: { type: 'string' },
        limit: { type: 'string' },
        reason: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'check-secrets': { type: 'boolean', default: false },
        'rename-secrets': { type: 'boolean', default: false },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    output.err(usageMistake(error, `tenants -- ${verb}`));
    return 2;
  }
  const { values, positionals } = parsed;
  const target = dynamoTarget(values.endpoint, env);
  const tableName = localTableName(values.table, env);
  const mode = 'endpoint' in target ? 'local' : 'deployed';
  const client = dynamoClientFor(target);
  const store = new DynamoTenantStore(client, tableName);
  const print = (lines: string[], json: unknown) => {
    if (values.json) output.out(JSON.stringify(json));
    else for (const line of lines) output.out(line);
  };
  try {
    // Local mode may start from an empty DynamoDB Local; deployed tables come from the CDK stack.
    if ('endpoint' in target) await createTable(client, tableName);
    const write = { ...(values.reason ? { reason: values.reason } : {}), dryRun: values['dry-run'] };
    const finish = async (results: TenantChangeResult[], verbName: string, extra: Record<string, unknown> = {}): Promise<number> => {
      const tenants = results.flatMap((result) => (result.tenant ? [result.tenant] : []));
      const checks = values['check-secrets'] ? await checkSecrets(tenants, target) : undefined;
      print([...results.flatMap((result) => describeChange(result, verbName)), ...(checks ? describeChecks(checks) : [])], {
        changes: results.map(changeJson),
        ...extra,
        ...(checks ? { secrets: checks } : {}),
      });
      return checks?.some((check) => check.readable === false) ? 1 : 0;
    };
    const by = () => changedBy(target);

    switch (verb) {
      case 'list': {
        const all = await store.listAll();
        const rows = all.map((stored) => {
          const config = TenantSchema.safeParse(JSON.parse(stored.config));
          return {
            tenant: stored.tenantId,
            version: stored.version,
            enabled: stored.enabled,
            helpdesk: config.success ? config.data.helpdesk.kind : '?',
            mode: config.success ? config.data.policy.mode : '?',
            changedAt: stored.changedAt,
          };
        });
        print(
          rows.length === 0
            ? [`No tenant in ${describeTable({ tableName, target })}: add one with npm run tenants -- add --file <tenant.json>`]
            : rows.map(
                (r) =>
                  `${r.tenant.padEnd(24)} v${String(r.version).padEnd(4)} ${r.enabled ? 'enabled ' : 'disabled'} ${r.helpdesk.padEnd(10)} ${r.mode.padEnd(7)} ${r.changedAt}`,
              ),
          { tenants: rows },
        );
        return 0;
      }
      case 'show': {
        const id = tenantArg(positionals, verb);
        const version = values.version === undefined ? undefined : Number(values.version);
        if (version !== undefined && !(Number.isInteger(version) && version >= 1))
          throw new UsageError('--version must be a whole number from 1');
        const stored = version === undefined ? await store.current(id) : await store.version(id, version);
        if (!stored)
          throw new UnknownTenantIdError(
            `No tenant "${id}"${version ? ` version ${version}` : ''} in ${describeTable({ tableName, target })} (see npm run tenants -- list)`,
          );
        const shown = withInlineSecretsHidden(JSON.parse(stored.config));
        print([describeVersion(stored), JSON.stringify(shown, null, 2)], { ...stored, config: shown });
        return 0;
      }
      case 'history': {
        const id = tenantArg(positionals, verb);
        const limit = values.limit === undefined ? 20 : Number(values.limit);
        if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000))
          throw new UsageError('--limit must be a whole number from 1 to 1000');
        const page = await store.history(id, { limit });
        if (page.items.length === 0)
          throw new UnknownTenantIdError(`No tenant "${id}" in ${describeTable({ tableName, target })} (see npm run tenants -- list)`);
        print(page.items.map(describeVersion), { tenant: id, versions: page.items.map(({ config: _config, ...rest }) => rest) });
        return 0;
      }
      case 'add': {
        if (!values.file) throw new UsageError('add needs --file <tenant.json> (see npm run tenants -- add --help)');
        const config = readJson(values.file, env);
        const id = TenantSchema.shape.id.safeParse(typeof config === 'object' && config !== null ? Reflect.get(config, 'id') : undefined);
        if (!id.success) throw new ConfigurationError(`${values.file}: id: ${id.error.issues[0]?.message ?? 'missing'}`);
        return finish(
          [await changeTenant(store, mode, { tenantId: id.data, change: 'add', config, by: await by(), ...write }, systemClock)],
          'add',
        );
      }
      case 'update': {
        const id = tenantArg(positionals, verb);
        if (!values.file && !values.set)
          throw new UsageError('update needs --file <tenant.json> or --set <path>=<value> (see npm run tenants -- update --help)');
        let config: unknown = values.file ? readJson(values.file, env) : undefined;
        if (values.set) {
          const current = config ?? (await store.current(id, { consistent: true }))?.config;
          if (current === undefined)
            throw new UnknownTenantIdError(`No tenant "${id}" in ${describeTable({ tableName, target })} (see npm run tenants -- list)`);
          config = typeof current === 'string' ? JSON.parse(current) : current;
          for (const setting of values.set) {
            const at = setting.indexOf('=');
            if (at <= 0) throw new UsageError(`--set ${setting}: write it as <path>=<value>, e.g. policy.mode=active`);
            config = withSetting(config, setting.slice(0, at), setting.slice(at + 1));
          }
        }
        return finish(
          [await changeTenant(store, mode, { tenantId: id, change: 'update', config, by: await by(), ...write }, systemClock)],
          'update',
        );
      }
      case 'disable':
      case 'enable': {
        const id = tenantArg(positionals, verb);
        const enabled = verb === 'enable';
        return finish(
          [await changeTenant(store, mode, { tenantId: id, change: verb, enabled, by: await by(), ...write }, systemClock)],
          verb,
        );
      }
      case 'import': {
        if (!values.file) throw new UsageError('import needs --file <tenants.json> (see npm run tenants -- import --help)');
        const data = readJson(values.file, env);
        const list: unknown = typeof data === 'object' && data !== null ? Reflect.get(data, 'tenants') : undefined;
        const entries: unknown[] | undefined = Array.isArray(list) ? list : undefined;
        if (!entries) throw new ConfigurationError(`${values.file}: a tenants file is {"tenants": [...]}`);
        const renamed = values['rename-secrets'] ? entries.map(renameSecrets) : entries.map((config) => ({ config, renames: [] }));
        const results = await importTenants(
          store,
          mode,
          renamed.map((entry) => entry.config),
          { by: await by(), ...write },
          systemClock,
        );
        const renames = renamed.flatMap((entry) => entry.renames);
        const code = await finish(results, 'import', { renames });
        if (!values.json) {
          for (const rename of renames) output.out(`  rename in Secrets Manager: ${rename.from} -> ${rename.to}`);
          if (!values['check-secrets'])
            output.out(`  secrets the file names: ${secretsNamed(results).join(', ') || 'none'} (check them with --check-secrets)`);
        }
        return code;
      }
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownTenantIdError) {
      output.err(error.message);
      return 2;
    }
    if (error instanceof TenantConflictError) {
      output.err(error.message);
      return 1;
    }
    if (error instanceof ConfigurationError) {
      output.err(`${error.message} (nothing was written)`);
      return 2;
    }
    output.err(`tenants ${verb} failed against ${describeTable({ tableName, target })}: ${describeError(error)}`);
    return 1;
  }
}

function secretsNamed(results: readonly TenantChangeResult[]): string[] {
  const tenants: Tenant[] = results.flatMap((result) => (result.tenant ? [result.tenant] : []));
  return [...new Set(tenants.flatMap((tenant) => JSON.stringify(tenant).match(/"secretId":"[^"]+"/g) ?? []))].map((found) =>
    found.slice(12, -1),
  );
}

function describeChecks(checks: readonly SecretCheck[]): string[] {
  return checks.map(
    (check) =>
      `  secret ${check.readable === true ? 'readable' : check.readable === false ? 'NOT READABLE' : 'not checked'}: ${check.tenant} ${check.path} (${check.from})${check.problem ? `: ${check.problem}` : ''}`,
  );
}

await runAsProgram(import.meta.url, (argv, env, output) => runTenants(argv, env, output));
