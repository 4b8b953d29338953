import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { GENERIC_DEMO, genericDemo } from '../../infra/sandbox/generic/demo.js';
import type { SandboxGenericRequester } from '../../infra/sandbox/generic/types.js';
import { genericPart } from '../../infra/sandbox/generic/index.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { mastodonPart } from '../../infra/sandbox/mastodon/index.js';
import { type Sandbox, startSandbox } from '../../infra/sandbox/sandbox.js';
import { type LoopbackBluesky, type LoopbackBlueskyAccount, startLoopbackBluesky } from '../support/bluesky-loopback.js';
import { type LoopbackMastodon, startLoopbackMastodon } from '../support/mastodon-loopback.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const INBOUND = 'whsec_bmV0d29ya3MtZTJlLWluYm91bmQtc2VjcmV0';
let stack: LocalStack;
let bluesky: LoopbackBluesky;
let other: LoopbackBluesky;
let mastodon: LoopbackMastodon;
/** Mastodon handles on `lovelace.test`, whose web site answers WebFinger only, on the server `ap.lovelace.test`. */
let split: Sandbox;

/** A tenant of the generic helpdesk scoring from Bluesky at `appViewUrl`. */
function networksTenant(id: string, sandboxUrl: string, appViewUrl: string, inlineTimeoutMs = 2000): TenantInput {
  return {
    id,
    helpdesk: { kind: 'generic', decisionsUrl: `${sandboxUrl}/generic/decisions`, signingSecret: { value: GENERIC_DEMO.outboundSecret } },
    sources: { generic: { signingSecrets: [{ value: INBOUND }] } },
    scoring: {
      provider: 'networks',
      networks: { bluesky: { appViewUrl, plcUrl: `${appViewUrl}/plc`, dohUrl: `${appViewUrl}/dns-query` }, mastodon: {} },
      inlineTimeoutMs,
    },
  };
}

