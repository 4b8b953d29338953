/**
 * The sandbox of local mode, from one list: every helpdesk it speaks (its part and its demo
 * tenant), every survey source it sends answers as, and every open network it fakes. A new
 * helpdesk is a folder beside this file exporting one `SandboxDemo`, and a line in `DEMOS`; a new
 * survey tool, a folder exporting one `SurveySample`, and a line in `SURVEYS`; a new network, a
 * folder exporting one `NetworkDemo`, and a line in `NETWORKS`.
 */
import * as z from 'zod';
import type { TenantInput } from '../../shared/adapters/config/tenants.js';
import { blueskyDemo } from './bluesky/demo.js';
import type { PolicyInput } from '../../shared/domain/policy.js';
import { delightedSample } from './delighted/demo.js';
import { freshdeskDemo } from './freshdesk/demo.js';
import { freshdeskNetworksDemo } from './freshdesk/networks-demo.js';
import { genericSurveySample } from './generic-survey/demo.js';
import { genericDemo } from './generic/demo.js';
import { githubDemo } from './github/demo.js';
import type { LoadTarget } from './load-target.js';
import { mastodonDemo } from './mastodon/demo.js';
import type { NetworkDemo } from './network-demo.js';
import { type Sandbox, startSandbox } from './sandbox.js';
import type { SandboxDemo, SandboxLimits } from './sandbox-demo.js';
import type { SurveySample } from './survey-sample.js';
import { typeformSample } from './typeform/demo.js';
import { zendeskCsatSample } from './zendesk/csat.js';
import { zendeskDemo } from './zendesk/demo.js';
import { youtubeDemo } from './youtube/demo.js';
import { zendeskLoadTarget } from './zendesk/load-target.js';
import { zendeskShadowDemo } from './zendesk/shadow-demo.js';
import { zendeskNetworksDemo } from './zendesk/networks-demo.js';

/** The helpdesks of local mode, one demo tenant each; the first is the default (its tenant is `demo`). */
export const DEMOS = [zendeskDemo, freshdeskDemo, genericDemo] as const satisfies readonly SandboxDemo[];

/**
 * The shadow-mode demo tenant, `demo-shadow`: on the first helpdesk's sandbox account, with its
 * credentials and people, deciding and recording without writing back; Ada has a ticket there.
 */
export const SHADOW_DEMO = zendeskShadowDemo;

/**
 * The open networks demo tenant on Zendesk, `demo-networks`: on the first helpdesk's sandbox account, scoring
 * its customers with handles from the network fakes (the scheduled refresh has them queued).
 */
export const NETWORKS_DEMO = zendeskNetworksDemo;

/**
 * The open networks demo tenant on Freshdesk, `demo-freshdesk-networks`: on the second helpdesk's
 * sandbox account, scoring its contacts with handles from the network fakes (queued as well).
 */
export const FRESHDESK_NETWORKS_DEMO = freshdeskNetworksDemo;

/** Every open networks demo tenant, each seeded with its helpdesk's customers with handles, unscored and queued. */
export const NETWORKS_DEMOS = [NETWORKS_DEMO, FRESHDESK_NETWORKS_DEMO] as const;

/** The open networks local mode fakes, with the demo customers' profiles on them. */
export const NETWORKS = [blueskyDemo, mastodonDemo, githubDemo, youtubeDemo] as const satisfies readonly NetworkDemo[];

/** The survey sources of local mode, in the order `npm run send-survey -- --help` lists them. */
export const SURVEYS: readonly SurveySample[] = [typeformSample, delightedSample, zendeskCsatSample, genericSurveySample];

/** The helpdesk the load run and the many-tenant simulation drive. */
export const LOAD_TARGET: LoadTarget = zendeskLoadTarget;

const DEFAULT_DEMO: SandboxDemo = DEMOS[0];

/**
 * The default demo tenant's id, and the identity hash key of local mode. Local only: never use
 * them anywhere else.
 */
export const DEMO = { tenant: DEFAULT_DEMO.tenantId, identityKey: 'local-development-identity-key-not-for-production' } as const;

/**
 * The demo of a helpdesk, by its adapter's name.
 *
 * @example demoFor('freshdesk')?.tenantId // 'demo-freshdesk'
 */
export function demoFor(helpdesk: string): SandboxDemo | undefined {
  return DEMOS.find((demo) => demo.helpdesk === helpdesk);
}

