import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TENANTS_FILE, deploymentTenantsFile, loadDeploymentTenants } from '../../infra/cdk/config/load-tenants.js';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { parseTenantsFile } from '../../shared/adapters/config/tenants.js';
import { logicalIdOf, resourcesFor, statementsOfRole, synthesize, writeTenantsFile } from './synth-fixture.js';

const HELPDESK = {
  kind: 'zendesk',
  baseUrl: 'https://acme.zendesk.com',
  email: 'ops@acme.example.com',
  apiToken: { secretId: 'acme/zendesk-api', field: 'apiToken' },
};

function tenant(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'acme',
    helpdesk: HELPDESK,
    sources: { zendesk: { signingSecrets: [{ secretId: 'acme/zendesk-webhook' }] } },
    ...overrides,
  };
}

describe('the example tenants file', () => {
  it('is valid for deployment, with every secret in Secrets Manager', () => {
    const data: unknown = JSON.parse(readFileSync(join(REPO_ROOT, DEFAULT_TENANTS_FILE), 'utf8'));
    expect(() => parseTenantsFile(data, 'deployed', DEFAULT_TENANTS_FILE)).not.toThrow();
  });

  it('splits the secrets: signing secrets for ingest, helpdesk tokens for the processor', () => {
    const tenants = loadDeploymentTenants(DEFAULT_TENANTS_FILE, REPO_ROOT);
    expect(tenants.path).toBe(join(REPO_ROOT, 'infra/cdk/config/tenants.json'));
    expect(tenants.ingestSecretIds).toEqual([
      'influence-router/acme/typeform-webhook',
      'influence-router/acme/zendesk-csat-webhook',
      'influence-router/acme/zendesk-webhook',
      'influence-router/globex/zendesk-webhook',
      'influence-router/initech/freshdesk-webhook',
      'influence-router/umbrella/tickets-signing',
    ]);
    expect(tenants.processSecretIds).toEqual(
      expect.arrayContaining(['influence-router/acme/zendesk-api', 'influence-router/globex/zendesk-api']),
    );
    expect(tenants.processSecretIds).not.toContain('influence-router/acme/zendesk-webhook');
  });
});

describe('synthesis with a bad tenants file', () => {
  it('fails naming the field when a helpdesk URL is not a Zendesk host', () => {
    const tenantsFile = writeTenantsFile({
      tenants: [tenant({ helpdesk: { ...HELPDESK, baseUrl: 'https://helpdesk.attacker.example' } })],
    });
    expect(() => synthesize({ tenantsFile })).toThrow(
      /tenants\.0\.helpdesk\.baseUrl: baseUrl must be https:\/\/\{subdomain\}\.zendesk\.com/,
    );
  });

  it('fails naming the field when a scoring service is on the metadata address', () => {
    const scoring = { provider: 'http', http: { url: 'https://169.254.169.254/latest/meta-data/', apiKey: { secretId: 'acme/scoring' } } };
    const tenantsFile = writeTenantsFile({ tenants: [tenant({ scoring })] });
    expect(() => synthesize({ tenantsFile })).toThrow(
      'tenants.0.scoring.http.url: the scoring url must reach a public address in deployed mode: its host 169.254.169.254 is the cloud metadata address (169.254.169.254)',
    );
  });

  it('fails naming the field when a deployed secret is inline', () => {
    const tenantsFile = writeTenantsFile({
      tenants: [tenant({ sources: { zendesk: { signingSecrets: [{ value: 'hunter2' }] } } })],
    });
    expect(() => synthesize({ tenantsFile })).toThrow(
      /tenants\.0\.sources\.zendesk\.signingSecrets\.0: deployed tenants take secrets from Secrets Manager/,
    );
  });

  it('fails naming the file and the field on a schema error', () => {
    const tenantsFile = writeTenantsFile({ tenants: [tenant({ id: 'Not A Valid Id' })] });
    expect(() => synthesize({ tenantsFile })).toThrow(new RegExp(`Invalid tenants file ${tenantsFile}: tenants\\.0\\.id:`));
  });

  it('fails naming the file when it is not JSON or does not exist', () => {
    const broken = writeTenantsFile('{ "tenants": [');
    expect(() => synthesize({ tenantsFile: broken })).toThrow(`Tenants file ${broken} is not valid JSON`);
    expect(() => synthesize({ tenantsFile: '/nonexistent/tenants.json' })).toThrow('Cannot read tenants file /nonexistent/tenants.json');
  });
});

describe('the context tenantsFile', () => {
  it('chooses the file that is validated and granted', () => {
    // Arrange
    const tenantsFile = writeTenantsFile({ tenants: [tenant()] });

    // Act
    const { router, service } = synthesize({ tenantsFile });

    // Assert: the example file's secrets are gone from the grants
    const secrets = resourcesFor(statementsOfRole(service, logicalIdOf(router.service.ingest.role)), 'secretsmanager:GetSecretValue');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toContain(':secret:acme/zendesk-webhook-??????');
  });
});

describe('the tenants file where it was before infra/cdk', () => {
  /** A checkout with a tenants file at the old default place, infra/config/tenants.json. */
  function checkoutWithOldTenantsFile(): string {
    const checkout = mkdtempSync(join(tmpdir(), 'influence-router-checkout-'));
    mkdirSync(join(checkout, 'infra', 'config'), { recursive: true });
    writeFileSync(join(checkout, 'infra', 'config', 'tenants.json'), JSON.stringify({ tenants: [tenant()] }));
    return checkout;
  }

  it('is refused rather than passed over for the example file, naming both fixes', () => {
    // Arrange
    const checkout = checkoutWithOldTenantsFile();

    // Act
    const choose = () => deploymentTenantsFile(undefined, checkout);

    // Assert
    expect(choose).toThrow(
      'infra/config/tenants.json is no longer read by default: move it to infra/cdk/config/tenants.json, or name it with -c tenantsFile=infra/config/tenants.json',
    );
  });

  it('is used when the context names it, and the default applies when there is none', () => {
    // Arrange
    const checkout = checkoutWithOldTenantsFile();
    const clean = mkdtempSync(join(tmpdir(), 'influence-router-checkout-'));

    // Act
    const named = deploymentTenantsFile('infra/config/tenants.json', checkout);
    const byDefault = deploymentTenantsFile(undefined, clean);

    // Assert
    expect(named).toBe('infra/config/tenants.json');
    expect(byDefault).toBe(DEFAULT_TENANTS_FILE);
  });
});

describe('a secret holding both a signing secret and helpdesk credentials', () => {
  it('synthesises with a warning on the ingest function, which could read the credentials', () => {
    // Arrange
    const tenantsFile = writeTenantsFile({
      tenants: [tenant({ sources: { zendesk: { signingSecrets: [{ secretId: 'acme/zendesk-api', field: 'webhookSecret' }] } } })],
    });

    // Act
    const { router } = synthesize({ tenantsFile });

    // Assert
    Annotations.fromStack(router.service).hasWarning(
      '/InfluenceRouterService/Ingest',
      Match.stringLikeRegexp('acme/zendesk-api hold both webhook signing secrets and helpdesk API credentials'),
    );
  });

  it('raises no warning when they are kept apart', () => {
    const { router } = synthesize();
    Annotations.fromStack(router.service).hasNoWarning('*', Match.stringLikeRegexp('hold both webhook signing secrets'));
  });
});
