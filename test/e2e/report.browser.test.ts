import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runReport } from '../../infra/commands/report.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';
import type { DecisionRecord } from '../../shared/domain/decision-record.js';
import { TIERS } from '../../shared/domain/tiers.js';
import { generateDecisions, writeDecisions } from '../support/generated-decisions.js';
import { takeScreenshot } from '../support/screenshots.js';
import { storeTenant } from '../support/dynamodb-table.js';

/*
 * `npm run report` over a generated data set in DynamoDB Local, opened in Debian's Chromium
 * from the file alone: its numbers must be the ones counted from the records written, and it must
 * still show what its committed screenshot does (`npm run screenshots` writes it).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = mkdtempSync(join(tmpdir(), 'report-shots-'));
const tableName = `report-${randomUUID().slice(0, 8)}`;
const tenant = 'acme';
let records: DecisionRecord[];
let file: string;
let printed: string[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH`,
    );
  mkdirSync(SHOTS, { recursive: true });
  const client = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(client, tableName);
  await storeTenant(client, tableName, tenant);
  records = generateDecisions(tenant, 2_000, { from: '2026-11-01', days: 14, shadowEvery: 10 });
  // Another tenant's decisions on the same days, which the report must not count.
  await writeDecisions(client, tableName, [...records, ...generateDecisions('other', 300, { from: '2026-11-01', days: 14, seed: 7 })]);
  file = join(mkdtempSync(join(tmpdir(), 'report-')), 'acme.html');
  printed = [];
  const output = { out: (line: string) => printed.push(line), err: (line: string) => printed.push(line) };
  const code = await runReport(
    [
      '--tenant',
      tenant,
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-14',
      '--out',
      file,
      '--endpoint',
      inject('dynamoDbEndpoint'),
      '--table',
      tableName,
    ],
    {},
    output,
  );
  expect(code, printed.join('\n')).toBe(0);
}, 120_000);

describe('npm run report', () => {
  it('says what it wrote, how big, and how many requests it made, none a scan', () => {
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(
      new RegExp(
        `^Wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KB\\): 2,000 decisions and 0 survey answers of tenant acme, 2026-11-01 to 2026-11-14, from \\d+ DynamoDB requests \\(no scan\\) in \\d+ ms\\.$`,
      ),
    );
  });

  it('opens in Chromium from the file alone, with no error, showing the numbers of the records written', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => problems.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => problems.push(error.message));
      // Any request from the page (a font, a script, a chart library) would be the network.
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
      });
      await page.goto(`file://${file}`);

      const shown = await page.locator('#fairness tbody tr').evaluateAll((rows) =>
        rows.map((row) => ({
          tier: row.getAttribute('data-tier'),
          tickets: Number(row.getAttribute('data-tickets')),
          raised: Number(row.getAttribute('data-raised')),
          customers: Number(row.getAttribute('data-customers')),
        })),
      );
      const expected = TIERS.map((tier) => {
        const ofTier = records.filter((record) => record.decision.tier === tier);
        return {
          tier,
          tickets: ofTier.length,
          raised: ofTier.filter((record) => record.decision.uplift > 0 && (record.status === 'applied' || record.status === 'shadow'))
            .length,
          customers: new Set(ofTier.map((record) => record.customerKey)).size,
        };
      });
      expect(await page.locator('body').getAttribute('data-decisions')).toBe('2000');
      expect(shown).toEqual(expected);
      const shadow = records.filter((record) => record.status === 'shadow');
      expect(await page.locator('#shadow').getAttribute('data-shadow')).toBe(String(shadow.length));
      expect(await page.locator('#shadow').getAttribute('data-would-raise')).toBe(
        String(shadow.filter((record) => record.decision.uplift > 0).length),
      );
      const failures = records.filter((record) => record.decision.providerFailure !== undefined);
      expect(failures.length).toBeGreaterThan(0);
      expect(await page.locator('#provider-failures').getAttribute('data-failed')).toBe(String(failures.length));
      expect(await page.locator('#provider-failures').getAttribute('data-circuit-open')).toBe(
        String(failures.filter((record) => record.decision.providerFailure === 'circuit-open').length),
      );
      expect(await page.locator('svg[aria-label="Decisions per day by outcome"] rect').count()).toBeGreaterThanOrEqual(14);
      await takeScreenshot(page, 'report.png', SHOTS);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('is one file with nothing to fetch: no script, no external link', () => {
    const text = readFileSync(file, 'utf8');

    expect(text).not.toMatch(/<script|<link |src="http|href="http/);
    expect(text).toContain("default-src 'none'");
  });
});
