import { cpus } from 'node:os';
import { exitQuietlyWhenReaderLeaves } from '../../infra/commands/cli.js';

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
  nps      the NPS report over 10,000 generated answers: time, partitions and DynamoDB requests
  report   npm run report over 10,000 generated decisions: time, DynamoDB requests, file size;
           writes bench-results/report.html
  networks the open networks against the sandbox's fakes: a refresh of 1,000 customers per network
           (requests per customer scored, customers a minute at each network's limit, whether the
           pace held the limit), and the ticket path's added p50/p99 when the score is missing
  tenants  10 and 10,000 tenants stored: a cold tenant read, DynamoDB requests per warm event; the
           service template's size and IAM policies`;

exitQuietlyWhenReaderLeaves();
const only = process.argv[2];
if (only === '--help' || only === '-h') {
  console.log(HELP);
  process.exit(0);
}
// Each part is imported only when it runs, so --help and a wrong part answer at once.
const benches: Record<string, (dynamoDbEndpoint: string) => Promise<string[]>> = {
  bundles: async () => (await import('./bundles.bench.js')).benchBundles(15),
  ingest: async () => (await import('./ingest.bench.js')).benchIngest(),
  e2e: async (endpoint) => (await import('./end-to-end.bench.js')).benchEndToEnd(300, endpoint),
  import: async (endpoint) => (await import('./import.bench.js')).benchImport(endpoint),
  nps: async (endpoint) => (await import('./nps-report.bench.js')).benchNpsReport(endpoint),
  report: async (endpoint) => (await import('./report.bench.js')).benchReport(endpoint),
  networks: async () => (await import('./networks.bench.js')).benchNetworks(1000),
  tenants: async (endpoint) => (await import('./tenants.bench.js')).benchTenants(endpoint),
};

if (only && !(only in benches)) {
  console.error(`no bench part "${only}": one of ${Object.keys(benches).join(', ')} (see npm run bench -- --help)`);
  process.exit(2);
}
const { startDynamoDbLocal } = await import('../../infra/local/dynamodb-local.js');
const db = await startDynamoDbLocal();
console.log(`Influence Router benchmarks on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}\n`);
try {
  for (const [name, bench] of Object.entries(benches)) {
    if (only && only !== name) continue;
    const lines = await bench(db.endpoint);
    console.log(`${lines.join('\n')}\n`);
  }
} finally {
  await db.stop();
}
