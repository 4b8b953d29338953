import { describe, expect, it } from 'vitest';
import { parseTenantsFile, type SecretRef, secretIdsOf, type TenantInput } from '../../../../shared/adapters/config/tenants.js';
import { FixedTenants } from '../../../../shared/adapters/config/tenant-cache.js';
import { tenantScoring } from '../../../../shared/adapters/per-tenant/tenant-scoring.js';
import { RefSecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import { ConfigurationError } from '../../../../shared/domain/errors.js';
import { FixedClock, InMemoryHelpdesk } from '../../../support/fakes.js';

const USER_FIELDS = {
  followers: 'social_followers',
  following: 'social_following',
  engagementPerPost: 'social_engagement_per_post',
  accountAgeDays: 'social_account_age_days',
  postCount: 'social_post_count',
};

function tenant(overrides: Partial<TenantInput> = {}): TenantInput {
  return {
    id: 'acme',
    helpdesk: {
      kind: 'zendesk',
      baseUrl: 'https://acme.zendesk.com',
      email: 'bot@acme.example.com',
      apiToken: { secretId: 'influence-router/acme/outbound/zendesk-api' },
      userFields: USER_FIELDS,
    },
    sources: { zendesk: { signingSecrets: [{ secretId: 'influence-router/acme/inbound/zendesk-webhook' }] } },
    ...overrides,
  };
}

const httpScoring = (url: string, apiKey: SecretRef = { secretId: 'influence-router/acme/outbound/scoring-api', field: 'apiKey' }) => ({
  provider: 'http' as const,
  http: { url, apiKey },
});

describe('tenants file: scoring', () => {
  it('defaults to no provider, so existing tenants files stay valid', () => {
    const file = parseTenantsFile({ tenants: [tenant()] }, 'deployed');

    expect(file.tenants[0]?.scoring).toEqual({ provider: 'none' });
  });

  it('fills in the HTTP provider defaults', () => {
    const file = parseTenantsFile({ tenants: [tenant({ scoring: httpScoring('https://scores.acme.com/v1/score') })] }, 'deployed');

    expect(file.tenants[0]?.scoring).toEqual({
      provider: 'http',
      maxPerRun: 200,
      http: {
        url: 'https://scores.acme.com/v1/score',
        apiKey: { secretId: 'influence-router/acme/outbound/scoring-api', field: 'apiKey' },
        timeoutMs: 2000,
        inlineTimeoutMs: 800,
        maxAttempts: 3,
        ratePerSecond: 5,
        breaker: { failureThreshold: 5, resetAfterMs: 30_000 },
      },
    });
  });

  it.each([
    ['deployed', 'http://scores.acme.com/v1/score', 'the scoring url must be https'],
    ['deployed', 'http://127.0.0.1:9000/score', 'the scoring url must be https'],
    ['local', 'http://scores.internal:9000/score', 'the scoring url must be https, or http on a loopback address'],
    ['local', 'https://user:pass@scores.acme.com/score', 'the scoring url must not hold credentials or a fragment'],
  ] as const)('refuses, in %s mode, the url %s', (mode, url, message) => {
    const scoring = mode === 'local' ? httpScoring(url, { value: 'k' }) : httpScoring(url);

    expect(() => parseTenantsFile({ tenants: [tenant({ scoring })] }, mode)).toThrow(
      new ConfigurationError(`Invalid tenants file: tenants.0.scoring.http.url: ${message}`),
    );
  });

  it('accepts a loopback http url in local mode', () => {
    const file = parseTenantsFile({ tenants: [tenant({ scoring: httpScoring('http://127.0.0.1:9000/score', { value: 'k' }) })] }, 'local');

    expect(file.tenants[0]?.scoring.provider).toBe('http');
  });

  it('takes the API key only from Secrets Manager in deployed mode', () => {
    expect(() =>
      parseTenantsFile(
        { tenants: [tenant({ scoring: httpScoring('https://scores.acme.com/v1/score', { env: 'SCORING_KEY' }) })] },
        'deployed',
      ),
    ).toThrow(/tenants\.0\.scoring\.http\.apiKey: deployed tenants take secrets from Secrets Manager/);
  });

  it('names the user fields the helpdesk-metrics provider lacks', () => {
    const helpdesk = { ...tenant().helpdesk, userFields: { followers: 'social_followers', engagementPerPost: 'social_epp' } };

    expect(() => parseTenantsFile({ tenants: [tenant({ helpdesk, scoring: { provider: 'helpdesk-metrics' } })] }, 'deployed')).toThrow(
      'tenants.0.helpdesk.userFields: the helpdesk-metrics provider needs the field keys of following, accountAgeDays, postCount',
    );
  });

  it('refuses an http provider without its settings', () => {
    expect(() => parseTenantsFile({ tenants: [{ ...tenant(), scoring: { provider: 'http' } }] }, 'deployed')).toThrow(/scoring\.http/);
  });

  it('lists the scoring API key among the secrets to grant', () => {
    const file = parseTenantsFile({ tenants: [tenant({ scoring: httpScoring('https://scores.acme.com/v1/score') })] }, 'deployed');

    expect(secretIdsOf(file)).toContain('influence-router/acme/outbound/scoring-api');
    expect(secretIdsOf(file, 'refresh-scores')).toContain('influence-router/acme/outbound/scoring-api');
    expect(secretIdsOf(file, 'ingest-webhook')).not.toContain('influence-router/acme/outbound/scoring-api');
  });
});

describe('tenantScoring', () => {
  const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
  const directory = new FixedTenants(
    parseTenantsFile(
      {
        tenants: [
          tenant({ id: 'metrics', scoring: { provider: 'helpdesk-metrics', ratePerSecond: 1, maxPerRun: 50 } }),
          tenant({ id: 'service', scoring: httpScoring('http://127.0.0.1:9/score', { value: 'k' }) }),
          tenant({ id: 'imports' }),
        ],
      },
      'local',
    ),
  );
  const helpdesk = new InMemoryHelpdesk();
  const scoringFor = tenantScoring({
    tenant: (id) => directory.get(id),
    secrets: new RefSecretResolver(),
    helpdeskFor: async () => helpdesk,
    clock,
  });

  it('builds the configured provider with its limits, once per tenant', async () => {
    const metrics = await scoringFor('metrics');

    expect(metrics?.provider.name).toBe('helpdesk-metrics');
    expect(metrics?.maxPerRun).toBe(50);
    expect((await scoringFor('service'))?.provider.name).toBe('http');
    expect((await scoringFor('service'))?.maxPerRun).toBe(200);
    expect(await scoringFor('metrics')).toBe(metrics);
  });

  it('has none for a tenant that scores only by import, or an unknown tenant', async () => {
    expect(await scoringFor('imports')).toBeUndefined();
    expect(await scoringFor('nobody')).toBeUndefined();
  });

  const profile = {
    tenant: 'acme',
    customerKey: 'k',
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [] },
    optedOut: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
  const lookupWith = async (url: string, wiring: { serviceAddresses?: 'any' } = {}) => {
    // Parsed in local mode, so the call-time check is reached with a URL the deployed check would stop first.
    const local = new FixedTenants(
      parseTenantsFile({ tenants: [tenant({ id: 'service', scoring: httpScoring(url, { value: 'k' }) })] }, 'local'),
    );
    const built = tenantScoring({
      tenant: (id) => local.get(id),
      secrets: new RefSecretResolver(),
      helpdeskFor: async () => helpdesk,
      clock,
      ...wiring,
    });
    return (await built('service'))?.provider.score({
      tenant: 'service',
      profile,
      purpose: 'inline',
      now: clock.now(),
      refreshAfterDays: 7,
    });
  };

  it("checks where the scoring service's name resolves by default, and refuses this machine", async () => {
    const lookup = await lookupWith('https://localhost:65535/score');

    expect(lookup).toMatchObject({
      outcome: 'failed',
      kind: 'rejected',
      reason: expect.stringMatching(/^scoring\.http\.url https:\/\/localhost:65535: localhost resolves to (127\.0\.0\.1|::1)\b/),
    });
  });

  it('reaches any address in local mode', async () => {
    const lookup = await lookupWith('http://127.0.0.1:65535/score', { serviceAddresses: 'any' });

    expect(lookup).toEqual({ outcome: 'failed', kind: 'unavailable', reason: 'the service could not be reached' });
  });
});
