import * as z from 'zod';
import { ConfigurationError } from '../../domain/errors.js';
import { PolicySchema } from '../../domain/policy.js';
import { REQUIRED_METRIC_FIELDS } from '../plugin/metric-fields.js';
import { HELPDESKS, helpdeskAdapter, SOURCES, sourceAdapter } from '../registry/adapters.js';
import type { BoundHelpdesk, BoundSource, ConfigProblem, FunctionName, HelpdeskConfigBase, SecretUse } from '../plugin/descriptors.js';
import { checkServiceUrl, type ConfigMode } from '../plugin/outbound-url.js';
import { SecretRefSchema } from '../plugin/secret-ref.js';
import { hostOverrides, NetworksSettingsSchema } from '../influence/network-settings.js';
import { TrustLevelSchema } from '../../domain/events.js';
import { secretNameProblem } from './secret-names.js';

export { SecretRefSchema, type SecretRef } from '../plugin/secret-ref.js';
export type { ConfigMode } from '../plugin/outbound-url.js';

const HELPDESK_NAMES = HELPDESKS.map((helpdesk) => helpdesk.name);

/**
 * The helpdesk a tenant writes back to: `kind` names an adapter of the registry, whose own
 * schema checks the rest (base URL, credentials, fields).
 */
export const HelpdeskConfigSchema = z
  .looseObject({
    kind: z.string().refine((kind) => HELPDESK_NAMES.includes(kind), { error: `kind must be one of ${HELPDESK_NAMES.join(', ')}` }),
  })
  .transform((value, ctx): HelpdeskConfigBase => {
    const adapter = helpdeskAdapter(value.kind);
    const parsed = adapter?.schema.safeParse(value);
    if (parsed?.success) return parsed.data;
    for (const issue of parsed?.error.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
export type HelpdeskConfig = z.infer<typeof HelpdeskConfigSchema>;

/** Circuit breaker of a score provider: opens after `failureThreshold` failures in a row, tries again after `resetAfterMs`. */
export const BreakerConfigSchema = z
  .object({
    failureThreshold: z.number().int().min(1).max(100).default(5),
    resetAfterMs: z.number().int().min(100).max(3_600_000).default(30_000),
  })
  .strict();
export type BreakerConfig = z.infer<typeof BreakerConfigSchema>;

/**
 * A company's own scoring service (see the README for its JSON contract). The URL comes from this
 * file only: https in deployed mode, http on a loopback address allowed in local mode.
 */
export const HttpScoringSchema = z
  .object({
    url: z.url(),
    /** Sent as `authorization: Bearer <apiKey>`. */
    apiKey: SecretRefSchema,
    /** Per attempt on the scheduled refresh, connection to last byte. */
    timeoutMs: z.number().int().min(50).max(30_000).default(2000),
    /** Per attempt on the ticket path, where a single attempt is made so the event is not held up. */
    inlineTimeoutMs: z.number().int().min(50).max(10_000).default(800),
    /** Attempts per customer on the scheduled refresh (timeouts, 5xx and 429 are retried). */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Requests per second the scheduled refresh sends at most. */
    ratePerSecond: z.number().positive().max(1000).default(5),
    breaker: BreakerConfigSchema.default({ failureThreshold: 5, resetAfterMs: 30_000 }),
  })
  .strict();
export type HttpScoringConfig = z.infer<typeof HttpScoringSchema>;

/** How many due customers one scheduled run refreshes at most, per tenant. */
const MaxPerRunSchema = z.number().int().min(1).max(10_000).default(200);

/**
 * Where a tenant's influence scores come from besides imports and overrides: nothing (`none`, the
 * default), the requester's helpdesk user fields (`helpdesk-metrics`, named in
 * the helpdesk's configuration), the company's own scoring service (`http`), or the customers'
 * public profiles on open networks (`networks`).
 */
export const ScoringConfigSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('none') }).strict(),
  z
    .object({
      provider: z.literal('helpdesk-metrics'),
      /** Helpdesk API reads per second the scheduled refresh makes at most (they share the account's API limit). */
      ratePerSecond: z.number().positive().max(100).default(2),
      maxPerRun: MaxPerRunSchema,
      breaker: BreakerConfigSchema.default({ failureThreshold: 5, resetAfterMs: 30_000 }),
    })
    .strict(),
  z.object({ provider: z.literal('http'), http: HttpScoringSchema, maxPerRun: MaxPerRunSchema }).strict(),
  z
    .object({
      provider: z.literal('networks'),
      /** The open networks turned on, each with its own settings. */
      networks: NetworksSettingsSchema,
      /** The least trust a handle needs for its score to raise priority (`channel`, `verified`, `declared`). */
      minTrust: TrustLevelSchema.default('verified'),
      /** The ticket path's one quick try, all handles side by side: a slow network never holds a ticket longer. */
      inlineTimeoutMs: z.number().int().min(50).max(10_000).default(800),
      /** One customer's lookups on the scheduled refresh. */
      timeoutMs: z.number().int().min(100).max(30_000).default(5000),
      maxPerRun: MaxPerRunSchema,
    })
    .strict(),
]);
export type ScoringConfig = z.infer<typeof ScoringConfigSchema>;

