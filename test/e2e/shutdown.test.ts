import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from '../../infra/local/ports.js';
import { readStackState } from '../../infra/local/stack-state.js';

const run = promisify(execFile);

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('leaves nothing behind on %s, even when the signal comes twice', async (signal) => {
    const [port, sandboxPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['infra/local/node24.mjs', 'infra/local/main.ts'], {
      env: { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), DYNAMODB_LOCAL_PORT: String(dynamoPort), POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C to stop.')) resolve();
      });
      child.on('exit', () => reject(new Error(`npm start ended early: ${out}`)));
    });

    // Another command finds it on its ports with no setting of its own, through the state file.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['PORT', 'SANDBOX_PORT', 'SANDBOX_URL'].includes(name)));
    const sample = await run(process.execPath, ['infra/local/node24.mjs', 'infra/local/send-sample.ts'], { env, timeout: 30_000 });
    expect(sample.stdout).toContain(`POST http://127.0.0.1:${port}/webhooks/demo/zendesk -> 202`);
    expect(readStackState()?.sandboxUrl).toBe(`http://127.0.0.1:${sandboxPort}`);

    // The launcher and the stack both get it, as when a terminal's process group is signalled.
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill(signal);
    child.kill(signal);
    await exited;
    // DynamoDB Local is given up to 3 s to stop before it is killed.
    await new Promise((resolve) => setTimeout(resolve, 3500));

    for (const [held, name] of [[port, 'PORT'], [sandboxPort, 'SANDBOX_PORT'], [dynamoPort, 'DYNAMODB_LOCAL_PORT']] as const) {
      await expect(assertPortFree(held, name, name)).resolves.toBeUndefined();
    }
    expect(readStackState()).toBeUndefined();
  });
});
