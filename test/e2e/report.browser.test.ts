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
import { generateDecisions, type GeneratedOutcomes, writeDecisions } from '../support/generated-decisions.js';
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
/**
 * The planted effects: raised tickets of tier high replied 30 % faster than held-out ones, no
 * effect in any other tier; everyone else's first reply 25 % slower once the tenant went active
 * (shadow mode before 2026-11-04); some tickets still open, some solved with no reply.
 */
const PLANTED: GeneratedOutcomes = {
  holdout: 0.5,
  raisedFirstReply: { high: 0.7 },
  openShare: 0.05,
  noReplyShare: 0.02,
  activeFrom: '2026-11-04',
  othersAfterActive: 1.25,
  baselineEvery: 11,
};
let records: DecisionRecord[];
let decided: DecisionRecord[];
let file: string;
let thinFile: string;
let printed: string[];

async function report(forTenant: string, out: string, output: { out: (line: string) => void; err: (line: string) => void }) {
  return runReport(
    [
      '--tenant',
      forTenant,
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-14',
      '--out',
      out,
      '--endpoint',
      inject('dynamoDbEndpoint'),
      '--table',
      tableName,
    ],
    {},
    output,
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH`,
    );
  mkdirSync(SHOTS, { recursive: true });
  const client = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(client, tableName);
  await storeTenant(client, tableName, tenant);
  await storeTenant(client, tableName, 'other');
  records = generateDecisions(tenant, 8_000, { from: '2026-11-01', days: 14, shadowEvery: 10, outcomes: PLANTED });
  decided = records.filter((record) => record.status !== 'baseline');
  // Another tenant's decisions on the same days, which the report must not count: too few to conclude from.
  await writeDecisions(client, tableName, [
    ...records,
    ...generateDecisions('other', 300, { from: '2026-11-01', days: 14, seed: 7, outcomes: PLANTED }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  file = join(dir, 'acme.html');
  thinFile = join(dir, 'other.html');
  printed = [];
  const output = { out: (line: string) => printed.push(line), err: (line: string) => printed.push(line) };
  expect(await report(tenant, file, output), printed.join('\n')).toBe(0);
  const thin: string[] = [];
  expect(await report('other', thinFile, { out: (line) => thin.push(line), err: (line) => thin.push(line) }), thin.join('\n')).toBe(0);
}, 180_000);

describe('npm run report', () => {
  it('says what it wrote, how big, and how many requests it made, none a scan', () => {
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(
      new RegExp(
        `^Wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KB\\): ${decided.length.toLocaleString('en')} decisions and 0 survey answers of tenant acme, 2026-11-01 to 2026-11-14, from \\d+ DynamoDB requests \\(no scan\\) in \\d+ ms\\.$`,
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
      // Each customer counts in the tier of their latest decision.
      const latest = new Map<string | undefined, DecisionRecord>();
      for (const record of decided) {
        const seen = latest.get(record.customerKey);
        if (!seen || seen.decidedAt <= record.decidedAt) latest.set(record.customerKey, record);
      }
      const expected = TIERS.map((tier) => {
        const ofTier = decided.filter((record) => record.decision.tier === tier);
        return {
          tier,
          tickets: ofTier.length,
          raised: ofTier.filter((record) => record.decision.uplift > 0 && (record.status === 'applied' || record.status === 'shadow'))
            .length,
          customers: [...latest.values()].filter((record) => record.decision.tier === tier).length,
        };
      });
      expect(await page.locator('body').getAttribute('data-decisions')).toBe(String(decided.length));
      expect(shown).toEqual(expected);
      const shadow = decided.filter((record) => record.decision.mode === 'shadow');
      expect(await page.locator('#shadow').getAttribute('data-shadow')).toBe(String(shadow.length));
      expect(await page.locator('#shadow').getAttribute('data-would-raise')).toBe(
        String(shadow.filter((record) => record.decision.uplift > 0).length),
      );
      const failures = decided.filter((record) => record.decision.providerFailure !== undefined);
      expect(failures.length).toBeGreaterThan(0);
      expect(await page.locator('#provider-failures').getAttribute('data-failed')).toBe(String(failures.length));
      expect(await page.locator('#provider-failures').getAttribute('data-circuit-open')).toBe(
        String(failures.filter((record) => record.decision.providerFailure === 'circuit-open').length),
      );
      expect(await page.locator('svg[aria-label="Decisions per day by outcome"] rect').count()).toBeGreaterThanOrEqual(14);
      await takeScreenshot(page, 'report.png', SHOTS);
      await takeScreenshot(page, 'report-service.png', SHOTS, page.locator('#service'));
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('recovers the planted effect in Chromium: tier high 30 % faster within its interval, no effect in tier top, the cost to everyone else', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`file://${file}`);
      const ratio = async (selector: string) => {
        const row = page.locator(selector);
        return {
          estimate: Number(await row.getAttribute('data-time-ratio')),
          low: Number(await row.getAttribute('data-time-ratio-low')),
          high: Number(await row.getAttribute('data-time-ratio-high')),
          conclusive: await row.getAttribute('data-time-conclusive'),
        };
      };

      const high = await ratio('#service-first-reply tr[data-tier="high"]');
      const top = await ratio('#service-first-reply tr[data-tier="top"]');
      const others = await ratio('#everyone-else-times tr[data-metric="first reply"]');

      expect(high.conclusive).toBe('true');
      expect(high.low).toBeLessThan(0.7);
      expect(high.high).toBeGreaterThan(0.7);
      expect(high.high).toBeLessThan(1);
      expect(top.low).toBeLessThan(1);
      expect(top.high).toBeGreaterThan(1);
      expect(await page.locator('#everyone-else').getAttribute('data-went-active')).toBe('2026-11-04');
      expect(others.low).toBeLessThan(1.25);
      expect(others.high).toBeGreaterThan(1.25);
      expect(await page.locator('#service-first-reply tr[data-tier="high"] td').nth(2).isVisible()).toBe(true);
      expect(await page.locator('#service-first-reply tr[data-tier="high"]').innerText()).toMatch(/clear of zero/);

      await page.goto(`file://${thinFile}`);
      expect(await page.locator('#service-first-reply tr[data-tier="high"]').getAttribute('data-time-conclusive')).toBe('false');
      expect(await page.locator('#service-first-reply tr[data-tier="high"]').innerText()).toMatch(
        /too few to conclude \(\d+(?: and \d+)?, fewer than 30\)/,
      );
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
