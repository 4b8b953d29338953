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

const only = process.argv[2];
const db = await startDynamoDbLocal();
const benches: Record<string, () => Promise<string[]>> = {
  bundles: () => benchBundles(15),
  ingest: () => benchIngest(),
  e2e: () => benchEndToEnd(300, db.endpoint),
  import: () => benchImport(db.endpoint),
  nps: () => benchNpsReport(db.endpoint),
};

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
