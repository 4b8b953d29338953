import { describe, expect, it } from 'vitest';
import { bindHelpdesk, bindSource, parseTenantsFile, secretIdsOf, type TenantInput } from '../../../../shared/adapters/config/tenants.js';

const FRESHDESK: TenantInput = {
  id: 'initech',
  helpdesk: {
    kind: 'freshdesk',
    baseUrl: 'https://initech.freshdesk.com',
    apiKey: { secretId: 'influence-router/initech/outbound/freshdesk-api' },
  },
  sources: { freshdesk: { sharedSecrets: [{ secretId: 'influence-router/initech/inbound/freshdesk-webhook' }] } },
};

const GENERIC: TenantInput = {
  id: 'umbrella',
  helpdesk: {
    kind: 'generic',
    decisionsUrl: 'https://hooks.umbrella.example.com/decisions',
    signingSecret: { secretId: 'influence-router/umbrella/outbound/out' },
  },
  sources: { generic: { signingSecrets: [{ secretId: 'influence-router/umbrella/inbound/in' }] } },
};

function problemsOf(tenant: TenantInput, mode: 'deployed' | 'local' = 'deployed'): string {
  try {
    parseTenantsFile({ tenants: [tenant] }, mode);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('tenants read through the adapter registry', () => {
  it('accepts a tenant of each helpdesk adapter and binds its adapter', () => {
    const file = parseTenantsFile({ tenants: [FRESHDESK, GENERIC] }, 'deployed');

    expect(file.tenants.map((tenant) => bindHelpdesk(tenant).name)).toEqual(['freshdesk', 'generic']);
    expect(file.tenants.map((tenant) => bindSource(tenant, tenant.helpdesk.kind)?.name)).toEqual(['freshdesk', 'generic']);
  });

  it('names the known kinds when a helpdesk kind has no adapter', () => {
    expect(problemsOf({ ...FRESHDESK, helpdesk: { kind: 'acmedesk' } })).toMatch(
      /tenants\.0\.helpdesk\.kind: kind must be one of zendesk, freshdesk, generic/,
    );
  });

  it("checks a helpdesk's own fields with its adapter's schema, naming the field", () => {
    expect(problemsOf({ ...FRESHDESK, helpdesk: { kind: 'freshdesk', baseUrl: 'https://initech.freshdesk.com' } })).toMatch(
      /tenants\.0\.helpdesk\.apiKey/,
    );
  });

  it("holds a deployed helpdesk to its vendor's host, and lets local mode use a loopback path prefix", () => {
    const elsewhere = { ...FRESHDESK, helpdesk: { ...FRESHDESK.helpdesk, baseUrl: 'https://initech.attacker.example' } };
    const local = { ...FRESHDESK, helpdesk: { ...FRESHDESK.helpdesk, baseUrl: 'http://127.0.0.1:3001/freshdesk' } };

    expect(problemsOf(elsewhere)).toMatch(/tenants\.0\.helpdesk\.baseUrl: baseUrl must be https:\/\/\{domain\}\.freshdesk\.com/);
    expect(problemsOf(local)).toMatch(/baseUrl must be a bare origin/);
    expect(problemsOf(local, 'local')).toBe('');
  });

  it('wants the generic decisions endpoint on https when deployed', () => {
    const plain = { ...GENERIC, helpdesk: { ...GENERIC.helpdesk, decisionsUrl: 'http://hooks.umbrella.example.com/decisions' } };

    expect(problemsOf(plain)).toMatch(/tenants\.0\.helpdesk\.decisionsUrl: decisionsUrl must be https/);
  });

  describe('operator-chosen URLs in deployed mode', () => {
    const withDecisionsUrl = (decisionsUrl: string) => ({ ...GENERIC, helpdesk: { ...GENERIC.helpdesk, decisionsUrl } });
    const withScoringUrl = (url: string) => ({
      ...FRESHDESK,
      scoring: { provider: 'http' as const, http: { url, apiKey: { secretId: 'influence-router/initech/outbound/scoring' } } },
    });

    it.each([
      ['https://169.254.169.254/', 'its host 169.254.169.254 is the cloud metadata address (169.254.169.254)'],
      ['https://127.0.0.1:9001/', 'its host 127.0.0.1 is a loopback address (127.0.0.0/8)'],
      ['https://10.0.0.5/', 'its host 10.0.0.5 is a private address (10.0.0.0/8)'],
      ['https://0x7f000001/', 'its host 0x7f000001 is 127.0.0.1, a loopback address (127.0.0.0/8)'],
      ['https://localhost/', 'its host localhost is a name for this machine (localhost)'],
      ['https://2130706433/hooks', 'its host 2130706433 is 127.0.0.1, a loopback address (127.0.0.0/8)'],
      [
        'https://[::ffff:127.0.0.1]/',
        'its host [::ffff:127.0.0.1] is ::ffff:7f00:1, 127.0.0.1 inside an IPv4-mapped address (::ffff:0:0/96): a loopback address (127.0.0.0/8)',
      ],
      ['https://[fd00:ec2::254]/', 'its host [fd00:ec2::254] is the EC2 metadata address (fd00:ec2::254)'],
      ['https://100.100.100.200/', 'its host 100.100.100.200 is a shared (carrier-grade NAT) address (100.64.0.0/10)'],
    ])('refuses %s as a decisionsUrl and as a scoring url, saying why', (url, why) => {
      expect(problemsOf(withDecisionsUrl(url))).toBe(
        `Invalid tenants file: tenants.0.helpdesk.decisionsUrl: decisionsUrl must reach a public address in deployed mode: ${why}`,
      );
      expect(problemsOf(withScoringUrl(url))).toBe(
        `Invalid tenants file: tenants.0.scoring.http.url: the scoring url must reach a public address in deployed mode: ${why}`,
      );
    });

    it('leaves names to be checked when they are resolved, and local mode its loopback servers', () => {
      expect(problemsOf(withDecisionsUrl('https://hooks.umbrella.example.com/decisions'))).toBe('');
      expect(problemsOf(withScoringUrl('https://93.184.215.14/score'))).toBe('');
      expect(problemsOf(withDecisionsUrl('https://10.0.0.5/decisions'), 'local')).toBe('');
      expect(problemsOf(withDecisionsUrl('http://127.0.0.1:3001/generic/decisions'), 'local')).toBe('');
      expect(problemsOf(withScoringUrl('https://localhost:9443/score'), 'local')).toBe('');
    });
  });

  it("refuses a helpdesk's own source on a tenant of another helpdesk, but lets the generic source feed any", () => {
    const crossed = {
      ...FRESHDESK,
      sources: { zendesk: { signingSecrets: [{ secretId: 'influence-router/initech/inbound/zendesk-webhook' }] } },
    };
    const generic = {
      ...FRESHDESK,
      sources: { generic: { signingSecrets: [{ secretId: 'influence-router/initech/inbound/generic-in' }] } },
    };

    expect(problemsOf(crossed)).toMatch(
      /tenants\.0\.sources\.zendesk: the zendesk source sends tickets of a zendesk helpdesk, but this tenant's helpdesk is freshdesk/,
    );
    expect(problemsOf(generic)).toBe('');
  });

  it('refuses an unknown source name', () => {
    expect(problemsOf({ ...FRESHDESK, sources: { acmedesk: {} } })).toMatch(/tenants\.0\.sources/);
  });

  it('refuses helpdesk-metrics scoring for a helpdesk that holds no requester fields', () => {
    expect(problemsOf({ ...GENERIC, scoring: { provider: 'helpdesk-metrics' } })).toMatch(
      /tenants\.0\.scoring\.provider: the helpdesk-metrics provider needs a helpdesk that holds requester fields; generic does not/,
    );
  });

  it('names the contact fields a Freshdesk tenant must map for helpdesk-metrics', () => {
    expect(problemsOf({ ...FRESHDESK, scoring: { provider: 'helpdesk-metrics' } })).toMatch(
      /tenants\.0\.helpdesk\.contactFields: the helpdesk-metrics provider needs the field keys of followers/,
    );
  });

  it('gives each function only the secrets its adapters say it reads', () => {
    const file = parseTenantsFile({ tenants: [FRESHDESK, GENERIC] }, 'deployed');

    expect(secretIdsOf(file, 'ingest-webhook')).toEqual([
      'influence-router/initech/inbound/freshdesk-webhook',
      'influence-router/umbrella/inbound/in',
    ]);
    expect(secretIdsOf(file, 'process-events')).toEqual([
      'influence-router/initech/outbound/freshdesk-api',
      'influence-router/umbrella/outbound/out',
    ]);
    expect(secretIdsOf(file, 'refresh-scores')).toEqual(['influence-router/initech/outbound/freshdesk-api']);
    expect(secretIdsOf(file)).toEqual([
      'influence-router/initech/inbound/freshdesk-webhook',
      'influence-router/initech/outbound/freshdesk-api',
      'influence-router/umbrella/inbound/in',
      'influence-router/umbrella/outbound/out',
    ]);
  });

  it('wants every deployed secret from Secrets Manager, whichever adapter names it', () => {
    const inline = { ...GENERIC, helpdesk: { ...GENERIC.helpdesk, signingSecret: { value: 'whsec_aW5saW5l' } } };

    expect(problemsOf(inline)).toMatch(/tenants\.0\.helpdesk\.signingSecret: deployed tenants take secrets from Secrets Manager/);
  });
});
