import { describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest-webhook/chain.js';
import { localContext, toApiGatewayEvent } from '../../../infra/local/lambda-shapes.js';
import { wireIngestDeps } from '../../../functions/ingest-webhook/wiring.js';
import { TenantDirectory } from '../../../shared/adapters/config/tenant-directory.js';
import { parseTenantsFile } from '../../../shared/adapters/config/tenants.js';
import { createLogger } from '../../../shared/adapters/observability/logger.js';
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
    logger: createLogger('test'),
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

describe('the ingest handler', () => {
  it('logs with the API Gateway request id as the correlation id', async () => {
    const deps = depsWith([{ env: 'CURRENT' }], { CURRENT: 'c' });
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const event = toApiGatewayEvent({
      method: 'POST',
      url: '/webhooks/acme/zendesk',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{}'),
      routeKey: 'POST /webhooks/{tenant}/{source}',
      pathParameters: { tenant: 'acme', source: 'zendesk' },
      sourceIp: '127.0.0.1',
    });
    event.requestContext.requestId = 'req-test-123';

    try {
      // Unsigned, so it is refused (401): the refusal is logged, with the correlation id.
      await createIngestHandler(deps)(event, localContext('ingest-webhook'));
    } finally {
      write.mockRestore();
    }

    expect(lines.join('')).toMatch(/"correlation_id":\s*"req-test-123"/);
  });
});
