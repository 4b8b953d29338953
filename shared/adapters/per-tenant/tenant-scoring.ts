import type { Clock, HelpdeskClient, ScoreProvider } from '../../domain/ports.js';
import type { ConfiguredTenant } from '../config/tenant-cache.js';
import { bindHelpdesk, type Tenant } from '../config/tenants.js';
import { PUBLIC_ADDRESSES_ONLY, type ServiceAddresses, serviceFetch } from '../http/checked-request.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';
import { type BreakerState, CircuitBreaker } from '../resilience/circuit-breaker.js';
import { HelpdeskMetricsProvider } from '../influence/helpdesk-metrics.js';
import { networksProvider } from './network-scoring.js';
import { type HttpBackoff, HttpScoreProvider } from '../influence/http-provider.js';
import { realSleep, type Sleep, TokenBucket } from '../resilience/rate-limiter.js';

/**
 * One tenant's score provider, with its circuit breaker and rate limiter inside it (they live as
 * long as it does), and how many customers one scheduled run refreshes at most.
 */
export interface TenantScoring {
  provider: ScoreProvider;
  maxPerRun: number;
}

/** What the providers are built from. */
export interface TenantScoringWiring {
  /** The tenant and its configuration's version (read through the per-container cache). */
  tenant(id: string): Promise<ConfiguredTenant | undefined>;
  secrets: SecretResolver;
  /** The tenant's helpdesk client, for helpdesk-metrics lookups outside the ticket path. */
  helpdeskFor(tenantId: string): Promise<HelpdeskClient>;
  clock: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** Replaces the scoring services' transport (tests). */
  fetch?: typeof fetch;
  /** Where a scoring service's URL may connect: public addresses only by default, as deployed; `'any'` in local mode. */
  serviceAddresses?: ServiceAddresses;
  backoff?: Partial<HttpBackoff>;
  /** Replaces the open networks' transport to their fixed hosts (tests). */
  networkFetch?: typeof fetch;
  /** Local mode only: outside host names (Mastodon servers, Bluesky handle domains) the sandbox serves on loopback. */
  outsideHosts?: () => Readonly<Record<string, string>>;
  /** Told when a tenant's breaker changes state. */
  onBreakerChange?: (tenantId: string, from: BreakerState, to: BreakerState) => void;
}

/**
 * Builds each tenant's score provider from its configuration on first use and keeps it while the
 * configuration's version holds, so its circuit breaker and rate limiter (`ratePerSecond`, for
 * the scheduled refresh's requests) hold across events and runs in one process. Undefined for a
 * tenant whose scores come only from imports and overrides (`"provider": "none"`).
 *
 * @example const scoringFor = tenantScoring({ tenant: (id) => tenants.get(id), secrets, helpdeskFor, clock }); await scoringFor('acme')
 */
export function tenantScoring(wiring: TenantScoringWiring): (tenantId: string) => Promise<TenantScoring | undefined> {
  const built = new Map<string, { version: number; scoring: TenantScoring | undefined }>();
  const sleep = wiring.sleep ?? realSleep;

  function build(tenant: Tenant): TenantScoring | undefined {
    const { scoring } = tenant;
    if (scoring.provider === 'none') return undefined;
    if (scoring.provider === 'networks') {
      return {
        provider: networksProvider(scoring, {
          secrets: wiring.secrets,
          clock: wiring.clock,
          sleep,
          ...(wiring.networkFetch ? { fetch: wiring.networkFetch } : {}),
          ...(wiring.outsideHosts ? { outsideHosts: wiring.outsideHosts } : {}),
          helpdesk: {
            kind: tenant.helpdesk.kind,
            requester: async (userId) => {
              const helpdesk = await wiring.helpdeskFor(tenant.id);
              return helpdesk.getRequester ? helpdesk.getRequester(userId) : undefined;
            },
          },
        }),
        maxPerRun: scoring.maxPerRun,
      };
    }
    const breakerConfig = scoring.provider === 'http' ? scoring.http.breaker : scoring.breaker;
    const breaker = new CircuitBreaker({
      ...breakerConfig,
      clock: wiring.clock,
      ...(wiring.onBreakerChange ? { onStateChange: (from, to) => wiring.onBreakerChange?.(tenant.id, from, to) } : {}),
    });
    if (scoring.provider === 'helpdesk-metrics') {
      return {
        provider: new HelpdeskMetricsProvider({
          // The tenants schema refuses helpdesk-metrics for a helpdesk with no requester fields.
          fieldKeys: bindHelpdesk(tenant).metricFields()?.keys ?? {},
          helpdeskKind: tenant.helpdesk.kind,
          helpdesk: () => wiring.helpdeskFor(tenant.id),
          breaker,
          limiter: new TokenBucket({ ratePerSecond: scoring.ratePerSecond, clock: wiring.clock, sleep }),
        }),
        maxPerRun: scoring.maxPerRun,
      };
    }
    const { http } = scoring;
    return {
      provider: new HttpScoreProvider({
        url: http.url,
        apiKey: () => wiring.secrets.resolve(http.apiKey),
        timeoutMs: http.timeoutMs,
        inlineTimeoutMs: http.inlineTimeoutMs,
        maxAttempts: http.maxAttempts,
        breaker,
        limiter: new TokenBucket({ ratePerSecond: http.ratePerSecond, clock: wiring.clock, sleep }),
        clock: wiring.clock,
        sleep,
        ...(wiring.random ? { random: wiring.random } : {}),
        fetch: wiring.fetch ?? serviceFetch(wiring.serviceAddresses ?? PUBLIC_ADDRESSES_ONLY, 'scoring.http.url'),
        ...(wiring.backoff ? { backoff: wiring.backoff } : {}),
      }),
      maxPerRun: scoring.maxPerRun,
    };
  }

  return async (tenantId) => {
    const configured = await wiring.tenant(tenantId);
    if (!configured) return undefined;
    const kept = built.get(tenantId);
    if (kept && kept.version === configured.version) return kept.scoring;
    const scoring = build(configured.tenant);
    built.set(tenantId, { version: configured.version, scoring });
    return scoring;
  };
}
