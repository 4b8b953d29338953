import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localContext, toApiGatewayEvent } from '../../infra/local/lambda-shapes.js';
import { FRESHDESK_DEMO } from '../../infra/sandbox/freshdesk/demo.js';
import { GENERIC_DEMO } from '../../infra/sandbox/generic/demo.js';
import { DELIGHTED_DEMO, delightedDelivery } from '../../infra/sandbox/delighted/demo.js';
import { GENERIC_SURVEY_DEMO, genericSurveyDelivery } from '../../infra/sandbox/generic-survey/demo.js';
import { TYPEFORM_DEMO, typeformDelivery } from '../../infra/sandbox/typeform/demo.js';
import { zendeskSatisfactionDelivery } from '../../infra/sandbox/zendesk/csat.js';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { signZendeskPayload } from '../../shared/adapters/helpdesks/zendesk/signature.js';
import { SOURCES } from '../../shared/adapters/registry/adapters.js';
import { signDelightedPayload } from '../../shared/adapters/surveys/delighted/signature.js';
import { signTypeformPayload } from '../../shared/adapters/surveys/typeform/signature.js';
import { signStandardWebhook } from '../../shared/adapters/webhooks/standard-webhooks.js';
import { InboundEventSchema, MAX_DELIVERY_ID_LENGTH } from '../../shared/domain/events.js';
import { ZENDESK_DEMO } from '../../infra/sandbox/zendesk/index.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** How each source's sender authenticates a body, with the demo tenant's secret: the real schemes. */
interface Sender {
  tenant: string;
  /** The sender's headers for these bytes; `deliveryId` goes where the source reads it from a header. */
  sign(body: Buffer, deliveryId?: string): Record<string, string>;
  /** A valid delivery of the source; `deliveryId` goes where the source reads it from the body. */
  sample(deliveryId: string): Buffer;
  /** Text of the sample where a byte that is not UTF-8 lands in a field the source takes as it is. */
  freeText: string;
  /** The body field or header the source takes its delivery id from; none when it builds one from fields its schema bounds. */
  deliveryIdField?: string;
}

const FIXTURES = new URL('../fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
/** The JSON text with one top-level field set. */
const withField = (json: string, field: string, value: unknown) => Buffer.from(JSON.stringify({ ...JSON.parse(json), [field]: value }));
const ANSWER = {
  responseId: 'r-fuzz-1',
  score: 3,
  comment: 'The printer jams daily',
  email: 'ada@example.com',
  userId: '1001',
  ticketId: '1',
};

const SIGNERS: Record<string, Sender> = {
  zendesk: {
    tenant: DEMO.tenant,
    sign: (body, id) => zendeskHeaders(ZENDESK_DEMO.signingSecret, body, id),
    sample: (id) => withField(fixture('zendesk/event-ticket-created.json'), 'id', id),
    freeText: 'The parcel',
    deliveryIdField: 'id',
  },
  'zendesk-csat': {
    tenant: DEMO.tenant,
    sign: (body, id) => zendeskHeaders(ZENDESK_DEMO.csatSigningSecret, body, id),
    sample: () => Buffer.from(zendeskSatisfactionDelivery(ANSWER).body),
    freeText: '@example.com',
    deliveryIdField: 'x-zendesk-webhook-invocation-id',
  },
  freshdesk: {
    tenant: FRESHDESK_DEMO.tenant,
    sign: () => ({ 'x-influence-router-token': FRESHDESK_DEMO.sharedSecret }),
    sample: () => Buffer.from(fixture('freshdesk/ticket-created.json')),
    freeText: '@example.com',
  },
  generic: {
    tenant: GENERIC_DEMO.tenant,
    sign: (body, id) => standardHeaders(GENERIC_DEMO.inboundSecret, body, id),
    sample: () => Buffer.from(fixture('generic/ticket-created.json')),
    freeText: 'Printer on fire',
    deliveryIdField: 'webhook-id',
  },
  typeform: {
    tenant: DEMO.tenant,
    sign: (body) => ({ 'typeform-signature': signTypeformPayload({ secret: TYPEFORM_DEMO.signingSecret, body }) }),
    sample: (id) => withField(typeformDelivery(ANSWER).body, 'event_id', id),
    freeText: 'The printer',
    deliveryIdField: 'event_id',
  },
  delighted: {
    tenant: DEMO.tenant,
    sign: (body) => ({ 'x-delighted-webhook-signature': signDelightedPayload({ secret: DELIGHTED_DEMO.apiKey, body }) }),
    sample: (id) => withField(delightedDelivery({ ...ANSWER, phase: 'updated' }).body, 'event_id', id),
    freeText: 'The printer',
    deliveryIdField: 'event_id',
  },
  'generic-survey': {
    tenant: DEMO.tenant,
    sign: (body, id) => standardHeaders(GENERIC_SURVEY_DEMO.signingSecret, body, id),
    sample: () => Buffer.from(genericSurveyDelivery(ANSWER).body),
    freeText: 'The printer',
    deliveryIdField: 'webhook-id',
  },
};

function zendeskHeaders(secret: string, body: Buffer, invocationId: string = randomUUID()): Record<string, string> {
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'x-zendesk-webhook-invocation-id': invocationId,
    'x-zendesk-webhook-signature-timestamp': timestamp,
    'x-zendesk-webhook-signature': signZendeskPayload({ secret, timestamp, body }),
  };
}

