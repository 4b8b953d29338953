import * as z from 'zod';

/**
 * The requester fields of a helpdesk (user fields, contact fields) that hold each Reach model
 * input, for the helpdesk-metrics score provider: each value is the field's key in the helpdesk.
 */
export const MetricFieldsSchema = z
  .object({
    followers: z.string().min(1).optional(),
    following: z.string().min(1).optional(),
    engagementPerPost: z.string().min(1).optional(),
    accountAgeDays: z.string().min(1).optional(),
    postCount: z.string().min(1).optional(),
    verification: z.string().min(1).optional(),
    /** A field that holds the customer's social handle (kept for reference; identities come from the helpdesk). */
    socialHandle: z.string().min(1).optional(),
  })
  .strict();
export type MetricFields = z.infer<typeof MetricFieldsSchema>;

/** The fields the Reach model cannot do without; `verification` may be left out (read as no check). */
export const REQUIRED_METRIC_FIELDS = ['followers', 'following', 'engagementPerPost', 'accountAgeDays', 'postCount'] as const;
