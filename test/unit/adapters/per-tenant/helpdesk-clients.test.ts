import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { FixedTenants } from '../../../../shared/adapters/config/tenant-cache.js';
import { parseTenantsFile, type TenantInput } from '../../../../shared/adapters/config/tenants.js';
import { type AddressPolicy, PUBLIC_ADDRESSES_ONLY } from '../../../../shared/adapters/http/checked-request.js';
import { nonPublicReason } from '../../../../shared/adapters/http/public-address.js';
import { helpdeskClients } from '../../../../shared/adapters/per-tenant/helpdesk-clients.js';
import { helpdeskPaces } from '../../../../shared/adapters/resilience/helpdesk-pace.js';
import { RefSecretResolver } from '../../../../shared/adapters/secrets/secret-resolver.js';
import { generateStandardWebhookSecret } from '../../../../shared/adapters/webhooks/standard-webhooks.js';
import { PermanentHelpdeskError, TransientError } from '../../../../shared/domain/errors.js';
import type { TicketUpdate } from '../../../../shared/domain/ticket-update.js';
import { FixedClock } from '../../../support/fakes.js';

const TLS = new URL('../../../fixtures/tls/', import.meta.url);
const CERT = readFileSync(new URL('scores-example-test.crt', TLS), 'utf8');
const KEY = readFileSync(new URL('scores-example-test.key', TLS), 'utf8');

const UPDATE: TicketUpdate = {
  ticketId: '4711',
  decisionId: 'generic:ticket-created:4711',
  priority: 'high',
  tags: ['printer', 'influence_high'],
  addedTags: ['influence_high'],
  note: 'Influence Router: priority raised from normal to high (+1).',
};

/** Tenants parsed in local mode, so a test can reach the call-time check with URLs the deployed check would stop first. */
function tenants(...list: TenantInput[]): FixedTenants {
  return new FixedTenants(parseTenantsFile({ tenants: list }, 'local'));
}

function generic(decisionsUrl: string): TenantInput {
  return {
    id: 'umbrella',
    helpdesk: { kind: 'generic', decisionsUrl, signingSecret: { value: generateStandardWebhookSecret() } },
    sources: { generic: { signingSecrets: [{ value: generateStandardWebhookSecret() }] } },
  };
}

const secrets = new RefSecretResolver();
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server on loopback that answers 200 and records what reached it. */
async function listen(
  make: (handler: (request: IncomingMessage, response: ServerResponse) => void) => Server,
): Promise<{ port: number; seen: { path: string; servername?: string | false | null }[] }> {
  const seen: { path: string; servername?: string | false | null }[] = [];
  const server = make((request, response) => {
    request.resume();
    request.on('end', () => {
      const socket = request.socket as Partial<TLSSocket>;
      seen.push({ path: request.url ?? '', ...('servername' in socket ? { servername: socket.servername } : {}) });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

describe("helpdeskClients: a generic helpdesk's decisionsUrl", () => {
  it('is refused by default when its name resolves to this machine', async () => {
    const helpdeskFor = helpdeskClients(tenants(generic('https://localhost:65535/decisions')), secrets);

    const sent = (await helpdeskFor('umbrella')).updateTicket(UPDATE);

    await expect(sent).rejects.toThrow(
      /helpdesk\.decisionsUrl https:\/\/localhost:65535: localhost resolves to (127\.0\.0\.1|::1)\b.*, (a|the) loopback address/,
    );
  });

  it('is refused when its name resolves to a private address, naming the field, the host, the address and why', async () => {
    const policy: AddressPolicy = { ...PUBLIC_ADDRESSES_ONLY, resolve: async () => [{ address: '10.0.0.5', family: 4 }] };
    const helpdeskFor = helpdeskClients(tenants(generic('https://hooks.umbrella.example/decisions')), secrets, {
      serviceAddresses: policy,
    });

    const sent = (await helpdeskFor('umbrella')).updateTicket(UPDATE);

    await expect(sent).rejects.toThrow(
      'POST https://hooks.umbrella.example/decisions failed: helpdesk.decisionsUrl https://hooks.umbrella.example: hooks.umbrella.example resolves to 10.0.0.5, a private address (10.0.0.0/8): refused, requests go only to public addresses',
    );
  });

  it('is refused for good, not as a failure that may pass: a configuration fault no retry mends', async () => {
    const policy: AddressPolicy = { ...PUBLIC_ADDRESSES_ONLY, resolve: async () => [{ address: '10.0.0.5', family: 4 }] };
    const helpdeskFor = helpdeskClients(tenants(generic('https://hooks.umbrella.example/decisions')), secrets, {
      serviceAddresses: policy,
    });

    const sent = (await helpdeskFor('umbrella')).updateTicket(UPDATE);

    await expect(sent).rejects.toBeInstanceOf(PermanentHelpdeskError);
    await expect(sent).rejects.not.toBeInstanceOf(TransientError);
  });

  it('is posted to over TLS at the checked address, through the tenant’s pace', async () => {
    const { port, seen } = await listen((handler) => createHttpsServer({ key: KEY, cert: CERT }, handler));
    // Loopback is allowed here only, by the test's own policy, to reach the loopback server.
    const policy: AddressPolicy = {
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      refuse: (a) => (a === '127.0.0.1' ? undefined : nonPublicReason(a)),
      ca: CERT,
    };
    const helpdeskFor = helpdeskClients(tenants(generic(`https://hooks.example.test:${port}/decisions`)), secrets, {
      serviceAddresses: policy,
      paceFor: helpdeskPaces({ clock: new FixedClock(new Date('2026-12-01T10:00:00Z')) }),
    });

    await (await helpdeskFor('umbrella')).updateTicket(UPDATE);

    expect(seen).toEqual([{ path: '/decisions', servername: 'hooks.example.test' }]);
  });

  it('reaches a loopback http endpoint where any address goes (local mode)', async () => {
    const { port, seen } = await listen((handler) => createHttpServer(handler));
    const helpdeskFor = helpdeskClients(tenants(generic(`http://127.0.0.1:${port}/decisions`)), secrets, { serviceAddresses: 'any' });

    await (await helpdeskFor('umbrella')).updateTicket(UPDATE);

    expect(seen).toEqual([{ path: '/decisions' }]);
  });
});

describe('helpdeskClients: a vendor helpdesk', () => {
  it('keeps its own transport: its host is held to the vendor pattern instead', async () => {
    const { port, seen } = await listen((handler) => createHttpServer(handler));
    const zendesk: TenantInput = {
      id: 'acme',
      helpdesk: { kind: 'zendesk', baseUrl: `http://127.0.0.1:${port}`, email: 'bot@acme.example', apiToken: { value: 't' } },
      sources: { zendesk: { signingSecrets: [{ value: 's' }] } },
    };
    const refuseAll: AddressPolicy = { resolve: async () => [], refuse: () => 'refused by this test' };
    const helpdeskFor = helpdeskClients(tenants(zendesk), secrets, { serviceAddresses: refuseAll });

    await (await helpdeskFor('acme')).getTicket('1').catch(() => undefined);

    expect(seen.map((one) => one.path)).toEqual(['/api/v2/tickets/1']);
  });
});