/** How each survey source of local mode sends an answer, by source name. */
export const SURVEY_SAMPLES: Readonly<Record<string, SurveySample>> = Object.fromEntries(SURVEYS.map((sample) => [sample.source, sample]));

/**
 * The demo tenants, one per helpdesk, pointed at the sandbox at `sandboxUrl`, the shadow-mode one
 * and the open networks ones (Zendesk's, then Freshdesk's); the default one also accepts every survey tool's answers, which close
 * the loop on its tickets.
 *
 * @example parseTenantsFile({ tenants: demoTenants('http://127.0.0.1:3001', undefined) }, 'local')
 */
export function demoTenants(sandboxUrl: string, policy?: PolicyInput): TenantInput[] {
  const tenants = DEMOS.map((demo) => {
    const tenant = demo.tenant(sandboxUrl, policy);
    if (demo !== DEFAULT_DEMO) return tenant;
    return SURVEYS.reduce(
      (withSurveys, sample) => ({ ...withSurveys, sources: { ...withSurveys.sources, ...sample.demoSources } }),
      tenant,
    );
  });
  const networkUrls = sandboxNetworkUrls(sandboxUrl);
  return [
    ...tenants,
    SHADOW_DEMO.tenant(sandboxUrl, policy),
    ...NETWORKS_DEMOS.map((demo) => demo.tenant(sandboxUrl, networkUrls, policy)),
  ];
}

/**
 * Starts the sandbox of local mode: every helpdesk's part with its demo tenant's credentials, the
 * default one first, with the account limit and answer time given where a part models them; then
 * every network's fake, with the demo customers' profiles already on it.
 *
 * @example const sandbox = await startDemoSandbox({ port: 0, limits: { ratePerMinute: 100_000 } })
 */
export async function startDemoSandbox(options: { port?: number; limits?: SandboxLimits } = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({
    ...(options.port === undefined ? {} : { port: options.port }),
    parts: [...DEMOS.map((demo) => demo.part(options.limits)), ...NETWORKS.map((network) => network.part())],
  });
  for (const network of NETWORKS) network.seed(sandbox);
  return sandbox;
}

/** Where local mode's network providers reach the sandbox's fakes, in place of each network's fixed host. */
export interface SandboxNetworkUrls {
  /** `appViewUrl` stands for `https://public.api.bsky.app`, `plcUrl` for `https://plc.directory`, `dohUrl` for DNS (TXT over HTTPS, JSON). */
  bluesky: { appViewUrl: string; plcUrl: string; dohUrl: string };
  /** Stands for `https://api.github.com`. */
  github: { apiUrl: string };
  /** Stands for `https://www.googleapis.com` (the API is at `/youtube/v3/channels`). */
  youtube: { apiUrl: string };
}

/**
 * The fixed hosts of the network fakes, from the sandbox's URL alone (they are mounts of its
 * port). Mastodon servers and Bluesky handle hosts come from handles and listen at ports of their
 * own: read them from `sandbox.hosts`, or with `fetchSandboxHosts` from another process.
 *
 * @example sandboxNetworkUrls('http://127.0.0.1:3001').github.apiUrl // 'http://127.0.0.1:3001/github'
 */
export function sandboxNetworkUrls(sandboxUrl: string): SandboxNetworkUrls {
  const base = sandboxUrl.replace(/\/$/, '');
  return {
    bluesky: { appViewUrl: `${base}/bluesky`, plcUrl: `${base}/bluesky/plc`, dohUrl: `${base}/bluesky/dns-query` },
    github: { apiUrl: `${base}/github` },
    youtube: { apiUrl: `${base}/youtube` },
  };
}

const HostsSchema = z.object({ hosts: z.record(z.string(), z.url()) });

/**
 * The outside hosts of a running sandbox (Mastodon servers, Bluesky handle hosts), each name at
 * its loopback origin, as `GET {sandboxUrl}/sandbox/hosts` answers them: for a process other than
 * the one that started the sandbox.
 *
 * @example await fetchSandboxHosts('http://127.0.0.1:3001') // { 'social.example': 'http://127.0.0.1:41234', ... }
 */
export async function fetchSandboxHosts(sandboxUrl: string): Promise<Record<string, string>> {
  const url = `${sandboxUrl.replace(/\/$/, '')}/sandbox/hosts`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok)
    throw new Error(`the sandbox at ${sandboxUrl} answered ${response.status} for /sandbox/hosts: is "npm start" running there?`);
  return HostsSchema.parse(await response.json()).hosts;
}