beforeAll(async () => {
  bluesky = await startLoopbackBluesky();
  other = await startLoopbackBluesky();
  mastodon = await startLoopbackMastodon();
  split = await startSandbox({
    parts: [mastodonPart.with({ servers: ['ap.lovelace.test'], handleDomains: { 'lovelace.test': 'ap.lovelace.test' } })],
  });
  stack = await startLocalStack({
    outsideHosts: () => ({ 'social.test': mastodon.origin, ...split.hosts }),
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-networks-${randomUUID().slice(0, 8)}`,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    extraTenants: (sandboxUrl) => [
      networksTenant('net-a', sandboxUrl, bluesky.url),
      networksTenant('net-b', sandboxUrl, other.url),
      networksTenant('net-c', sandboxUrl, other.url),
      networksTenant('net-slow', sandboxUrl, other.url, 200),
    ],
  });
});

afterAll(async () => {
  await stack?.close();
  await bluesky?.close();
  await other?.close();
  await mastodon?.close();
  await split?.close();
});

let dids = 0;
/** A did:plc of 24 base32 characters, different for each account. */
function newDid(): string {
  dids += 1;
  return `did:plc:${dids
    .toString(32)
    .replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)] ?? 'a')
    .padStart(24, 'a')}`;
}

function account(handle: string, overrides: Partial<LoopbackBlueskyAccount> = {}): LoopbackBlueskyAccount {
  return {
    handle,
    did: newDid(),
    followers: 48_000,
    follows: 1_100,
    posts: 5_200,
    createdAt: '2018-01-01T00:00:00.000Z',
    engagement: Array.from({ length: 20 }, () => 350),
    ...overrides,
  };
}

type Handle = NonNullable<SandboxGenericRequester['handles']>[number];

/** Creates a sandbox ticket and sends its generic `ticket.created`, with the handles as the helpdesk gives them. */
/** A ticket sent in, and its tenant. */
interface Sent {
  tenant: string;
  id: string;
}

async function ticket(tenant: string, requester: { email?: string; handles: Handle[] }): Promise<Sent> {
  const desk = stack.sandbox.part(genericPart);
  const created = desk.createTicket({
    subject: 'Help',
    priority: 'normal',
    tags: ['printer'],
    requester: {
      ...(requester.email ? { email: requester.email } : {}),
      handles: requester.handles,
    },
  });
  // The documented generic body for the sandbox ticket, signed with the tenant's secret.
  const delivery = genericDemo.delivery(created, { secret: INBOUND });
  const response = await fetch(`${stack.url}/webhooks/${tenant}/generic`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  return { tenant, id: created.id };
}

/** The ticket's priority in the helpdesk, and the note of its audited decision (also kept when nothing was written). */
async function view({ tenant, id }: Sent) {
  const found = stack.sandbox.part(genericPart).ticket(id);
  const [decision] = await stack.decisions.listForTicket(tenant, id);
  return { priority: found?.priority, note: decision?.note ?? '' };
}

describe('influence from open networks, through the local server', () => {
  it('raises a customer whose Bluesky handle is proven on their email domain, the note naming Bluesky and the trust', async () => {
    bluesky.add(account('ada.lovelace-e2e.test'));

    const id = await ticket('net-a', {
      email: 'ada@lovelace-e2e.test',
      handles: [{ network: 'bluesky', handle: '@ada.lovelace-e2e.test' }],
    });

    expect((await view(id)).priority).toBe('high');
    expect((await view(id)).note).toContain(
      'Tier: high (score 63). Reach 63 on Bluesky (high): 48k followers, median 350 interactions per post',
    );
    expect((await view(id)).note).toContain('Bluesky handle verified.');
  });

  it('does not raise the same kind of customer whose handle is only declared, and the note says why', async () => {
    bluesky.add(account('grace.bsky-e2e.test'));

    const id = await ticket('net-a', {
      email: 'grace@elsewhere.test',
      handles: [{ network: 'bluesky', handle: 'grace.bsky-e2e.test', source: 'customer' }],
    });

    expect((await view(id)).priority).toBe('normal');
    expect((await view(id)).note).toContain('Tier: none (baseline service).');
    expect((await view(id)).note).toContain(
      'Reach 63 on Bluesky (high): 48k followers, median 350 interactions per post, follower:following 44:1. Bluesky handle declared by the customer, not verified: not used for priority (this tenant counts verified handles or better).',
    );
  });

  it('takes a handle proven one way only (the DID document names another handle) as declared', async () => {
    bluesky.add(account('mary.jackson-e2e.test', { alsoKnownAs: ['at://someone-else.test'] }));

    const id = await ticket('net-a', {
      email: 'mary@jackson-e2e.test',
      handles: [{ network: 'bluesky', handle: 'mary.jackson-e2e.test' }],
    });

    expect((await view(id)).priority).toBe('normal');
    expect((await view(id)).note).toContain('Bluesky handle declared by the customer, not verified: not used for priority');
  });

  it('raises on a handle that came in through its channel, and scores the better of two handles', async () => {
    bluesky.add(account('small.two-e2e.test', { followers: 800, follows: 700, engagement: Array.from({ length: 20 }, () => 4) }));
    bluesky.add(account('big.two-e2e.test'));

    const id = await ticket('net-a', {
      email: 'two@nowhere.test',
      handles: [
        { network: 'bluesky', handle: 'small.two-e2e.test', source: 'channel' },
        { network: 'bluesky', handle: 'big.two-e2e.test', source: 'channel' },
      ],
    });

    expect((await view(id)).priority).toBe('high');
    expect((await view(id)).note).toMatch(
      /Reach 63 on Bluesky \(high\).*Bluesky handle from the ticket's own Bluesky channel\. Also: Bluesky \d+ \(channel\)\./,
    );
  });

  it('gives no score to an account labelled !no-unauthenticated, as an opt-out', async () => {
    bluesky.add(account('hidden.noindex-e2e.test', { labels: [{ val: '!no-unauthenticated' }] }));

    const id = await ticket('net-a', {
      email: 'h@noindex-e2e.test',
      handles: [{ network: 'bluesky', handle: 'hidden.noindex-e2e.test', source: 'channel' }],
    });

    expect((await view(id)).priority).toBe('normal');
    expect((await view(id)).note).toContain('opted out of being shown to logged-out viewers (!no-unauthenticated)');
  });

  it('refuses a handle that is not a Bluesky handle before any request', async () => {
    const before = bluesky.counts();

    const id = await ticket('net-a', {
      email: 'x@y.test',
      handles: [{ network: 'bluesky', handle: 'http://169.254.169.254/latest', source: 'channel' }],
    });

    expect((await view(id)).note).toContain('not a Bluesky handle');
    expect(bluesky.counts()).toEqual(before);
  });

  it('gives a customer on two networks the better score, naming both', async () => {
    bluesky.add(account('emmy.two-networks.test', { followers: 900, follows: 800, engagement: Array.from({ length: 20 }, () => 3) }));
    mastodon.add({
      username: 'emmy',
      followers: 48_000,
      following: 1_100,
      statuses: 5_200,
      createdAt: '2018-01-01T00:00:00.000Z',
      engagement: Array.from({ length: 20 }, () => 350),
    });

    const id = await ticket('net-a', {
      handles: [
        { network: 'bluesky', handle: 'emmy.two-networks.test', source: 'channel' },
        { network: 'mastodon', handle: '@emmy@social.test', source: 'channel' },
      ],
    });

    expect((await view(id)).priority).toBe('high');
    expect((await view(id)).note).toMatch(
      /Tier: high \(score 63\)\. Reach 63 on Mastodon \(high\).*Mastodon handle from the ticket's own Mastodon channel\. Also: Bluesky \d+ \(channel\)\./,
    );
  });

  it("scores a Mastodon handle whose domain is not its server, found through the domain's WebFinger", async () => {
    split.part(mastodonPart).addAccount('ap.lovelace.test', {
      username: 'ada',
      followers: 48_000,
      following: 1_100,
      statusesCount: 5_200,
      createdAt: '2018-01-01T00:00:00.000Z',
      statuses: Array.from({ length: 20 }, () => ({ favourites: 300, reblogs: 40, replies: 10 })),
    });

    const id = await ticket('net-a', { handles: [{ network: 'mastodon', handle: '@ada@lovelace.test', source: 'channel' }] });

    expect((await view(id)).priority).toBe('high');
    expect((await view(id)).note).toMatch(/Reach \d+ on Mastodon \(high\).*Mastodon handle from the ticket's own Mastodon channel\./);
    const asked = split
      .part(mastodonPart)
      .requests()
      .map((request) => `${request.host ?? ''} ${request.path.split('?')[0] ?? ''} ${request.status}`);
    expect(asked).toEqual([
      'lovelace.test /api/v1/accounts/lookup 404',
      'lovelace.test /.well-known/webfinger 200',
      'ap.lovelace.test /api/v1/accounts/lookup 200',
      `ap.lovelace.test /api/v1/accounts/${split.part(mastodonPart).account('ap.lovelace.test', 'ada')?.id ?? ''}/statuses 200`,
    ]);
  });

  it.each([
    ['@ada@127.0.0.1', 'its server "127.0.0.1" must be a public host name, not an address'],
    ['@ada@10.0.0.5', 'its server "10.0.0.5" must be a public host name, not an address'],
    ['@ada@metadata.internal', '.internal names never reach a public server'],
  ])('sends nothing for the Mastodon handle %s, and says why', async (handle, reason) => {
    const before = mastodon.requests().length;

    const id = await ticket('net-a', { handles: [{ network: 'mastodon', handle, source: 'channel' }] });

    expect((await view(id)).note).toContain(reason);
    expect(mastodon.requests().length).toBe(before);
  });

  it('never follows a Mastodon server that redirects, and says so', async () => {
    mastodon.redirect('http://169.254.169.254/latest/meta-data/');
    try {
      const before = mastodon.requests().length;

      const id = await ticket('net-a', { handles: [{ network: 'mastodon', handle: '@ada@social.test', source: 'channel' }] });

      expect((await view(id)).note).toContain('social.test answered a redirect (HTTP 301), which is never followed');
      expect(mastodon.requests().length).toBe(before + 1);
    } finally {
      mastodon.redirect(undefined);
    }
  });

  it('gives no score to a Mastodon account that asked not to be indexed', async () => {
    mastodon.add({
      username: 'noindexed',
      followers: 48_000,
      following: 1_100,
      statuses: 5_200,
      createdAt: '2018-01-01T00:00:00.000Z',
      engagement: [350],
      noindex: true,
    });

    const id = await ticket('net-a', { handles: [{ network: 'mastodon', handle: '@noindexed@social.test', source: 'channel' }] });

    expect((await view(id)).priority).toBe('normal');
    expect((await view(id)).note).toContain('the account asked not to be indexed (noindex)');
  });

  it("holds one tenant's calls back after a 429 while another tenant's tickets are scored", async () => {
    other.add(account('kat.held-e2e.test'));
    other.add(account('dorothy.held-e2e.test'));
    other.rateLimitNext(1, 600);

    const first = await ticket('net-b', { handles: [{ network: 'bluesky', handle: 'kat.held-e2e.test', source: 'channel' }] });
    const counted = other.counts()['/xrpc/app.bsky.actor.getProfile'];
    const second = await ticket('net-b', { handles: [{ network: 'bluesky', handle: 'dorothy.held-e2e.test', source: 'channel' }] });
    const elsewhere = await ticket('net-c', { handles: [{ network: 'bluesky', handle: 'dorothy.held-e2e.test', source: 'channel' }] });

    expect((await view(first)).note).toContain('Score provider networks unavailable (Bluesky answered 429: held back)');
    // The second ticket of the held tenant is decided at once, without a request to the network.
    expect(other.counts()['/xrpc/app.bsky.actor.getProfile']).toBe((counted ?? 0) + 1);
    expect((await view(second)).note).toContain('Score provider networks unavailable (Bluesky: held back after a 429)');
    expect((await view(elsewhere)).priority).toBe('high');
  });

  it('decides without a score when the network is slower than the ticket path allows', async () => {
    other.add(account('slow.network-e2e.test'));
    other.delay(1500);
    try {
      const id = await ticket('net-slow', { handles: [{ network: 'bluesky', handle: 'slow.network-e2e.test', source: 'channel' }] });

      expect((await view(id)).priority).toBe('normal');
      expect((await view(id)).note).toContain('Score provider networks unavailable (Bluesky: no answer in time)');
    } finally {
      other.delay(0);
    }
  });
});
