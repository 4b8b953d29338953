import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO, type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { runCustomerCommand } from '../../infra/commands/customers.js';
import { SURVEY_SAMPLES } from '../../infra/sandbox/index.js';
import { zendeskPart } from '../../infra/sandbox/zendesk/index.js';
import { takeScreenshot } from '../support/screenshots.js';

/*
 * The console in a real browser: Debian's Chromium (the `chromium` package, which .ci/run
 * installs), driven by playwright-core, which downloads nothing. Screenshots go to a temporary
 * folder, and each page must still show what its committed screenshot in docs/screenshots does;
 * with CONSOLE_SCREENSHOTS set (`npm run screenshots`) they are written there instead.
 */

// The refused ticket below is dead-lettered on purpose, and its ERROR line would read as a failure
// in a passing run: the stack's logs are silenced here (set POWERTOOLS_LOG_LEVEL to see them); what
// the test checks is on the pages, and a failing check prints what it found.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = mkdtempSync(join(tmpdir(), 'console-shots-'));

let stack: LocalStack;
const tableName = `console-${randomUUID().slice(0, 8)}`;
/** Ada's first ticket, which the survey answers and the opt-out below are about. */
let adasTicket = '';
let browser: Browser;
const problems: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${path}: console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${path}: ${response.status()} for ${response.url()}`);
  });
  await page.goto(`${stack.url}${path}`);
  return page;
}

const shot = (page: Page, name: string) => takeScreenshot(page, `${name}.png`, SHOTS);

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH`,
    );
  mkdirSync(SHOTS, { recursive: true });
  stack = await startLocalStack({
    dynamoEndpoint: inject('dynamoDbEndpoint'),
    tableName,
    seedDemo: true,
    autoWebhooks: true,
    queue: { timeScale: 0.05, maxReceiveCount: 3, pollIntervalMs: 5 },
    retryPolicy: { baseDelaySeconds: 1, maxDelaySeconds: 2 },
  });
  // Tickets from each demo customer of the Zendesk demo, and one the helpdesk refuses for good.
  const zendesk = stack.sandbox.part(zendeskPart);
  for (const requesterId of [1001, 1002, 1003, 1004, 1001, 1002]) {
    const ticket = zendesk.createTicket({
      subject: `Question ${requesterId}`,
      description: 'Hello',
      requesterId,
      priority: 'normal',
      tags: ['question'],
    });
    adasTicket ||= String(ticket.id);
  }
  await stack.queue.drained();
  const refused = zendesk.createTicket({
    subject: 'Refund',
    description: 'Please.',
    requesterId: 1001,
    priority: 'low',
    tags: ['billing'],
  });
  zendesk.failNext({ status: 403, count: 1, method: 'PUT', pathPrefix: `/api/v2/tickets/${refused.id}` });
  await stack.queue.drained();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the console, in Chromium', () => {
  it("opens from / and lists the tenant's decisions newest first, with what each decided", async () => {
    const home = await open('/');
    await home.getByRole('link', { name: 'Decisions' }).first().click();
    await home.waitForURL(/\/console\/decisions\/demo/);
    const rows = home.locator('table.decisions tbody tr');
    const times = await home
      .locator('table.decisions tbody time')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));

    expect(await rows.count()).toBeGreaterThanOrEqual(7);
    expect(times).toEqual([...times].sort().reverse());
    expect(await home.locator('table.decisions').textContent()).toMatch(/normal → high/);
    await shot(home, 'decisions');
    expect(problems).toEqual([]);
  });

  it('narrows the list by tier, status and rule through its form', async () => {
    const page = await open(`/console/decisions/${DEMO.tenant}`);
    await page.selectOption('select[name=tier]', 'high');
    await Promise.all([page.waitForURL(/tier=high/), page.getByRole('button', { name: 'Show' }).click()]);
    const tiers = await page.locator('table.decisions tbody td:nth-child(5) .badge').allTextContents();

    await page.selectOption('select[name=tier]', '');
    await page.selectOption('select[name=status]', 'failed');
    await Promise.all([page.waitForURL(/status=failed/), page.getByRole('button', { name: 'Show' }).click()]);
    const failed = await page.locator('table.decisions tbody tr').count();

    await page.selectOption('select[name=status]', '');
    await page.selectOption('select[name=rule]', 'reach-notable');
    await Promise.all([page.waitForURL(/rule=reach-notable/), page.getByRole('button', { name: 'Show' }).click()]);
    const notable = await page.locator('table.decisions tbody td:nth-child(7)').allTextContents();

    expect(tiers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tiers)).toEqual(new Set(['high']));
    expect(failed).toBe(1);
    expect(notable.length).toBeGreaterThanOrEqual(1);
    expect(notable.every((rules) => rules.includes('reach-notable'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it("shows one decision's full explanation: score, rules, guardrails, what was written and the note", async () => {
    const page = await open(`/console/decisions/${DEMO.tenant}?tier=high&status=applied`);
    await page.locator('table.decisions tbody tr a').last().click();
    await page.waitForURL(/\/console\/decisions\/demo\/zendesk%3Aticket-created%3A/);
    const text = (await page.locator('main').textContent()) ?? '';

    expect(text).toContain('Reach 64 (high)');
    expect(text).toContain('reach-high: large engaged audience');
    expect(text).toContain('What was written');
    expect(await page.locator('pre.note').textContent()).toMatch(/^Influence Router: priority raised from normal to high \(\+1\)\./);
    await shot(page, 'decision');
    expect(problems).toEqual([]);
  });

  it('replays the dead-letter queue from the page: the refused event is applied once', async () => {
    const page = await open('/console/queue');
    expect(await page.locator('text=PermanentHelpdeskError').count()).toBeGreaterThanOrEqual(1);
    await shot(page, 'queue');

    await Promise.all([page.waitForURL(/replayed=1/), page.getByRole('button', { name: 'Replay' }).first().click()]);
    await stack.queue.drained();
    await page.reload();

    expect(await page.getByRole('status').textContent()).toContain('Replayed 1 event');
    expect(await page.locator('text=The dead-letter queue is empty.').count()).toBe(1);
    const failedNow = await open(`/console/decisions/${DEMO.tenant}?status=failed`);
    expect(await failedNow.locator('table.decisions tbody tr').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows every tenant and its policy with no secret on the page', async () => {
    const page = await open('/console/tenants');
    const text = (await page.content()) ?? '';
    const tenants = await stack.listTenants();
    const secrets = tenants
      .flatMap((tenant) => JSON.stringify(tenant).match(/"value":"[^"]+"/g) ?? [])
      .map((found) => found.slice('"value":"'.length, -1));

    for (const tenant of tenants) expect(text).toContain(`id="${tenant.id}"`);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    await shot(page, 'tenants');
    expect(problems).toEqual([]);
  });

  it("agrees with itself on a follow-up's priority, links a ticket's decisions, and says what an opt-out redacted", async () => {
    // Arrange: a detractor's answer on Ada's ticket, then her promoter's answer on it (tags only).
    const typeform = SURVEY_SAMPLES.typeform;
    for (const [responseId, score] of [
      ['r-console-1', 2],
      ['r-console-2', 10],
    ] as const) {
      const delivery = typeform?.deliver({ responseId, score, email: 'ada@example.com', ticketId: adasTicket });
      const answer = await fetch(`${stack.url}/webhooks/${DEMO.tenant}/typeform`, {
        method: 'POST',
        headers: delivery?.headers,
        body: delivery?.body,
      });
      expect(answer.status).toBe(202);
      // One at a time: the promoter's answer is decided after the detractor's, as a customer's would be.
      await stack.queue.drained();
    }

    // Act: the promoter's follow-up, then the ticket's own decision through its link.
    const page = await open(
      `/console/decisions/${DEMO.tenant}/${encodeURIComponent(`zendesk:survey-answered:typeform:r-console-2:promoter:${adasTicket}`)}`,
    );
    const priorities = await page.locator('th:text-is("Priority") + td').allTextContents();
    const story = await page.locator('ol.same-ticket li').allTextContents();
    await page.locator('ol.same-ticket').getByRole('link', { name: 'ticket created' }).click();
    await page.waitForURL(/zendesk%3Aticket-created%3A/);
    const readable = await page.locator('th:text-is("Decided") + td time').first();

    // Assert
    expect(priorities.map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
      'not raised by this decision: the ticket stays high (the helpdesk had set normal)',
      'not written: the ticket stays high',
    ]);
    expect(story).toHaveLength(3);
    expect(story.at(-1)).toContain('(this one)');
    expect(await readable.textContent()).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} UTC$/);
    expect(await readable.getAttribute('title')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // Act: Ada opts out; her decision is read again.
    const code = await runCustomerCommand(
      ['opt-out', '--tenant', DEMO.tenant, '--email', 'ada@example.com'],
      {
        DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
        TABLE_NAME: tableName,
        IDENTITY_HASH_KEY: DEMO.identityKey,
      },
      { out: () => undefined, err: () => undefined },
    );
    await page.reload();

    // Assert
    expect(code).toBe(0);
    expect(await page.locator('th:text-is("Score") + td').textContent()).toBe('redacted by the opt-out (the decision used one: tier high)');
    expect(await page.getByRole('note').textContent()).toMatch(/The customer opted out after this decision/);
    expect(await page.locator('main').textContent()).not.toContain('no score');
    expect(problems).toEqual([]);
  });
});
