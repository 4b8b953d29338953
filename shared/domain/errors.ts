/** Base class of every error the product raises on purpose. */
export class InfluenceRouterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request could not be authenticated (bad or missing signature or token). */
export class AuthenticationError extends InfluenceRouterError {}

/** The payload failed validation; `issues` lists what was wrong, field by field. */
export class InvalidPayloadError extends InfluenceRouterError {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No such tenant, or the tenant has no such source configured. */
export class UnknownTenantError extends InfluenceRouterError {}

/** The body is larger than the limit. */
export class PayloadTooLargeError extends InfluenceRouterError {}

/** The content type is not one the source sends. */
export class UnsupportedMediaTypeError extends InfluenceRouterError {}

/** Configuration is missing or invalid; the message names the setting. */
export class ConfigurationError extends InfluenceRouterError {}

/** The helpdesk asked us to slow down; retry after `retryAfterSeconds`. */
export class RateLimitedError extends InfluenceRouterError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The router held a helpdesk call back itself, sending nothing: the tenant's share of the
 * helpdesk's rate limit is used (`pace`), a 429's Retry-After is still running (`retry-after`), or
 * the helpdesk keeps failing (`failing`). Retried after `retryAfterSeconds`, like a 429, without
 * using one of the event's attempts.
 */
export class HeldBackError extends RateLimitedError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    readonly reason: 'pace' | 'retry-after' | 'failing',
    options?: { cause?: unknown },
  ) {
    super(message, retryAfterSeconds, options);
  }
}

/** A failure that may pass: a 5xx, a timeout, a dropped connection. Retried with backoff. */
export class TransientError extends InfluenceRouterError {}

/** The ticket changed since we read it (a guarded update got 409); re-read and decide again. */
export class ConflictError extends InfluenceRouterError {}

/** The helpdesk refused the request for good (4xx other than 409/429); retrying will not help. */
export class PermanentHelpdeskError extends InfluenceRouterError {
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The helpdesk cannot be read back (the generic adapter): the caller decides on what it already
 * knows of the ticket.
 */
export class UnreadableTicketError extends PermanentHelpdeskError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 501, options);
  }
}

/**
 * The request was never sent: the helpdesk's configured address is one requests may not go to
 * (a name that resolves to a private or loopback address where only public ones are allowed).
 * A configuration fault, refused for good until the configuration or its DNS changes; `status`
 * is 0, as no answer came.
 */
export class RefusedDestinationError extends PermanentHelpdeskError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 0, options);
  }
}

/** The ticket no longer exists in the helpdesk (deleted or merged). */
export class TicketNotFoundError extends InfluenceRouterError {}