function standardHeaders(secret: string, body: Buffer, id: string = `msg_${randomUUID()}`): Record<string, string> {
  const now = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signStandardWebhook({ secret, id, timestamp: now, body }),
  };
}

/** The bytes with 0xFF inserted just before the first occurrence of `marker`. */
function withBadByte(bytes: Buffer, marker: string): Buffer {
  const at = bytes.indexOf(marker);
  if (at < 0) throw new Error(`no ${JSON.stringify(marker)} in the sample`);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]);
}

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName: `fuzz-${randomUUID().slice(0, 8)}`,
    seedDemo: false,
  });
  // Nothing is processed: the queue is only looked at.
  stack.queue.stop();
});

afterAll(async () => {
  await stack?.close();
});

/** Sends one request to the ingest handler as API Gateway would; what came back and what was queued. */
async function ingest(source: string, tenant: string, headers: Record<string, string | string[]>, body: Buffer) {
  const before = stack.queue.pending().length;
  const event = toApiGatewayEvent({
    method: 'POST',
    url: `/webhooks/${encodeURIComponent(tenant)}/${encodeURIComponent(source)}`,
    headers,
    body,
    routeKey: 'POST /webhooks/{tenant}/{source}',
    pathParameters: { tenant, source },
    sourceIp: '127.0.0.1',
  });
  const result = await stack.ingest(event, localContext('ingest-webhook'));
  const queued = stack.queue.pending().slice(before);
  return { status: result.statusCode ?? 200, body: result.body ?? '', queued };
}

/** The property every request must keep: an answer below 500, and anything queued a valid event, only on 202. */
function expectSound(answer: { status: number; queued: { body: string }[] }): void {
  expect(answer.status).toBeLessThan(500);
  if (answer.status !== 202) expect(answer.queued).toEqual([]);
  for (const message of answer.queued) {
    const event = InboundEventSchema.safeParse(JSON.parse(message.body));
    expect(event.success).toBe(true);
    expect(event.data?.deliveryId.length).toBeLessThanOrEqual(MAX_DELIVERY_ID_LENGTH);
  }
}

const oddText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('\u0000', '\uFEFF{}', '\uD800', '𝕳𝖊𝖑𝖕', 'ñ\u0301', '\u202Eevil', '{"a":"\\ud800"}', '"\\u0000"'),
);
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  oddText,
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  // Invalid UTF-8: lone continuation bytes, overlong forms, surrogates encoded.
  fc.constantFrom(
    Buffer.from([0xc0, 0xaf]),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0x80, 0x7b, 0x7d]),
    Buffer.from('{"a":"\xff"}', 'latin1'),
  ),
  jsonish.map((text) => Buffer.from(text, 'utf8')),
);
const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'APPLICATION/JSON',
  '',
);
/** Header sets as senders get them wrong: random names and values, the real names with odd or repeated values. */
const realNames = [
  ...Object.values(SIGNERS).flatMap((signer) => Object.keys(signer.sign(Buffer.from('x')))),
  'authorization',
  'content-type',
  'content-length',
];
const headerSets = fc.dictionary(
  fc.oneof(fc.constantFrom(...realNames), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)),
  fc.oneof(
    oddText.filter((value) => !/[\r\n\0]/.test(value)),
    fc.array(fc.string({ maxLength: 40 }), { minLength: 2, maxLength: 3 }),
  ),
  { maxKeys: 8 },
);

