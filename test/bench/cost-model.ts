/** What one ticket event costs in requests, units and bytes, as measured end to end. */
export interface PerEvent {
  dynamoRequests: number;
  writeUnits: number;
  readUnits: number;
  helpdeskRequests: number;
  logBytes: number;
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

/** How the deployment runs, for the parts the local stack cannot measure. */
export const ASSUMPTIONS = {
  /** SendMessage, ReceiveMessage and DeleteMessage, each counted per event: no batching benefit assumed. */
  sqsRequestsPerEvent: 3,
  /** One ingest invocation per webhook and one processor invocation per event (batches of one, the worst case). */
  invocationsPerEvent: 2,
  memoryGb: 0.5,
  /** Billed milliseconds per invocation: ingest answers in a few ms; the processor waits on one helpdesk call (~150 ms at Zendesk). */
  ingestMs: 10,
  processMs: 200,
} as const;

/**
 * Dollars per million ticket events from measured counts, list prices and the stated
 * assumptions, with one line per item for the bench to print.
 *
 * @example costPerMillion({ dynamoRequests: 3, writeUnits: 3, readUnits: 1, helpdeskRequests: 1, logBytes: 600 })
 */
export function costPerMillion(perEvent: PerEvent): { total: number; items: Record<string, number>; lines: string[] } {
  const items = {
    'DynamoDB writes': perEvent.writeUnits * PRICES.dynamoPerMillionWriteUnits,
    'DynamoDB reads': perEvent.readUnits * PRICES.dynamoPerMillionReadUnits,
    SQS: ASSUMPTIONS.sqsRequestsPerEvent * PRICES.sqsPerMillionRequests,
    'HTTP API': PRICES.httpApiPerMillionRequests,
    'Lambda requests': ASSUMPTIONS.invocationsPerEvent * PRICES.lambdaPerMillionRequests,
    'Lambda compute': ((ASSUMPTIONS.ingestMs + ASSUMPTIONS.processMs) / 1000) * ASSUMPTIONS.memoryGb * PRICES.lambdaPerGbSecond * 1_000_000,
    'CloudWatch Logs': (perEvent.logBytes / 1024 ** 3) * PRICES.logsPerGbIngested * 1_000_000,
  };
  const total = Object.values(items).reduce((sum, value) => sum + value, 0);
  const lines = [
    `cost per million ticket events at list prices: $${total.toFixed(2)}`,
    ...Object.entries(items)
      .sort((a, b) => b[1] - a[1])
      .map(([name, dollars]) => `  ${name.padEnd(16)} $${dollars.toFixed(2)} (${((dollars / total) * 100).toFixed(0)}%)`),
    `  prices: DynamoDB $${PRICES.dynamoPerMillionWriteUnits}/M write units, $${PRICES.dynamoPerMillionReadUnits}/M read units; SQS $${PRICES.sqsPerMillionRequests}/M; HTTP API $${PRICES.httpApiPerMillionRequests}/M;`,
    `          Lambda $${PRICES.lambdaPerMillionRequests}/M requests and $${PRICES.lambdaPerGbSecond}/GB-s (arm64); logs $${PRICES.logsPerGbIngested}/GB`,
    `  assumed: ${ASSUMPTIONS.sqsRequestsPerEvent} SQS requests and ${ASSUMPTIONS.invocationsPerEvent} invocations per event, ${ASSUMPTIONS.memoryGb * 1024} MB, ${ASSUMPTIONS.ingestMs} ms ingest + ${ASSUMPTIONS.processMs} ms processing billed`,
  ];
  return { total, items, lines };
}
