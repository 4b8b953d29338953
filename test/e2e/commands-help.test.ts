import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { storeTenant, useTestTable } from '../support/dynamodb-table.js';

const run = promisify(execFile);

/** How a command run through node24.mjs failed: its exit code and stderr; undefined when it succeeded. */
async function failureOf(
  args: string[],
  env: Record<string, string> = {},
  timeout = 30_000,
): Promise<{ code?: number; stderr?: string } | undefined> {
  return run(process.execPath, ['infra/node24.mjs', ...args], { timeout, env: { ...process.env, ...env } }).then(
    () => undefined,
    (failure: { code?: number; stderr?: string }) => failure,
  );
}

describe('every command has --help', () => {
  it.each([
    ['infra/commands/customers.ts', 'usage: npm run customer'],
    ['infra/commands/import-scores.ts', 'usage: npm run scores:import'],
    ['infra/commands/refresh-scores.ts', 'usage: npm run scores:refresh'],
    ['infra/commands/nps-report.ts', 'usage: npm run nps'],
    ['infra/commands/report.ts', 'usage: npm run report'],
    ['infra/commands/console.ts', 'usage: npm run console'],
    ['infra/commands/connect.ts', 'usage: npm run connect:zendesk'],
    ['infra/commands/send-sample.ts', 'usage: npm run send-sample'],
    ['infra/commands/send-survey.ts', 'usage: npm run send-survey'],
    ['infra/load/load.ts', 'usage: npm run load'],
    ['infra/load/simulate.ts', 'usage: npm run simulate'],
    ['test/bench/run.ts', 'usage: npm run bench'],
    ['infra/local/main.ts', 'usage: npm start'],
  ])('%s --help prints its usage and exits 0, running nothing', async (entry, usage) => {
    const { stdout } = await run(process.execPath, ['infra/node24.mjs', entry, '--help'], { timeout: 30_000 });

    expect(stdout).toContain(usage);
  });
});

describe('a command given an option it does not have', () => {
  it.each([
    ['infra/commands/customers.ts', 'customer'],
    ['infra/commands/import-scores.ts', 'scores:import'],
    ['infra/commands/refresh-scores.ts', 'scores:refresh'],
    ['infra/commands/nps-report.ts', 'nps'],
    ['infra/commands/report.ts', 'report'],
    ['infra/commands/console.ts', 'console'],
    ['infra/commands/connect.ts', 'connect:zendesk'],
    ['infra/commands/send-sample.ts', 'send-sample'],
    ['infra/commands/send-survey.ts', 'send-survey'],
    ['infra/load/load.ts', 'load'],
    ['infra/load/simulate.ts', 'simulate'],
  ])('%s says so in one line, points to --help, and exits 2', async (entry, command) => {
    const error = await failureOf([entry, '--no-such-option']);

    expect(error?.code).toBe(2);
    expect(error?.stderr?.trim()).toBe(`Unknown option '--no-such-option' (see npm run ${command} -- --help)`);
  });
});

describe('npm start with a setting that is wrong', () => {
  it.each([
    [{ PORT: 'abc' }, 'Could not start: Invalid configuration: PORT: must be a port number'],
    [{ DYNAMODB_ENDPOINT: 'localhost:8400' }, 'DYNAMODB_ENDPOINT: must be an http(s) URL such as http://127.0.0.1:8000'],
    [{ LOG_FORMAT: 'xml' }, "LOG_FORMAT: must be 'line' (one readable line per entry) or 'json'"],
    [{ LOCAL_QUEUE: 'fifo' }, 'LOCAL_QUEUE: must be in-process or sqs'],
    [{ LOCAL_QUEUE: 'sqs', LOCAL_SQS_PORT: 'abc' }, 'LOCAL_SQS_PORT: must be a port number'],
  ])('%o names the setting, with no stack trace, and exits 2', async (env, message) => {
    const error = await failureOf(['infra/local/main.ts'], env);

    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain(message);
    expect(error?.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run load given a queue it does not have', () => {
  it.each([
    [['--queue', 'fifo'], {}, '--queue must be in-process or sqs, got "fifo" (see npm run load -- --help)'],
    [[], { LOCAL_QUEUE: 'fifo' }, 'LOCAL_QUEUE must be in-process or sqs, got "fifo" (see npm run load -- --help)'],
  ])('%o %o names the option or the setting in one line and exits 2, starting nothing', async (args, env, message) => {
    const error = await failureOf(['infra/load/load.ts', ...args], env);

    expect(error?.code).toBe(2);
    expect(error?.stderr?.trim()).toBe(message);
  });
});

describe('npm start given an argument', () => {
  it('says its settings are environment variables and exits 2', async () => {
    const error = await failureOf(['infra/local/main.ts', '--port', '3400']);

    expect(error?.code).toBe(2);
    expect(error?.stderr?.trim()).toBe(
      'npm start takes no arguments, got "--port 3400": its settings are environment variables (see npm start -- --help)',
    );
  });
});

describe('npm start when something it needs is not there', () => {
  it.each([
    [
      { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
      'Could not start: DynamoDB at http://127.0.0.1:9 does not answer (connect ECONNREFUSED 127.0.0.1:9): start it, or unset DYNAMODB_ENDPOINT',
    ],
    [
      { INFLUENCE_ROUTER_TENANTS: '/nonexistent/tenants.json' },
      'Could not start: Cannot read tenants file /nonexistent/tenants.json: ENOENT',
    ],
  ])('%o names the component and the setting, with no stack trace, before starting DynamoDB Local', async (env, message) => {
    const error = await failureOf(['infra/local/main.ts'], env, 15_000);

    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain(message);
    expect(error?.stderr).not.toMatch(/\n\s+at /);
  });
});

/** Runs a command whose reader hangs up at once (as `| head -c 1` does once it has its byte): its exit code and stderr. */
async function withReaderGone(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['infra/node24.mjs', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  return { code, stderr };
}

describe('a command whose output is piped into a reader that stops reading', () => {
  const table = useTestTable('epipe');

  it.each([
    'infra/commands/customers.ts',
    'infra/commands/import-scores.ts',
    'infra/commands/refresh-scores.ts',
    'infra/commands/nps-report.ts',
    'infra/commands/report.ts',
    'infra/commands/connect.ts',
    'infra/commands/send-sample.ts',
    'infra/commands/send-survey.ts',
    'infra/load/load.ts',
    'infra/load/simulate.ts',
    'test/bench/run.ts',
    'infra/local/main.ts',
  ])('%s --help exits 0 quietly, with no EPIPE', async (entry) => {
    const { code, stderr } = await withReaderGone([entry, '--help']);

    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('npm run nps -- --json exits 0 quietly, with no EPIPE', async () => {
    await storeTenant(table.client(), table.tableName, 'demo');
    const { code, stderr } = await withReaderGone(['infra/commands/nps-report.ts', '--tenant', 'demo', '--json'], {
      DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
      TABLE_NAME: table.tableName,
    });

    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});
