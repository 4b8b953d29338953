import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest-webhook/chain.js';
import { localContext, toApiGatewayEvent } from '../../../infra/local/lambda-shapes.js';
import { wireIngestDeps } from '../../../functions/ingest-webhook/wiring.js';
import { FixedTenants } from '../../../shared/adapters/config/tenant-cache.js';
import { parseTenantsFile } from '../../../shared/adapters/config/tenants.js';
import { createLogger } from '../../../shared/adapters/observability/logger.js';
import { AwsJsonClient, SECRETS_MANAGER } from '../../../shared/adapters/aws/aws-json-client.js';
import { staticCredentials } from '../../../shared/adapters/aws/credentials.js';
import { RefSecretResolver } from '../../../shared/adapters/secrets/secret-resolver.js';
import { secretsManagerFetcher } from '../../../shared/adapters/secrets/secrets-manager.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { InMemoryQueue } from '../../support/fakes.js';
import { type LoopbackSecretsManager, startLoopbackSecretsManager } from '../../support/secrets-manager-server.js';

function depsWith(signingSecrets: { env: string }[], env: Record<string, string>) {
  const tenants = new FixedTenants(
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
  it('knows only the sources a tenant configures', async () => {
    const deps = depsWith([{ env: 'CURRENT' }], { CURRENT: 'c' });

    expect(await deps.sourceFor('acme', 'zendesk')).toBeDefined();
    expect(await deps.sourceFor('acme', 'freshdesk')).toBeUndefined();
    expect(await deps.sourceFor('other', 'zendesk')).toBeUndefined();
  });

  it('verifies with the secrets it can read when a retired one is already gone', async () => {
    const deps = depsWith([{ env: 'CURRENT' }, { env: 'RETIRED' }], { CURRENT: 'current-secret' });

    const secrets = await (await deps.sourceFor('acme', 'zendesk'))?.secrets();

    expect(secrets).toEqual(['current-secret']);
  });

  it('fails when none of the secrets can be read', async () => {
    const deps = depsWith([{ env: 'GONE' }], {});

    await expect((await deps.sourceFor('acme', 'zendesk'))?.secrets()).rejects.toBeInstanceOf(ConfigurationError);
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

describe("the ingest handler, with a rotation's retired secret deleted from Secrets Manager", () => {
  let sm: LoopbackSecretsManager;
  beforeEach(async () => {
    sm = await startLoopbackSecretsManager();
  });
  afterEach(async () => {
    await sm.close();
  });

  it('reads the missing secret once, not on every request, unsigned ones included, and says so once', async () => {
    sm.secrets.set('influence-router/acme/inbound/zendesk-webhook', JSON.stringify({ current: 'current-signing-secret' }));
    const tenants = new FixedTenants(
      parseTenantsFile(
        {
          tenants: [
            {
              id: 'acme',
              helpdesk: {
                kind: 'zendesk',
                baseUrl: 'https://acme.zendesk.com',
                email: 'a@acme.example',
                apiToken: { secretId: 'influence-router/acme/outbound/zendesk-api' },
              },
              sources: {
                zendesk: {
                  signingSecrets: [
                    { secretId: 'influence-router/acme/inbound/zendesk-webhook', field: 'current' },
                    { secretId: 'influence-router/acme/inbound/zendesk-webhook-previous' },
                  ],
                },
              },
            },
          ],
        },
        'deployed',
      ),
    );
    const logger = createLogger('ingest-webhook');
    const client = new AwsJsonClient(SECRETS_MANAGER, {
      endpoint: sm.endpoint,
      credentials: staticCredentials({ accessKeyId: 'test', secretAccessKey: 'test' }),
      region: 'eu-west-1',
    });
    const queue = new InMemoryQueue();
    const handler = createIngestHandler(
      wireIngestDeps({
        tenants,
        secrets: new RefSecretResolver({ fetchSecret: secretsManagerFetcher({ client }), logger }),
        queue,
        logger,
        maxBodyBytes: 1024,
      }),
    );
    const unsigned = () =>
      toApiGatewayEvent({
        method: 'POST',
        url: '/webhooks/acme/zendesk',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{}'),
        routeKey: 'POST /webhooks/{tenant}/{source}',
        pathParameters: { tenant: 'acme', source: 'zendesk' },
        sourceIp: '198.51.100.7',
      });
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    // Warnings go to stderr, the rest to stdout: both are read.
    const writes = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];

    const statuses: (number | undefined)[] = [];
    try {
      for (let i = 0; i < 10; i += 1) statuses.push((await handler(unsigned(), localContext('ingest-webhook'))).statusCode);
    } finally {
      for (const write of writes) write.mockRestore();
    }

    expect(statuses).toEqual(Array(10).fill(401));
    expect(queue.events).toEqual([]);
    // One read of each secret: the current one is kept for minutes, the missing one's failure for a minute.
    expect(sm.operations).toEqual(['GetSecretValue', 'GetSecretValue']);
    const said = lines
      .join('')
      .split('\n')
      .filter((line) => line.includes('zendesk-webhook-previous'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('a secret could not be read; it is not asked for again for 60 s');
    expect(lines.join('')).not.toContain('current-signing-secret');
  });
});
