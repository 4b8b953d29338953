/**
 * NPS and CSAT of one tenant over a period, overall and by influence tier, from the survey
 * answer index (one Query per day, never a scan).
 *
 *   npm run nps -- --tenant demo --from 2026-11-01 --to 2026-11-30 [--json]
 *                  [--endpoint http://127.0.0.1:8000] [--table influence-router-local]
 *
 * Days are UTC; `--to` is inclusive (the whole day). A group of fewer than 30 answers is shown
 * as too few to conclude rather than as a number.
 * Environment: DYNAMODB_ENDPOINT (a DynamoDB endpoint); without it, AWS when AWS_REGION is set,
 * else the DynamoDB Local that `npm start` runs on 127.0.0.1:8000. TABLE_NAME (default influence-router-local).
 * Exit codes: 0 when the report was printed, 1 when DynamoDB could not be read, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { DynamoSurveyAnswerIndex } from '../../shared/adapters/store/survey-index.js';
import { csatFigure, npsFigure } from '../../shared/domain/nps-stats.js';
import { TIERS } from '../../shared/domain/tiers.js';
import { type NpsReport, npsReport } from '../../shared/use-cases/reporting/nps-report.js';
import { dynamoClientFor, dynamoTarget, localTableName } from '../local/dynamodb-target.js';
import { type CliOutput, describeError, runAsProgram, usageMistake } from './cli.js';
import { checkTenant } from './tenant-check.js';
import { TENANT_PERIOD_OPTIONS, tenantPeriod } from './day-period.js';

const USAGE = [
  'usage: npm run nps -- --tenant <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--endpoint <url>] [--table <name>]',
  '       Days are UTC and both included; --to defaults to today, --from to 29 days before --to',
  '       (30 days). --json prints the report as JSON.',
  '',
  'Example:',
  '  npm run nps -- --tenant demo --from 2026-11-01 --to 2026-11-30',
].join('\n');

/** Rows of cells as aligned text: the first column left-aligned, the others right-aligned, the last as it is. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => {
        if (column === row.length - 1) return cell;
        const width = widths[column] ?? 0;
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The report as an operator reads it: an NPS table and a CSAT table with a row per tier, and
 * what reading it took.
 *
 * @example formatNpsReport(report, { from: '2026-11-01', to: '2026-11-30' }).at(-1) // 'Read 30 day partitions with 30 DynamoDB requests in 12 ms (no scan).'
 */
export function formatNpsReport(report: NpsReport, days: { from: string; to: string }): string[] {
  const npsRows = [
    ['NPS', 'n', 'promoters', 'passives', 'detractors', `NPS ± 95 % margin`],
    ...[['all', report.overall] as const, ...TIERS.map((tier) => [tier, report.byTier[tier]] as const)].map(([label, s]) => [
      label,
      String(s.n),
      String(s.promoters),
      String(s.passives),
      String(s.detractors),
      npsFigure(s),
    ]),
  ];
  const csatRows = [
    ['CSAT', 'n', 'satisfied', `CSAT ± 95 % margin`],
    ...[['all', report.csat] as const, ...TIERS.map((tier) => [tier, report.csatByTier[tier]] as const)].map(([label, s]) => [
      label,
      String(s.n),
      String(s.satisfied),
      csatFigure(s),
    ]),
  ];
  return [
    `Survey answers of tenant ${report.tenant}, ${days.from} to ${days.to} (UTC days, both included), by influence tier:`,
    '',
    ...table(npsRows),
    '',
    ...table(csatRows),
    '',
    `Read ${report.partitions} day partitions with ${report.requests} DynamoDB requests in ${report.durationMs} ms (no scan).`,
  ];
}

/**
 * Runs the report command and returns its exit code.
 *
 * @example process.exitCode = await runNpsReport(['--tenant', 'demo', '--from', '2026-11-01', '--to', '2026-11-30'], process.env, console);
 */
export async function runNpsReport(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput): Promise<number> {
  let values;
  let request;
  let days;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...TENANT_PERIOD_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
    if (values.help) {
      output.out(USAGE);
      return 0;
    }
    const { tenant, from, to, firstDay, lastDay } = tenantPeriod(values, new Date());
    request = { tenant, from, to };
    days = { from: firstDay, to: lastDay };
  } catch (error) {
    output.err(usageMistake(error, 'nps'));
    return 2;
  }

  const target = dynamoTarget(values.endpoint, env);
  const tableName = localTableName(values.table, env);
  const where = 'endpoint' in target ? target.endpoint : `AWS ${target.region}`;
  const client = dynamoClientFor(target);
  try {
    // No createTable, unlike the import: a report reads, and a table name that is wrong should
    // say so, not be created and reported empty.
    const known = await checkTenant({ client, tableName, target }, request.tenant, 'nps');
    if (!known.ok) {
      output.err(known.message);
      return 2;
    }
    const index = new DynamoSurveyAnswerIndex(client, tableName);
    const report = await npsReport(request, { index });
    if (values.json) output.out(JSON.stringify(report, null, 2));
    else for (const line of formatNpsReport(report, days)) output.out(line);
    return 0;
  } catch (error) {
    output.err(`Cannot read the survey answers from DynamoDB at ${where} (table ${tableName}): ${describeError(error)}`);
    return 1;
  }
}

await runAsProgram(import.meta.url, (argv, env, output) => runNpsReport(argv, env, output));
