/**
 * The demo customers every demo helpdesk knows: Ada has a Reach score (high tier), Grace has none
 * (baseline), Alan has a top score but opted out (baseline, and the note says why). Katherine has
 * no ticket and a score ten days old: due for the scheduled refresh, which re-scores her from the
 * fields her helpdesk holds today (where the helpdesk holds requester fields).
 */
export const DEMO_PEOPLE = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.com', twitter: 'ada_codes' },
  grace: { name: 'Grace Hopper', email: 'grace@example.com' },
  alan: { name: 'Alan Turing', email: 'alan@example.com' },
  katherine: { name: 'Katherine Johnson', email: 'katherine@example.com' },
} as const;

/** Katherine's public metrics when she was last scored, ten days before `npm start`. */
export const KATHERINE_LAST_SCORED = {
  followers: 8_000,
  following: 600,
  engagementPerPost: 40,
  accountAgeDays: 1_790,
  postCount: 950,
  verification: 'none',
} as const;

/** The user fields the demo tenants score from (helpdesk-metrics), where the helpdesk holds fields. */
export const DEMO_METRIC_FIELDS = {
  followers: 'social_followers',
  following: 'social_following',
  engagementPerPost: 'social_engagement_per_post',
  accountAgeDays: 'social_account_age_days',
  postCount: 'social_post_count',
  verification: 'social_verification',
} as const;

/** Katherine's requester fields as her helpdesk holds them today: her audience has grown since she was scored. */
export const KATHERINE_FIELDS_NOW: Record<string, string | number> = {
  [DEMO_METRIC_FIELDS.followers]: 12_000,
  [DEMO_METRIC_FIELDS.following]: 620,
  [DEMO_METRIC_FIELDS.engagementPerPost]: 90,
  [DEMO_METRIC_FIELDS.accountAgeDays]: KATHERINE_LAST_SCORED.accountAgeDays + 10,
  [DEMO_METRIC_FIELDS.postCount]: 990,
  [DEMO_METRIC_FIELDS.verification]: 'none',
};

/** How far a handle can be trusted, by where it came from. */
export type DemoTrust = 'channel' | 'verified' | 'declared';

/** What a demo handle's public profile shows, in the Reach model's terms; each network's fake shows it in its own fields. */
export interface DemoAudience {
  followers: number;
  following: number;
  posts: number;
  /** Likes, reposts and replies each of the last 20 own posts had, in total. */
  engagementPerPost: number;
  accountAgeDays: number;
}

/** One handle of a demo customer on an open network. */
export interface DemoHandle {
  network: 'bluesky' | 'mastodon' | 'github' | 'youtube';
  /** As the customer or the helpdesk gives it: `maryjackson.test`, `@margaret@social.example`, `radiaperlman`, `@francesallen`. */
  handle: string;
  /** The trust the product should give it, and why. */
  trust: DemoTrust;
  why: string;
  audience: DemoAudience;
  /** The network's own "do not index me" flag is set (Mastodon `noindex`, Bluesky `!no-unauthenticated`). */
  optedOutOfIndexing?: boolean;
  /** Mastodon: the server that hosts the account when the handle's domain answers WebFinger only. */
  server?: string;
}

/** A demo customer with handles on the open networks. */
export interface DemoNetworkPerson {
  name: string;
  email: string;
  /** How the helpdesk verified the email: `full` (the helpdesk did), `none` (nobody did). */
  emailVerification: 'full' | 'none';
  /** The deprecated `verified` flag, which an agent can set: not proof of anything. */
  emailFlaggedVerified?: boolean;
  handles: readonly DemoHandle[];
}

const HIGH: DemoAudience = { followers: 52_000, following: 900, posts: 3_100, engagementPerPost: 420, accountAgeDays: 2_100 };

/**
 * The demo customers with handles on Bluesky, Mastodon, GitHub and YouTube, one for each trust
 * level and case the product tells apart. They are new customers: Ada, Grace, Alan and Katherine
 * keep their stories. The sandbox's network fakes hold their profiles; the demo helpdesks hold
 * them as users with the handles where each helpdesk keeps them.
 */
