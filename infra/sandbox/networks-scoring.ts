import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { GITHUB_DEMO_TOKEN } from './github/demo.js';

/** Where a networks demo tenant reaches the sandbox's network fakes (a part of `SandboxNetworkUrls`). */
export interface DemoNetworkHosts {
  bluesky: { appViewUrl: string; plcUrl: string; dohUrl: string };
  github: { apiUrl: string };
}

/**
 * The scoring of every open networks demo tenant, whatever its helpdesk: Bluesky, Mastodon and
 * GitHub (with the demo token) on the sandbox's fakes, YouTube off (the demo accepts no terms on
 * anyone's behalf), and only a verified handle raising priority.
 *
 * @example demoNetworksScoring(sandboxNetworkUrls('http://127.0.0.1:3001')).minTrust // 'verified'
 */
export function demoNetworksScoring(urls: DemoNetworkHosts): NonNullable<TenantInput['scoring']> {
  return {
    provider: 'networks',
    minTrust: 'verified',
    networks: { bluesky: urls.bluesky, mastodon: {}, github: { ...urls.github, token: { value: GITHUB_DEMO_TOKEN } } },
  };
}
