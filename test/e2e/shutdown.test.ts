import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from '../../infra/local/ports.js';
import { readStackState } from '../../infra/local/stack-state.js';
import { descendantsOf, dynamoDbLocalOn, killAll, type ProcessRow, stillRunning, waitFor } from '../support/process-tree.js';

/*
 * npm start and npm run load, run through npm itself as a user runs them, then ended every way a
 * user or a supervisor ends them: every process they started must end, every port be freed and
 * the state file be removed.
 */

const run = promisify(execFile);

/** A command started through npm, in a process group of its own as a terminal starts one. */
interface Started {
  npm: ChildProcess;
  /** Every process npm started, and theirs, once it was up. */
  processes: ProcessRow[];
  ports: { PORT: number; SANDBOX_PORT: number; DYNAMODB_LOCAL_PORT: number };
  stateFile: string;
  env: NodeJS.ProcessEnv;
  stderr(): string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const dirs: string[] = [];
const started: Started[] = [];

afterEach(async () => {
  // Whatever a failed test left running, so that it does not hold ports or memory after it.
  for (const { npm, processes } of started.splice(0))
    await killAll([...(npm.pid === undefined ? [] : [npm.pid]), ...processes.map((row) => row.pid)]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Runs `npm <args>` on free ports with its own state file; resolves once `ready` is printed and DynamoDB Local runs. */
async function startThroughNpm(args: string[], ready: string): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'shutdown-'));
  dirs.push(dir);
  const stateFile = join(dir, 'stack.json');
  const ports = { PORT: await freePort(), SANDBOX_PORT: await freePort(), DYNAMODB_LOCAL_PORT: await freePort() };
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !['PORT', 'SANDBOX_PORT', 'SANDBOX_URL', 'DYNAMODB_ENDPOINT', 'DYNAMODB_LOCAL_PORT', 'TABLE_NAME'].includes(name),
    ),
  );
  const env = { ...inherited, INFLUENCE_ROUTER_STACK_FILE: stateFile, POWERTOOLS_LOG_LEVEL: 'ERROR', NO_COLOR: '1' };
  const npm = spawn('npm', args, {
    env: { ...env, ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  npm.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const entry: Started = { npm, processes: [], ports, stateFile, env, stderr: () => err, stdout: () => out, exited };
  started.push(entry);
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (`${out}${err}`.includes(ready)) resolve();
    };
    npm.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    npm.stderr.on('data', check);
    void exited.then(() => reject(new Error(`npm ${args.join(' ')} ended early: ${out}${err}`)));
  });
  const pid = npm.pid ?? 0;
  await waitFor('DynamoDB Local runs under npm', async () => (await descendantsOf(pid)).some((row) => row.args.startsWith('java ')));
  entry.processes = await descendantsOf(pid);
  return entry;
}