export const DEMO_NETWORK_PEOPLE = {
  mary: {
    name: 'Mary Jackson',
    email: 'mary@maryjackson.test',
    emailVerification: 'full',
    handles: [
      {
        network: 'bluesky',
        handle: 'maryjackson.test',
        trust: 'verified',
        why: 'a Bluesky handle on the domain of her verified email, resolving to a DID whose document claims it',
        audience: HIGH,
      },
    ],
  },
  dorothy: {
    name: 'Dorothy Vaughan',
    email: 'dorothy@example.com',
    emailVerification: 'none',
    handles: [
      {
        network: 'bluesky',
        handle: 'dorothyvaughan.bsky.social',
        trust: 'declared',
        why: 'typed into a custom field; nothing ties it to her',
        audience: HIGH,
      },
    ],
  },
  margaret: {
    name: 'Margaret Hamilton',
    email: 'margaret@hamilton.test',
    emailVerification: 'full',
    handles: [
      {
        network: 'bluesky',
        handle: 'hamilton.test',
        trust: 'verified',
        why: 'a Bluesky handle on the domain of her verified email, resolved both ways',
        audience: { followers: 900, following: 300, posts: 400, engagementPerPost: 6, accountAgeDays: 700 },
      },
      {
        network: 'mastodon',
        handle: '@margaret@social.example',
        trust: 'verified',
        why: 'her profile links https://hamilton.test, the domain of her verified email, and the server marks the link verified_at',
        audience: { followers: 30_000, following: 450, posts: 5_200, engagementPerPost: 260, accountAgeDays: 2_600 },
      },
    ],
  },
  annie: {
    name: 'Annie Easley',
    email: 'annie@example.com',
    emailVerification: 'none',
    handles: [
      {
        network: 'mastodon',
        handle: '@annie@easley.example',
        trust: 'channel',
        why: 'her ticket came in through the Mastodon channel, which authenticated her; her domain answers WebFinger only, naming her account on social.example',
        server: 'social.example',
        audience: { followers: 4_000, following: 380, posts: 2_200, engagementPerPost: 35, accountAgeDays: 1_500 },
      },
    ],
  },
  evelyn: {
    name: 'Evelyn Boyd Granville',
    email: 'evelyn@example.com',
    emailVerification: 'none',
    handles: [
      {
        network: 'mastodon',
        handle: '@evelyn@social.example',
        trust: 'declared',
        why: 'typed into a custom field; her profile asks not to be indexed (noindex), so she is not scored',
        audience: HIGH,
        optedOutOfIndexing: true,
      },
    ],
  },
  joan: {
    name: 'Joan Clarke',
    email: 'joan@example.com',
    emailVerification: 'none',
    handles: [
      {
        network: 'bluesky',
        handle: 'joanclarke.bsky.social',
        trust: 'declared',
        why: 'typed into a custom field; her profile carries the !no-unauthenticated label, so she is not scored',
        audience: HIGH,
        optedOutOfIndexing: true,
      },
    ],
  },
  hedy: {
    name: 'Hedy Lamarr',
    email: 'hedy@hedylamarr.test',
    emailVerification: 'none',
    emailFlaggedVerified: true,
    handles: [
      {
        network: 'bluesky',
        handle: 'hedylamarr.test',
        trust: 'declared',
        why: 'the handle resolves both ways, but her email was only flagged verified by an agent (verification_method none)',
        audience: HIGH,
      },
    ],
  },
  radia: {
    name: 'Radia Perlman',
    email: 'radia@example.com',
    emailVerification: 'none',
    handles: [
      {
        network: 'github',
        handle: 'radiaperlman',
        trust: 'declared',
        why: 'she typed her GitHub username into the form for this purpose (GitHub allows no other)',
        audience: { followers: 7_500, following: 12, posts: 24, engagementPerPost: 310, accountAgeDays: 4_300 },
      },
    ],
  },
  frances: {
    name: 'Frances Allen',
    email: 'frances@example.com',
    emailVerification: 'none',
    handles: [
      {
        network: 'youtube',
        handle: '@francesallen',
        trust: 'declared',
        why: 'typed into a custom field; YouTube stays off until a tenant accepts its derived-metrics terms',
        audience: { followers: 125_000, following: 0, posts: 310, engagementPerPost: 0, accountAgeDays: 3_000 },
      },
    ],
  },
} as const satisfies Record<string, DemoNetworkPerson>;

/** Where the demo helpdesks keep a handle the customer typed in: one custom user field per network. */
export const DEMO_HANDLE_FIELDS = {
  bluesky: 'bluesky_handle',
  mastodon: 'mastodon_handle',
  github: 'github_username',
  youtube: 'youtube_handle',
} as const satisfies Record<DemoHandle['network'], string>;

/** Every demo handle on one network, with its owner. */
export function demoHandlesOn(network: DemoHandle['network']): { person: DemoNetworkPerson; handle: DemoHandle }[] {
  return Object.values(DEMO_NETWORK_PEOPLE).flatMap((person: DemoNetworkPerson) =>
    person.handles.filter((handle) => handle.network === network).map((handle) => ({ person, handle })),
  );
}
