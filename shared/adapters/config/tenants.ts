import { z } from 'zod';
import { ConfigurationError } from '../../domain/errors.js';
import { PolicySchema } from '../../domain/policy.js';

/**
 * Where a secret comes from: a Secrets Manager secret (optionally one JSON field of it), an
 * environment variable, or an inline value. Inline values are for local mode only.
 */
export const SecretRefSchema = z.union([
  z.object({ secretId: z.string().min(1), field: z.string().min(1).optional() }).strict(),
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'env names are upper-case letters, digits and _') }).strict(),
  z.object({ value: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

/** Zendesk user fields that carry influence metrics, for the helpdesk-supplied score provider. */
export const ZendeskUserFieldsSchema = z
  .object({
    followers: z.string().min(1).optional(),
    following: z.string().min(1).optional(),
    engagementPerPost: z.string().min(1).optional(),
    accountAgeDays: z.string().min(1).optional(),
    postCount: z.string().min(1).optional(),
    verification: z.string().min(1).optional(),
    socialHandle: z.string().min(1).optional(),
  })
  .strict();

/** A tenant's Zendesk account: where to write back and with which credentials. */
export const ZendeskHelpdeskSchema = z
  .object({
    kind: z.literal('zendesk'),
    /** `https://{subdomain}.zendesk.com`; the only host the product ever calls for this tenant. */
    baseUrl: z.url(),
    /** The agent email of the API token (`{email}/token:{token}`). */
    email: z.email(),
    apiToken: SecretRefSchema,
    userFields: ZendeskUserFieldsSchema.default({}),
    /**
     * Ticket writes per minute one processor makes at most for this tenant. The processor runs at
     * most two at a time, so the account sees at most twice this: keep it under half the plan's
     * Update Ticket limit (Zendesk: 100 a minute on most plans).
     */
    writesPerMinute: z.number().int().min(1).max(1000).default(40),
  })
  .strict();

/** The helpdesk a tenant writes back to. */
export const HelpdeskConfigSchema = z.discriminatedUnion('kind', [ZendeskHelpdeskSchema]);
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
 * `helpdesk.userFields`), or the company's own scoring service (`http`).
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
]);
export type ScoringConfig = z.infer<typeof ScoringConfigSchema>;

/** The user fields the Reach model cannot do without; `verification` may be left out (read as no check). */
export const REQUIRED_METRIC_FIELDS = ['followers', 'following', 'engagementPerPost', 'accountAgeDays', 'postCount'] as const;

/** Inbound sources a tenant accepts, each with its verification secrets (several during rotation). */
export const SourcesSchema = z
  .object({
    zendesk: z
      .object({ signingSecrets: z.array(SecretRefSchema).min(1).max(3) })
      .strict()
      .optional(),
  })
  .strict();

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

/** `deployed`: https vendor hosts and Secrets Manager only. `local`: loopback URLs and inline secrets allowed too. */
export type ConfigMode = 'deployed' | 'local';

const ZENDESK_HOST = /^[a-z0-9][a-z0-9-]*\.zendesk\.com$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function checkBaseUrl(raw: string, mode: ConfigMode): string | undefined {
  const url = new URL(raw);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    return 'baseUrl must be a bare origin such as https://acme.zendesk.com (no path, query or credentials)';
  }
  if (url.protocol === 'https:' && ZENDESK_HOST.test(url.hostname)) return undefined;
  if (mode === 'local' && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))) {
    return undefined;
  }
  return mode === 'deployed'
    ? 'baseUrl must be https://{subdomain}.zendesk.com'
    : 'baseUrl must be https, or http on a loopback address';
}

function checkScoringUrl(raw: string, mode: ConfigMode): string | undefined {
  const url = new URL(raw);
  if (url.username || url.password || url.hash) return 'the scoring url must not hold credentials or a fragment';
  if (url.protocol === 'https:') return undefined;
  if (mode === 'local' && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return mode === 'deployed' ? 'the scoring url must be https' : 'the scoring url must be https, or http on a loopback address';
}

function scoringProblems(tenant: Tenant, mode: ConfigMode): { path: (string | number)[]; message: string }[] {
  const { scoring } = tenant;
  if (scoring.provider === 'http') {
    const problem = checkScoringUrl(scoring.http.url, mode);
    return problem ? [{ path: ['scoring', 'http', 'url'], message: problem }] : [];
  }
  if (scoring.provider === 'helpdesk-metrics') {
    const missing = REQUIRED_METRIC_FIELDS.filter((field) => tenant.helpdesk.userFields[field] === undefined);
    if (missing.length > 0) {
      return [
        {
          path: ['helpdesk', 'userFields'],
          message: `the helpdesk-metrics provider needs the user field keys of ${missing.join(', ')}`,
        },
      ];
    }
  }
  return [];
}

function scoringSecretRefs(tenant: Tenant): { path: (string | number)[]; ref: SecretRef }[] {
  return tenant.scoring.provider === 'http' ? [{ path: ['scoring', 'http', 'apiKey'], ref: tenant.scoring.http.apiKey }] : [];
}

function secretRefs(tenant: Tenant): { path: (string | number)[]; ref: SecretRef }[] {
  const refs: { path: (string | number)[]; ref: SecretRef }[] = [
    { path: ['helpdesk', 'apiToken'], ref: tenant.helpdesk.apiToken },
  ];
  tenant.sources.zendesk?.signingSecrets.forEach((ref, i) => refs.push({ path: ['sources', 'zendesk', 'signingSecrets', i], ref }));
  refs.push(...scoringSecretRefs(tenant));
  return refs;
}

function formatIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
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
  const problems: { path: (string | number)[]; message: string }[] = [];
  parsed.data.tenants.forEach((tenant, index) => {
    const urlProblem = checkBaseUrl(tenant.helpdesk.baseUrl, mode);
    if (urlProblem) problems.push({ path: ['tenants', index, 'helpdesk', 'baseUrl'], message: urlProblem });
    for (const problem of scoringProblems(tenant, mode)) problems.push({ ...problem, path: ['tenants', index, ...problem.path] });
    if (mode === 'deployed') {
      for (const { path, ref } of secretRefs(tenant)) {
        if (!('secretId' in ref)) {
          problems.push({ path: ['tenants', index, ...path], message: 'deployed tenants take secrets from Secrets Manager ({"secretId": ...})' });
        }
      }
    }
  });
  if (problems.length > 0) throw new ConfigurationError(`Invalid ${origin}: ${formatIssues(problems)}`);
  return parsed.data;
}

/** Every Secrets Manager secret id a tenants file refers to, for IAM grants. */
export function secretIdsOf(file: TenantsFile): string[] {
  const ids = new Set<string>();
  for (const tenant of file.tenants) {
    for (const { ref } of secretRefs(tenant)) if ('secretId' in ref) ids.add(ref.secretId);
  }
  return [...ids];
}

/**
 * The Secrets Manager secret ids of score providers (the HTTP provider's API key), for the
 * functions that call providers: the processor and the scheduled refresh.
 *
 * @example scoringSecretIdsOf(file) // ['influence-router/acme/scoring-api']
 */
export function scoringSecretIdsOf(file: TenantsFile): string[] {
  const ids = new Set<string>();
  for (const tenant of file.tenants) {
    for (const { ref } of scoringSecretRefs(tenant)) if ('secretId' in ref) ids.add(ref.secretId);
  }
  return [...ids];
}
