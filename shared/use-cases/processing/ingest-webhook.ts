import {
  AuthenticationError,
  InvalidPayloadError,
  PayloadTooLargeError,
  UnknownTenantError,
  UnsupportedMediaTypeError,
} from '../../domain/errors.js';
import { type InboundEvent, MAX_DELIVERY_ID_LENGTH } from '../../domain/events.js';
import type { EventQueue, InboundSource } from '../../domain/ports.js';
import type { WebhookRequest } from '../../domain/webhook-request.js';

export type { InboundSource, WebhookRequest };

/** A tenant's inbound source: its adapter and its verification secrets. */
export interface ConfiguredSource {
  adapter: InboundSource;
  secrets: () => Promise<string[]>;
}

/** Ports and settings for the ingest use case. */
export interface IngestDeps {
  /** The inbound source for a tenant and source name, or undefined when not configured. */
  sourceFor(tenant: string, source: string): ConfiguredSource | undefined | Promise<ConfiguredSource | undefined>;
  queue: EventQueue;
  maxBodyBytes: number;
}

/** What an accepted webhook became. */
export interface IngestResult {
  deliveryId: string;
  type: InboundEvent['type'];
}

function mediaType(headers: WebhookRequest['headers']): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Authenticates, validates and enqueues one webhook. Nothing is enqueued unless every check
 * passes: unknown tenant or source, oversized body, wrong content type, bad signature and
 * invalid payload (a delivery id over 256 characters included) each throw their own domain
 * error, which the HTTP layer maps to 404, 413, 415, 401 and 400.
 *
 * @example await ingestWebhook({ tenant: 'acme', source: 'zendesk', headers, rawBody, receivedAt: new Date() }, deps)
 */
export async function ingestWebhook(request: WebhookRequest, deps: IngestDeps): Promise<IngestResult> {
  const configured = await deps.sourceFor(request.tenant, request.source);
  if (!configured) {
    throw new UnknownTenantError(`No tenant "${request.tenant}" with source "${request.source}" is configured`);
  }
  if (request.rawBody.byteLength > deps.maxBodyBytes) {
    throw new PayloadTooLargeError(`Body is ${request.rawBody.byteLength} bytes; the limit is ${deps.maxBodyBytes}`);
  }
  const type = mediaType(request.headers);
  if (!configured.adapter.contentTypes.includes(type)) {
    throw new UnsupportedMediaTypeError(
      `Content type "${type || '(none)'}" is not accepted; send ${configured.adapter.contentTypes.join(' or ')}`,
    );
  }
  const secrets = await configured.secrets();
  if (secrets.length === 0) throw new AuthenticationError('No signing secret is configured for this source');
  configured.adapter.verify(request, secrets);

  const event = configured.adapter.normalise(request);
  // Each adapter names the field its id came from; this holds for any adapter that would not.
  if (event.deliveryId.length > MAX_DELIVERY_ID_LENGTH) {
    throw new InvalidPayloadError(`the delivery id is ${event.deliveryId.length} characters; at most ${MAX_DELIVERY_ID_LENGTH} are taken`, [
      { path: 'deliveryId', message: `must be 1-${MAX_DELIVERY_ID_LENGTH} characters` },
    ]);
  }
  await deps.queue.enqueue(event);
  return { deliveryId: event.deliveryId, type: event.type };
}
