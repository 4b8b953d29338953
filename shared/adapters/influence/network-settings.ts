import * as z from 'zod';
import { SecretRefSchema } from '../plugin/secret-ref.js';

/** A host name a Mastodon handle may name: lower-case letters, digits, dots and hyphens. */
const ServerNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a server name such as mastodon.social',
  );

/** Overrides of a network's fixed hosts: accepted in local mode only (for the sandbox's fakes), refused when deployed. */
const LocalUrl = z.url().optional();

/** Bluesky's public AppView: no key; its limit is unpublished, so the pace starts from the PDS's 3,000 per 5 minutes. */
export const BlueskySettingsSchema = z
  .object({
    /** Requests per 5 minutes used until the AppView's own `RateLimit-*` headers say otherwise. */
    requestsPer5Min: z.number().int().min(1).max(100_000).default(3000),
    /** Local mode only: the AppView (`https://public.api.bsky.app`). */
    appViewUrl: LocalUrl,
    /** Local mode only: the PLC directory (`https://plc.directory`). */
    plcUrl: LocalUrl,
    /** Local mode only: a DNS-over-HTTPS JSON endpoint answering the `_atproto` TXT lookups. */
    dohUrl: LocalUrl,
  })
  .strict();

/** Mastodon: the server comes from each handle, so an optional allow-list of servers bounds where requests go. */
export const MastodonSettingsSchema = z
  .object({
    /** Only handles on these servers are looked up, when given. */
    servers: z.array(ServerNameSchema).min(1).max(1000).optional(),
    /** Requests per 5 minutes per server, Mastodon's default. */
    requestsPer5Min: z.number().int().min(1).max(100_000).default(300),
  })
  .strict();

/** GitHub's users API: 60 requests an hour per address without a token, 5,000 with one. */
export const GithubSettingsSchema = z
  .object({
    /** A personal access token with no scopes: raises the limit to 5,000 an hour. */
    token: SecretRefSchema.optional(),
    /** Local mode only: the API (`https://api.github.com`). */
    apiUrl: LocalUrl,
  })
  .strict();

/** YouTube Data API: the tenant's own key, and its acceptance of YouTube's derived-metrics amendment. */
export const YoutubeSettingsSchema = z
  .object({
    apiKey: SecretRefSchema,
    /**
     * YouTube forbids metrics derived from its data unless the developer accepted its
     * derived-metrics amendment: YouTube stays off until this states that acceptance.
     */
    derivedMetricsAmendmentAccepted: z.literal(true, {
      error: 'YouTube scores need "derivedMetricsAmendmentAccepted": true, stating that you accepted YouTube\'s derived-metrics amendment',
    }),
    /** Quota units a day (1 per lookup). */
    unitsPerDay: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Local mode only: the API (`https://www.googleapis.com`). */
    apiUrl: LocalUrl,
  })
  .strict();

/** The open networks a tenant scores from; a network not listed is off. */
export const NetworksSettingsSchema = z
  .object({
    bluesky: BlueskySettingsSchema.optional(),
    mastodon: MastodonSettingsSchema.optional(),
    github: GithubSettingsSchema.optional(),
    youtube: YoutubeSettingsSchema.optional(),
  })
  .strict()
  .refine((networks) => Object.values(networks).some((value) => value !== undefined), { error: 'turn on at least one network' });
export type NetworksSettings = z.infer<typeof NetworksSettingsSchema>;

/**
 * The settings that point a network at another host than its own, with where they are: accepted
 * in local mode only (for the sandbox's fakes).
 *
 * @example hostOverrides({ github: { apiUrl: 'http://127.0.0.1:3001/github' } }) // [{ path: ['github', 'apiUrl'], url: 'http://...' }]
 */
export function hostOverrides(settings: NetworksSettings): { path: string[]; url: string }[] {
  const { bluesky, github, youtube } = settings;
  const all: [string[], string | undefined][] = [
    [['bluesky', 'appViewUrl'], bluesky?.appViewUrl],
    [['bluesky', 'plcUrl'], bluesky?.plcUrl],
    [['bluesky', 'dohUrl'], bluesky?.dohUrl],
    [['github', 'apiUrl'], github?.apiUrl],
    [['youtube', 'apiUrl'], youtube?.apiUrl],
  ];
  return all.flatMap(([path, url]) => (url === undefined ? [] : [{ path, url }]));
}
