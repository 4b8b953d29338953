import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runConnect } from '../../../infra/commands/connect.js';
import { runCustomerCommand } from '../../../infra/commands/customers.js';
import { runImportScores } from '../../../infra/commands/import-scores.js';
import { runNpsReport } from '../../../infra/commands/nps-report.js';
import { runRefreshScores } from '../../../infra/commands/refresh-scores.js';
import { runReport } from '../../../infra/commands/report.js';
import { DynamoCustomerStore } from '../../../shared/adapters/store/customer-store.js';
import { hmacIdentityHashers } from '../../../shared/adapters/identity/hmac-identity-hasher.js';
import { storeTenant, useTestTable } from '../../support/dynamodb-table.js';

const table = useTestTable('tenant-checks');
const KEY = 'tenant-checks-identity-key-0123456789abcdef';
const env = () => ({ DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'), TABLE_NAME: table.tableName, IDENTITY_HASH_KEY: KEY });
const NAMED =
  /No tenant "dmeo" in tenant-checks-[^)]+\): the tenants are acme, demo \(add one with npm run tenants -- add --file <tenant\.json>\)/;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

beforeAll(async () => {
  await storeTenant(table.client(), table.tableName, 'demo');
  await storeTenant(table.client(), table.tableName, 'acme');
});

describe('a mistyped tenant is refused by every command that takes one, naming the tenants that exist (exit 2)', () => {
  it('scores:import, which imports nothing into it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tenant-checks-')), 'scores.csv');
    writeFileSync(file, 'email,score\nada@example.com,64\n');
    const { err, output } = capture();

    const code = await runImportScores(['--tenant', 'dmeo', '--file', file], env(), output);

    expect(code).toBe(2);
    expect(err.at(-1)).toMatch(NAMED);
    const store = new DynamoCustomerStore(table.client(), table.tableName, hmacIdentityHashers(KEY));
    expect(await store.findCustomer('dmeo', [{ kind: 'email', value: 'ada@example.com' }])).toBeUndefined();
  });

  it('report, which writes no file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tenant-checks-')), 'nope.html');
    const { err, output } = capture();
    expect(await runReport(['--tenant', 'dmeo', '--out', out], env(), output)).toBe(2);
    expect(err.at(-1)).toMatch(NAMED);
  });

  it('nps', async () => {
    const { err, output } = capture();
    expect(await runNpsReport(['--tenant', 'dmeo'], env(), output)).toBe(2);
    expect(err.at(-1)).toMatch(NAMED);
  });

  it('scores:refresh', async () => {
    const { err, output } = capture();
    expect(await runRefreshScores(['--tenant', 'dmeo'], env(), output)).toBe(2);
    expect(err.at(-1)).toMatch(NAMED);
  });

  it('customer', async () => {
    const { err, output } = capture();
    expect(await runCustomerCommand(['export', '--tenant', 'dmeo', '--email', 'ada@example.com'], env(), output)).toBe(2);
    expect(err.at(-1)).toMatch(NAMED);
  });

  it('connect:zendesk, reading the tenants from the table', async () => {
    const { err, output } = capture();
    const code = await runConnect(
      ['--helpdesk', 'zendesk', '--tenant', 'dmeo', '--webhook-base-url', 'https://example.com/webhooks/'],
      env(),
      output,
      {
        stack: undefined,
      },
    );
    expect(code).toBe(2);
    expect(err.at(-1)).toContain('No tenant "dmeo" (there are: acme, demo;');
  });

  it('says in one line when --tenant is missing', async () => {
    const imported = capture();
    const customer = capture();
    expect(await runImportScores(['--file', 'x.csv'], env(), imported.output)).toBe(2);
    expect(await runCustomerCommand(['export', '--email', 'ada@example.com'], env(), customer.output)).toBe(2);
    expect(imported.err).toEqual(['--tenant is required, e.g. --tenant demo (see npm run scores:import -- --help)']);
    expect(customer.err.at(-1)).toBe('--tenant is required, e.g. --tenant demo (see npm run customer -- --help)');
  });
});
