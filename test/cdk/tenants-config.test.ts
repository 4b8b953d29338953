import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { directionOf, secretNameOf } from '../../shared/adapters/config/secret-names.js';
import { parseTenantsFile, secretUsesOf } from '../../shared/adapters/config/tenants.js';
import { synthesize, writeTenantsFile } from './synth-fixture.js';

const EXAMPLE_FILE = 'docs/examples/tenants.example.json';

describe('synthesis without a tenants file', () => {
  it('works, and the templates name no tenant and no tenant secret', () => {
    // Act
    const { data, service } = synthesize();

    // Assert
    const templates = JSON.stringify(data.toJSON()) + JSON.stringify(service.toJSON());
    for (const example of ['acme', 'globex', 'initech', 'umbrella', 'TENANTS_FILE', 'tenants.json'])
      expect(templates).not.toContain(example);
  });
});

describe('a tenants file given to synth', () => {
  it('is refused, naming the import that replaces it and where the upgrade is written', () => {
    // Arrange: a deployment made from a tenants file, synthesised the old way
    const tenantsFile = writeTenantsFile(readFileSync(join(REPO_ROOT, EXAMPLE_FILE), 'utf8'));

    // Act
    const synth = () => synthesize({ tenantsFile });

    // Assert
    expect(synth).toThrow(
      `Tenants are no longer deployed from a file (-c tenantsFile=${tenantsFile}): import it once into the deployed table with AWS_REGION=<region> TABLE_NAME=<table> npm run tenants -- import --file ${tenantsFile}, then synth and deploy without -c tenantsFile (docs/deploying.md#upgrading-from-a-tenants-file)`,
    );
  });
});

describe('the example tenants file', () => {
  const data: unknown = JSON.parse(readFileSync(join(REPO_ROOT, EXAMPLE_FILE), 'utf8'));

  it('is valid for deployment, every secret under its tenant prefix on the side its readers are granted', () => {
    const file = parseTenantsFile(data, 'deployed', EXAMPLE_FILE);
    const names = file.tenants.flatMap((tenant) =>
      secretUsesOf(tenant).map((use) => ({
        tenant: tenant.id,
        name: 'secretId' in use.ref ? secretNameOf(use.ref.secretId) : '',
        side: directionOf(use.readers),
      })),
    );
    expect(names.length).toBeGreaterThan(8);
    for (const { tenant, name, side } of names) expect(name.startsWith(`influence-router/${tenant}/${side}/`)).toBe(true);
  });

  it('is not deployed by default: nothing reads it but the import', () => {
    expect(JSON.stringify(synthesize().service.toJSON())).not.toContain('tenants.example');
  });
});
