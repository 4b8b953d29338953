import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../infra/local/dynamodb-local.js';
import { assertPortFree } from '../../../infra/local/ports.js';
import { dynamoDbLocalOn, killAll, waitFor } from '../../support/process-tree.js';

/** The java process of a DynamoDB Local, found by the port it was given. */
async function javaOf(endpoint: string): Promise<number> {
  const [java] = await dynamoDbLocalOn(Number(new URL(endpoint).port));
  if (!java) throw new Error(`no DynamoDB Local java process on ${endpoint}`);
  return java.pid;
}

const started: DynamoDbLocal[] = [];
const strays: number[] = [];

afterEach(async () => {
  // Whatever a test left, so that a failure does not leave java running.
  await killAll(strays.splice(0));
  await Promise.all(started.splice(0).map((db) => Promise.race([db.stop(), new Promise((resolve) => setTimeout(resolve, 5000))])));
}, 20_000);

async function start(): Promise<{ db: DynamoDbLocal; java: number }> {
  const db = await startDynamoDbLocal();
  started.push(db);
  const java = await javaOf(db.endpoint);
  strays.push(java);
  return { db, java };
}

describe('DynamoDB Local, as local mode runs it', () => {
  it('says how it ended the moment it ends on its own, and stop() still ends after a SIGKILL', async () => {
    const { db, java } = await start();

    process.kill(java, 'SIGKILL');
    await waitFor('java ends', async () => (await dynamoDbLocalOn(Number(new URL(db.endpoint).port))).length === 0);
    const ended = await db.ended;
    // Called once its end is known, as by a Ctrl+C that comes after: it must not wait for an exit already seen.
    await db.stop();

    expect(ended).toEqual({ requested: false, how: 'killed by SIGKILL' });
  });

  it('stop() ends it, freeing its port, and the end says it was asked for', async () => {
    const { db } = await start();
    const port = Number(new URL(db.endpoint).port);

    await db.stop();

    await expect(db.ended).resolves.toMatchObject({ requested: true });
    expect(await dynamoDbLocalOn(port)).toEqual([]);
    await expect(assertPortFree(port, 'DynamoDB Local', 'DYNAMODB_LOCAL_PORT')).resolves.toBeUndefined();
  });

  it('stop() ends a DynamoDB Local that does not answer SIGTERM (stopped with SIGSTOP), with SIGKILL after a grace', async () => {
    const { db, java } = await start();
    process.kill(java, 'SIGSTOP');

    await db.stop();

    expect(await dynamoDbLocalOn(Number(new URL(db.endpoint).port))).toEqual([]);
  });

  it('does not outlive the process that started it, even one killed with SIGKILL', async () => {
    const owner = spawn(process.execPath, ['--import', 'tsx', 'test/support/dynamodb-local-owner.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      owner.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      owner.on('exit', (code) => reject(new Error(`the owner ended early (${code}): ${out}`)));
    });
    strays.push(await javaOf(endpoint));
    const ownerEnded = new Promise((resolve) => owner.on('exit', resolve));

    owner.kill('SIGKILL');
    await ownerEnded;

    await waitFor('DynamoDB Local ends after its owner', async () => (await dynamoDbLocalOn(Number(new URL(endpoint).port))).length === 0);
  }, 60_000);
});
