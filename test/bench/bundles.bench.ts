import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { BUNDLING, MAX_BUNDLE_BYTES } from '../../infra/cdk/constructs/bundling.js';
import { REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';
import { percentile } from '../../infra/commands/stats.js';

const run = promisify(execFile);

/** What is bundled: the three functions as deployed, and two references to read them against. */
const ENTRIES = {
  ingest: 'functions/ingest-webhook/handler.ts',
  process: 'functions/process-events/handler.ts',
  refresh: 'functions/refresh-scores/handler.ts',
} as const;

const EMPTY_HANDLER = 'export const handler = async () => ({ statusCode: 200 });\n';
const SDK_ONLY_HANDLER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
const clients = [new DynamoDBClient({}), new SQSClient({}), new SecretsManagerClient({})];
export const handler = async () => ({ statusCode: 200, clients: clients.length });
`;

/** Bundles one entry with the deployed settings into its own folder, as the CDK stages it. */
async function bundle(
  dir: string,
  name: string,
  entry: { file: string } | { code: string },
  external: readonly string[] = BUNDLING.external,
): Promise<{ path: string; bytes: number; metafile: Metafile }> {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [join(REPO_ROOT, entry.file)] }
      : { stdin: { contents: entry.code, resolveDir: REPO_ROOT, loader: 'ts' } }),
    bundle: true,
    outfile: join(out, 'index.mjs'),
    format: BUNDLING.format,
    platform: BUNDLING.platform,
    target: BUNDLING.target,
    mainFields: [...BUNDLING.mainFields],
    minify: BUNDLING.minify,
    keepNames: BUNDLING.keepNames,
    sourcemap: BUNDLING.sourcemap,
    sourcesContent: BUNDLING.sourcesContent,
    banner: { js: BUNDLING.banner },
    external: [...external],
    metafile: true,
    logLevel: 'error',
  });
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('index.mjs'));
  return { path: join(out, 'index.mjs'), bytes: output?.[1].bytes ?? 0, metafile: result.metafile };
}

/** The packages (or the project's own folders) that put the most bytes into a bundle. */
function largest(metafile: Metafile, count: number): string[] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`);
}

/**
 * A loopback stand-in for the AWS endpoints a function calls while it starts (the processor
 * reads its identity key from Secrets Manager at cold start), so the SDK runs as deployed.
 */
async function startAwsStandIn(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          SecretString: 'bench-identity-key-with-at-least-thirty-two-bytes',
          Name: 'bench',
          ARN: 'arn:aws:secretsmanager:eu-west-1:0:secret:bench',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { endpoint: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** One cold import in a fresh Node process, in milliseconds, with source maps on as deployed. */
async function coldImport(path: string, env: Record<string, string>): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(path)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    cwd: REPO_ROOT,
  });
  return Number(stdout);
}

/**
 * Bundles each function exactly as the CDK does (infra/cdk/constructs/bundling.ts), prints its size,
 * its largest contributors and its cold import time (median and p90 over fresh processes,
 * interleaved) beside an empty handler's and an SDK-only bundle's, and writes the figures as
 * JSON to `bench-results/bundles.json`.
 *
 * @example const lines = await benchBundles(15)
 */
export async function benchBundles(runs = 15): Promise<string[]> {
  // Inside node_modules, so the bundles' bare `@aws-sdk/*` imports resolve from the project's
  // node_modules, as the deployed ones resolve the runtime's.
  const dir = join(REPO_ROOT, 'node_modules', '.bench-bundles');
  rmSync(dir, { force: true, recursive: true });
  const aws = await startAwsStandIn();
  try {
    const bundles = {
      ingest: await bundle(dir, 'ingest', { file: ENTRIES.ingest }),
      process: await bundle(dir, 'process', { file: ENTRIES.process }),
      refresh: await bundle(dir, 'refresh', { file: ENTRIES.refresh }),
      empty: await bundle(dir, 'empty', { code: EMPTY_HANDLER }),
      // The three SDK clients as the Lambda runtime provides them (left out of the bundle).
      'sdk-only': await bundle(dir, 'sdk-only', { code: SDK_ONLY_HANDLER }, ['@aws-sdk/*']),
    };
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL: aws.endpoint,
      QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench',
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-dlq',
      TABLE_NAME: 'bench',
      IDENTITY_KEY_SECRET_ID: 'bench/identity-key',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(bundles).map((name) => [name, []]));
    for (let i = 0; i < runs; i += 1) {
      // Interleaved, so that whatever else the machine does falls on every bundle alike.
      for (const [name, built] of Object.entries(bundles)) times[name]?.push(await coldImport(built.path, env));
    }
    const empty = percentile(times['empty'] ?? [], 50);
    const lines = [
      `bundles as the CDK builds them (minified ESM, source maps on), cold import in ${runs} fresh processes each, interleaved:`,
    ];
    const result: Record<string, unknown> = {};
    for (const [name, built] of Object.entries(bundles)) {
      const p50 = percentile(times[name] ?? [], 50);
      const p90 = percentile(times[name] ?? [], 90);
      const over = built.bytes > MAX_BUNDLE_BYTES && !['empty', 'sdk-only'].includes(name) ? '  OVER BUDGET' : '';
      lines.push(
        `  ${name.padEnd(8)} ${(built.bytes / 1024).toFixed(0).padStart(4)} KB${over}  import p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms (${(p50 / empty).toFixed(1)}x empty)`,
      );
      if (!['empty', 'sdk-only'].includes(name)) lines.push(`           largest: ${largest(built.metafile, 5).join(', ')}`);
      result[name] = {
        bytes: built.bytes,
        importP50Ms: p50,
        importP90Ms: p90,
        ratioToEmpty: p50 / empty,
        largest: largest(built.metafile, 10),
      };
    }
    mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
    writeFileSync(
      join(REPO_ROOT, 'bench-results', 'bundles.json'),
      `${JSON.stringify({ runs, budgetBytes: MAX_BUNDLE_BYTES, bundles: result }, null, 2)}\n`,
    );
    lines.push('  (written to bench-results/bundles.json)');
    return lines;
  } finally {
    // The bundles stay in node_modules/.bench-bundles, to be looked at.
    await aws.close();
  }
}
