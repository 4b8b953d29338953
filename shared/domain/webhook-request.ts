/** A webhook as it arrived: the raw bytes and lower-cased headers, before anything is trusted. */
export interface WebhookRequest {
  tenant: string;
  source: string;
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Uint8Array;
  receivedAt: Date;
}
