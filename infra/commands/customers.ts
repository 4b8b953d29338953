/**
 * Privacy and administration commands for one customer of one tenant:
 *
 *   npm run customer -- opt-out        --tenant demo --email ada@example.com
 *   npm run customer -- opt-in         --tenant demo --<helpdesk>-user-id 1001
 *   npm run customer -- export         --tenant demo --handle twitter:ada
 *   npm run customer -- export         --tenant demo --external-id crm-42
 *   npm run customer -- erase          --tenant demo --email ada@example.com
 *   npm run customer -- override       --tenant demo --email ada@example.com --kind boost --score 90
 *                                      --reason "Board member" [--expires 2027-01-01] --by admin@acme.test
 *   npm run customer -- clear-override --tenant demo --email ada@example.com
 *   npm run customer -- merge          --tenant demo --<helpdesk>-user-id 1001 --email ada@example.com
 *
 * Each command names the customer by exactly one identity; merge takes two or more, all of the
 * same person. There is a `--<helpdesk>-user-id` option for every helpdesk of the adapter registry;
 * `--external-id` is the tenant's own id of the customer (a CRM id), whichever system carried it.
 * Results are printed as JSON (export prints the export document).
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set,
 * else the DynamoDB Local that `npm start` runs. TABLE_NAME (default influence-router-local),
 * IDENTITY_HASH_KEY (the deployment's identity hash key; without it the local stack's
 * development-only key is used, which must never hash real customers' data).
 * Exit codes: 0 done, 1 failed or no such customer, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { qualifiedUserIdFields } from '../../shared/adapters/registry/identities.js';
import { TenantSchema } from '../../shared/adapters/config/tenants.js';
import { hmacIdentityHashers } from '../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../shared/adapters/store/customer-store.js';
import { DynamoPrivacyStore } from '../../shared/adapters/store/privacy-store.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { type Identity, handleIdentity } from '../../shared/domain/customer.js';
import { InvalidPayloadError } from '../../shared/domain/errors.js';
import type { Clock } from '../../shared/domain/ports.js';
import { eraseCustomer } from '../../shared/use-cases/privacy/erase-customer.js';
import { exportCustomer } from '../../shared/use-cases/privacy/export-customer.js';
import { mergeCustomers } from '../../shared/use-cases/privacy/merge-customers.js';
import { type CustomerAdminDeps, optIn, optOut } from '../../shared/use-cases/privacy/opt-out.js';
import { type OverrideRequest, clearOverride, setOverride } from '../../shared/use-cases/scoring/set-override.js';
import { dynamoClientFor, dynamoTarget, localTableName } from '../local/dynamodb-target.js';
import { checkTenant } from './tenant-check.js';
import { DEMO } from '../local/stack.js';
import { systemClock } from '../../shared/adapters/clock/system-clock.js';
import { type CliOutput, describeError, runAsProgram, usageMistake } from './cli.js';

/** The commands `npm run customer` knows. */
export const CUSTOMER_COMMANDS = ['opt-out', 'opt-in', 'export', 'erase', 'override', 'clear-override', 'merge'] as const;
type CustomerCommand = (typeof CUSTOMER_COMMANDS)[number];

/** One `--<helpdesk>-user-id` option per registered helpdesk. */
const USER_ID_FIELDS = qualifiedUserIdFields();

const USAGE = [
  `usage: npm run customer -- <${CUSTOMER_COMMANDS.join('|')}> --tenant <id>`,
  `         (--email <address> | --external-id <id> | ${USER_ID_FIELDS.map((field) => `--${field.option} <id>`).join(' | ')} | --handle <network:handle>)`,
  '         [--kind boost|never --score <1-100> --reason <text> --expires <date> --by <who>]   (override)',
  '         [--endpoint <url>] [--table <name>]',
  '       merge takes two or more identities of the same customer; every other command exactly one.',
].join('\n');

const EmailSchema = z.email({ error: 'is not a valid email address' });
// The longest external id the webhooks and imports accept.
const ExternalIdSchema = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const HandleSchema = z.string().regex(/^[a-z0-9_.-]+:@?[^\s:]+$/i, 'must look like network:handle, e.g. twitter:ada');
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

class UsageError extends Error {}

