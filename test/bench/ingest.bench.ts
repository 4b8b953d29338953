import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest-webhook/chain.js';
import { wireIngestDeps } from '../../functions/ingest-webhook/wiring.js';
import { FixedTenants } from '../../shared/adapters/config/tenant-cache.js';
import { parseTenantsFile } from '../../shared/adapters/config/tenants.js';
import { createLogger } from '../../shared/adapters/observability/logger.js';
import { RefSecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import { localContext, toApiGatewayEvent } from '../../infra/local/lambda-shapes.js';
import { signedTicketCreated } from '../../infra/sandbox/zendesk/deliveries.js';
import { InMemoryQueue } from '../support/fakes.js';
import { ms, summarise } from '../../infra/commands/stats.js';

/**
 * The ingest handler's own cost per webhook (the middy chain: signature check on the raw bytes,
 * zod validation, normalisation, enqueue to an in-memory queue), invoked directly.
 */
export async function benchIngest(iterations = 5000): Promise<string[]> {
  const tenants = new FixedTenants(
    parseTenantsFile(
      {
        tenants: [
          {
            id: 'bench',
            helpdesk: { kind: 'zendesk', baseUrl: 'https://bench.zendesk.com', email: 'a@bench.example', apiToken: { value: 't' } },
            sources: { zendesk: { signingSecrets: [{ value: 'old-secret' }, { value: 'bench-secret' }] } },
          },
        ],
      },
      'local',
    ),
  );
  const queue = new InMemoryQueue();
  const handler = createIngestHandler(
    wireIngestDeps({ tenants, secrets: new RefSecretResolver(), queue, logger: createLogger('bench'), maxBodyBytes: 262_144 }),
  );
  const events: APIGatewayProxyEventV2[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const delivery = signedTicketCreated({
      ticket: {
        id: 10_000 + i,
        subject: 'Printer on fire',
        priority: 'normal',
        status: 'new',
        tags: ['printer', 'hardware'],
        group_id: null,
        requester_id: 1001,
        created_at: '2026-11-23T10:00:00Z',
        updated_at: '2026-11-23T10:00:00Z',
        via: { channel: 'web' },
      },
      secret: 'bench-secret',
    });
    events.push(
      toApiGatewayEvent({
        method: 'POST',
        url: '/webhooks/bench/zendesk',
        headers: delivery.headers,
        body: Buffer.from(delivery.body),
        routeKey: 'POST /webhooks/{tenant}/{source}',
        pathParameters: { tenant: 'bench', source: 'zendesk' },
        sourceIp: '127.0.0.1',
      }),
    );
  }
  // Warm-up, as a warm Lambda container would be.
  for (const event of events.slice(0, 200)) await handler(event, localContext('bench'));
  const samples: number[] = [];
  const started = performance.now();
  for (const event of events) {
    const t0 = performance.now();
    const response = await handler(event, localContext('bench'));
    samples.push(performance.now() - t0);
    if (response.statusCode !== 202) throw new Error(`unexpected status ${response.statusCode}`);
  }
  const elapsed = performance.now() - started;
  const s = summarise(samples);
  return [
    `ingest handler, ${iterations} signed ticket.created webhooks (two active secrets), in process:`,
    `  latency p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`,
    `  throughput ${(iterations / (elapsed / 1000)).toFixed(0)} webhooks/s on one core`,
  ];
}
