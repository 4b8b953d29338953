/**
 * Connects a tenant's helpdesk account to the router through the helpdesk's own API, as an admin
 * would by hand: the webhook, what makes it send (a trigger), its signing secret stored where the
 * tenant's configuration points, and the requester fields the helpdesk-metrics provider reads.
 *
 *   npm run connect:zendesk -- --tenant demo [--dry-run] [--webhook-base-url <url>] [--tenants <file>] [--json]
 *
 * Each `connect:<helpdesk>` script runs this with `--helpdesk <name>`; the tenant's helpdesk must
 * be that one. Exit codes: 0 connected (or, with --dry-run, planned), 1 the helpdesk or the
 * secrets store refused, 2 bad arguments or configuration.
 */
import { parseArgs } from 'node:util';
import { isLoopbackUrl } from '../../shared/adapters/plugin/outbound-url.js';
import { describeSecretRef, type SecretRef } from '../../shared/adapters/plugin/secret-ref.js';
import { enabledTenants } from '../../shared/adapters/config/tenant-cache.js';
import { loadTenantsFile } from '../../shared/adapters/config/tenant-directory.js';
import { bindSource, type Tenant } from '../../shared/adapters/config/tenants.js';
import { DynamoTenantStore } from '../../shared/adapters/store/tenant-store.js';
import { CONNECTORS, helpdeskConnector } from '../../shared/adapters/registry/connectors.js';
import type { ConnectRequest, ConnectResult, ConnectStep } from '../../shared/adapters/plugin/descriptors.js';
import { secretsManagerFetcher } from '../../shared/adapters/secrets/secrets-manager.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { storeSecret } from '../../shared/adapters/secrets/secret-store.js';
import { type CliOutput, describeError, runAsProgram, UsageError, usageMistake, userPath } from './cli.js';
import { dynamoClientFor, dynamoTarget, localTableName } from '../local/dynamodb-target.js';
import { readStackState, type StackState } from '../local/stack-state.js';

/** The helpdesk a message names when none was given. */
const DEFAULT_HELPDESK = CONNECTORS[0]?.helpdesk ?? '<helpdesk>';

/** The usage of `npm run connect:<helpdesk>`. */
export function connectUsage(helpdesk: string): string {
  return `usage: npm run connect:${helpdesk} -- --tenant <id> [--dry-run] [--webhook-base-url <url>] [--tenants <file>] [--json]
Connects the tenant's ${helpdesk} account through its API: creates the webhook and what makes it
send, or updates them when they differ (a second run changes nothing); reads the webhook's
signing secret and stores it where the tenant's configuration points (Secrets Manager for a
secretId reference; printed, for you to set, for an env or inline one); creates the requester
fields the helpdesk-metrics provider reads when they are missing.

  --tenant <id>              the tenant to connect
  --dry-run                  read what exists, print every request it would make, make no change
  --webhook-base-url <url>   where webhooks go: the deployment's WebhookBaseUrl output
                             (https://.../webhooks/); default: the running npm start's
  --tenants <file>           the tenants file (default INFLUENCE_ROUTER_TENANTS, else the demo
                             tenants of the running npm start)
  --json                     print the requests, steps and secret outcome as one JSON object

Secrets Manager is reached with the usual AWS settings (AWS_REGION and credentials).

Example:
  npm run connect:${helpdesk} -- --tenant demo --dry-run`;
}

/** Where the webhook's secret went, or would go. */
interface SecretOutcome {
  source: string;
  /** `sources.zendesk.signingSecrets.0` */
  field: string;
  /** Where that reference points, never the value. */
  where: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'set it yourself' | 'not read (dry run)';
  /** Only when the reference is one a person sets (env, inline): the value to set. */
  value?: string;
}

/**
 * The tenants to connect from: a tenants file when one is named, else the tenants stored in the
 * table (the running `npm start`'s, or the deployed one with AWS_REGION and TABLE_NAME).
 */
async function tenantsFrom(path: string | undefined, env: Record<string, string | undefined>): Promise<readonly Tenant[]> {
  if (path) return loadTenantsFile(path, 'local').all();
  const target = dynamoTarget(undefined, env);
  const store = new DynamoTenantStore(dynamoClientFor(target), localTableName(undefined, env));
  const tenants = await enabledTenants(store, 'endpoint' in target ? 'local' : 'deployed', () => undefined).catch((error: unknown) => {
    throw new UsageError(
      `No tenants: the table cannot be read (${describeError(error)}); start npm start, set AWS_REGION and TABLE_NAME for a deployment, or pass --tenants <file>`,
    );
  });
  return tenants;
}

