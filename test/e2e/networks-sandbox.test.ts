import { randomUUID } from 'node:crypto';
import type { Decision } from '../../shared/domain/decide.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GENERIC_DEMO, genericDemo } from '../../infra/sandbox/generic/demo.js';
import type { SandboxGenericRequester } from '../../infra/sandbox/generic/types.js';
import { genericPart } from '../../infra/sandbox/generic/index.js';
import { GITHUB_DEMO_TOKEN, githubPart } from '../../infra/sandbox/github/index.js';
import { YOUTUBE_DEMO_KEY } from '../../infra/sandbox/youtube/index.js';
import { sandboxNetworkUrls } from '../../infra/sandbox/index.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

const INBOUND = 'whsec_bmV0d29ya3Mtc2FuZGJveC1pbmJvdW5kLXNlY3JldA==';
const TENANT = 'net-demo';
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-networks-sandbox-${randomUUID().slice(0, 8)}`,
    queue: { timeScale: 0.05, maxReceiveCount: 4, visibilityTimeoutMs: 30_000, pollIntervalMs: 5 },
    extraTenants: (sandboxUrl) => {
      const urls = sandboxNetworkUrls(sandboxUrl);
      return [
        {
          id: TENANT,
          helpdesk: {
            kind: 'generic',
            decisionsUrl: `${sandboxUrl}/generic/decisions`,
            signingSecret: { value: GENERIC_DEMO.outboundSecret },
          },
          sources: { generic: { signingSecrets: [{ value: INBOUND }] } },
          scoring: {
            provider: 'networks',
            minTrust: 'verified',
            inlineTimeoutMs: 3000,
            networks: {
              bluesky: urls.bluesky,
              mastodon: {},
              github: { ...urls.github, token: { value: GITHUB_DEMO_TOKEN } },
              youtube: { ...urls.youtube, apiKey: { value: YOUTUBE_DEMO_KEY }, derivedMetricsAmendmentAccepted: true },
            },
          },
        },
      ];
    },
  });
});

afterAll(async () => {
  await stack?.close();
});

type Handle = NonNullable<SandboxGenericRequester['handles']>[number];

/** Sends a generic `ticket.created` for a new sandbox ticket and answers its audited note and priority. */
async function ticket(requester: {
  email?: string;
  handles: Handle[];
}): Promise<{ priority: string | null | undefined; note: string; decision: Decision | undefined }> {
  const desk = stack.sandbox.part(genericPart);
  const created = desk.createTicket({
    subject: 'Help',
    priority: 'normal',
    tags: [],
    requester: {
      ...(requester.email ? { email: requester.email } : {}),
      handles: requester.handles,
    },
  });
  // The documented generic body for the sandbox ticket, signed with the tenant's secret.
  const delivery = genericDemo.delivery(created, { secret: INBOUND });
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/generic`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  expect(response.status).toBe(202);
  await stack.queue.drained();
  const [decision] = await stack.decisions.listForTicket(TENANT, created.id);
  return { priority: desk.ticket(created.id)?.priority, note: decision?.note ?? '', decision: decision?.decision };
}

describe("the demo's customers against the sandbox's network fakes", () => {
  it('raises Mary Jackson, whose Bluesky handle is on her email domain and resolves both ways', async () => {
    const { priority, note, decision } = await ticket({
      email: 'mary@maryjackson.test',
      handles: [{ network: 'bluesky', handle: 'maryjackson.test' }],
    });

    expect(priority).not.toBe('normal');
    expect(note).toMatch(/Reach \d+ on Bluesky \(\w+\): .* Bluesky handle verified\./);
    // The trust of the handle the raise came from is kept on the decision itself.
    expect(decision?.score?.trust).toBe('verified');
  });

  it('shows Dorothy Vaughan, the same audience with a declared handle, without raising her ticket', async () => {
    const { priority, note, decision } = await ticket({
      email: 'dorothy@example.com',
      handles: [{ network: 'bluesky', handle: 'dorothyvaughan.bsky.social' }],
    });

    expect(priority).toBe('normal');
    expect(note).toContain('Bluesky handle declared by the customer, not verified: not used for priority');
    expect(decision?.guardrails.map((guardrail) => guardrail.id)).toContain('handle-not-trusted');
  });

  it('gives Margaret Hamilton, on Bluesky and Mastodon, the better of her two verified scores', async () => {
    const { note } = await ticket({
      email: 'margaret@hamilton.test',
      handles: [
        { network: 'bluesky', handle: 'hamilton.test' },
        { network: 'mastodon', handle: '@margaret@social.example' },
      ],
    });

    expect(note).toMatch(/Reach \d+ on Mastodon \(\w+\): .* Mastodon handle verified\. Also: Bluesky \d+ \(verified\)\./);
  });

  it("scores Annie Easley, whose Mastodon handle's domain answers WebFinger only, from her account on its server", async () => {
    const { note } = await ticket({
      email: 'annie@example.com',
      handles: [{ network: 'mastodon', handle: '@annie@easley.example', source: 'channel' }],
    });

    expect(note).toMatch(/Reach \d+ on Mastodon \(\w+\): .*Mastodon handle from the ticket's own Mastodon channel\./);
  });

  it('scores no one who asked not to be indexed: Evelyn on Mastodon, Joan on Bluesky', async () => {
    const evelyn = await ticket({ handles: [{ network: 'mastodon', handle: '@evelyn@social.example', source: 'channel' }] });
    const joan = await ticket({ handles: [{ network: 'bluesky', handle: 'joanclarke.bsky.social', source: 'channel' }] });

    expect(evelyn.note).toContain('the account asked not to be indexed (noindex)');
    expect(joan.note).toContain('!no-unauthenticated');
    expect([evelyn.priority, joan.priority]).toEqual(['normal', 'normal']);
  });

  it('reads Radia Perlman on GitHub and Frances Allen on YouTube, declared, shown but not used', async () => {
    const radia = await ticket({ email: 'radia@example.com', handles: [{ network: 'github', handle: 'radiaperlman' }] });
    const frances = await ticket({ email: 'frances@example.com', handles: [{ network: 'youtube', handle: '@francesallen' }] });

    expect(radia.note).toMatch(
      /Reach \d+ on GitHub \(\w+\): .* GitHub handle declared by the customer, not verified: not used for priority/,
    );
    expect(frances.note).toMatch(
      /Reach \d+ on YouTube \(\w+\): .* YouTube handle declared by the customer, not verified: not used for priority/,
    );
  });

  it('keeps no profile for a requester named only by a handle they typed: nothing could find them again', async () => {
    const before = stack.sandbox.part(githubPart).requests().length;

    const anonymous = await ticket({ handles: [{ network: 'github', handle: 'radiaperlman' }] });

    expect(anonymous.priority).toBe('normal');
    expect(anonymous.note).toContain('No influence score is known for this customer');
    expect(anonymous.note).toContain('named only by handles typed into a form, which identify nobody');
    // No profile to hold a score: the network is not asked on every such ticket.
    expect(stack.sandbox.part(githubPart).requests().length).toBe(before);
  });
});
