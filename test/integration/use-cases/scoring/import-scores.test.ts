import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentClient } from '../../../../shared/adapters/aws/dynamodb.js';
import { ScanCommand } from '../../../../shared/adapters/aws/dynamodb.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runImportScores } from '../../../../infra/commands/import-scores.js';
import { hmacIdentityHashers } from '../../../../shared/adapters/identity/hmac-identity-hasher.js';
import { readCsvRows } from '../../../../shared/adapters/import/csv-reader.js';
import { readImportFile } from '../../../../shared/adapters/import/import-file.js';
import { DynamoCustomerStore } from '../../../../shared/adapters/store/customer-store.js';
import { createDocumentClient } from '../../../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../../../shared/adapters/store/table.js';
import type { CustomerProfile, Identity } from '../../../../shared/domain/customer.js';
import { type ImportRow, importScores, scoreColumnsCheck } from '../../../../shared/use-cases/scoring/import-scores.js';
import { helpdeskUserIdFields } from '../../../../shared/adapters/registry/identities.js';
import { storeTenant } from '../../../support/dynamodb-table.js';

const userIdColumns = helpdeskUserIdFields('zendesk');
const checkScoreColumns = scoreColumnsCheck(userIdColumns);

const SECRET = 'integration-test-identity-key-0123456789';
const hasherFor = hmacIdentityHashers(SECRET);
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/scores/${name}`, import.meta.url));
const now = new Date('2026-11-23T09:30:00.000Z');
const tableName = `import-${randomUUID()}`;
let dynamo: DocumentClient;

beforeAll(async () => {
  dynamo = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
  await createTable(dynamo, tableName);
});

function store() {
  return new DynamoCustomerStore(dynamo, tableName, hasherFor);
}

/** Each test gets its own tenant, so their customers never meet. */
function newTenant(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

async function tenantItems(tenant: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': `T#${tenant}#` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
}

const csvRows = () => readCsvRows(createReadStream(fixture('scores.csv')), { validateHeader: checkScoreColumns });
const email = (value: string): Identity => ({ kind: 'email', value });
const zendeskUser = (id: string): Identity => ({ kind: 'helpdesk-user', value: `zendesk:${id}` });

