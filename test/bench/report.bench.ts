import { mkdirSync, statSync } from 'node:fs';
import { runReport } from '../../infra/commands/report.js';
import { batchWriteAll } from '../../shared/adapters/store/batch.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { answerIndexItem } from '../../shared/adapters/store/survey-index.js';
import { storeTenant } from '../support/stored-tenant.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { DecisionListingSchema, decisionIndexAttributes } from '../../shared/adapters/store/decision-items.js';
import { observeService, serviceOutcomes } from '../../shared/use-cases/reporting/service-outcomes.js';
import { generateDecisions, type GeneratedOutcomes, writeDecisions } from '../support/generated-decisions.js';
import { generateAnswers } from './nps-report.bench.js';

/**
 * `npm run report` over 10,000 generated decisions with their outcomes (a tenth of the raises held
 * out, the service times' bootstrap included) and 2,000 survey answers of one tenant across 30
 * days (one decision in ten in shadow mode) in DynamoDB Local: the time it takes, the requests it
 * makes and the file it writes.
 */
export async function benchReport(dynamoEndpoint: string, count = 10_000): Promise<string[]> {
  const client = createDocumentClient({ endpoint: dynamoEndpoint });
  const tableName = `bench-report-${Date.now()}`;
  await createTable(client, tableName);
  await storeTenant(client, tableName, 'bench');
  // With outcomes: a tenant in shadow mode for its first week, then active with a tenth held out;
  // some tickets still open, some solved with no reply, solved tickets never decided among them.
  const outcomes: GeneratedOutcomes = {
    holdout: 0.1,
    raisedFirstReply: { high: 0.7 },
    openShare: 0.05,
    noReplyShare: 0.02,
    activeFrom: '2026-11-08',
    baselineEvery: 20,
  };
  const records = generateDecisions('bench', count, { from: '2026-11-01', days: 30, shadowEvery: 10, outcomes });
  await writeDecisions(client, tableName, records);
  await batchWriteAll(
    client,
    tableName,
    generateAnswers('bench', count / 5).map((answer) => ({ PutRequest: { Item: answerIndexItem(answer) } })),
    { concurrency: 4 },
  );
  mkdirSync('bench-results', { recursive: true });
  const out = 'bench-results/report.html';
  const lines: string[] = [];
  const started = performance.now();
  const code = await runReport(
    ['--tenant', 'bench', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--endpoint', dynamoEndpoint, '--table', tableName],
    {},
    { out: (line) => lines.push(line), err: (line) => lines.push(line) },
  );
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`npm run report failed: ${lines.join('\n')}`);
  // The service figures alone (pure computation, the bootstrap's 9,999 resamples a comparison), over the same tickets.
  const observations = records.flatMap((record) => {
    const observed = observeService(
      record.decidedAt.slice(0, 10),
      DecisionListingSchema.parse({ ...record, ...decisionIndexAttributes(record) }),
    );
    return observed ? [observed] : [];
  });
  const statsStarted = performance.now();
  serviceOutcomes({ observations, answers: [], cutoff: new Date('2026-12-05T00:00:00Z'), from: '2026-11-01', to: '2026-11-30' });
  const statsMs = performance.now() - statsStarted;
  return [
    `npm run report over ${count.toLocaleString('en')} decisions with outcomes of one tenant, 30 days, in DynamoDB Local:`,
    `  ${Math.round(ms)} ms in all; file ${(statSync(out).size / 1024).toFixed(1)} KB (${out})`,
    `  ${lines[0] ?? ''}`,
    `  of which the service figures (Kaplan–Meier and the bootstrap over ${observations.length.toLocaleString('en')} tickets): ${Math.round(statsMs)} ms`,
  ];
}
