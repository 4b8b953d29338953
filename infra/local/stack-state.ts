import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { userPath } from '../commands/cli.js';

/**
 * Where `npm start` says what it runs, for the other local commands to find it: `.local/stack.json`
 * in the project, or the file `INFLUENCE_ROUTER_STACK_FILE` names (set the same for `npm start` and
 * the commands to run two stacks side by side).
 */
export const STACK_STATE_FILE = process.env.INFLUENCE_ROUTER_STACK_FILE
  ? userPath(process.env.INFLUENCE_ROUTER_STACK_FILE)
  : fileURLToPath(new URL('../../.local/stack.json', import.meta.url));

const StackStateSchema = z.object({
  pid: z.number().int(),
  /** The local server, e.g. http://127.0.0.1:3000 */
  url: z.string(),
  /** The sandbox helpdesks, e.g. http://127.0.0.1:3001 */
  sandboxUrl: z.string(),
  dynamoEndpoint: z.string(),
  tableName: z.string(),
});

/** What a running `npm start` serves, and where. */
export type StackState = z.infer<typeof StackStateSchema>;

/** Records the running stack; `npm start` calls it once everything listens. */
export function writeStackState(state: StackState, file = STACK_STATE_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the record, if it is this process's; `npm start` calls it as it stops. */
export function clearStackState(file = STACK_STATE_FILE): void {
  if (readStackState(file)?.pid === process.pid) rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The running stack `npm start` recorded, or undefined when none runs (no file, an unreadable
 * one, or one left by a process that is gone).
 *
 * @example readStackState()?.sandboxUrl // 'http://127.0.0.1:3401'
 */
export function readStackState(file = STACK_STATE_FILE): StackState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const state = StackStateSchema.safeParse(parsed);
  return state.success && alive(state.data.pid) ? state.data : undefined;
}