describe.each(SOURCES.map((source) => source.name))('ingest of %s, fuzzed', (source) => {
  const signer = SIGNERS[source];

  it('is known to the fuzzer, with the real signing scheme of its sender', () => {
    expect(signer, `add ${source} to SIGNERS`).toBeDefined();
  });

  it('answers any unsigned body and headers below 500 and queues nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, headerSets, contentTypes, async (body, headers, contentType) => {
        const answer = await ingest(source, signer?.tenant ?? 'demo', { ...headers, 'content-type': contentType }, body);
        expectSound(answer);
        expect(answer.status).not.toBe(202);
      }),
      { numRuns: 150 },
    );
  });

  it('answers any correctly signed body below 500, and queues only valid events', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(bodies, contentTypes, async (body, contentType) => {
        if (!signer) return;
        const answer = await ingest(source, signer.tenant, { 'content-type': contentType, ...signer.sign(body) }, body);
        statuses.add(answer.status);
        expectSound(answer);
      }),
      { numRuns: 150 },
    );
    // The signatures were accepted: the bodies reached the parser, which refused them as bodies.
    expect(statuses).toContain(400);
  });

  it('accepts a valid delivery, the one the checks below change in one place', async () => {
    if (!signer) return;
    const body = signer.sample(`evt_${randomUUID()}`);
    const answer = await ingest(source, signer.tenant, { 'content-type': 'application/json', ...signer.sign(body) }, body);
    expect(answer.status, answer.body).toBe(202);
    expect(answer.queued).toHaveLength(1);
  });

  it('refuses a signed delivery with one byte that is not UTF-8 with 400, as every source does, and queues nothing', async () => {
    if (!signer) return;
    const body = withBadByte(signer.sample(`evt_${randomUUID()}`), signer.freeText);
    const answer = await ingest(source, signer.tenant, { 'content-type': 'application/json', ...signer.sign(body) }, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ message: 'body is not UTF-8' });
    expect(answer.queued).toEqual([]);
  });

  it('refuses a signed delivery whose delivery id is over 256 characters with 400 naming where it was, and queues nothing', async () => {
    if (!signer) return;
    const id = 'i'.repeat(MAX_DELIVERY_ID_LENGTH + 1);
    const body = signer.sample(id);
    const answer = await ingest(source, signer.tenant, { 'content-type': 'application/json', ...signer.sign(body, id) }, body);
    if (signer.deliveryIdField === undefined) {
      // Its delivery id is built from fields its schema bounds: the long id went nowhere.
      expect(answer.status, answer.body).toBe(202);
      expectSound(answer);
      return;
    }
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: signer.deliveryIdField })]),
    });
    expect(answer.queued).toEqual([]);
  });

  it('refuses a signed body over the size limit with 413, whatever it holds', async () => {
    if (!signer) return;
    const body = Buffer.from(`{"pad":"${'x'.repeat(300 * 1024)}"}`);
    const answer = await ingest(source, signer.tenant, { 'content-type': 'application/json', ...signer.sign(body) }, body);
    expect(answer.status).toBe(413);
    expect(answer.queued).toEqual([]);
  });
});

describe('ingest paths, fuzzed', () => {
  it('answers any tenant and source name below 500 and queues nothing for an unknown pair', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        async (tenant, source) => {
          const answer = await ingest(source, tenant, { 'content-type': 'application/json' }, Buffer.from('{}'));
          expectSound(answer);
          expect(answer.status).not.toBe(202);
        },
      ),
      { numRuns: 300 },
    );
  });
});