describe('importScores', () => {
  it('imports the good rows of a CSV file and reports each bad row by line and reason', async () => {
    // Arrange
    const tenant = newTenant();

    // Act
    const result = await importScores({ tenant, rows: csvRows(), now, sourceName: 'scores.csv', userIdColumns }, { store: store() });

    // Assert
    expect(result.imported).toBe(4);
    expect(result.rejected).toEqual([
      { line: 4, reason: 'email is not a valid email address' },
      { line: 5, reason: 'score must be from 1 to 100' },
      { line: 6, reason: 'score must be a whole number from 1 to 100' },
      { line: 7, reason: 'row needs one of email, external_id, zendesk_user_id, freshdesk_user_id, generic_user_id, helpdesk_user_id' },
      { line: 8, reason: 'row gives email and zendesk_user_id: use one identity per row' },
      { line: 10, reason: 'score must be a whole number from 1 to 100' },
      { line: 11, reason: 'expected 3 fields as in the header, found 4' },
      { line: 13, reason: 'score is missing' },
      { line: 14, reason: 'score must be from 1 to 100' },
    ]);
    expect(JSON.stringify(result.rejected)).not.toContain('@');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const ada = await store().findCustomer(tenant, [email('ada@example.com')]);
    expect(ada?.score).toEqual({
      value: 74,
      source: 'import',
      modelVersion: 'import-1',
      scoredAt: '2026-11-23T09:30:00.000Z',
      refreshAfter: '2026-11-30T09:30:00.000Z',
      components: {},
      inputs: {},
      explanation: 'Imported score 74 from scores.csv (2026-11-23).',
    });
    expect(ada?.identities.emailHashes).toEqual([hasherFor(tenant).hash(email('ada@example.com'))]);
    expect((await store().findCustomer(tenant, [zendeskUser('1001')]))?.score?.value).toBe(55);
    expect((await store().findCustomer(tenant, [email('carol@example.com')]))?.score?.value).toBe(88);
    expect(await tenantItems(tenant)).toHaveLength(3);
  });

  it('imports rows named by external_id from CSV and JSON Lines, held only as a keyed hash that finds the customer', async () => {
    // Arrange
    const tenant = newTenant();
    const folder = mkdtempSync(join(tmpdir(), 'import-external-'));
    const csv = join(folder, 'crm.csv');
    writeFileSync(csv, 'external_id,email,score\ncrm-42,,72\n CRM-43 ,,40\ncrm-44,dora@example.com,50\n');
    const jsonl = join(folder, 'crm.jsonl');
    writeFileSync(jsonl, '{"external_id": 4711, "score": 66}\n{"external_id": "", "score": 10}\n');

    // Act
    const fromCsv = await importScores(
      { tenant, rows: readImportFile(csv, { validateHeader: checkScoreColumns }), now, sourceName: 'crm.csv', userIdColumns },
      { store: store() },
    );
    const fromJsonl = await importScores(
      { tenant, rows: readImportFile(jsonl), now, sourceName: 'crm.jsonl', userIdColumns },
      { store: store() },
    );

    // Assert
    expect(fromCsv.imported).toBe(2);
    expect(fromCsv.rejected).toEqual([{ line: 4, reason: 'row gives email and external_id: use one identity per row' }]);
    expect(fromJsonl.imported).toBe(1);
    expect(fromJsonl.rejected).toEqual([{ line: 2, reason: expect.stringContaining('row needs one of email, external_id') }]);
    const external = (value: string): Identity => ({ kind: 'external-id', value });
    expect((await store().findCustomer(tenant, [external('crm-42')]))?.score?.value).toBe(72);
    // Compared as sent, trimmed: ids of some systems differ by case alone.
    expect((await store().findCustomer(tenant, [external('CRM-43')]))?.score?.value).toBe(40);
    expect(await store().findCustomer(tenant, [external('crm-43')])).toBeUndefined();
    expect((await store().findCustomer(tenant, [external('4711')]))?.identities.externalIdHashes).toEqual([
      hasherFor(tenant).hash(external('4711')),
    ]);
    expect(JSON.stringify(await tenantItems(tenant))).not.toMatch(/crm-4|4711/i);
  });

  it('leaves the same items when the same file is imported again', async () => {
    // Arrange
    const tenant = newTenant();
    await importScores({ tenant, rows: csvRows(), now, sourceName: 'scores.csv', userIdColumns }, { store: store() });
    const before = await tenantItems(tenant);

    // Act
    const again = await importScores({ tenant, rows: csvRows(), now, sourceName: 'scores.csv', userIdColumns }, { store: store() });

    // Assert
    expect(again.imported).toBe(4);
    expect(await tenantItems(tenant)).toEqual(before);
  });

  it('keeps override, NPS and identities, and scores the customer an alias points to', async () => {
    // Arrange: a customer first seen by Zendesk user id, later linked to an email
    const tenant = newTenant();
    const userId = zendeskUser('42');
    const byEmail = email('vip@example.com');
    const existing: CustomerProfile = {
      tenant,
      customerKey: hasherFor(tenant).hash(userId),
      identities: { helpdeskUserIds: ['zendesk:42'], emailHashes: [], handles: [{ network: 'twitter', handle: 'ada' }] },
      optedOut: false,
      override: { kind: 'never', reason: 'Asked not to be prioritised' },
      latestNps: { score: 9, category: 'promoter', answeredAt: '2026-11-10T00:00:00.000Z', responseId: 'r-9' },
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-11-10T00:00:00.000Z',
    };
    await store().saveCustomer(existing, [userId, byEmail]);
    async function* rows(): AsyncGenerator<ImportRow> {
      yield { line: 2, fields: { email: 'VIP@example.com', score: '91' } };
    }

    // Act
    const result = await importScores({ tenant, rows: rows(), now, sourceName: 'vip.csv', userIdColumns }, { store: store() });

    // Assert
    expect(result).toMatchObject({ imported: 1, rejected: [] });
    const found = await store().findCustomer(tenant, [userId]);
    expect(found).toEqual({
      ...existing,
      identities: { ...existing.identities, emailHashes: [hasherFor(tenant).hash(byEmail)] },
      score: expect.objectContaining({ value: 91, source: 'import', explanation: 'Imported score 91 from vip.csv (2026-11-23).' }),
      updatedAt: now.toISOString(),
    });
    // Still one profile and one alias: the email did not become a second customer.
    expect((await tenantItems(tenant)).map((item) => item.sk).sort()).toEqual(['ALIAS', 'PROFILE']);
  });

  it('never scores a customer who opted out, and reports their rows', async () => {
    // Arrange
    const tenant = newTenant();
    const byEmail = email('opted.out@example.com');
    const optedOut: CustomerProfile = {
      tenant,
      customerKey: hasherFor(tenant).hash(byEmail),
      identities: { helpdeskUserIds: [], emailHashes: [hasherFor(tenant).hash(byEmail)], handles: [] },
      optedOut: true,
      optedOutAt: '2026-11-01T00:00:00.000Z',
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    };
    await store().saveCustomer(optedOut, [byEmail]);
    async function* rows(): AsyncGenerator<ImportRow> {
      yield { line: 2, fields: { email: 'someone.else@example.com', score: '50' } };
      yield { line: 3, fields: { email: 'Opted.Out@example.com', score: '91' } };
    }

    // Act
    const result = await importScores({ tenant, rows: rows(), now, sourceName: 'all.csv', userIdColumns }, { store: store() });

    // Assert
    expect(result).toMatchObject({ imported: 1, rejected: [{ line: 3, reason: 'the customer opted out of influence scoring' }] });
    const found = await store().findCustomer(tenant, [byEmail]);
    expect(found?.score).toBeUndefined();
    expect(found?.optedOut).toBe(true);
  });

  it('imports JSON Lines the same way', async () => {
    // Arrange
    const tenant = newTenant();

    // Act
    const result = await importScores(
      { tenant, rows: readImportFile(fixture('scores.jsonl')), now, sourceName: 'scores.jsonl', userIdColumns },
      { store: store() },
    );

    // Assert
    expect(result.imported).toBe(3);
    expect(result.rejected).toEqual([
      { line: 4, reason: 'score must be from 1 to 100' },
      { line: 5, reason: 'not valid JSON' },
    ]);
    expect((await store().findCustomer(tenant, [zendeskUser('1001')]))?.score?.value).toBe(55);
    expect((await store().findCustomer(tenant, [zendeskUser('1002')]))?.score?.value).toBe(61);
  });

  it('stores thousands of rows across windows and batches, the last row of a customer winning', async () => {
    // Arrange
    const tenant = newTenant();
    const count = 2600;
    async function* rows(): AsyncGenerator<ImportRow> {
      for (let i = 0; i < count; i += 1) yield { line: i + 2, fields: { email: `user${i}@example.com`, score: String((i % 100) + 1) } };
      yield { line: count + 2, fields: { email: 'user7@example.com', score: '99' } };
    }
    const progress: number[] = [];

    // Act
    const result = await importScores(
      { tenant, rows: rows(), now, sourceName: 'big.csv', userIdColumns },
      { store: store(), windowSize: 1000, onProgress: (n) => progress.push(n) },
    );

    // Assert
    expect(result).toMatchObject({ imported: count + 1, rejected: [] });
    expect(progress).toEqual([1000, 2000, 2601]);
    expect(await tenantItems(tenant)).toHaveLength(count);
    expect((await store().findCustomer(tenant, [email('user7@example.com')]))?.score?.value).toBe(99);
    expect((await store().findCustomer(tenant, [email('user2599@example.com')]))?.score?.value).toBe(100);
  });
});

