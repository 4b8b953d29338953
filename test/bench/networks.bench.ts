import { performance } from 'node:perf_hooks';
import type { SecretResolver } from '../../shared/adapters/secrets/secret-resolver.js';
import type { NetworksSettings } from '../../shared/adapters/influence/network-settings.js';
import { networksProvider } from '../../shared/adapters/per-tenant/network-scoring.js';
import type { CustomerProfile } from '../../shared/domain/customer.js';
import type { ScoreRequest } from '../../shared/domain/score-lookup.js';
import { blueskyPart } from '../../infra/sandbox/bluesky/index.js';
import { githubPart, GITHUB_DEMO_TOKEN } from '../../infra/sandbox/github/index.js';
import { sandboxNetworkUrls, startDemoSandbox } from '../../infra/sandbox/index.js';
import { mastodonPart } from '../../infra/sandbox/mastodon/index.js';
import { youtubePart, YOUTUBE_DEMO_KEY } from '../../infra/sandbox/youtube/index.js';

const clock = { now: () => new Date() };
const secrets: SecretResolver = { resolve: async (ref) => ('value' in ref ? ref.value : '') };

function profile(i: number, network: string, handle: string): CustomerProfile {
  const at = new Date().toISOString();
  return {
    tenant: 'bench',
    customerKey: `bench-${network}-${i}`,
    identities: { helpdeskUserIds: [], emailHashes: [], handles: [{ network, handle, trust: 'channel' }] },
    optedOut: false,
    createdAt: at,
    updatedAt: at,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const total = (counts: { byPath: Record<string, number> }) => Object.values(counts.byPath).reduce((a, b) => a + b, 0);

/**
 * The open networks against the sandbox's fakes, in process: the scheduled refresh of `customers`
 * customers per network (requests per customer scored, whether the pace kept within each fake's
 * limit, and the customers per minute each network's limit allows at that rate), and the ticket
 * path's added time when a customer has no score (one inline lookup on Bluesky, p50 and p99).
 */
export async function benchNetworks(customers: number): Promise<string[]> {
  const sandbox = await startDemoSandbox({ port: 0 });
  const urls = sandboxNetworkUrls(sandbox.baseUrl);
  const lines = [`open networks: a refresh of ${customers} customers per network against the sandbox's fakes`];
  try {
    const bluesky = sandbox.part(blueskyPart);
    const mastodon = sandbox.part(mastodonPart);
    const github = sandbox.part(githubPart);
    const youtube = sandbox.part(youtubePart);
    for (let i = 0; i < customers; i += 1) {
      bluesky.addAccount({
        handle: `bench${i}.bench.test`,
        followers: 1000 + i,
        follows: 100,
        posts: 50,
        createdAt: '2024-01-01T00:00:00.000Z',
      });
      mastodon.addAccount('social.example', {
        username: `bench${i}`,
        followers: 1000 + i,
        following: 100,
        createdAt: '2024-01-01T00:00:00.000Z',
      });
      github.addUser({ login: `bench${i}`, followers: 1000 + i, following: 10 });
      youtube.addChannel({
        id: `UC${String(i).padStart(22, 'b')}`,
        handle: `bench${i}`,
        subscribers: 1000 + i,
        views: 100_000,
        videos: 50,
      });
    }
    // Each network: its settings, its handle for customer i, its limit (requests per minute), and its counter.
    const runs: [string, NetworksSettings, (i: number) => string, number, () => number][] = [
      [
        'bluesky',
        { bluesky: { ...urls.bluesky, requestsPer5Min: 3000 } },
        (i) => `bench${i}.bench.test`,
        3000 / 5,
        () => total(bluesky.counts()),
      ],
      ['mastodon', { mastodon: { requestsPer5Min: 300 } }, (i) => `@bench${i}@social.example`, 300 / 5, () => total(mastodon.counts())],
      [
        'github',
        { github: { ...urls.github, token: { value: GITHUB_DEMO_TOKEN } } },
        (i) => `bench${i}`,
        5000 / 60,
        () => total(github.counts()),
      ],
      [
        'youtube',
        { youtube: { ...urls.youtube, apiKey: { value: YOUTUBE_DEMO_KEY }, derivedMetricsAmendmentAccepted: true, unitsPerDay: 10_000 } },
        (i) => `@bench${i}`,
        10_000 / 1440,
        () => total(youtube.counts()),
      ],
    ];
    for (const [network, settings, handleOf, perMinute, count] of runs) {
      const provider = networksProvider(
        { provider: 'networks', networks: settings, minTrust: 'declared', inlineTimeoutMs: 800, timeoutMs: 5000, maxPerRun: customers },
        { secrets, clock, outsideHosts: () => sandbox.hosts },
      );
      const now = new Date();
      const requests: ScoreRequest[] = Array.from({ length: customers }, (_, i) => ({
        tenant: 'bench',
        profile: profile(i, network, handleOf(i)),
        purpose: 'scheduled',
        now,
        refreshAfterDays: 7,
      }));
      const before = count();
      const started = performance.now();
      await provider.prepare(requests);
      let scored = 0;
      let heldBack = 0;
      for (const request of requests) {
        const lookup = await provider.score(request);
        if (lookup.outcome === 'scored') scored += 1;
        // Every customer here needs this one network: once it is held back, the rest are left due
        // for when it frees, as the refresh does (it goes on only with customers on other networks).
        else if (lookup.outcome === 'failed' && lookup.kind === 'rate-limited') {
          heldBack = customers - scored;
          break;
        }
      }
      const sent = count() - before;
      const perCustomer = scored > 0 ? sent / scored : 0;
      lines.push(
        `  ${network.padEnd(8)} ${scored} scored, ${heldBack} left due by the pace, ${sent} requests (${perCustomer.toFixed(2)} per customer scored), ` +
          `${Math.round(performance.now() - started)} ms here; at its limit (${perMinute.toFixed(1)} requests a minute) ${(perMinute / (perCustomer || 1)).toFixed(1)} customers a minute`,
      );
    }

    // The ticket path: a customer with no score gets one inline lookup; its time is what the ticket waits.
    const inline = networksProvider(
      {
        provider: 'networks',
        networks: { bluesky: { ...urls.bluesky, requestsPer5Min: 3000 } },
        minTrust: 'declared',
        inlineTimeoutMs: 800,
        timeoutMs: 5000,
        maxPerRun: 1,
      },
      { secrets, clock },
    );
    const times: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      await inline.score({
        tenant: 'bench',
        profile: profile(i, 'bluesky', `bench${i}.bench.test`),
        purpose: 'inline',
        now: new Date(),
        refreshAfterDays: 7,
      });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    lines.push(
      `  ticket path, score missing (Bluesky, 2 requests on loopback, 200 customers): added p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (bounded by inlineTimeoutMs, 800 ms)`,
    );
  } finally {
    await sandbox.close();
  }
  return lines;
}
