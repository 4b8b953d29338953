/** The records of the sandbox Zendesk's admin APIs (webhooks, triggers, user fields) and the bodies that make them. */
import * as z from 'zod';

/** A webhook as Zendesk's Webhooks API shows it. */
export interface SandboxWebhook {
  id: string;
  name: string;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  request_format: 'json' | 'xml' | 'form_encoded';
  /** `["conditional_ticket_events"]` for a trigger-connected webhook, else Zendesk event types. */
  subscriptions: string[];
  description?: string;
  created_at: string;
  created_by: string;
  updated_at?: string;
  updated_by?: string;
  signingSecret: string;
}

/** One condition of a trigger. */
export interface Condition {
  field: string;
  operator: string;
  value?: unknown;
}

/** A trigger as the Triggers API shows it. */
export interface SandboxTrigger {
  id: number;
  title: string;
  active: boolean;
  description: string | null;
  conditions: { all: Condition[]; any: Condition[] };
  actions: { field: string; value: unknown }[];
  position: number;
  created_at: string;
  updated_at: string;
}

/** A user field as the User Fields API shows it. */
export interface SandboxUserField {
  id: number;
  key: string;
  type: string;
  title: string;
  description: string;
  active: boolean;
  position: number;
  created_at: string;
  updated_at: string;
}

/** What a webhook sends when a ticket is created: to where, and what. */
export interface WebhookSend {
  webhook: SandboxWebhook;
  /** The trigger-rendered body; absent for an event-subscribed webhook, which sends the event envelope. */
  body?: string;
}

/** Webhook names, trigger titles: what Zendesk allows. */
const NameSchema = z.string().trim().min(1).max(255);

/** The body of `POST /api/v2/webhooks` and `PUT /api/v2/webhooks/{id}`, inside `{"webhook": ...}`. */
export const WebhookInputSchema = z
  .object({
    name: NameSchema,
    status: z.enum(['active', 'inactive']),
    endpoint: z.url(),
    http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    request_format: z.enum(['json', 'xml', 'form_encoded']),
    subscriptions: z.array(z.string().min(1)).min(1),
    description: z.string().optional(),
    authentication: z.unknown().optional(),
    custom_headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((hook) => !hook.subscriptions.includes('conditional_ticket_events') || hook.subscriptions.length === 1, {
    message: 'a trigger or automation webhook subscribes to conditional_ticket_events only',
    path: ['subscriptions'],
  })
  .refine(
    (hook) => hook.subscriptions.includes('conditional_ticket_events') || (hook.http_method === 'POST' && hook.request_format === 'json'),
    {
      message: 'a webhook subscribed to events must use POST and json',
      path: ['http_method'],
    },
  );
/** A parsed webhook create or update. */
export type WebhookInput = z.infer<typeof WebhookInputSchema>;

const ConditionSchema = z.object({ field: z.string().min(1), operator: z.string().min(1), value: z.unknown().optional() }).strict();

/** The body of `POST /api/v2/triggers` and `PUT /api/v2/triggers/{id}`, inside `{"trigger": ...}`. */
export const TriggerInputSchema = z
  .object({
    title: NameSchema,
    active: z.boolean().optional(),
    description: z.string().nullable().optional(),
    conditions: z.object({ all: z.array(ConditionSchema).default([]), any: z.array(ConditionSchema).default([]) }).strict(),
    actions: z.array(z.object({ field: z.string().min(1), value: z.unknown() }).strict()).min(1, 'Actions: cannot be blank'),
    position: z.number().int().optional(),
    category_id: z.string().optional(),
  })
  .strict();
/** A parsed trigger create or update. */
export type TriggerInput = z.infer<typeof TriggerInputSchema>;

const USER_FIELD_TYPES = [
  'text',
  'textarea',
  'checkbox',
  'date',
  'integer',
  'decimal',
  'regexp',
  'dropdown',
  'lookup',
  'multiselect',
] as const;

/** The body of `POST /api/v2/user_fields`, inside `{"user_field": ...}`. */
export const UserFieldInputSchema = z
  .object({
    type: z.enum(USER_FIELD_TYPES),
    key: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'Key: can only contain letters, numbers and underscores')
      .refine((key) => !/^\d+$/.test(key), 'Key: cannot be only numbers'),
    title: NameSchema,
    description: z.string().optional(),
    active: z.boolean().optional(),
    position: z.number().int().optional(),
  })
  .strict();
