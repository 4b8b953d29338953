import { describe, expect, it } from 'vitest';
import { parseTenantsFile, secretIdsOf, type TenantInput } from '../../../../shared/adapters/config/tenants.js';

const BASE: TenantInput = {
  id: 'umbrella',
  helpdesk: {
    kind: 'generic',
    decisionsUrl: 'https://hooks.umbrella.example.com/decisions',
    signingSecret: { secretId: 'influence-router/umbrella/outbound/out' },
  },
  sources: { generic: { signingSecrets: [{ secretId: 'influence-router/umbrella/inbound/in' }] } },
};

function withNetworks(networks: Record<string, unknown>, extra: Record<string, unknown> = {}): TenantInput {
  return { ...BASE, scoring: { provider: 'networks', networks, ...extra } };
}

function problemsOf(tenant: TenantInput, mode: 'deployed' | 'local' = 'deployed'): string {
  try {
    parseTenantsFile({ tenants: [tenant] }, mode);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('the networks a tenant turns on in its scoring settings', () => {
  it('defaults the least trust that raises priority to verified, and the ticket path to one try of 800 ms', () => {
    const [tenant] = parseTenantsFile({ tenants: [withNetworks({ bluesky: {} })] }, 'deployed').tenants;

    expect(tenant?.scoring).toMatchObject({
      provider: 'networks',
      minTrust: 'verified',
      inlineTimeoutMs: 800,
      networks: { bluesky: { requestsPer5Min: 3000 } },
    });
  });

  it('refuses a network host override in deployed mode, naming the setting, and takes it on loopback in local mode', () => {
    const tenant = withNetworks({
      bluesky: { appViewUrl: 'http://127.0.0.1:4000/bluesky' },
      github: { apiUrl: 'https://gh.internal.example' },
    });

    expect(problemsOf(tenant)).toContain('tenants.0.scoring.networks.bluesky.appViewUrl: bluesky.appViewUrl is for local mode only');
    expect(problemsOf(tenant)).toContain('tenants.0.scoring.networks.github.apiUrl: github.apiUrl is for local mode only');
    expect(problemsOf(tenant, 'local')).toBe('');
    expect(problemsOf(withNetworks({ bluesky: { appViewUrl: 'http://10.0.0.5/bluesky' } }), 'local')).toContain(
      'scoring.networks.bluesky.appViewUrl must be https, or http on a loopback address',
    );
  });

  it('keeps YouTube off until the tenant states it accepted the derived-metrics amendment', () => {
    const without = withNetworks({ youtube: { apiKey: { secretId: 'influence-router/umbrella/outbound/youtube' } } });
    const accepted = withNetworks({
      youtube: { apiKey: { secretId: 'influence-router/umbrella/outbound/youtube' }, derivedMetricsAmendmentAccepted: true },
    });

    expect(problemsOf(without)).toContain('YouTube scores need "derivedMetricsAmendmentAccepted": true');
    expect(problemsOf(accepted)).toBe('');
    expect(problemsOf({ ...accepted, policy: { freshness: { refreshAfterDays: 45, maxAgeDays: 60 } } })).toContain(
      'tenants.0.policy.freshness.refreshAfterDays: with YouTube on, scores are refreshed within 30 days',
    );
    expect(secretIdsOf(parseTenantsFile({ tenants: [accepted] }, 'deployed'), 'refresh-scores')).toContain(
      'influence-router/umbrella/outbound/youtube',
    );
  });

  it('refuses an empty list of networks and an unknown trust level, naming the fix', () => {
    expect(problemsOf(withNetworks({}))).toContain('turn on at least one network');
    expect(problemsOf(withNetworks({ bluesky: {} }, { minTrust: 'trusted' }))).toContain('tenants.0.scoring.minTrust');
  });
});
