import * as z from 'zod';
import { ConfigurationError, PermanentHelpdeskError, UnreadableTicketError } from '../../../domain/errors.js';
import type { TicketSnapshot } from '../../../domain/events.js';
import type { Clock, HelpdeskClient } from '../../../domain/ports.js';
import type { TicketUpdate } from '../../../domain/ticket-update.js';
import { systemClock } from '../../clock/system-clock.js';
import { helpdeskAnswerError, sendToHelpdesk } from '../../http/helpdesk-answers.js';
import {
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  assertStandardWebhookSecret,
  signStandardWebhook,
} from '../../webhooks/standard-webhooks.js';
import { GENERIC_DECISION_CREATED_TYPE } from './webhook-schemas.js';
import type { GenericDecisionCreated } from './webhook-schemas.js';

/** Where a tenant's generic helpdesk takes decisions, and the secret they are signed with. */
export interface GenericHelpdeskClientOptions {
  /** The tenant's configured decisions endpoint; every request goes to exactly this URL. */
  url: string;
  /** The Standard Webhooks secret (`whsec_<base64>`) the receiver verifies with. */
  signingSecret: string;
  /** Per request, connection to last byte (default 8000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Stamps `webhook-timestamp` (default the system clock). */
  clock?: Clock;
}

/** The one error body that means the receiver knows no such ticket. */
const TicketNotFoundBodySchema = z.object({ error: z.literal('ticket_not_found') });

/** What an error body may say about itself, for the message. */
const ErrorBodySchema = z.object({ error: z.string().optional(), message: z.string().optional() });

/**
 * The generic helpdesk: each decision is POSTed as one `decision.created` body, signed with
 * Standard Webhooks, to the tenant's endpoint, which applies it however its helpdesk allows.
 * It cannot be read: the events carry the ticket, and the receiver deduplicates by `webhook-id`.
 *
 * @example
 * const desk = new GenericHelpdeskClient({ url: 'https://hooks.acme.example/decisions', signingSecret: 'whsec_...' });
 * await desk.updateTicket({ ticketId: '4711', decisionId: 'generic:ticket-created:4711', priority: 'high', tags, addedTags, note });
 */
export class GenericHelpdeskClient implements HelpdeskClient {
  readonly #url: URL;
  readonly #signingSecret: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #clock: Clock;

  constructor(options: GenericHelpdeskClientOptions) {
    this.#url = parseUrl(options.url);
    assertStandardWebhookSecret(options.signingSecret, 'generic helpdesk signingSecret');
    this.#signingSecret = options.signingSecret;
    this.#timeoutMs = options.timeoutMs ?? 8000;
    this.#fetch = options.fetch;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Always refuses: the generic helpdesk has no API to read, and its events carry the ticket
   * (with `updated_at`, which makes them the snapshot the processor decides on).
   *
   * @example await desk.getTicket('4711') // throws UnreadableTicketError (a PermanentHelpdeskError, 501)
   */
  getTicket(ticketId: string): Promise<TicketSnapshot> {
    return Promise.reject(
      new UnreadableTicketError(
        `generic helpdesk cannot be read (ticket ${JSON.stringify(ticketId.slice(0, 64))}): its ticket.created events carry the ticket`,
      ),
    );
  }

  /**
   * Always false: nothing can be read back, so a retry POSTs the decision again with the same
   * `webhook-id`, and the receiver deduplicates by it (the contract requires it to).
   *
   * @example await desk.hasInternalNote('4711', '[influence-router generic:ticket-created:4711]') // false
   */
  hasInternalNote(_ticketId: string, _marker: string): Promise<boolean> {
    return Promise.resolve(false);
  }

  /**
   * POSTs the decision as a signed `decision.created` body; any 2xx means it was applied, and the
   * ticket is then as the update says. `webhook-id` is the decision id, so a retry repeats it.
   *
   * @example await desk.updateTicket({ ticketId: '4711', decisionId, priority: 'high', tags: ['printer', 'influence_high'], addedTags: ['influence_high'], note })
   */
  async updateTicket(update: TicketUpdate): Promise<TicketSnapshot> {
    if (update.decisionId.trim() === '') {
      throw new PermanentHelpdeskError('generic helpdesk: a decision needs a decisionId, its webhook-id', 400);
    }
    const decision: GenericDecisionCreated = {
      type: GENERIC_DECISION_CREATED_TYPE,
      decision_id: update.decisionId,
      ticket_id: update.ticketId,
      priority: update.priority ?? null,
      tags: update.tags,
      added_tags: update.addedTags,
      group_id: update.groupId ?? null,
      note: update.note,
      updated_stamp: update.updatedStamp ?? null,
    };
    // Serialised once: the signature covers these exact bytes, and these are the bytes sent.
    const rawBody = JSON.stringify(decision);
    const now = this.#clock.now();
    const headers = {
      [WEBHOOK_ID_HEADER]: update.decisionId,
      [WEBHOOK_TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
      [WEBHOOK_SIGNATURE_HEADER]: signStandardWebhook({
        secret: this.#signingSecret,
        id: update.decisionId,
        timestamp: now,
        body: rawBody,
      }),
    };
    const response = await sendToHelpdesk({
      method: 'POST',
      url: this.#url,
      headers,
      rawBody,
      timeoutMs: this.#timeoutMs,
      fetch: this.#fetch,
    });
    if (response.status >= 200 && response.status < 300) return written(update);
    throw helpdeskAnswerError(response, {
      target: `generic helpdesk POST ${this.#url.origin}${this.#url.pathname}`,
      detail: describeError(response.json),
      // Only the contract's own body means the ticket is gone; a 404 from a wrong path or a proxy
      // is a configuration fault, and must not pass for a deleted ticket.
      ticketGone: TicketNotFoundBodySchema.safeParse(response.json).success,
      // The generic contract has no guarded write, so a 409 is no conflict to re-read and retry:
      // nothing can be re-read. It is the receiver refusing this decision for good.
      conflict: { refusedBecause: 'the generic contract has no guarded update' },
      urlField: 'url',
      now: this.#clock.now(),
    });
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigurationError('generic helpdesk url is not a URL', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigurationError('generic helpdesk url must be http(s)');
  // Credentials would end up in logs with the URL; a fragment is never sent, so it can only be a mistake.
  if (url.username || url.password) throw new ConfigurationError('generic helpdesk url must not hold credentials');
  if (url.hash) throw new ConfigurationError('generic helpdesk url must not have a fragment');
  return url;
}

/** The ticket as written: exactly what the update set, since nothing comes back to read. */
function written(update: TicketUpdate): TicketSnapshot {
  const snapshot: TicketSnapshot = { id: update.ticketId, tags: update.tags };
  if (update.priority) snapshot.priority = update.priority;
  if (update.groupId !== undefined) snapshot.groupId = update.groupId;
  if (update.updatedStamp !== undefined) snapshot.updatedStamp = update.updatedStamp;
  return snapshot;
}

function describeError(json: unknown): string {
  const parsed = ErrorBodySchema.safeParse(json);
  if (!parsed.success) return '';
  const text = [parsed.data.error, parsed.data.message].filter(Boolean).join(': ');
  // The receiver's text, quoted and cut short so it cannot flood or forge the message.
  return text ? ` (${JSON.stringify(text.slice(0, 200))})` : '';
}
