import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startConsole } from '../../infra/commands/console.js';
import { CONSOLE_READ_OPERATIONS, type ReadOnlyDocumentClient } from '../../infra/console/read-only-client.js';
import type { TableConsole } from '../../infra/console/table-console.js';
import { demoTenants } from '../../infra/sandbox/index.js';
import { PutCommand } from '../../shared/adapters/aws/dynamodb.js';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';

const DEMO_TENANTS = demoTenants('http://127.0.0.1:9');
import { generateDecisions, writeDecisions } from '../support/generated-decisions.js';

/*
 * `npm run console` against a table named by TABLE_NAME at DYNAMODB_ENDPOINT (the test's DynamoDB
 * Local standing for any DynamoDB-compatible endpoint), with no local stack running: its pages load
 * in Chromium, it makes only reads, and it keeps local mode's protections.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const tableName = `console-${randomUUID().slice(0, 8)}`;
const records = generateDecisions('demo', 1_500, {
  from: '2026-11-01',
  days: 14,
  outcomes: { holdout: 0.5, raisedFirstReply: { high: 0.7 }, openShare: 0.05, activeFrom: '2026-11-03', baselineEvery: 13 },
});
let running: { console: TableConsole; client: ReadOnlyDocumentClient };
const printed: string[] = [];

/** A raw GET with a Host header of our choosing (a browser would not send another site's name to 127.0.0.1 without DNS rebinding). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  const client = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(client, tableName);
  await writeDecisions(client, tableName, records);
  const tenantsFile = join(mkdtempSync(join(tmpdir(), 'console-tenants-')), 'tenants.json');
  writeFileSync(tenantsFile, JSON.stringify({ tenants: DEMO_TENANTS }));
  const started = await startConsole(
    ['--port', '0', '--tenants', tenantsFile],
    { DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'), TABLE_NAME: tableName },
    { out: (line) => printed.push(line), err: (line) => printed.push(line) },
  );
  if ('code' in started) throw new Error(`the console did not start (${started.code}): ${printed.join('\n')}`);
  running = started;
}, 120_000);

afterAll(async () => {
  await running?.console.close();
});

describe('npm run console against a table with no local stack', () => {
  it('says where it reads and that it is read-only', () => {
    expect(printed[0]).toMatch(
      new RegExp(
        `^Console on http://127\\.0\\.0\\.1:\\d+/console: table ${tableName} at http://.+, ${DEMO_TENANTS.length} tenants from .+; read-only, no queues`,
      ),
    );
  });

  it('loads its pages in Chromium: the list, one decision, the report with service times; each with its CSP, no error', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => problems.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => problems.push(error.message));
      const base = running.console.url;

      const home = await page.goto(`${base}/console`);
      expect(home?.headers()['content-security-policy']).toContain("default-src 'none'");
      expect(await page.locator('main').innerText()).toContain(`Table ${tableName}`);

      await page.goto(`${base}/console/decisions/demo?from=2026-11-01&to=2026-11-14&limit=50`);
      expect(await page.locator('table.decisions tbody tr').count()).toBe(50);
      await page.locator('table.decisions tbody tr a').first().click();
      expect(await page.locator('h2', { hasText: 'Why' }).count()).toBe(1);

      const report = await page.goto(`${base}/console/report/demo?from=2026-11-01&to=2026-11-14`);
      expect(report?.status()).toBe(200);
      expect(await page.locator('#service-first-reply tr[data-tier="high"]').getAttribute('data-time-conclusive')).toBe('true');
      expect(await page.locator('#everyone-else').getAttribute('data-went-active')).toBe('2026-11-03');
      expect(await page.locator('#nps-by-tier').innerText()).toContain('too few to conclude (0, fewer than 30)');

      expect((await page.goto(`${base}/console/tenants`))?.status()).toBe(200);
      expect((await page.goto(`${base}/console/queue`))?.status()).toBe(404);
      expect(problems.filter((problem) => !problem.includes('404'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('made only the reads its least permissions allow, and refuses a replay, another Host, and a write', async () => {
    const base = running.console.url;
    const replay = await fetch(`${base}/console/queue/replay`, { method: 'POST', redirect: 'manual' });

    expect([...running.client.operations].every((operation) => (CONSOLE_READ_OPERATIONS as readonly string[]).includes(operation))).toBe(
      true,
    );
    expect(running.client.operations.has('Query')).toBe(true);
    expect(replay.status).toBe(403);
    expect(await getWithHost(`${base}/console`, 'evil.example')).toBe(421);
    await expect(running.client.send(new PutCommand({ TableName: tableName, Item: { pk: 'x', sk: 'y' } }))).rejects.toThrow(
      'the console reads only (GetItem, Query); it refused PutItem',
    );
  });
});
