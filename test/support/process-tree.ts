import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One line of the process table. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  /** ps's state letters: `Z` for a zombie, which no longer runs or holds a port. */
  state: string;
  args: string;
}

/** Every process on the machine, from `ps` (POSIX options only). */
export async function processTable(): Promise<ProcessRow[]> {
  const { stdout } = await run('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'stat=', '-o', 'args='], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s*(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, state, args]) => ({ pid: Number(pid), ppid: Number(ppid), state: state ?? '', args: args ?? '' }));
}

/** The processes `root` started, their children, and so on (not `root` itself). */
export async function descendantsOf(root: number): Promise<ProcessRow[]> {
  const table = await processTable();
  const found: ProcessRow[] = [];
  let parents = new Set([root]);
  while (parents.size > 0) {
    const children = table.filter((row) => parents.has(row.ppid) && !found.includes(row));
    found.push(...children);
    parents = new Set(children.map((row) => row.pid));
  }
  return found;
}

/** The given processes that still run (a zombie does not: it has ended and holds nothing). */
export async function stillRunning(pids: readonly number[]): Promise<ProcessRow[]> {
  const table = await processTable();
  return table.filter((row) => pids.includes(row.pid) && !row.state.startsWith('Z'));
}

/** The java processes running DynamoDB Local on `port`. */
export async function dynamoDbLocalOn(port: number): Promise<ProcessRow[]> {
  const table = await processTable();
  return table.filter(
    (row) =>
      !row.state.startsWith('Z') &&
      row.args.startsWith('java ') &&
      row.args.includes('DynamoDBLocal.jar') &&
      row.args.endsWith(` -port ${port}`),
  );
}

/** Waits until `check` holds, trying every 100 ms, for at most `withinMs`; then says what did not happen. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, withinMs = 20_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends SIGKILL to each process that still runs: a test's cleanup after a failure, so nothing outlives it. */
export async function killAll(pids: readonly number[]): Promise<void> {
  for (const row of await stillRunning(pids)) {
    try {
      process.kill(row.pid, 'SIGKILL');
    } catch {
      // Ended meanwhile.
    }
  }
}
