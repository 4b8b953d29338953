import { describe, expect, it } from 'vitest';
import { wireIngestDeps } from '../../../functions/ingest-webhook/wiring.js';
import { TenantDirectory } from '../../../shared/adapters/config/tenant-directory.js';
import { parseTenantsFile } from '../../../shared/adapters/config/tenants.js';
import { createTelemetry } from '../../../shared/adapters/observability/telemetry.js';
import { RefSecretResolver } from '../../../shared/adapters/secrets/secret-resolver.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { InMemoryQueue } from '../../support/fakes.js';

function depsWith(signingSecrets: { env: string }[], env: Record<string, string>) {
  const tenants = new TenantDirectory(
    parseTenantsFile(
      {
        tenants: [
          {
            id: 'acme',
            helpdesk: { kind: 'zendesk', baseUrl: 'https://acme.zendesk.com', email: 'a@acme.example', apiToken: { value: 't' } },
            sources: { zendesk: { signingSecrets } },
          },
        ],
      },
      'local',
    ),
  );
  return wireIngestDeps({
    tenants,
    secrets: new RefSecretResolver({ env }),
    queue: new InMemoryQueue(),
    telemetry: createTelemetry('test'),
    maxBodyBytes: 1024,
  });
}

describe('wireIngestDeps', () => {
  it('knows only the sources a tenant configures', () => {
    const deps = depsWith([{ env: 'CURRENT' }], { CURRENT: 'c' });

    expect(deps.sourceFor('acme', 'zendesk')).toBeDefined();
    expect(deps.sourceFor('acme', 'freshdesk')).toBeUndefined();
    expect(deps.sourceFor('other', 'zendesk')).toBeUndefined();
  });

  it('verifies with the secrets it can read when a retired one is already gone', async () => {
    const deps = depsWith([{ env: 'CURRENT' }, { env: 'RETIRED' }], { CURRENT: 'current-secret' });

    const secrets = await deps.sourceFor('acme', 'zendesk')?.secrets();

    expect(secrets).toEqual(['current-secret']);
  });

  it('fails when none of the secrets can be read', async () => {
    const deps = depsWith([{ env: 'GONE' }], {});

    await expect(deps.sourceFor('acme', 'zendesk')?.secrets()).rejects.toBeInstanceOf(ConfigurationError);
  });
});
