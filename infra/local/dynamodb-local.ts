import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freePort } from './ports.js';
import { dirname, join } from 'node:path';

/** A running DynamoDB Local process. */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Finds the DynamoDB Local jar shipped in the `amplify-dynamodb-simulator` package. */
export function dynamoDbLocalJar(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('amplify-dynamodb-simulator/package.json');
  const jar = join(dirname(pkg), 'emulator', 'DynamoDBLocal.jar');
  if (!existsSync(jar)) throw new Error(`DynamoDB Local jar not found at ${jar}; run "npm install".`);
  return jar;
}

/** Checks that a Java runtime is on PATH, with an actionable message when it is not. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java was not found: DynamoDB Local needs Java 17+ (Debian: apt-get install openjdk-17-jre-headless). ' +
        'Or point DYNAMODB_ENDPOINT at a running DynamoDB-compatible endpoint.',
    );
  }
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error('DynamoDB Local exited during start-up');
    try {
      // Any HTTP answer (a MissingAuthenticationToken error) means it is listening.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
}

/** The one origin DynamoDB Local's CORS allows: plain http on port 80 of loopback, where nothing of this project serves pages. */
export const NO_WEB_ORIGIN = 'http://127.0.0.1';

/**
 * Starts DynamoDB Local in memory on a free port and waits until it answers. It listens on every
 * interface (it has no option for one address), closed to web pages by its CORS allow-list.
 *
 * @example const db = await startDynamoDbLocal(); ...; await db.stop();
 */
export async function startDynamoDbLocal(options: { port?: number; timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  assertJava();
  const jar = dynamoDbLocalJar();
  const port = options.port ?? (await freePort());
  const child = spawn(
    'java',
    // It has no option to listen on loopback only. Its CORS allow-list (by default every origin)
    // is narrowed to an origin no page is served from, so a web site open in a browser on this
    // machine cannot call it: DynamoDB's requests need a preflight, which then allows no origin.
    ['-jar', jar, '-inMemory', '-sharedDb', '-disableTelemetry', '-cors', NO_WEB_ORIGIN, '-port', String(port)],
    { cwd: dirname(jar), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, options.timeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
