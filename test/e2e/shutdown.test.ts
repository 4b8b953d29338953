import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree } from '../../infra/local/ports.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

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
  });
});
