import type { TenantInput } from '../../../shared/adapters/config/tenants.js';
import type { PolicyInput } from '../../../shared/domain/policy.js';
import { DEMO_HANDLE_FIELDS } from '../demo-people.js';
import { type DemoNetworkHosts, demoNetworksScoring } from '../networks-scoring.js';
import { FRESHDESK_DEMO, FRESHDESK_NETWORK_CONTACTS, freshdeskDemo } from './demo.js';

const NETWORKS_TENANT = 'demo-freshdesk-networks';

/**
 * The open networks demo on Freshdesk: a second tenant on the demo Freshdesk account, with its
 * API key, shared secret and contacts, scoring from the customers' handles on Bluesky, Mastodon
 * and GitHub as their contact fields hold them. A tenant of its own, as a tenant has one score
 * provider and `demo-freshdesk` keeps scoring from contact fields for Katherine's story.
 */
export const freshdeskNetworksDemo = {
  tenantId: NETWORKS_TENANT,
  helpdesk: freshdeskDemo.helpdesk,
  /** The tenant, its network hosts pointed at the sandbox's fakes (`urls`, from `sandboxNetworkUrls`). */
  tenant(sandboxUrl: string, urls: DemoNetworkHosts, policy?: PolicyInput): TenantInput {
    const demo = freshdeskDemo.tenant(sandboxUrl, policy);
    return {
      ...demo,
      id: NETWORKS_TENANT,
      name: 'Demo company on Freshdesk scoring from open networks (local only)',
      helpdesk: {
        kind: 'freshdesk',
        baseUrl: `${sandboxUrl}/freshdesk`,
        apiKey: { value: FRESHDESK_DEMO.apiKey },
        handleFields: { ...DEMO_HANDLE_FIELDS },
        // The sandbox Freshdesk allows 200 requests a minute, as the Growth plan does.
        requestsPerMinute: 200,
        apiShare: 0.8,
      },
      sources: { freshdesk: { sharedSecrets: [{ value: FRESHDESK_DEMO.sharedSecret }] } },
      scoring: demoNetworksScoring(urls),
    };
  },
  /** The Freshdesk contact ids of the demo customers with handles, in `FRESHDESK_NETWORK_CONTACTS` order. */
  userIds(): string[] {
    return FRESHDESK_NETWORK_CONTACTS.map(({ id }) => String(id));
  },
} as const;