/** Every process of the run has ended, no port is held, no DynamoDB Local remains, and the state file is gone. */
async function expectNothingLeft(run: Started): Promise<void> {
  const pids = [...(run.npm.pid === undefined ? [] : [run.npm.pid]), ...run.processes.map((row) => row.pid)];
  let left: ProcessRow[] = [];
  await waitFor('every process the run started ends', async () => (left = await stillRunning(pids)).length === 0).catch(
    (error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}; still running: ${left.map((row) => `${row.pid} ${row.args.slice(0, 100)}`).join('; ')}`,
      );
    },
  );
  for (const [name, port] of Object.entries(run.ports)) await expect(assertPortFree(port, name, name)).resolves.toBeUndefined();
  expect(await dynamoDbLocalOn(run.ports.DYNAMODB_LOCAL_PORT)).toEqual([]);
  expect(existsSync(run.stateFile)).toBe(false);
}

/** The process of the run whose command line matches `command`. */
function processOf(run: Started, command: RegExp): number {
  const found = run.processes.find((row) => command.test(row.args));
  if (!found) throw new Error(`no process of the run runs ${command}: ${run.processes.map((row) => row.args).join('; ')}`);
  return found.pid;
}

const READY = 'Press Ctrl+C to stop.';

describe('npm start, ended', () => {
  it('by SIGTERM to npm: every part stops, and it says what it stopped, one line each', async () => {
    const stack = await startThroughNpm(['start'], READY);

    process.kill(stack.npm.pid ?? 0, 'SIGTERM');

    await expectNothingLeft(stack);
    await stack.exited;
    const { PORT, SANDBOX_PORT, DYNAMODB_LOCAL_PORT } = stack.ports;
    expect(stack.stdout().split('Press Ctrl+C to stop.\n')[1]?.trim().split('\n')).toEqual([
      'Stopping Influence Router...',
      `  stopped the local server (http://127.0.0.1:${PORT})`,
      '  stopped the queue consumers and the in-process queue (held in memory only)',
      `  stopped DynamoDB Local (port ${DYNAMODB_LOCAL_PORT}; its in-memory tables are gone)`,
      `  stopped the sandbox helpdesks (http://127.0.0.1:${SANDBOX_PORT})`,
      'Stopped.',
    ]);
  }, 120_000);

  it('by Ctrl+C, pressed twice (SIGINT to the whole process group), with a webhook just sent: every part stops', async () => {
    const stack = await startThroughNpm(['start'], READY);
    // Another command finds it through the state file, with no port of its own.
    const sample = await run('npm', ['run', 'send-sample'], { env: stack.env, timeout: 30_000 });
    expect(sample.stdout).toContain(`POST http://127.0.0.1:${stack.ports.PORT}/webhooks/demo/zendesk -> 202`);
    expect(readStackState(stack.stateFile)?.sandboxUrl).toBe(`http://127.0.0.1:${stack.ports.SANDBOX_PORT}`);

    process.kill(-(stack.npm.pid ?? 0), 'SIGINT');
    process.kill(-(stack.npm.pid ?? 0), 'SIGINT');

    await expectNothingLeft(stack);
  }, 120_000);

  it('by SIGTERM to the launcher (node24.mjs): every part stops', async () => {
    const stack = await startThroughNpm(['start'], READY);

    process.kill(processOf(stack, /^(\S*\/)?node infra\/node24\.mjs infra\/local\/main\.ts$/), 'SIGTERM');

    await expectNothingLeft(stack);
  }, 120_000);

  it('by SIGTERM to the process the state file names: every part stops', async () => {
    const stack = await startThroughNpm(['start'], READY);

    process.kill(readStackState(stack.stateFile)?.pid ?? 0, 'SIGTERM');

    await expectNothingLeft(stack);
  }, 120_000);

  it('by SIGKILL to npm, which can pass nothing on: the launcher sees its parent gone and every part stops', async () => {
    const stack = await startThroughNpm(['start'], READY);

    process.kill(stack.npm.pid ?? 0, 'SIGKILL');

    await expectNothingLeft(stack);
  }, 120_000);
});

describe('npm start, when DynamoDB Local dies under it', () => {
  it('says so at once in one line, naming DynamoDB Local and the signal, and stops every part with a non-zero exit', async () => {
    const stack = await startThroughNpm(['start'], READY);

    process.kill(processOf(stack, /^java .*DynamoDBLocal\.jar/), 'SIGKILL');
    const { code } = await stack.exited;

    expect(code).not.toBe(0);
    const lines = stack
      .stderr()
      .split('\n')
      .filter((line) => line.includes('DynamoDB Local'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^DynamoDB Local \\(port ${stack.ports.DYNAMODB_LOCAL_PORT}\\) stopped on its own \\(killed by SIGKILL\\)`),
    );
    await expectNothingLeft(stack);
  }, 120_000);
});

describe('npm run load, ended by SIGTERM to npm', () => {
  it('stops, and the DynamoDB Local it started with it', async () => {
    const load = await startThroughNpm(['run', 'load', '--', '--events', '1000000'], 'sent ');

    process.kill(load.npm.pid ?? 0, 'SIGTERM');

    await waitFor(
      'every process of the load run ends',
      async () => (await stillRunning([load.npm.pid ?? 0, ...load.processes.map((row) => row.pid)])).length === 0,
    );
    expect(load.processes.filter((row) => row.args.startsWith('java '))).toHaveLength(1);
  }, 120_000);
});
