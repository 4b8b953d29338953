import { INGEST, PROCESSING } from '../../infra/cdk/stacks/service-stack.js';

/** What one ticket event costs in requests, units and bytes, as measured end to end. */
export interface PerEvent {
  dynamoRequests: number;
  writeUnits: number;
  readUnits: number;
  helpdeskRequests: number;
  logBytes: number;
}

/** What the end-to-end run measured per event, beside the counts. */
export interface Measured extends PerEvent {
  /** The webhook's answer time, HTTP both ways included: an upper bound on ingest's own work. */
  ingestMs: number;
  /** The processor's time per event less its waits on DynamoDB and the helpdesk: its own work. */
  processMs: number;
}

/** AWS list prices (us-east-1, on demand, arm64), in dollars. */
export const PRICES = {
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  sqsPerMillionRequests: 0.4,
  httpApiPerMillionRequests: 1.0,
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000133334,
  logsPerGbIngested: 0.5,
} as const;

/** How the functions are deployed: read from the stack, so the figure follows the settings. */
export const DEPLOYMENT = {
  ingestMemoryMb: INGEST.memorySize,
  processMemoryMb: PROCESSING.memorySize,
  batchSize: PROCESSING.batchSize,
} as const;

/** What the local stack cannot measure, stated. */
export const ASSUMPTIONS = {
  /** Lambda gives a function one vCPU at 1,769 MB and a proportional share below. */
  fullCpuMemoryMb: 1769,
  /** One helpdesk API call from Lambda (Zendesk's ticket update answers in roughly this). */
  helpdeskMsPerRequest: 150,
  /**
   * One DynamoDB request from Lambda in the same region (a few ms), with the client's signing and
   * JSON work at the function's CPU share: the processor's measured own time leaves calls out.
   */
  dynamoMsPerRequest: 8,
  /** Ingest's one SendMessage. */
  sqsSendMs: 10,
  /** START, END and REPORT (with the X-Ray trace id) that Lambda writes for every invocation. */
  platformLogBytesPerInvocation: 350,
} as const;

/** The two traffic shapes priced: full batches at sustained load, and one event per batch. */
export const LOADS = {
  /** From about 2 events a second the 5 s batching window fills batches of 10. */
  sustained: DEPLOYMENT.batchSize,
  /** A quiet deployment: each event is its own batch, the costliest case per event. */
  quiet: 1,
} as const;

/** The cost per million events, by item. */
export interface Cost {
  total: number;
  items: Record<string, number>;
}

const cpuScale = (memoryMb: number) => Math.max(1, ASSUMPTIONS.fullCpuMemoryMb / memoryMb);
const gbSeconds = (memoryMb: number, ms: number) => (memoryMb / 1024) * (ms / 1000);

/**
 * Dollars per million ticket events at a mean batch size, from measured counts and durations, the
 * deployed memory settings, list prices and the stated assumptions. Each function's own work,
 * measured on a full core here, is scaled to its CPU share in Lambda; its waits on AWS and the
 * helpdesk are assumed, one call at a time and added up per event: an upper bound, as the records
 * of a batch run side by side and a batch is billed for its longest record, not their sum.
 *
 * @example costPerMillion(measured, LOADS.sustained)
 */
export function costPerMillion(measured: Measured, meanBatch: number): Cost {
  const invocations = 1 + 1 / meanBatch;
  // Ingest: SendMessage per event. The event source: ReceiveMessage and DeleteMessageBatch per batch.
  const sqsRequests = 1 + 2 / meanBatch;
  const ingestMs = measured.ingestMs * cpuScale(DEPLOYMENT.ingestMemoryMb) + ASSUMPTIONS.sqsSendMs;
  const processMs =
    measured.processMs * cpuScale(DEPLOYMENT.processMemoryMb) +
    measured.dynamoRequests * ASSUMPTIONS.dynamoMsPerRequest +
    measured.helpdeskRequests * ASSUMPTIONS.helpdeskMsPerRequest;
  const logBytes = measured.logBytes + invocations * ASSUMPTIONS.platformLogBytesPerInvocation;
  const million = 1_000_000;
  const items = {
    'DynamoDB writes': measured.writeUnits * PRICES.dynamoPerMillionWriteUnits,
    'DynamoDB reads': measured.readUnits * PRICES.dynamoPerMillionReadUnits,
    SQS: sqsRequests * PRICES.sqsPerMillionRequests,
    'HTTP API': PRICES.httpApiPerMillionRequests,
    'Lambda requests': invocations * PRICES.lambdaPerMillionRequests,
    'Lambda compute':
      (gbSeconds(DEPLOYMENT.ingestMemoryMb, Math.ceil(ingestMs)) + gbSeconds(DEPLOYMENT.processMemoryMb, processMs)) *
      PRICES.lambdaPerGbSecond *
      million,
    'CloudWatch Logs': (logBytes / 1024 ** 3) * PRICES.logsPerGbIngested * million,
  };
  return { total: Object.values(items).reduce((sum, value) => sum + value, 0), items };
}

/** The priced loads, each cost by item, and the prices and assumptions behind them, as lines to print. */
export function costLines(measured: Measured): { sustained: Cost; quiet: Cost; lines: string[] } {
  const sustained = costPerMillion(measured, LOADS.sustained);
  const quiet = costPerMillion(measured, LOADS.quiet);
  const names = Object.entries(sustained.items).sort((a, b) => b[1] - a[1]);
  const dollars = (value: number) => `$${value.toFixed(2)}`;
  const lines = [
    `cost per million ticket events at list prices: ${dollars(sustained.total)} at sustained load (batches of ${LOADS.sustained}), ${dollars(quiet.total)} when quiet (batches of 1)`,
    ...names.map(
      ([name, value]) =>
        `  ${name.padEnd(16)} ${dollars(value).padStart(6)} (${((value / sustained.total) * 100).toFixed(0).padStart(2)}%)   quiet ${dollars(quiet.items[name] ?? 0)}`,
    ),
    `  prices: DynamoDB $${PRICES.dynamoPerMillionWriteUnits}/M write units, $${PRICES.dynamoPerMillionReadUnits}/M read units; SQS $${PRICES.sqsPerMillionRequests}/M; HTTP API $${PRICES.httpApiPerMillionRequests}/M;`,
    `          Lambda $${PRICES.lambdaPerMillionRequests}/M requests and $${PRICES.lambdaPerGbSecond}/GB-s (arm64); logs $${PRICES.logsPerGbIngested}/GB`,
    `  measured here: ingest ${measured.ingestMs.toFixed(2)} ms (answer time), processor ${measured.processMs.toFixed(2)} ms of its own per event, each scaled to its`,
    `           Lambda CPU share (ingest ${DEPLOYMENT.ingestMemoryMb} MB, processor ${DEPLOYMENT.processMemoryMb} MB; one vCPU at ${ASSUMPTIONS.fullCpuMemoryMb} MB)`,
    `  assumed: ${ASSUMPTIONS.helpdeskMsPerRequest} ms per helpdesk call, ${ASSUMPTIONS.dynamoMsPerRequest} ms per DynamoDB request, ${ASSUMPTIONS.sqsSendMs} ms per SendMessage, each waited out in full per event (an upper bound: the records of a batch run side by side);`,
    `           SQS: one send per event, a receive and a batch delete per batch; ${ASSUMPTIONS.platformLogBytesPerInvocation} B of Lambda platform log per invocation`,
  ];
  return { sustained, quiet, lines };
}
