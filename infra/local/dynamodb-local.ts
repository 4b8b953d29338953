import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { freePort } from './ports.js';
import { dirname, join } from 'node:path';

/** How a DynamoDB Local process ended: `requested` when stop() asked it to; `how` in words, e.g. 'killed by SIGKILL'. */
export interface DynamoDbLocalEnd {
  requested: boolean;
  how: string;
}

/** A running DynamoDB Local process. */
export interface DynamoDbLocal {
  endpoint: string;
  /** Settles the moment the process ends, whatever ended it. */
  ended: Promise<DynamoDbLocalEnd>;
  /** Stops it and resolves once it has ended, whatever state it is in: already ended, ending, or not answering SIGTERM. */
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

async function waitUntilReady(endpoint: string, ended: Promise<DynamoDbLocalEnd>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let end: DynamoDbLocalEnd | undefined;
  void ended.then((value) => {
    end = value;
  });
  while (Date.now() < deadline) {
    if (end) throw new Error(`DynamoDB Local ended during start-up (${end.how})`);
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

/** How long DynamoDB Local has to end after SIGTERM before it is killed. */
const STOP_GRACE_MS = 3000;

/**
 * The POSIX shell that runs java and stops it once its owner (this process) is gone, however it
 * went: the owner holds the only writer of the shell's stdin, and a watcher sends java SIGTERM
 * when that pipe closes, which is how stop() asks, and what an owner's exit, crash or SIGKILL
 * does too. A background job's stdin is /dev/null, hence the pipe kept as fd 3 for the watcher.
 * The shell ends with java's status (128 + the signal's number when a signal ended it).
 */
const GUARD = [
  'exec 3<&0',
  '"$@" 3<&- &',
  'db=$!',
  '{ read -r line <&3; kill "$db" 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$db"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** A process's end in words: 'killed by SIGKILL', 'exited with code 1'. A shell reports a signal N as status 128 + N. */
function describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
  const byStatus =
    code !== null && code > 128 ? Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0] : undefined;
  const killedBy = signal ?? byStatus;
  return killedBy ? `killed by ${killedBy}` : `exited with code ${code}`;
}

/**
 * Starts DynamoDB Local in memory on a free port and waits until it answers. It listens on every
 * interface (it has no option for one address), closed to web pages by its CORS allow-list. It
 * runs in a process group of its own, so a terminal's Ctrl+C reaches only its owner, which stops
 * it after the parts that use it; and it never outlives its owner.
 *
 * @example const db = await startDynamoDbLocal(); ...; await db.stop();
 */
export async function startDynamoDbLocal(options: { port?: number; timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  assertJava();
  const jar = dynamoDbLocalJar();
  const port = options.port ?? (await freePort());
  const guard = spawn(
    'sh',
    [
      '-c',
      GUARD,
      'dynamodb-local',
      'java',
      // It has no option to listen on loopback only. Its CORS allow-list (by default every origin)
      // is narrowed to an origin no page is served from, so a web site open in a browser on this
      // machine cannot call it: DynamoDB's requests need a preflight, which then allows no origin.
      ...['-jar', jar, '-inMemory', '-sharedDb', '-disableTelemetry', '-cors', NO_WEB_ORIGIN, '-port', String(port)],
    ],
    { cwd: dirname(jar), stdio: ['pipe', 'ignore', 'pipe'], detached: true },
  );
  let requested = false;
  // Listened for from the start, so an end is never missed, whenever it comes.
  const ended = new Promise<DynamoDbLocalEnd>((resolve) => {
    guard.once('exit', (code, signal) => resolve({ requested, how: describeEnd(code, signal) }));
    // No shell to run it (no 'exit' follows).
    guard.once('error', (error) => resolve({ requested, how: `could not be started (${error.message})` }));
  });
  let stderr = '';
  guard.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // The shell may end before its pipe is closed; closing it then is no error.
  guard.stdin?.on('error', () => {});
  // Only while the shell runs is its process group certainly still this one's: java hung or
  // stopped (SIGSTOP) is killed with it.
  const killGroup = (): void => {
    if (guard.exitCode !== null || guard.signalCode !== null || guard.pid === undefined) return;
    try {
      process.kill(-guard.pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  };
  const stop = async (): Promise<void> => {
    requested = true;
    guard.stdin?.end();
    const kill = setTimeout(killGroup, STOP_GRACE_MS);
    await ended;
    clearTimeout(kill);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, ended, options.timeoutMs ?? 30_000);
  } catch (error) {
    killGroup();
    await ended;
    throw new Error(`${(error as Error).message}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
  return { endpoint, ended, stop };
}
