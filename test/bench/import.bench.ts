import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createDocumentClient } from '../../shared/adapters/store/dynamo-client.js';
import { createTable } from '../../shared/adapters/store/table.js';
import { storeTenant } from '../support/stored-tenant.js';

/** Writes a CSV of `rows` generated customers: emails, Zendesk user ids, a few bad rows. */
async function writeScores(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('email,zendesk_user_id,score\n');
  for (let i = 0; i < rows; i += 1) {
    const line =
      i % 1000 === 999 ? `bad-row-${i},,` : i % 2 === 0 ? `customer${i}@example.com,,${(i % 100) + 1}` : `,${100_000 + i},${(i % 100) + 1}`;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * `npm run scores:import` on a generated file of 100k rows, in its own process, so its wall time
 * and peak memory (max RSS) are the command's own; run twice to show a re-run is idempotent.
 */
export async function benchImport(dynamoEndpoint: string, rows = 100_000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-import-bench-'));
  try {
    const file = join(dir, 'scores.csv');
    await writeScores(file, rows);
    const table = `bench-import-${Date.now()}`;
    const client = createDocumentClient({ endpoint: dynamoEndpoint });
    await createTable(client, table);
    await storeTenant(client, table, 'bench');
    const lines = [`score import, ${rows} rows (1 in 1000 invalid), into DynamoDB Local, own process:`];
    for (const run of ['first run', 're-run']) {
      const started = performance.now();
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, 'import-child.ts'),
          '--tenant',
          'bench',
          '--file',
          file,
          '--endpoint',
          dynamoEndpoint,
          '--table',
          table,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IDENTITY_HASH_KEY: 'bench-identity-key-bench-identity-key-0123' } },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) throw new Error(`import exited ${code}: ${stdout}`);
      const summary = stdout.split('\n').find((line) => line.startsWith('Imported')) ?? '';
      const maxRss = /max-rss-kib (\d+)/.exec(stdout)?.[1];
      lines.push(
        `  ${run}: ${seconds.toFixed(1)} s wall (${(rows / seconds).toFixed(0)} rows/s), peak RSS ${maxRss ? (Number(maxRss) / 1024).toFixed(0) : '?'} MiB`,
        `    ${summary.slice(0, 160)}`,
      );
    }
    return lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
