import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { blueskyPart } from '../../../infra/sandbox/bluesky/index.js';
import { DEMO_HANDLE_FIELDS, DEMO_NETWORK_PEOPLE, demoHandlesOn } from '../../../infra/sandbox/demo-people.js';
import { genericPart } from '../../../infra/sandbox/generic/index.js';
import { GITHUB_DEMO_TOKEN } from '../../../infra/sandbox/github/index.js';
import { DEMOS, fetchSandboxHosts, NETWORKS, sandboxNetworkUrls, startDemoSandbox } from '../../../infra/sandbox/index.js';
import { mastodonPart } from '../../../infra/sandbox/mastodon/index.js';
import type { Sandbox } from '../../../infra/sandbox/sandbox.js';
import { YOUTUBE_DEMO_KEY } from '../../../infra/sandbox/youtube/index.js';
import { ZENDESK_DEMO, zendeskPart } from '../../../infra/sandbox/zendesk/index.js';

/** The parts of the answers these tests read. */
const FeedSchema = z.object({
  feed: z.array(
    z.object({
      post: z.object({
        likeCount: z.number(),
        repostCount: z.number(),
        replyCount: z.number(),
        record: z.object({ reply: z.unknown().optional() }),
      }),
      reason: z.unknown().optional(),
    }),
  ),
});
const UsersSchema = z.object({
  users: z.array(z.object({ id: z.number(), name: z.string(), user_fields: z.record(z.string(), z.unknown()) })),
  identities: z.array(z.record(z.string(), z.unknown())),
});

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startDemoSandbox();
  for (const demo of DEMOS) demo.seed(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

async function json(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, { headers });
  expect(response.status, url).toBe(200);
  return response.json();
}

const zendeskAuth = {
  authorization: `Basic ${Buffer.from(`${ZENDESK_DEMO.agentEmail}/token:${ZENDESK_DEMO.apiToken}`).toString('base64')}`,
};

