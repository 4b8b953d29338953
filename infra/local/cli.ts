import { pathToFileURL } from 'node:url';

/** Where a local command writes its report. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** An error as one line for an operator: its name and message, never its cause. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs a command when its module is the program itself (`node ... infra/local/x.ts`), not when a
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
  const argv = process.argv.slice(2);
  // `--help` (or `-h`) anywhere prints what the command does and runs nothing.
  if (help !== undefined && (argv.includes('--help') || argv.includes('-h'))) {
    console.log(help);
    process.exitCode = 0;
    return;
  }
  process.exitCode = await run(argv, process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