/**
 * Inbound sources a tenant accepts, keyed by source name (`POST /webhooks/{tenant}/{source}`),
 * each checked by its adapter's schema (its verification secrets, several during rotation).
 */
export const SourcesSchema = z.object(Object.fromEntries(SOURCES.map((source) => [source.name, source.schema.optional()]))).strict();

/** One tenant: who they are, where their helpdesk is, which sources they accept, their policy. */
export const TenantSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'tenant ids are 1-40 characters of a-z, 0-9 and -'),
    name: z.string().min(1).optional(),
    helpdesk: HelpdeskConfigSchema,
    sources: SourcesSchema,
    policy: PolicySchema.default(PolicySchema.parse({})),
    scoring: ScoringConfigSchema.default({ provider: 'none' }),
  })
  .strict();
export type Tenant = z.infer<typeof TenantSchema>;
export type TenantInput = z.input<typeof TenantSchema>;

/** The tenants file: every tenant of one deployment. */
export const TenantsFileSchema = z
  .object({ tenants: z.array(TenantSchema) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.tenants.forEach((tenant, index) => {
      if (seen.has(tenant.id)) {
        ctx.addIssue({ code: 'custom', path: ['tenants', index, 'id'], message: `duplicate tenant id "${tenant.id}"` });
      }
      seen.add(tenant.id);
    });
  });
export type TenantsFile = z.infer<typeof TenantsFileSchema>;

function scoringProblems(tenant: Tenant, mode: ConfigMode): ConfigProblem[] {
  const { scoring } = tenant;
  if (scoring.provider === 'http') {
    const problem = checkServiceUrl(scoring.http.url, mode, 'the scoring url');
    return problem ? [{ path: ['scoring', 'http', 'url'], message: problem }] : [];
  }
  if (scoring.provider === 'networks') {
    // YouTube's terms keep key-fetched data at most 30 days: its inputs must be refreshed within that.
    const youtubeTooOld =
      scoring.networks.youtube && tenant.policy.freshness.refreshAfterDays > 30
        ? [
            {
              path: ['policy', 'freshness', 'refreshAfterDays'],
              message: 'with YouTube on, scores are refreshed within 30 days: set 30 or less',
            },
          ]
        : [];
    return youtubeTooOld.concat(
      hostOverrides(scoring.networks).flatMap(({ path, url }) => {
        const problem =
          mode === 'deployed'
            ? `${path.join('.')} is for local mode only: deployed, each network is reached at its own host`
            : checkServiceUrl(url, mode, `scoring.networks.${path.join('.')}`);
        return problem ? [{ path: ['scoring', 'networks', ...path], message: problem }] : [];
      }),
    );
  }
  if (scoring.provider === 'helpdesk-metrics') {
    const fields = bindHelpdesk(tenant).metricFields();
    if (!fields) {
      return [
        {
          path: ['scoring', 'provider'],
          message: `the helpdesk-metrics provider needs a helpdesk that holds requester fields; ${tenant.helpdesk.kind} does not`,
        },
      ];
    }
    const missing = REQUIRED_METRIC_FIELDS.filter((field) => fields.keys[field] === undefined);
    if (missing.length > 0) {
      return [{ path: fields.path, message: `the helpdesk-metrics provider needs the field keys of ${missing.join(', ')}` }];
    }
  }
  return [];
}

