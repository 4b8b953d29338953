/**
 * A tenant's report as one self-contained HTML file: decisions per day by outcome, service times
 * of raised against held-out tickets and the cost to everyone else, raises by tier and by rule,
 * the fairness view, what shadow mode would have changed, NPS and CSAT by tier with
 * their margins. Reads the decisions-by-day and survey-answer indexes one day partition at a
 * time, never scanning, and says how many requests it made.
 *
 *   npm run report -- --tenant demo [--from 2026-11-01] [--to 2026-11-30] [--out report.html]
 *
 * Local by default (the DynamoDB Local of `npm start`); with AWS_REGION and TABLE_NAME (the
 * data stack's TableName output) against the deployed table, with the usual AWS credentials.
 * Exit codes: 0 written, 1 could not read or write, 2 bad arguments.
 */
import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DocumentClient } from '../../shared/adapters/aws/dynamodb.js';
import { DynamoDecisionLog } from '../../shared/adapters/store/decision-log.js';
import { DynamoSurveyAnswerIndex } from '../../shared/adapters/store/survey-index.js';
import { decisionReport } from '../../shared/use-cases/reporting/decision-report.js';
import { readNpsReport } from '../../shared/use-cases/reporting/nps-report.js';
import { serviceOutcomes } from '../../shared/use-cases/reporting/service-outcomes.js';
import { type CliOutput, describeError, runAsProgram, usageMistake, userPath } from './cli.js';
import { checkTenant } from './tenant-check.js';
import { TENANT_PERIOD_OPTIONS, tenantPeriod, UsageError } from './day-period.js';
import { dynamoClientFor, dynamoTarget, localTableName } from '../local/dynamodb-target.js';
import { renderReport } from './report/render.js';

const USAGE = `usage: npm run report -- --tenant <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out <file.html>] [--endpoint <url>] [--table <name>]

Writes one HTML file that opens with no network: decisions per day by outcome; per tier, raised
tickets' first reply and resolution times (median, 90th percentile) against held-out ones with a
95 % interval, CSAT and NPS about them, and everyone else's times before and after the tenant went
active (tickets still open counted as waiting, never dropped); raises by tier and by rule; each
tier's share of tickets raised beside its share of customers; for shadow mode, what active mode
would have changed; NPS and CSAT by tier with the 95 % margin of error. Below 30 tickets or
answers a group is too few to conclude. Days are UTC and both included; --to defaults to
today, --from to 29 days before it. --out defaults to report-<tenant>-<from>-<to>.html.
Against the deployed table: AWS_REGION=<region> TABLE_NAME=<TableName> npm run report -- ...

Example:
  npm run report -- --tenant demo --out demo.html`;

/**
 * Runs `npm run report` with these arguments; returns the exit code.
 *
 * @example process.exitCode = await runReport(['--tenant', 'demo', '--out', 'demo.html'], process.env, console);
 */
export async function runReport(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput): Promise<number> {
  let values;
  let request;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...TENANT_PERIOD_OPTIONS, out: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
    if (values.out !== undefined && !values.out.endsWith('.html')) throw new UsageError('--out must name an .html file');
    request = tenantPeriod(values, new Date());
  } catch (error) {
    output.err(usageMistake(error, 'report'));
    return 2;
  }

  const out = userPath(values.out ?? `report-${request.tenant}-${request.firstDay}-${request.lastDay}.html`, env as NodeJS.ProcessEnv);
  const target = dynamoTarget(values.endpoint, env);
  const tableName = localTableName(values.table, env);
  const where = 'endpoint' in target ? target.endpoint : `AWS ${target.region}`;
  const client: DocumentClient = dynamoClientFor(target);
  const started = performance.now();
  let content;
  try {
    const known = await checkTenant({ client, tableName, target }, request.tenant, 'report');
    if (!known.ok) {
      output.err(known.message);
      return 2;
    }
    const decisions = await decisionReport(
      { tenant: request.tenant, from: request.firstDay, to: request.lastDay },
      { history: new DynamoDecisionLog(client, tableName) },
    );
    const { report: nps, answers } = await readNpsReport(
      { tenant: request.tenant, from: request.from, to: request.to },
      { index: new DynamoSurveyAnswerIndex(client, tableName) },
    );
    const cutoff = new Date();
    const service = serviceOutcomes({ observations: decisions.service, answers, cutoff, from: request.firstDay, to: request.lastDay });
    content = { decisions, nps, service, generatedAt: cutoff.toISOString(), requests: decisions.requests + nps.requests };
  } catch (error) {
    output.err(`Cannot read the decisions from DynamoDB at ${where} (table ${tableName}): ${describeError(error)}`);
    return 1;
  }
  try {
    writeFileSync(out, renderReport(content));
  } catch (error) {
    output.err(`Cannot write ${out}: ${describeError(error)}`);
    return 1;
  }
  const kb = Math.round(statSync(out).size / 1024);
  output.out(
    `Wrote ${out} (${kb} KB): ${content.decisions.decisions.toLocaleString('en')} decisions and ${content.nps.overall.n + content.nps.csat.n} survey answers of tenant ${request.tenant}, ` +
      `${request.firstDay} to ${request.lastDay}, from ${content.requests} DynamoDB requests (no scan) in ${Math.round(performance.now() - started)} ms.`,
  );
  return 0;
}

await runAsProgram(import.meta.url, (argv, env, output) => runReport(argv, env, output), USAGE);