describe('the demo sandbox and its networks', () => {
  it('mounts every network after the helpdesks, and lists its outside hosts for another process', async () => {
    expect(sandbox.parts.slice(-NETWORKS.length)).toEqual(['bluesky', 'mastodon', 'github', 'youtube']);
    expect(Object.keys(sandbox.hosts).sort()).toEqual([
      'easley.example',
      'hamilton.test',
      'hedylamarr.test',
      'maryjackson.test',
      'social.example',
    ]);
    expect(await fetchSandboxHosts(sandbox.baseUrl)).toEqual(sandbox.hosts);
    const urls = sandboxNetworkUrls(`${sandbox.baseUrl}/`);
    expect(urls.bluesky.appViewUrl).toBe(sandbox.part(blueskyPart).appViewUrl);
    expect(urls.github.apiUrl).toBe(`${sandbox.baseUrl}/github`);
  });

  it('says what to do when no sandbox answers at the URL', async () => {
    await expect(fetchSandboxHosts(`${sandbox.baseUrl}/nothing-here`)).rejects.toThrow('is "npm start" running there?');
  });

  it("resolves Mary's verified Bluesky handle both ways: her domain gives the DID and the DID document claims the handle", async () => {
    const { appViewUrl, plcUrl } = sandboxNetworkUrls(sandbox.baseUrl).bluesky;
    const handle = DEMO_NETWORK_PEOPLE.mary.handles[0].handle;
    expect(DEMO_NETWORK_PEOPLE.mary.email.endsWith(`@${handle}`)).toBe(true);

    const did = (await (await fetch(`${sandbox.hosts[handle]}/.well-known/atproto-did`)).text()).trim();
    const document = await json(`${plcUrl}/${did}`);
    const profile = await json(`${appViewUrl}/xrpc/app.bsky.actor.getProfile?actor=${did}`);

    expect(document).toMatchObject({ id: did, alsoKnownAs: [`at://${handle}`] });
    expect(profile).toMatchObject({ handle, followersCount: DEMO_NETWORK_PEOPLE.mary.handles[0].audience.followers });
  });

  it("gives each demo profile 20 own posts whose median engagement is the audience's, beside a repost and a reply", async () => {
    const { appViewUrl } = sandboxNetworkUrls(sandbox.baseUrl).bluesky;
    const feed = await json(`${appViewUrl}/xrpc/app.bsky.feed.getAuthorFeed?actor=maryjackson.test&limit=100`);
    const items = FeedSchema.parse(feed).feed;
    const own = items.filter((item) => item.reason === undefined && item.post.record.reply === undefined);
    const totals = own.map((item) => item.post.likeCount + item.post.repostCount + item.post.replyCount).sort((a, b) => a - b);

    expect(items).toHaveLength(22);
    expect(own).toHaveLength(20);
    expect(((totals[9] ?? 0) + (totals[10] ?? 0)) / 2).toBe(DEMO_NETWORK_PEOPLE.mary.handles[0].audience.engagementPerPost);
  });

  it("marks the do-not-index profiles: Joan's Bluesky label, Evelyn's Mastodon noindex", async () => {
    const { appViewUrl } = sandboxNetworkUrls(sandbox.baseUrl).bluesky;
    const joan = await json(`${appViewUrl}/xrpc/app.bsky.actor.getProfile?actor=joanclarke.bsky.social`);
    const evelyn = await json(`${sandbox.hosts['social.example']}/api/v1/accounts/lookup?acct=evelyn`);

    expect(joan).toMatchObject({ labels: [{ val: '!no-unauthenticated' }] });
    expect(evelyn).toMatchObject({ noindex: true, indexable: false });
  });

  it("links Margaret's Mastodon profile to her email domain, verified by the server", async () => {
    const margaret = await json(`${sandbox.hosts['social.example']}/api/v1/accounts/lookup?acct=margaret`);

    expect(margaret).toMatchObject({
      fields: [{ value: expect.stringContaining('https://hamilton.test'), verified_at: expect.any(String) }],
    });
    expect(sandbox.part(mastodonPart).account('social.example', 'margaret')?.followers).toBeGreaterThan(
      DEMO_NETWORK_PEOPLE.margaret.handles[0].audience.followers,
    );
  });

  it('serves Radia on GitHub and Frances on YouTube with the local-only token and key', async () => {
    const { github, youtube } = sandboxNetworkUrls(sandbox.baseUrl);
    const headers = {
      'user-agent': 'demo',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      authorization: `Bearer ${GITHUB_DEMO_TOKEN}`,
    };

    expect(await json(`${github.apiUrl}/users/radiaperlman`, headers)).toMatchObject({ followers: 7_500, email: 'radia@example.com' });
    expect(
      await json(`${youtube.apiUrl}/youtube/v3/channels?part=statistics&forHandle=@francesallen&key=${YOUTUBE_DEMO_KEY}`),
    ).toMatchObject({
      items: [{ statistics: { subscriberCount: '125000' } }],
    });
  });

  it('keeps the demo customers in the Zendesk demo with handles in user fields and their email verified as each story says', async () => {
    const zendesk = sandbox.part(zendeskPart);
    expect(zendesk.tickets().map((ticket) => ticket.id)).toEqual([1, 2, 3]);
    expect(zendesk.userFields().map((field) => field.key)).toEqual(expect.arrayContaining(Object.values(DEMO_HANDLE_FIELDS)));

    const users = await json(`${sandbox.baseUrl}/api/v2/users/show_many.json?ids=1005,1006,1010&include=identities`, zendeskAuth);
    const { users: list, identities } = UsersSchema.parse(users);

    expect(list.map((user) => user.name)).toEqual(['Mary Jackson', 'Dorothy Vaughan', 'Hedy Lamarr']);
    expect(list[0]?.user_fields).toMatchObject({ bluesky_handle: 'maryjackson.test' });
    expect(identities).toEqual([
      expect.objectContaining({ value: 'mary@maryjackson.test', verification_method: 'full', verified: true }),
      expect.objectContaining({ value: 'dorothy@example.com', verification_method: 'none', verified: false }),
      // An agent flagged Hedy's email verified; Zendesk never verified it.
      expect.objectContaining({ value: 'hedy@hedylamarr.test', verification_method: 'none', verified: true }),
    ]);
  });

  it("has the generic demo's fourth ticket come in through Annie's Mastodon channel", () => {
    const ticket = sandbox.part(genericPart).tickets()[3];

    expect(ticket?.requester).toMatchObject({
      name: 'Annie Easley',
      handles: [{ network: 'mastodon', handle: '@annie@easley.example', source: 'channel' }],
    });
  });

  it('has one demo handle of each trust level, one customer on two networks and two that asked not to be indexed', () => {
    const handles = (['bluesky', 'mastodon', 'github', 'youtube'] as const).flatMap((network) => demoHandlesOn(network));

    expect(new Set(handles.map(({ handle }) => handle.trust))).toEqual(new Set(['channel', 'verified', 'declared']));
    expect(DEMO_NETWORK_PEOPLE.margaret.handles.map((handle) => handle.network)).toEqual(['bluesky', 'mastodon']);
    expect(
      handles.filter(({ handle }) => 'optedOutOfIndexing' in handle && handle.optedOutOfIndexing).map(({ person }) => person.name),
    ).toEqual(['Joan Clarke', 'Evelyn Boyd Granville']);
  });
});
