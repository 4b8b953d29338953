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
 * test imports it, writing to the console and setting the exit code.
 *
 * @example await runAsProgram(import.meta.url, (argv, env, output) => runImportScores(argv, env, output));
 */
export async function runAsProgram(
  moduleUrl: string,
  run: (argv: string[], env: Record<string, string | undefined>, output: CliOutput) => Promise<number>,
): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  process.exitCode = await run(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