function identitiesFrom(values: Record<string, string[] | string | boolean | undefined>): Identity[] {
  const list = (name: string): string[] => {
    const value = values[name];
    return Array.isArray(value) ? value : [];
  };
  const identities: Identity[] = [];
  for (const email of list('email')) {
    const parsed = EmailSchema.safeParse(email.trim());
    if (!parsed.success) throw new UsageError('--email is not a valid email address');
    identities.push({ kind: 'email', value: parsed.data });
  }
  for (const id of list('external-id')) {
    const parsed = ExternalIdSchema.safeParse(id.trim());
    if (!parsed.success) throw new UsageError(`--external-id ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    identities.push({ kind: 'external-id', value: parsed.data });
  }
  for (const field of USER_ID_FIELDS) {
    for (const id of list(field.option)) {
      const parsed = field.userId.safeParse(id.trim());
      if (!parsed.success) throw new UsageError(`--${field.option} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
      // Stored qualified by the helpdesk the id belongs to, as the ticket path does.
      identities.push({ kind: 'helpdesk-user', value: `${field.helpdesk}:${parsed.data}` });
    }
  }
  for (const handle of list('handle')) {
    const parsed = HandleSchema.safeParse(handle.trim());
    if (!parsed.success) throw new UsageError(`--handle ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    const colon = parsed.data.indexOf(':');
    // The operator names the customer: their word is taken as a verification, so the handle finds
    // the profile that holds it as verified or channel (never one where it was only typed in).
    identities.push(handleIdentity(parsed.data.slice(0, colon), parsed.data.slice(colon + 1), 'verified'));
  }
  return identities;
}

function overrideFrom(values: { kind?: string; score?: string; reason?: string; expires?: string }): OverrideRequest {
  if (values.kind !== 'boost' && values.kind !== 'never') throw new UsageError('--kind must be boost or never');
  if (!values.reason) throw new UsageError('--reason is required');
  const expiresAt = values.expires && DATE_ONLY.test(values.expires) ? `${values.expires}T00:00:00Z` : values.expires;
  const base = { reason: values.reason, ...(expiresAt ? { expiresAt } : {}) };
  if (values.kind === 'never') {
    if (values.score !== undefined) throw new UsageError('--score is for a boost only');
    return { kind: 'never', ...base };
  }
  if (values.score === undefined) throw new UsageError('--score is required for a boost: a whole number from 1 to 100');
  const score = Number(values.score);
  // Checked here, so the message names the option and the value rather than the stored field.
  if (!/^\d+$/.test(values.score) || score < 1 || score > 100)
    throw new UsageError(`--score must be a whole number from 1 to 100, got ${values.score}`);
  return { kind: 'boost', score, ...base };
}

/** A command line, read and checked; only `override` carries an override. */
type ParsedCommand = {
  tenant: string;
  identity: Identity;
  identities: Identity[];
  endpoint?: string;
  table?: string;
} & ({ command: 'override'; override: { request: OverrideRequest; by: string } } | { command: Exclude<CustomerCommand, 'override'> });

function parseCommand(argv: readonly string[]): ParsedCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      tenant: { type: 'string' },
      email: { type: 'string', multiple: true },
      'external-id': { type: 'string', multiple: true },
      ...Object.fromEntries(USER_ID_FIELDS.map((field) => [field.option, { type: 'string', multiple: true } as const])),
      handle: { type: 'string', multiple: true },
      kind: { type: 'string' },
      score: { type: 'string' },
      reason: { type: 'string' },
      expires: { type: 'string' },
      by: { type: 'string' },
      endpoint: { type: 'string' },
      table: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [name, ...extra] = positionals;
  const command = CUSTOMER_COMMANDS.find((c) => c === name);
  if (!command) throw new UsageError(name ? `unknown command "${name}"` : 'a command is required');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra.join(' ')}"`);
  if (values.tenant === undefined) throw new UsageError(`--tenant is required, e.g. --tenant ${DEMO.tenant}`);
  const tenant = TenantSchema.shape.id.safeParse(values.tenant);
  if (!tenant.success)
    throw new UsageError(
      values.tenant === undefined ? '--tenant is required' : `--tenant ${values.tenant}: ${tenant.error.issues[0]?.message ?? 'invalid'}`,
    );
  const identities = identitiesFrom(values);
  const [identity, ...others] = identities;
  if (!identity)
    throw new UsageError(
      `an identity is required: --email, --external-id, ${USER_ID_FIELDS.map((field) => `--${field.option}`).join(', ')} or --handle`,
    );
  if (command === 'merge' && others.length === 0) throw new UsageError('merge needs two or more identities of the same customer');
  if (command !== 'merge' && others.length > 0) throw new UsageError(`${command} takes exactly one identity`);
  const common = {
    tenant: tenant.data,
    identity,
    identities,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.table ? { table: values.table } : {}),
  };
  if (command === 'override') {
    if (!values.by?.trim()) throw new UsageError('--by is required: who sets the override');
    return { ...common, command, override: { request: overrideFrom(values), by: values.by } };
  }
  const misplaced = (['kind', 'score', 'reason', 'expires', 'by'] as const).find((option) => values[option] !== undefined);
  if (misplaced) throw new UsageError(`--${misplaced} is for the override command only`);
  return { ...common, command };
}