function sourceProblems(tenant: Tenant): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(tenant.sources)) {
    const found = sourceAdapter(name);
    if (found && found.source.pairs === 'own' && found.offeredBy.name !== tenant.helpdesk.kind) {
      problems.push({
        path: ['sources', name],
        message: `the ${name} source sends tickets of a ${found.offeredBy.name} helpdesk, but this tenant's helpdesk is ${tenant.helpdesk.kind}`,
      });
    }
  }
  return problems;
}

const boundHelpdesks = new WeakMap<object, BoundHelpdesk>();

/**
 * The tenant's helpdesk adapter, bound to its configuration (once per tenant).
 *
 * @example await bindHelpdesk(tenant).createClient({ resolve: (ref) => secrets.resolve(ref) })
 */
export function bindHelpdesk(tenant: Tenant): BoundHelpdesk {
  let bound = boundHelpdesks.get(tenant.helpdesk);
  if (!bound) {
    const adapter = helpdeskAdapter(tenant.helpdesk.kind);
    // The tenants schema admits only registered kinds, so this is a tenant built around it.
    if (!adapter) throw new ConfigurationError(`Tenant "${tenant.id}": no helpdesk adapter is named "${tenant.helpdesk.kind}"`);
    bound = adapter.bind(tenant.helpdesk);
    boundHelpdesks.set(tenant.helpdesk, bound);
  }
  return bound;
}

const boundSources = new WeakMap<object, Map<string, BoundSource>>();

/**
 * The tenant's inbound source of this name, bound to its configuration, or undefined when the
 * tenant does not accept that source.
 *
 * @example bindSource(tenant, 'zendesk')?.verificationSecrets
 */
export function bindSource(tenant: Tenant, name: string): BoundSource | undefined {
  const config = Object.hasOwn(tenant.sources, name) ? tenant.sources[name] : undefined;
  const found = config === undefined ? undefined : sourceAdapter(name);
  if (!found) return undefined;
  let cache = boundSources.get(tenant.sources);
  if (!cache) boundSources.set(tenant.sources, (cache = new Map()));
  let bound = cache.get(name);
  if (!bound) cache.set(name, (bound = found.source.bind(config)));
  return bound;
}

/** Every secret a tenant's configuration names: its helpdesk's, its sources' (ingest only) and its score provider's. */
export function secretUsesOf(tenant: Tenant): SecretUse[] {
  const uses = [...bindHelpdesk(tenant).secrets()];
  for (const name of Object.keys(tenant.sources)) {
    const bound = bindSource(tenant, name);
    bound?.verificationSecrets.forEach((ref, i) =>
      uses.push({ path: ['sources', name, bound.secretsField, i], ref, readers: ['ingest-webhook'] }),
    );
  }
  if (tenant.scoring.provider === 'networks') {
    const { github, youtube } = tenant.scoring.networks;
    if (github?.token)
      uses.push({ path: ['scoring', 'networks', 'github', 'token'], ref: github.token, readers: ['process-events', 'refresh-scores'] });
    if (youtube)
      uses.push({ path: ['scoring', 'networks', 'youtube', 'apiKey'], ref: youtube.apiKey, readers: ['process-events', 'refresh-scores'] });
  }
  if (tenant.scoring.provider === 'http') {
    uses.push({ path: ['scoring', 'http', 'apiKey'], ref: tenant.scoring.http.apiKey, readers: ['process-events', 'refresh-scores'] });
  }
  return uses;
}

function formatIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/**
 * What the schema cannot see in one tenant: URLs against the mode's rules, sources that belong
 * to another helpdesk, a score provider its helpdesk cannot serve, and, deployed, secrets that
 * are not in Secrets Manager under the tenant's own prefix (each function is granted only its
 * side of every tenant's prefix). Paths are the tenant's own.
 *
 * @example tenantProblems(tenant, 'deployed') // [{ path: ['helpdesk', 'baseUrl'], message: '...' }]
 */
export function tenantProblems(tenant: Tenant, mode: ConfigMode): ConfigProblem[] {
  const found = [...bindHelpdesk(tenant).urlProblems(mode), ...sourceProblems(tenant), ...scoringProblems(tenant, mode)];
  if (mode === 'deployed') {
    for (const use of secretUsesOf(tenant)) {
      if (!('secretId' in use.ref)) {
        found.push({ path: use.path, message: 'deployed tenants take secrets from Secrets Manager ({"secretId": ...})' });
        continue;
      }
      const problem = secretNameProblem(tenant.id, use);
      if (problem) found.push({ path: [...use.path, 'secretId'], message: problem });
    }
  }
  return found;
}

/**
 * Parses and checks one tenant with every rule a tenants file's tenant meets.
 *
 * @example parseTenant(JSON.parse(text), 'deployed', 'tenant acme')
 * @throws ConfigurationError naming the bad fields, e.g. `helpdesk.baseUrl: ...`
 */
export function parseTenant(data: unknown, mode: ConfigMode, origin = 'tenant'): Tenant {
  const parsed = TenantSchema.safeParse(data);
  if (!parsed.success) throw new ConfigurationError(`Invalid ${origin}: ${formatIssues(parsed.error.issues)}`);
  const problems = tenantProblems(parsed.data, mode);
  if (problems.length > 0) throw new ConfigurationError(`Invalid ${origin}: ${formatIssues(problems)}`);
  return parsed.data;
}

/**
 * Parses and checks a tenants file, failing with a message that names each bad field.
 *
 * @example parseTenantsFile(JSON.parse(text), 'deployed')
 * @throws ConfigurationError naming the bad fields, e.g. `tenants.0.helpdesk.baseUrl: ...`
 */
export function parseTenantsFile(data: unknown, mode: ConfigMode, origin = 'tenants file'): TenantsFile {
  const parsed = TenantsFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid ${origin}: ${formatIssues(parsed.error.issues)}`);
  }
  const problems: ConfigProblem[] = [];
  parsed.data.tenants.forEach((tenant, index) => {
    for (const problem of tenantProblems(tenant, mode)) problems.push({ ...problem, path: ['tenants', index, ...problem.path] });
  });
  if (problems.length > 0) throw new ConfigurationError(`Invalid ${origin}: ${formatIssues(problems)}`);
  return parsed.data;
}

/**
 * The Secrets Manager secret ids a function reads (every function when `reader` is left out),
 * sorted, for IAM grants: each function is granted only these.
 *
 * @example secretIdsOf(file, 'ingest-webhook') // ['influence-router/acme/zendesk-webhook']
 */
export function secretIdsOf(file: TenantsFile, reader?: FunctionName): string[] {
  const ids = new Set<string>();
  for (const tenant of file.tenants) {
    for (const { ref, readers } of secretUsesOf(tenant)) {
      if ('secretId' in ref && (reader === undefined || readers.includes(reader))) ids.add(ref.secretId);
    }
  }
  return [...ids].sort();
}
