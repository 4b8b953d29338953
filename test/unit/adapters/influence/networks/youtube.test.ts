import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkCallContext } from '../../../../../shared/adapters/influence/network-client.js';
import { NetworkPace } from '../../../../../shared/adapters/influence/network-pace.js';
import { parseYoutubeHandle, youtube } from '../../../../../shared/adapters/influence/youtube/descriptor.js';
import { YoutubeClient } from '../../../../../shared/adapters/influence/youtube/client.js';

const clock = { now: () => new Date() };
let server: Server;
let apiUrl = '';
let units = 0;

beforeAll(async () => {
  // channels.list's contract (reference §4.7): key required, counts as strings, no `items` when nothing matches, 1 unit a call.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    units += 1;
    const json = { 'content-type': 'application/json' };
    if (url.searchParams.get('key') !== 'yt-key') {
      return res.writeHead(403, json).end(
        JSON.stringify({
          error: { code: 403, message: 'forbidden', errors: [{ domain: 'global', reason: 'forbidden', message: 'forbidden' }] },
        }),
      );
    }
    const handle = url.searchParams.get('forHandle');
    const empty = { kind: 'youtube#channelListResponse', etag: 'e', pageInfo: { totalResults: 0, resultsPerPage: 5 } };
    const channel = (hidden: boolean) => ({
      ...empty,
      items: [
        {
          id: 'UCx',
          statistics: { subscriberCount: '48000', hiddenSubscriberCount: hidden, viewCount: '1200000', videoCount: '400' },
          snippet: { publishedAt: '2025-12-05T00:00:00Z' },
        },
      ],
    });
    if (url.pathname !== '/youtube/v3/channels' || url.searchParams.get('part') !== 'statistics,snippet')
      return res.writeHead(400, json).end('{}');
    if (handle === '@creator') return res.writeHead(200, json).end(JSON.stringify(channel(false)));
    if (handle === '@shy') return res.writeHead(200, json).end(JSON.stringify(channel(true)));
    res.writeHead(200, json).end(JSON.stringify(empty));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  apiUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(key = 'yt-key'): YoutubeClient {
  const pace = new NetworkPace({ requestsPerWindow: 10_000, windowMs: 86_400_000, share: 1, clock });
  return new YoutubeClient({
    settings: { youtube: { apiKey: { value: key }, derivedMetricsAmendmentAccepted: true, unitsPerDay: 10_000, apiUrl } },
    paceFor: () => pace,
    clock,
    secret: async (ref) => ('value' in ref ? ref.value : ''),
    fetch: (input, init) => fetch(input, init),
    outsideFetch: () => Promise.reject(new Error('YouTube has a fixed host')),
  });
}

const context = (): NetworkCallContext => ({ purpose: 'scheduled', now: new Date('2026-12-05T00:00:00Z'), deadlineMs: Date.now() + 3000 });

describe('YouTube', () => {
  it('is on only with the derived-metrics amendment accepted', () => {
    expect(youtube.enabled({ youtube: { apiKey: { value: 'k' }, derivedMetricsAmendmentAccepted: true, unitsPerDay: 1 } })).toBe(true);
    expect(youtube.enabled({ bluesky: { requestsPer5Min: 1 } })).toBe(false);
    expect(parseYoutubeHandle('Creator')).toEqual({ ok: true, handle: '@creator' });
    expect(parseYoutubeHandle('https://youtube.com/@x')).toMatchObject({ ok: false });
  });

  it('reads subscribers, videos and age from one channels.list call, views per video standing for engagement', async () => {
    const before = units;

    expect(await client().lookup('@creator', context())).toEqual({
      outcome: 'profile',
      inputs: { followers: 48_000, following: 0, engagementPerPost: 3000, accountAgeDays: 365, postCount: 400, verification: 'none' },
    });
    expect(units - before).toBe(1);
  });

  it('gives no score to a hidden subscriber count or an unknown handle, and fails on a refused key', async () => {
    expect(await client().lookup('@shy', context())).toEqual({ outcome: 'no-score', reason: 'the channel hides its subscriber count' });
    expect(await client().lookup('@nobody', context())).toEqual({ outcome: 'no-score', reason: 'no such YouTube channel' });
    expect(await client('wrong').lookup('@creator', context())).toMatchObject({ outcome: 'failed', kind: 'rejected' });
  });
});