/** The webhook base: given, or the running `npm start`'s; checked against where the helpdesk is. */
function webhookBase(given: string | undefined, stack: StackState | undefined, helpdeskUrl: string): URL {
  const raw = given ?? (stack ? `${stack.url}/webhooks/` : undefined);
  if (raw === undefined)
    throw new UsageError("Pass --webhook-base-url with the deployment's WebhookBaseUrl output (https://.../webhooks/), or start npm start");
  let url: URL;
  try {
    url = new URL(raw.endsWith('/') ? raw : `${raw}/`);
  } catch {
    throw new UsageError(
      `--webhook-base-url must be a URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/, got ${JSON.stringify(raw)}`,
    );
  }
  if (url.search || url.hash || url.username) throw new UsageError('--webhook-base-url must have no query, fragment or credentials');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url)))
    throw new UsageError('--webhook-base-url must be https (or http on this machine, for npm start)');
  if (isLoopbackUrl(url) && !isLoopbackUrl(new URL(helpdeskUrl))) {
    throw new UsageError(
      `The helpdesk at ${new URL(helpdeskUrl).origin} cannot reach ${url.origin} on this machine: pass --webhook-base-url with the deployment's WebhookBaseUrl output`,
    );
  }
  return url;
}

/** Where a source's first verification secret is configured; undefined when the tenant has no such source. */
function secretTarget(
  tenant: Tenant,
  source: string,
): { ref: SecretRef; others: readonly SecretRef[]; where: Omit<SecretOutcome, 'outcome' | 'value'> } | undefined {
  const bound = bindSource(tenant, source);
  const ref = bound?.verificationSecrets[0];
  if (!bound || !ref) return undefined;
  return {
    ref,
    others: bound.verificationSecrets,
    where: { source, field: `sources.${source}.${bound.secretsField}.0`, where: describeSecretRef(ref) },
  };
}

/** Stores (or tells how to set) each secret the helpdesk gave, where the tenant's configuration points. */
async function placeSecrets(
  tenant: Tenant,
  secrets: ConnectResult['secrets'],
  env: Record<string, string | undefined>,
): Promise<SecretOutcome[]> {
  const outcomes: SecretOutcome[] = [];
  for (const { source, secret } of secrets) {
    const target = secretTarget(tenant, source);
    if (!target) continue;
    if ('secretId' in target.ref) {
      outcomes.push({ ...target.where, outcome: await storeSecret(target.ref, secret) });
      continue;
    }
    const resolver = new RefSecretResolver({ env });
    const current = await Promise.all(target.others.map((other) => resolver.resolve(other).catch(() => undefined)));
    outcomes.push(
      current.includes(secret) ? { ...target.where, outcome: 'unchanged' } : { ...target.where, outcome: 'set it yourself', value: secret },
    );
  }
  return outcomes;
}

function requestLine(request: ConnectRequest): string[] {
  const head = `  ${request.method.padEnd(4)} ${decodeURIComponent(request.path)}${request.sent ? '' : '   (dry run: not sent)'}`;
  if (request.sent || request.body === undefined) return [head];
  return [
    head,
    ...JSON.stringify(request.body, null, 2)
      .split('\n')
      .map((line) => `       ${line}`),
  ];
}

function stepLines(steps: readonly ConnectStep[]): string[] {
  const kind = Math.max(...steps.map((step) => step.kind.length), 0);
  const name = Math.max(...steps.map((step) => step.name.length), 0);
  const outcome = Math.max(...steps.map((step) => step.outcome.length), 0);
  return steps.map((step) =>
    `${step.kind.padEnd(kind)}  ${step.name.padEnd(name)}  ${step.outcome.padEnd(outcome)}  ${step.detail ?? ''}`.trimEnd(),
  );
}

function secretLines(outcomes: readonly SecretOutcome[]): string[] {
  return outcomes.flatMap((entry) => {
    const head = `signing secret  ${entry.field} (${entry.where})  ${entry.outcome}`;
    if (entry.outcome !== 'set it yourself' || entry.value === undefined) return [head];
    const ref = entry.where.startsWith('env ') ? `${entry.where.slice(4)}=${entry.value}` : `{"value": ${JSON.stringify(entry.value)}}`;
    return [
      head,
      `  the webhook signs with a secret the configuration does not hold: set ${entry.field} to ${ref}, then restart npm start`,
    ];
  });
}

function summary(steps: readonly ConnectStep[], secrets: readonly SecretOutcome[], dryRun: boolean): string {
  const counts = new Map<string, number>();
  for (const outcome of [...steps.map((step) => step.outcome), ...secrets.map((entry) => entry.outcome)])
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const changed = [...counts].filter(([outcome]) => !['unchanged', 'kept', 'not read (dry run)'].includes(outcome));
  if (changed.length === 0) return dryRun ? 'Dry run: nothing would change.' : 'Nothing to change: already connected.';
  return `${dryRun ? 'Dry run: ' : ''}${changed.map(([outcome, count]) => `${count} ${outcome}`).join(', ')}.`;
}