/** The import command, with its tenant stored first, as `npm start` or `npm run tenants` would have. */
async function importFor(...args: Parameters<typeof runImportScores>): Promise<number> {
  const [argv] = args;
  const tenant = argv[argv.indexOf('--tenant') + 1];
  if (argv.includes('--tenant') && tenant && /^[a-z0-9-]+$/.test(tenant)) await storeTenant(dynamo, tableName, tenant);
  return runImportScores(...args);
}

describe('scores:import command', () => {
  const env = () => ({ DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'), TABLE_NAME: tableName, IDENTITY_HASH_KEY: SECRET });
  const capture = () => {
    const lines: { out: string[]; err: string[]; progress: string[] } = { out: [], err: [], progress: [] };
    return {
      lines,
      output: { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) },
      terminal: {
        out: (line: string) => lines.out.push(line),
        err: (line: string) => lines.err.push(line),
        progress: (line: string) => lines.progress.push(line),
      },
    };
  };

  it('prints the summary and the rejected rows, and exits 0', async () => {
    // Arrange
    const tenant = newTenant();
    const { lines, output } = capture();

    // Act
    const code = await importFor(['--tenant', tenant, '--file', fixture('scores.csv')], env(), output, now);

    // Assert
    expect(code).toBe(0);
    const summary = `Imported 4 rows for tenant ${tenant} from scores.csv into ${tableName} (${env().DYNAMODB_ENDPOINT}) in # ms; rejected 9.`;
    expect(lines.out[0]?.replace(/ in \d+ ms;/, ' in # ms;')).toBe(summary);
    expect(lines.out[1]).toBe('  rejected, by reason:');
    expect(lines.out).toContainEqual(expect.stringMatching(/^ +\d+ {2}email is not a valid email address \(lines? 4[,)]/));
    const listed = lines.out.at(-1) ?? '';
    expect(listed).toMatch(/^ {2}every rejected row: .*scores\.csv\.rejected-.*\.csv$/);
    const file = readFileSync(listed.replace('  every rejected row: ', ''), 'utf8').trim().split('\n');
    expect(file[0]).toBe('line,reason');
    expect(file).toContain('4,"email is not a valid email address"');
    expect(file).toHaveLength(10);
    expect((await store().findCustomer(tenant, [email('ada@example.com')]))?.score?.value).toBe(74);
  });

  it('shows rows written, rate and time left on a terminal (nothing on a pipe), sums up rejected rows by reason, and lists all when asked', async () => {
    // Arrange: 12,000 good rows and 30 bad ones.
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    const file = join(dir, 'big.csv');
    const rows = ['email,score'];
    for (let i = 0; i < 12_000; i += 1) rows.push(`user${i}@example.com,${(i % 100) + 1}`);
    for (let i = 0; i < 30; i += 1) rows.push(`bad${i}@example.com,500`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const onTerminal = capture();
    const piped = capture();

    // Act
    await importFor(['--tenant', newTenant(), '--file', file], env(), onTerminal.terminal, now);
    await importFor(['--tenant', newTenant(), '--file', file, '--all-rejected'], env(), piped.output, now);

    // Assert
    expect(onTerminal.lines.progress).toContainEqual(
      expect.stringMatching(/^ {2}[\d,]+ of about 12,030 rows written, [\d,]+ rows\/s, about \d+ s left$/),
    );
    expect(onTerminal.lines.progress.at(-1)).toBe('');
    expect(onTerminal.lines.out.filter((line) => line.startsWith('  line '))).toHaveLength(0);
    expect(onTerminal.lines.out).toContainEqual(expect.stringMatching(/^ +30 {2}.+ \(lines 12002, 12003, 12004, 12005, 12006, \.\.\.\)$/));
    expect(piped.lines.err.filter((line) => /rows written/.test(line))).toEqual([]);
    expect(piped.lines.out.filter((line) => line.startsWith('  line '))).toHaveLength(30);
    // Two imports of 12,030 rows: a workload, not a timing; give it room on a busy machine.
  }, 120_000);

  it.each([
    ['a missing file', 'does-not-exist.csv', /Cannot import .*does-not-exist\.csv: cannot read .* \(ENOENT\)/],
    ['a header without a score column', 'no-score-column.csv', /the header row \(line 1\) needs a "score" column and one of email/],
  ])('exits 1 for %s', async (_, name, message) => {
    const { lines, output } = capture();

    const code = await importFor(['--tenant', newTenant(), '--file', fixture(name)], env(), output, now);

    expect(code).toBe(1);
    expect(lines.err.join('\n')).toMatch(message);
  });

  it('exits 2 on bad arguments and warns when the development key is used', async () => {
    const bad = capture();
    const devKey = capture();

    const badCode = await importFor(['--tenant', 'Not#Valid', '--file', fixture('scores.csv')], env(), bad.output, now);
    const devCode = await importFor(
      ['--tenant', newTenant(), '--file', fixture('scores.jsonl'), '--table', tableName],
      { DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint') },
      devKey.output,
      now,
    );

    expect(badCode).toBe(2);
    expect(bad.lines.err[0]).toContain('--tenant Not#Valid: tenant ids are 1-40 characters');
    expect(devCode).toBe(0);
    expect(devKey.lines.err[0]).toContain('development-only key');
  });
});
