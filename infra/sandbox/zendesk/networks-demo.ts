import type { TenantInput } from '../../../shared/adapters/config/tenants.js';
import type { PolicyInput } from '../../../shared/domain/policy.js';
import { DEMO_HANDLE_FIELDS, DEMO_NETWORK_PEOPLE, type DemoNetworkPerson } from '../demo-people.js';
import { type DemoNetworkHosts, demoNetworksScoring } from '../networks-scoring.js';
import { FIRST_NETWORK_USER, ZENDESK_DEMO, zendeskDemo } from './demo.js';

const NETWORKS_TENANT = 'demo-networks';

/**
 * The open networks demo: a third tenant on the demo Zendesk account, with its credentials and
 * people, scoring from the customers' handles on Bluesky, Mastodon and GitHub (YouTube stays off:
 * the demo accepts no terms on anyone's behalf) as its user fields hold them. It is a tenant of its
 * own because a tenant has one score provider, and the `demo` tenant keeps scoring from the user
 * fields for Katherine's story.
 */
export const zendeskNetworksDemo = {
  tenantId: NETWORKS_TENANT,
  helpdesk: zendeskDemo.helpdesk,
  /** The tenant, its network hosts pointed at the sandbox's fakes (`urls`, from `sandboxNetworkUrls`). */
  tenant(sandboxUrl: string, urls: DemoNetworkHosts, policy?: PolicyInput): TenantInput {
    const demo = zendeskDemo.tenant(sandboxUrl, policy);
    return {
      ...demo,
      id: NETWORKS_TENANT,
      name: 'Demo company scoring from open networks (local only)',
      helpdesk: {
        kind: 'zendesk',
        baseUrl: sandboxUrl,
        email: ZENDESK_DEMO.agentEmail,
        apiToken: { value: ZENDESK_DEMO.apiToken },
        handleFields: { ...DEMO_HANDLE_FIELDS },
        requestsPerMinute: 700,
        apiShare: 0.8,
      },
      sources: { zendesk: demo.sources.zendesk },
      scoring: demoNetworksScoring(urls),
    };
  },
  /** The Zendesk user ids of the demo customers with handles, in `DEMO_NETWORK_PEOPLE` order (Annie, the generic demo's, left out). */
  userIds(): string[] {
    const people: DemoNetworkPerson[] = Object.values(DEMO_NETWORK_PEOPLE);
    return people
      .filter((person) => person.handles.every((handle) => handle.trust !== 'channel'))
      .map((_, index) => String(FIRST_NETWORK_USER + index));
  },
} as const;
