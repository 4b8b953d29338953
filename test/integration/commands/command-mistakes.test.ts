import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCustomerCommand } from '../../../infra/commands/customers.js';
import { runImportScores } from '../../../infra/commands/import-scores.js';
import { runSendSurvey } from '../../../infra/commands/send-survey.js';
import { hmacIdentityHashers } from '../../../shared/adapters/identity/hmac-identity-hasher.js';
import { DynamoCustomerStore } from '../../../shared/adapters/store/customer-store.js';
import { newTenant, storeTenant, useTestTable } from '../../support/dynamodb-table.js';

const table = useTestTable('command-mistakes');
const KEY = 'command-mistakes-identity-key-0123456789';
const env = () => ({ DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'), TABLE_NAME: table.tableName, IDENTITY_HASH_KEY: KEY });

/** Captures what a command prints. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

function csv(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'command-mistakes-')), name);
  writeFileSync(file, text);
  return file;
}

/** A new tenant, stored as the tenants command would, so the import finds it. */
const storedTenant = async (): Promise<string> => {
  const tenant = newTenant();
  await storeTenant(table.client(), table.tableName, tenant);
  return tenant;
};

describe('scores:import when nothing is imported', () => {
  it('exits 1 when every row is rejected, saying nothing was imported and what to mend, and stores nobody', async () => {
    // Arrange
    const tenant = await storedTenant();
    const file = csv('all-bad.csv', 'email,score\nnot-an-email,50\nada@example.com,190\n');
    const { out, err, output } = capture();

    // Act
    const code = await runImportScores(['--tenant', tenant, '--file', file], env(), output);

    // Assert
    expect(code).toBe(1);
    expect(out[0]).toMatch(/^Imported 0 rows for tenant .* rejected 2\.$/);
    expect(err).toEqual(['Nothing was imported: all 2 rows were rejected. Mend the rows listed above and import all-bad.csv again.']);
    const store = new DynamoCustomerStore(table.client(), table.tableName, hmacIdentityHashers(KEY));
    expect(await store.findCustomer(tenant, [{ kind: 'email', value: 'ada@example.com' }])).toBeUndefined();
  });

  it('exits 1 for a file with a header and no rows', async () => {
    const { err, output } = capture();

    const code = await runImportScores(['--tenant', await storedTenant(), '--file', csv('empty.csv', 'email,score\n')], env(), output);

    expect(code).toBe(1);
    expect(err).toEqual(['Nothing was imported: empty.csv has no rows under its header.']);
  });

  it('still exits 0 when some rows are imported and others rejected', async () => {
    const { output } = capture();

    const code = await runImportScores(
      ['--tenant', await storedTenant(), '--file', csv('mixed.csv', 'email,score\nada@example.com,64\nnot-an-email,50\n')],
      env(),
      output,
    );

    expect(code).toBe(0);
  });
});

describe('a missing --tenant', () => {
  it.each(['scores:import', 'customer'])('%s says in one line that --tenant is required', async (command) => {
    const { err, output } = capture();

    const code =
      command === 'customer'
        ? await runCustomerCommand(['export', '--email', 'ada@example.com'], env(), output)
        : await runImportScores(['--file', 'scores.csv'], env(), output);

    expect(code).toBe(2);
    expect(err).toEqual([`--tenant is required, e.g. --tenant demo (see npm run ${command} -- --help)`]);
  });
});

describe('customer override with a score out of range', () => {
  it.each(['190', '0', '101', '7.5'])('--score %s names the range and the value given, and writes nothing', async (score) => {
    // Arrange
    const tenant = await storedTenant();
    const { err, output } = capture();
    const args = [
      'override',
      '--tenant',
      tenant,
      '--email',
      'ada@example.com',
      '--kind',
      'boost',
      '--reason',
      'Board member',
      '--by',
      'lead',
    ];

    // Act
    const code = await runCustomerCommand([...args, '--score', score], env(), output);

    // Assert
    expect(code).toBe(2);
    expect(err).toEqual([`--score must be a whole number from 1 to 100, got ${score} (see npm run customer -- --help)`]);
    const store = new DynamoCustomerStore(table.client(), table.tableName, hmacIdentityHashers(KEY));
    expect(await store.findCustomer(tenant, [{ kind: 'email', value: 'ada@example.com' }])).toBeUndefined();
  });
});

describe('send-survey', () => {
  /** A loopback server standing in for npm start: it records each request and answers `status`. */
  let server: Server;
  let url = '';
  const received: string[] = [];
  let status = 202;
  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(`${request.method ?? ''} ${request.url ?? ''}`);
      request.resume();
      request.on('end', () => response.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"invalid_payload"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a Zendesk satisfaction rating without --ticket before sending anything', async () => {
    // Arrange
    received.length = 0;
    const { out, err, output } = capture();

    // Act
    const code = await runSendSurvey(['--source', 'zendesk-csat', '--score', '1', '--url', url], {}, output);

    // Assert
    expect(code).toBe(2);
    expect(err).toEqual([
      '--ticket is required for zendesk-csat: a satisfaction rating is always about a ticket, e.g. --ticket 1 (see npm run send-survey -- --help)',
    ]);
    expect(out).toEqual([]);
    expect(received).toEqual([]);
  });

  it('says in its usage that --ticket is required for zendesk-csat', async () => {
    const { out, output } = capture();

    await runSendSurvey(['--help'], {}, output);

    expect(out.join('\n')).toMatch(/--ticket +.*required for zendesk-csat/);
  });

  it('prints no response id for an answer the server refused', async () => {
    // Arrange
    received.length = 0;
    status = 400;
    const { out, output } = capture();

    // Act
    const code = await runSendSurvey(['--source', 'typeform', '--score', '3', '--url', url], {}, output);
    status = 202;

    // Assert
    expect(code).toBe(1);
    expect(received).toEqual(['POST /webhooks/demo/typeform']);
    expect(out.join('\n')).not.toMatch(/Response id/);
  });

  it('prints the response id of an answer the server accepted', async () => {
    const { out, output } = capture();

    const code = await runSendSurvey(['--source', 'typeform', '--score', '3', '--response', 'r-42', '--url', url], {}, output);

    expect(code).toBe(0);
    expect(out.at(-1)).toBe('Response id r-42');
  });
});