/**
 * Runs one customer command and returns its exit code.
 *
 * @example process.exitCode = await runCustomerCommand(['export', '--tenant', 'demo', '--email', 'ada@example.com'], process.env, console);
 */
export async function runCustomerCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CliOutput,
  clock: Clock = systemClock,
): Promise<number> {
  let parsed: ParsedCommand;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    output.err(usageMistake(error, 'customer'));
    return 2;
  }
  const { tenant, identity, identities } = parsed;

  const target = dynamoTarget(parsed.endpoint, env);
  const endpoint = 'endpoint' in target ? target.endpoint : undefined;
  const tableName = localTableName(parsed.table, env);
  // The local stack's key, so that these commands find the customers `npm start` knows.
  const hashKey = env.IDENTITY_HASH_KEY || DEMO.identityKey;
  if (!env.IDENTITY_HASH_KEY) output.err('IDENTITY_HASH_KEY is not set: using the development-only key (never for real data).');
  const hasherFor = hmacIdentityHashers(hashKey);
  const client = dynamoClientFor(target);
  const print = (result: unknown) => output.out(JSON.stringify(result, null, 2));
  const notFound = () => {
    output.err(`No such customer: nobody in tenant ${tenant} is known by that identity.`);
    if (identities.some((named) => named.kind === 'handle'))
      output.err(
        'A handle finds a customer only once verified or seen through its network channel; one typed into a form is listed on the profile but finds nobody: try --email or a user id.',
      );
    return 1;
  };
  try {
    // Local mode may start from an empty DynamoDB Local; deployed tables come from the CDK stack.
    if (endpoint) await createTable(client, tableName);
    const known = await checkTenant({ client, tableName, target }, tenant, 'customer');
    if (!known.ok) {
      output.err(known.message);
      return 2;
    }
    const documentClient = client;
    const customers = new DynamoCustomerStore(documentClient, tableName, hasherFor);
    const deps: CustomerAdminDeps = { customers, hasherFor, clock };
    const privacyDeps = { customers, privacy: new DynamoPrivacyStore(documentClient, tableName, hasherFor), clock };
    const ref = { tenant, identity };
    switch (parsed.command) {
      case 'opt-out':
        print(await optOut(ref, { ...deps, privacy: privacyDeps.privacy }));
        return 0;
      case 'opt-in': {
        const result = await optIn(ref, deps);
        if (result.status === 'not-found') return notFound();
        print(result);
        return 0;
      }
      case 'export': {
        const document = await exportCustomer(ref, privacyDeps);
        if (!document) return notFound();
        print(document);
        return 0;
      }
      case 'erase': {
        const result = await eraseCustomer(ref, privacyDeps);
        if (result.status === 'not-found') return notFound();
        print(result);
        return 0;
      }
      case 'override': {
        const result = await setOverride(ref, parsed.override.request, parsed.override.by, deps);
        if (result.status === 'opted-out') {
          output.err('Refused: the customer opted out of influence scoring, so they cannot be boosted (a "never" override is allowed).');
          return 1;
        }
        print(result);
        return 0;
      }
      case 'clear-override': {
        const result = await clearOverride(ref, deps);
        if (result.status === 'not-found') return notFound();
        print(result);
        return 0;
      }
      case 'merge': {
        const result = await mergeCustomers(tenant, identities, { customers, clock });
        if (!result) return notFound();
        print({ status: result.absorbedKeys.length > 0 ? 'merged' : 'already-one-profile', ...result });
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof InvalidPayloadError) {
      output.err(
        `${error.message}: ${error.issues.map((issue) => `${issue.path || 'override'} ${issue.message}`).join('; ')} (see npm run customer -- --help)`,
      );
      return 2;
    }
    const unreachable = endpoint && error instanceof Error && error.message.includes('ECONNREFUSED');
    const hint = unreachable ? ` (nothing answers at ${endpoint}: is npm start running, or is DYNAMODB_ENDPOINT right?)` : '';
    output.err(`${parsed.command} failed: ${describeError(error)}${hint}`);
    return 1;
  }
}

await runAsProgram(
  import.meta.url,
  (argv, env, output) => runCustomerCommand(argv, env, output),
  `Privacy and administration commands for one customer of one tenant; results are JSON.\n\n${USAGE}`,
);
