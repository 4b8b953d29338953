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