/**
 * Runs `npm run connect:<helpdesk>` with these arguments; returns the exit code.
 *
 * @example process.exitCode = await runConnect(['--helpdesk', 'zendesk', '--tenant', 'demo', '--dry-run'], process.env, console);
 */
export async function runConnect(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  output: CliOutput,
  options: { stack?: StackState | undefined; fetch?: typeof fetch } = {},
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        helpdesk: { type: 'string' },
        tenant: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'webhook-base-url': { type: 'string' },
        tenants: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (!values.helpdesk) throw new UsageError('--helpdesk is missing (run it as npm run connect:<helpdesk>)');
    if (!values.tenant) throw new UsageError('--tenant is missing');
  } catch (error) {
    output.err(usageMistake(error, `connect:${values?.helpdesk ?? DEFAULT_HELPDESK}`));
    return 2;
  }
  const command = `connect:${values.helpdesk}`;
  const connector = helpdeskConnector(values.helpdesk);
  if (!connector) {
    output.err(`No helpdesk adapter named ${JSON.stringify(values.helpdesk)} can be connected from the command line`);
    return 2;
  }
  const stack = 'stack' in options ? options.stack : readStackState();
  const tenantsPath = values.tenants ?? env.INFLUENCE_ROUTER_TENANTS;
  let tenant: Tenant;
  let base: URL;
  try {
    const tenants = await tenantsFrom(tenantsPath ? userPath(tenantsPath, env as NodeJS.ProcessEnv) : undefined, env);
    const found = tenants.find((each) => each.id === values.tenant);
    if (!found)
      throw new UsageError(
        `No tenant ${JSON.stringify(values.tenant)} (there are: ${tenants.map((each) => each.id).join(', ') || 'none'}; add one with npm run tenants -- add)`,
      );
    tenant = found;
    if (tenant.helpdesk.kind !== connector.helpdesk)
      throw new UsageError(`Tenant ${tenant.id}'s helpdesk is ${tenant.helpdesk.kind}, not ${connector.helpdesk}`);
    base = webhookBase(values['webhook-base-url'], stack, String((tenant.helpdesk as { baseUrl?: unknown }).baseUrl ?? ''));
  } catch (error) {
    output.err(error instanceof UsageError ? `${error.message} (see npm run ${command} -- --help)` : describeError(error));
    return 2;
  }
  const resolver = new RefSecretResolver({ env, fetchSecret: secretsManagerFetcher() });
  const dryRun = values['dry-run'];
  const json = values.json;
  const requests: ConnectRequest[] = [];
  if (!json)
    output.out(
      `Connecting tenant ${tenant.id}'s ${connector.helpdesk} to ${base.href}${tenant.id}/...${dryRun ? ' (dry run: reads only)' : ''}`,
    );
  let result: ConnectResult;
  let secrets: SecretOutcome[];
  try {
    result = await connector.connect({
      tenantId: tenant.id,
      helpdesk: tenant.helpdesk,
      resolve: (ref) => resolver.resolve(ref),
      webhookBaseUrl: base,
      dryRun,
      onRequest: (request) => {
        requests.push(request);
        if (!json) for (const line of requestLine(request)) output.out(line);
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    // A dry run reads no secret: it says where the helpdesk's own would go.
    const dryTarget = dryRun ? secretTarget(tenant, connector.helpdesk) : undefined;
    secrets = dryRun
      ? dryTarget
        ? [{ ...dryTarget.where, outcome: 'not read (dry run)' }]
        : []
      : await placeSecrets(tenant, result.secrets, env);
  } catch (error) {
    output.err(`Could not connect tenant ${tenant.id}: ${describeError(error)}`);
    return 1;
  }
  if (json) {
    output.out(JSON.stringify({ tenant: tenant.id, helpdesk: connector.helpdesk, dryRun, requests, steps: result.steps, secrets }));
    return 0;
  }
  output.out('');
  for (const line of [...stepLines(result.steps), ...secretLines(secrets)]) output.out(line);
  const unstored = result.secrets.filter((entry) => !bindSource(tenant, entry.source));
  for (const entry of unstored)
    output.out(`The tenant has no sources.${entry.source}: add it with the webhook's signing secret to receive its deliveries`);
  output.out(summary(result.steps, secrets, dryRun));
  return 0;
}

await runAsProgram(
  import.meta.url,
  (argv, env, output) => runConnect(argv, env, output),
  connectUsage(
    (process.argv.includes('--helpdesk') ? process.argv[process.argv.indexOf('--helpdesk') + 1] : undefined) ?? DEFAULT_HELPDESK,
  ),
);
