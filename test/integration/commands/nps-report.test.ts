import { describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import { DynamoSurveyAnswerIndex } from '../../../shared/adapters/store/survey-index.js';
import type { IndexedAnswer } from '../../../shared/domain/survey-answers.js';
import type { Tier } from '../../../shared/domain/tiers.js';
import { runNpsReport } from '../../../infra/commands/nps-report.js';
import { newTenant, storeTenant, useTestTable } from '../../support/dynamodb-table.js';

const table = useTestTable('nps-report');

/** Captures what a command prints. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

let sequence = 0;
function answer(tenant: string, tier: Tier, score: number, answeredAt: string, kind: 'nps' | 'csat' = 'nps', scale = 10): IndexedAnswer {
  sequence += 1;
  return {
    tenant,
    responseId: `r-${sequence}`,
    source: kind === 'nps' ? 'typeform' : 'zendesk-csat',
    answeredAt,
    kind,
    score,
    scale,
    tier,
  };
}

/**
 * 40 high-tier NPS answers over November (20 promoters, 10 passives, 10 detractors: NPS 25,
 * SE = √((0.75 − 0.0625) / 40) × 100 = 13.1, MoE 25.7), 3 top-tier NPS answers, 30 CSAT answers
 * (24 satisfied: 80 %, MoE 1.96 × √(0.8 × 0.2 / 30) × 100 = 14.3), and answers outside the period.
 */
async function seed(tenant: string): Promise<void> {
  await storeTenant(table.client(), table.tableName, tenant);
  const index = new DynamoSurveyAnswerIndex(table.client(), table.tableName);
  const answers: IndexedAnswer[] = [];
  for (let i = 0; i < 40; i += 1) {
    const day = String(1 + (i % 30)).padStart(2, '0');
    answers.push(answer(tenant, 'high', i < 20 ? 10 : i < 30 ? 7 : 2, `2026-11-${day}T12:00:00Z`));
  }
  answers.push(
    answer(tenant, 'top', 9, '2026-11-30T23:59:59Z'),
    answer(tenant, 'top', 9, '2026-11-01T00:00:00Z'),
    answer(tenant, 'top', 0, '2026-11-15T00:00:00Z'),
  );
  for (let i = 0; i < 30; i += 1) answers.push(answer(tenant, 'none', i < 24 ? 2 : 1, '2026-11-20T09:00:00Z', 'csat', 2));
  // Outside [2026-11-01, 2026-12-01): never counted.
  answers.push(answer(tenant, 'top', 0, '2026-10-31T23:59:59Z'), answer(tenant, 'top', 0, '2026-12-01T00:00:00Z'));
  await Promise.all(answers.map((a) => index.put(a)));
}

const args = (tenant: string, ...extra: string[]) => [
  '--tenant',
  tenant,
  '--from',
  '2026-11-01',
  '--to',
  '2026-11-30',
  '--endpoint',
  inject('dynamoDbEndpoint'),
  '--table',
  table.tableName,
  ...extra,
];

describe('npm run nps', () => {
  it('prints NPS and CSAT by tier, with too few answers called so, and what the read took', async () => {
    // Arrange
    const tenant = newTenant();
    await seed(tenant);
    const { out, err, output } = capture();

    // Act
    const code = await runNpsReport(args(tenant), {}, output);

    // Assert
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out[0]).toBe(`Survey answers of tenant ${tenant}, 2026-11-01 to 2026-11-30 (UTC days, both included), by influence tier:`);
    const row = (label: string, from = 0) =>
      out
        .slice(from)
        .find((line) => line.startsWith(`${label} `))
        ?.split(/\s{2,}/);
    expect(row('all')).toEqual(['all', '43', '22', '10', '11', '+25.6 ± 25.0']);
    expect(row('high')).toEqual(['high', '40', '20', '10', '10', '+25.0 ± 25.7']);
    expect(row('top')).toEqual(['top', '3', '2', '0', '1', 'too few to conclude (3, fewer than 30)']);
    expect(row('none')).toEqual(['none', '0', '0', '0', '0', 'too few to conclude (0, fewer than 30)']);
    const csatStart = out.findIndex((line) => line.startsWith('CSAT'));
    expect(row('all', csatStart)).toEqual(['all', '30', '24', '80.0 % ± 14.3']);
    expect(row('none', csatStart)).toEqual(['none', '30', '24', '80.0 % ± 14.3']);
    expect(row('top', csatStart)).toEqual(['top', '0', '0', 'too few to conclude (0, fewer than 30)']);
    expect(out.at(-1)).toMatch(/^Read 30 day partitions with 30 DynamoDB requests in \d+ ms \(no scan\)\.$/);
  });

  it('prints the report as JSON with --json', async () => {
    // Arrange
    const tenant = newTenant();
    await seed(tenant);
    const { out, output } = capture();

    // Act
    const code = await runNpsReport(args(tenant, '--json'), {}, output);

    // Assert
    expect(code).toBe(0);
    const report = z
      .object({
        tenant: z.string(),
        from: z.string(),
        to: z.string(),
        overall: z.object({ n: z.number(), nps: z.number() }),
        byTier: z.record(z.string(), z.object({ n: z.number() })),
        csat: z.object({ n: z.number(), csat: z.number() }),
        csatByTier: z.record(z.string(), z.object({ n: z.number() })),
        partitions: z.number(),
        requests: z.number(),
      })
      .parse(JSON.parse(out.join('\n')));
    expect(report).toMatchObject({
      tenant,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      partitions: 30,
      requests: 30,
    });
    expect(report.overall.n).toBe(43);
    expect(Object.keys(report.byTier)).toEqual(['none', 'standard', 'notable', 'high', 'top']);
    expect(report.csat).toMatchObject({ n: 30, csat: 80 });
  });

  it('reads the table named by TABLE_NAME and the endpoint named by DYNAMODB_ENDPOINT', async () => {
    const tenant = newTenant();
    await seed(tenant);
    const { out, output } = capture();

    const code = await runNpsReport(
      ['--tenant', tenant, '--from', '2026-11-30', '--to', '2026-11-30'],
      { DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'), TABLE_NAME: table.tableName },
      output,
    );

    expect(code).toBe(0);
    expect(out.find((line) => line.startsWith('top '))).toContain(' 1 ');
    expect(out.at(-1)).toMatch(/^Read 1 day partitions with 1 DynamoDB requests in \d+ ms \(no scan\)\.$/);
  });

  it('prints its usage and exits 0 with --help', async () => {
    const { out, output } = capture();

    expect(await runNpsReport(['--help'], {}, output)).toBe(0);
    expect(out.join('\n')).toContain('usage: npm run nps -- --tenant <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD]');
  });

  it('reads the last 30 days, today included, without --from and --to; 30 days up to --to with --to alone', async () => {
    const tenant = newTenant();
    await seed(tenant);
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const { out, output } = capture();

    expect(await runNpsReport(['--tenant', tenant, '--endpoint', inject('dynamoDbEndpoint'), '--table', table.tableName], {}, output)).toBe(
      0,
    );
    expect(
      await runNpsReport(
        ['--tenant', tenant, '--to', '2026-11-30', '--endpoint', inject('dynamoDbEndpoint'), '--table', table.tableName],
        {},
        output,
      ),
    ).toBe(0);

    const headers = out.filter((line) => line.startsWith('Survey answers'));
    expect(headers).toEqual([
      `Survey answers of tenant ${tenant}, ${monthAgo} to ${today} (UTC days, both included), by influence tier:`,
      `Survey answers of tenant ${tenant}, 2026-11-01 to 2026-11-30 (UTC days, both included), by influence tier:`,
    ]);
    expect(out.filter((line) => line.startsWith('Read ')).map((line) => line.replace(/in \d+ ms/, 'in N ms'))).toEqual([
      'Read 30 day partitions with 30 DynamoDB requests in N ms (no scan).',
      'Read 30 day partitions with 30 DynamoDB requests in N ms (no scan).',
    ]);
    // The seeded November answers are all found in the 30 days up to the 30th.
    const second = out.slice(out.indexOf(headers[1] ?? ''));
    expect(
      second
        .find((line) => line.startsWith('all '))
        ?.split(/\s{2,}/)
        .slice(0, 2),
    ).toEqual(['all', '43']);
  });

  it.each([
    [['--from', '2026-11-01', '--to', '2026-11-30'], '--tenant is required'],
    [['--tenant', 'Not A Tenant', '--from', '2026-11-01', '--to', '2026-11-30'], '--tenant:'],
    [['--tenant', 'acme', '--from', '2026-12-31', '--to', '2026-11-30'], '--to must not be before --from'],
    [['--tenant', 'acme', '--from', '01/11/2026', '--to', '2026-11-30'], '--from must be a day as YYYY-MM-DD'],
    [['--tenant', 'acme', '--from', '2026-11-01', '--to', '2026-02-30'], '--to must be a day as YYYY-MM-DD'],
    [['--tenant', 'acme', '--from', '2026-11-02', '--to', '2026-11-01'], '--to must not be before --from'],
    [['--tenant', 'acme', '--from', '2025-01-01', '--to', '2026-02-05'], '--from/--to: the period is 401 days; at most 400 days'],
    [['--tenant', 'acme', '--from', '2026-11-01', '--to', '2026-11-30', '--since', 'x'], "'--since'"],
  ])('exits 2 naming the option for %j', async (argv, message) => {
    const { err, output } = capture();

    expect(await runNpsReport(argv, {}, output)).toBe(2);
    expect(err.join('\n')).toContain(message);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/ \(see npm run nps -- --help\)$/);
  });

  it('accepts a period of exactly 400 days', async () => {
    const { out, output } = capture();
    const tenant = newTenant();
    await storeTenant(table.client(), table.tableName, tenant);

    const code = await runNpsReport(
      [
        '--tenant',
        tenant,
        '--from',
        '2025-01-01',
        '--to',
        '2026-02-04',
        '--endpoint',
        inject('dynamoDbEndpoint'),
        '--table',
        table.tableName,
      ],
      {},
      output,
    );

    expect(code).toBe(0);
    expect(out.at(-1)).toMatch(/^Read 400 day partitions with 400 DynamoDB requests/);
  });

  it('exits 1 naming DynamoDB and where it looked when the table cannot be reached', async () => {
    // Arrange: nothing listens on port 9 of loopback.
    const { err, output } = capture();

    // Act
    const code = await runNpsReport(
      ['--tenant', 'acme', '--from', '2026-11-01', '--to', '2026-11-01', '--endpoint', 'http://127.0.0.1:9', '--table', 'nowhere'],
      {},
      output,
    );

    // Assert
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('Cannot read the survey answers from DynamoDB at http://127.0.0.1:9 (table nowhere)');
  });

  it('exits 1 naming the table when it does not exist, instead of creating it', async () => {
    const { err, output } = capture();

    const code = await runNpsReport(
      [
        '--tenant',
        'acme',
        '--from',
        '2026-11-01',
        '--to',
        '2026-11-01',
        '--endpoint',
        inject('dynamoDbEndpoint'),
        '--table',
        'no-such-table',
      ],
      {},
      output,
    );

    expect(code).toBe(1);
    expect(err.join('\n')).toContain(`DynamoDB at ${inject('dynamoDbEndpoint')} (table no-such-table)`);
    expect(err.join('\n')).toContain('ResourceNotFoundException');
  });
});
