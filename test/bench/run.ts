import { cpus } from 'node:os';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { benchBundles } from './bundles.bench.js';
import { benchEndToEnd } from './end-to-end.bench.js';
import { benchImport } from './import.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchNpsReport } from './nps-report.bench.js';

// Benchmarks print figures; they assert nothing about time, so they never make a test flaky.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const HELP = `usage: npm run bench [-- <part>]

Measures performance, never asserting on time. Parts (all by default, or the one named):
  bundles  each function bundled as the CDK bundles it: size, largest contributors, cold import
           (p50, p90 over 15 fresh processes) beside an empty and an SDK-only bundle; writes
           bench-results/bundles.json
  ingest   the ingest handler in process: 5,000 signed webhooks, latency percentiles and throughput
  e2e      300 tickets end to end through the local stack (DynamoDB Local, sandbox helpdesk): answer
           times, DynamoDB requests and units per ticket by operation, helpdesk requests, log bytes,
           the processor's own time per event; and the cost per million events from them, the
           deployed memory settings and printed prices and assumptions, at sustained load and when
           quiet; writes bench-results/end-to-end.json
  import   a 100k-row score import in its own process: wall time, rows/s, peak memory, re-run
  nps      the NPS report over 10,000 generated answers: time, partitions and DynamoDB requests`;

const only = process.argv[2];
if (only === '--help' || only === '-h') {
  console.log(HELP);
  process.exit(0);
}
const db = await startDynamoDbLocal();
const benches: Record<string, () => Promise<string[]>> = {
  bundles: () => benchBundles(15),
  ingest: () => benchIngest(),
  e2e: () => benchEndToEnd(300, db.endpoint),
  import: () => benchImport(db.endpoint),
  nps: () => benchNpsReport(db.endpoint),
};

if (only && !(only in benches)) {
  await db.stop();
  console.error(`no bench part "${only}": one of ${Object.keys(benches).join(', ')} (see npm run bench -- --help)`);
  process.exit(2);
}
console.log(`Influence Router benchmarks on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}\n`);
try {
  for (const [name, bench] of Object.entries(benches)) {
    if (only && only !== name) continue;
    const lines = await bench();
    console.log(`${lines.join('\n')}\n`);
  }
} finally {
  await db.stop();
}
