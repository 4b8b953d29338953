import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_RETENTION } from '../../infra/cdk/constructs/event-queue.js';
import { DEFAULT_ALARM_THRESHOLDS } from '../../infra/cdk/constructs/service-alarms.js';
import { INGEST, PROCESSING, REFRESH } from '../../infra/cdk/stacks/service-stack.js';
import { readDocuments } from '../support/documents.js';

/*
 * The deployment's figures as the README and docs/ state them, read from the stacks that deploy
 * them. Each figure is found by the words it is written with, in every document: a page that
 * states one with another number fails, naming the page, and a figure no page states any more
 * fails too, so that a rewording cannot drop it unnoticed.
 */

/** A figure of the deployment and the ways the documents write it, each capturing its numbers in order. */
interface Figure {
  name: string;
  values: number[];
  written: RegExp[];
}

const VISIBILITY = PROCESSING.timeout.toSeconds() * 6 + PROCESSING.maxBatchingWindow.toSeconds();

const FIGURES: Figure[] = [
  { name: "the event queue's visibility timeout", values: [VISIBILITY], written: [/visibility timeout \((\d+) s\)/g] },
  {
    name: "the processor's timeout",
    values: [PROCESSING.timeout.toSeconds()],
    written: [/processor's timeout \((\d+) s\)/g, /gives the processor the deployed (\d+) s/g],
  },
  { name: 'the attempts before the dead-letter queue', values: [PROCESSING.maxReceiveCount], written: [/tried (\d+) times/g] },
  { name: "the event queue's retention", values: [PROCESSING.queueRetention.toDays()], written: [/messages kept (\d+) days/g] },
  {
    name: "the dead-letter queue's retention",
    values: [DEAD_LETTER_RETENTION.toDays()],
    written: [/dead-letter queue \(kept (\d+) days/g, /dead-letter queue keeps it (\d+) days/g],
  },
  {
    name: 'the retention of both queues',
    values: [PROCESSING.queueRetention.toDays(), DEAD_LETTER_RETENTION.toDays()],
    written: [/deployed retention \((\d+) and (\d+) days\)/g],
  },
  { name: "the processor's concurrent batches", values: [PROCESSING.maxConcurrency], written: [/up to (\d+) batches/g] },
  { name: 'the batch size', values: [PROCESSING.batchSize], written: [/batches of (\d+)\b/g] },
  { name: 'the batching window', values: [PROCESSING.maxBatchingWindow.toSeconds()], written: [/(\d+) s batching window/g] },
  {
    name: "the API's throttling",
    values: [INGEST.throttle.rateLimit, INGEST.throttle.burstLimit],
    written: [/throttling (\d+) req\/s, burst (\d+)/g],
  },
  { name: 'the largest body', values: [INGEST.maxBodyBytes / 1024], written: [/body is at most (\d+) KiB/g] },
  { name: "the processor's memory", values: [PROCESSING.memorySize], written: [/processor runs with (\d+) MB/g] },
  { name: "the ingest function's memory", values: [INGEST.memorySize], written: [/Ingest has (\d+) MB/g] },
  {
    name: 'the refresh schedule',
    values: [REFRESH.every.toMinutes()],
    written: [/refresh-scores`?,? every (\d+) minutes/g, /(\d+)-minute refresh schedule/g],
  },
  {
    name: 'the oldest-event alarm',
    values: [DEFAULT_ALARM_THRESHOLDS.oldestMessageAgeSeconds],
    written: [/event queue older than (\d+) s/g],
  },
  {
    name: 'the helpdesk 429 alarm',
    values: [DEFAULT_ALARM_THRESHOLDS.helpdeskRateLimitedPerFiveMinutes],
    written: [/429 rate \((\d+) or more in 5 minutes/g],
  },
];

/** Each document's text with its line breaks and indentation collapsed, as a sentence reads. */
const DOCUMENTS = readDocuments().map((document) => ({ path: document.path, text: document.text.replace(/\s+/g, ' ') }));

describe('the deployment figures the README and docs/ state', () => {
  for (const figure of FIGURES) {
    it(`give ${figure.name} as the stacks deploy it (${figure.values.join(', ')})`, () => {
      const stated = DOCUMENTS.flatMap((document) =>
        figure.written.flatMap((pattern) =>
          [...document.text.matchAll(pattern)].map((match) => ({
            path: document.path,
            said: match[0],
            numbers: match.slice(1).map(Number),
          })),
        ),
      );
      const wrong = stated
        .filter((found) => found.numbers.join() !== figure.values.join())
        .map((found) => `${found.path}: "${found.said}"`);

      expect(stated.length, `no document states ${figure.name} in the words this test reads`).toBeGreaterThan(0);
      expect(wrong, `documents that state ${figure.name} other than ${figure.values.join(', ')}`).toEqual([]);
    });
  }
});

describe('local mode', () => {
  it("gives the processor the deployed function's timeout", async () => {
    const { PROCESSOR_TIMEOUT_MS } = await import('../../infra/local/stack.js');

    expect(PROCESSOR_TIMEOUT_MS).toBe(PROCESSING.timeout.toMilliseconds());
  });

  it('keeps messages on the SQS emulator as long as the deployed queues do', async () => {
    const { EVENT_QUEUE_RETENTION_SECONDS, DEAD_LETTER_RETENTION_SECONDS } = await import('../../infra/local/sqs-queues.js');

    expect(EVENT_QUEUE_RETENTION_SECONDS).toBe(PROCESSING.queueRetention.toSeconds());
    expect(DEAD_LETTER_RETENTION_SECONDS).toBe(DEAD_LETTER_RETENTION.toSeconds());
  });
});
