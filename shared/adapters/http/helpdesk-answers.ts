import {
  ConflictError,
  PermanentHelpdeskError,
  RateLimitedError,
  RefusedDestinationError,
  TicketNotFoundError,
  TransientError,
} from '../../domain/errors.js';
import { RefusedAddressError } from './checked-request.js';
import { type JsonRequestOptions, type JsonResponse, jsonRequest, parseRetryAfter } from './json-request.js';

/** What a helpdesk's error answer means beyond its HTTP status: each helpdesk says it its own way. */
export interface HelpdeskAnswerReading {
  /** Names the helpdesk and the request in messages: `Zendesk PUT /api/v2/tickets/1`. */
  target: string;
  /** The answer body's own words as the helpdesk puts them, ready to append (` (RecordNotFound)`), or empty. */
  detail: string;
  /** Whether a 404 says the ticket is gone (deleted or merged), rather than coming from a wrong path or a proxy. */
  ticketGone: boolean;
  /**
   * What a 409 means: `ticket-changed` where a guarded update refuses a stale stamp (re-read and
   * decide again); otherwise a refusal for good, with why when there is more to say.
   */
  conflict?: 'ticket-changed' | { refusedBecause: string };
  /** The configuration field that holds the helpdesk's URL, named when it answers a redirect. */
  urlField: string;
  /** When the answer came, for a Retry-After given as a date. */
  now: Date;
}

/**
 * The error of the HelpdeskClient port that a helpdesk's non-2xx answer means, the same ladder
 * for every helpdesk: 429 waits its Retry-After (RateLimitedError); 408 and 5xx may pass
 * (TransientError); 409 is a changed ticket only where the helpdesk guards updates; a 404 is a
 * gone ticket only when the helpdesk's own body says so; a redirect is never followed and names
 * the URL to check; any other answer is a refusal for good (PermanentHelpdeskError), which
 * records the decision as failed and sends the event to the dead-letter queue.
 *
 * @example throw helpdeskAnswerError(response, { target: 'Zendesk GET /api/v2/tickets/1', detail: '', ticketGone: false, urlField: 'baseUrl', now })
 */
export function helpdeskAnswerError(response: Pick<JsonResponse, 'status' | 'headers'>, reading: HelpdeskAnswerReading): Error {
  const { status } = response;
  const message = `${reading.target} answered ${status}${reading.detail}`;
  if (status === 429) return new RateLimitedError(message, parseRetryAfter(response.headers.get('retry-after'), reading.now.getTime()));
  if (status === 408 || status >= 500) return new TransientError(message);
  if (status === 409 && reading.conflict !== undefined) {
    if (reading.conflict === 'ticket-changed') return new ConflictError(message);
    return new PermanentHelpdeskError(`${message}: ${reading.conflict.refusedBecause}`, status);
  }
  if (status === 404 && reading.ticketGone) return new TicketNotFoundError(message);
  if (status >= 300 && status < 400) {
    return new PermanentHelpdeskError(`${message}: redirects are not followed; check the configured ${reading.urlField}`, status);
  }
  return new PermanentHelpdeskError(message, status);
}

/**
 * Sends one request to a helpdesk (`jsonRequest`). An exchange that fails (a timeout, a reset, a
 * refused connection) may pass, and stays a TransientError; a request refused before it was sent
 * because of where it would have connected (a configured URL whose name resolves to a private
 * address) is a configuration fault that no retry mends: a RefusedDestinationError, permanent.
 *
 * @example const response = await sendToHelpdesk({ method: 'POST', url, rawBody, timeoutMs: 8000, fetch })
 */
export async function sendToHelpdesk(options: JsonRequestOptions): Promise<JsonResponse> {
  try {
    return await jsonRequest(options);
  } catch (error) {
    if (error instanceof TransientError && error.cause instanceof RefusedAddressError) {
      throw new RefusedDestinationError(error.message, { cause: error.cause });
    }
    throw error;
  }
}
