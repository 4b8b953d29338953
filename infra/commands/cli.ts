import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A mistake in a command's arguments: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * A whole-number option, or its default when absent.
 *
 * @example wholeOption('events', values.events, 5000, 1, 1_000_000)
 */
export function wholeOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * A user's mistake in a command's arguments as one line: what is wrong (the first sentence of
 * Node's parseArgs message) and where the usage is.
 *
 * @example usageMistake(error, 'load') // "Unknown option '--evnts' (see npm run load -- --help)"
 */
export function usageMistake(error: unknown, command: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${message.split('. To specify')[0]?.replace(/\.$/, '')} (see npm run ${command} -- --help)`;
}

/**
 * A path the user typed, resolved from the folder they typed it in: `npm run` starts a command in
 * the project's folder and says where it was run from in `INIT_CWD`.
 *
 * @example userPath('scores.csv') // '/home/me/project/imports/scores.csv', run from imports/
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.INIT_CWD ?? process.cwd(), path);
}

/** Whether the arguments ask for a command's usage: `--help` (or `-h`) anywhere. */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Where a local command writes its report. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /**
   * On a terminal only: a progress line that replaces the previous one ('' clears it). Absent
   * when stderr is a file or a pipe, where progress would be noise.
   */
  progress?(line: string): void;
}

/** An error as one line for an operator: its name and message, never its cause. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Makes the program exit quietly, with code 0, when whoever reads its output stops reading (a pipe
 * into `head` closes once it has its lines): without it, the next write's EPIPE is an unhandled
 * error with a stack trace, and npm reports the script as failed. Every command calls it once, as
 * it starts; any other error on the streams stays an error.
 *
 * @example exitQuietlyWhenReaderLeaves();
 */
export function exitQuietlyWhenReaderLeaves(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
  }
}

/**
 * Runs a command when its module is the program itself (`node ... infra/commands/x.ts`), not when a
 * test imports it, writing to the console and setting the exit code; with `help`, `--help` prints
 * it and exits 0.
 *
 * @example await runAsProgram(import.meta.url, (argv, env, output) => runImportScores(argv, env, output));
 */
export async function runAsProgram(
  moduleUrl: string,
  run: (argv: string[], env: Record<string, string | undefined>, output: CliOutput) => Promise<number>,
  help?: string,
): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  exitQuietlyWhenReaderLeaves();
  const argv = process.argv.slice(2);
  if (help !== undefined && asksForHelp(argv)) {
    console.log(help);
    process.exitCode = 0;
    return;
  }
  process.exitCode = await run(argv, process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(line === '' ? '\r\x1b[K' : `\r\x1b[K${line}`) } : {}),
  });
}

/**
 * Runs a measuring run (a load run, a simulation) and prints its result: as one JSON object with
 * `json`, else as the lines `format` makes; progress goes to stderr. Exit code 0 when `passed`
 * says so, 1 when not or when the run failed.
 *
 * @example return reportRun({ name: 'load run', output, json, run: (p) => runLoad(options, p), format: formatLoad, passed: (r) => r.ledger.ok })
 */
export async function reportRun<T>(spec: {
  name: string;
  output: CliOutput;
  json: boolean;
  run: (progress: (line: string) => void) => Promise<T>;
  format: (result: T) => string[];
  passed: (result: T) => boolean;
}): Promise<number> {
  const { output } = spec;
  try {
    const result = await spec.run((line) => output.err(line));
    if (spec.json) output.out(JSON.stringify(result));
    else for (const line of spec.format(result)) output.out(line);
    return spec.passed(result) ? 0 : 1;
  } catch (error) {
    output.err(`${spec.name} failed: ${describeError(error)}`);
    return 1;
  }
}

/** Silences a measuring run's own processing logs and metrics, unless the environment asks for them. */
export function quietProcessing(): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}
