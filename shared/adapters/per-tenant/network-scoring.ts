import type { Clock } from '../../domain/ports.js';
import type { ScoringConfig } from '../config/tenants.js';
import { checkedFetch, PUBLIC_ADDRESSES_ONLY } from '../http/checked-request.js';
import type { NetworkDescriptor } from '../influence/network-client.js';
import { NetworkPace } from '../influence/network-pace.js';
import type { NetworksSettings } from '../influence/network-settings.js';
import { NetworksScoreProvider, type NetworksProviderOptions } from '../influence/networks-provider.js';
import { NETWORKS } from '../registry/networks.js';
import type { Sleep } from '../resilience/rate-limiter.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';

/** What a tenant's network clients are built from. */
export interface NetworkWiring {
  secrets: SecretResolver;
  clock: Clock;
  sleep?: Sleep;
  /** The transport to the networks' fixed hosts (tests). */
  fetch?: typeof fetch;
  /** Local mode only: outside host names the sandbox serves on loopback, read at each request. */
  outsideHosts?: () => Readonly<Record<string, string>>;
  /** The tenant's helpdesk, read on the scheduled refresh for the customer's handles and verified email. */
  helpdesk?: NetworksProviderOptions['helpdesk'];
}

const MINUTE_MS = 60_000;

/** Each network's limit as its pace starts from, before the network's own headers say. */
function paceWindow(network: string, settings: NetworksSettings): { requests: number; windowMs: number } {
  switch (network) {
    case 'bluesky':
      return { requests: settings.bluesky?.requestsPer5Min ?? 3000, windowMs: 5 * MINUTE_MS };
    case 'mastodon':
      return { requests: settings.mastodon?.requestsPer5Min ?? 300, windowMs: 5 * MINUTE_MS };
    case 'github':
      return { requests: settings.github?.token ? 5000 : 60, windowMs: 60 * MINUTE_MS };
    case 'youtube':
      return { requests: settings.youtube?.unitsPerDay ?? 10_000, windowMs: 24 * 60 * MINUTE_MS };
    default:
      return { requests: 60, windowMs: MINUTE_MS };
  }
}

/**
 * The tenant's networks provider: one client per network it turned on, each with its own pace
 * (per server for Mastodon), so one tenant's 429 holds back only that tenant's calls to that
 * network. Hosts a handle names go through the checked transport (public addresses only, no
 * redirects, capped); in local mode, names the sandbox serves go to its loopback origins.
 *
 * @example const provider = networksProvider(tenant.scoring, { secrets, clock });
 */
export function networksProvider(scoring: Extract<ScoringConfig, { provider: 'networks' }>, wiring: NetworkWiring): NetworksScoreProvider {
  const settings = scoring.networks;
  const outsideChecked = checkedFetch({ field: 'a network handle', policy: PUBLIC_ADDRESSES_ONLY, maxResponseBytes: 512 * 1024 });
  const hosts = wiring.outsideHosts;
  const networks = NETWORKS.filter((network) => network.enabled(settings)).map((descriptor: NetworkDescriptor) => {
    const paces = new Map<string, NetworkPace>();
    const { requests, windowMs } = paceWindow(descriptor.name, settings);
    const paceFor = (server = '') => {
      let pace = paces.get(server);
      if (!pace) {
        pace = new NetworkPace({
          requestsPerWindow: requests,
          windowMs,
          share: 0.9,
          clock: wiring.clock,
          ...(wiring.sleep ? { sleep: wiring.sleep } : {}),
        });
        paces.set(server, pace);
      }
      return pace;
    };
    // Local mode: a name the sandbox serves is reached on loopback; any other name is checked as deployed.
    const outsideFetch: typeof fetch = (input, init) => {
      const url = input instanceof URL ? input : new URL(String(input));
      const local = hosts?.();
      return local !== undefined && Object.values(local).some((origin) => new URL(origin).host === url.host)
        ? fetch(url, init)
        : outsideChecked(url, init);
    };
    const client = descriptor.createClient({
      settings,
      paceFor,
      clock: wiring.clock,
      secret: (ref) => wiring.secrets.resolve(ref),
      fetch: wiring.fetch ?? ((input, init) => fetch(input, init)),
      outsideFetch,
      ...(hosts ? { outsideHosts: hosts() } : {}),
    });
    return { descriptor, client };
  });
  return new NetworksScoreProvider({
    networks,
    minTrust: scoring.minTrust,
    inlineTimeoutMs: scoring.inlineTimeoutMs,
    timeoutMs: scoring.timeoutMs,
    clock: wiring.clock,
    ...(wiring.helpdesk ? { helpdesk: wiring.helpdesk } : {}),
  });
}
