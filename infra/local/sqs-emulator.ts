import type { AddressInfo } from 'node:net';
// Types only: the package itself is loaded when the emulator starts.
import type * as Fauxqs from 'fauxqs';
import { type AwsClientOptions, AwsJsonClient, SQS } from '../../shared/adapters/aws/aws-json-client.js';
import { staticCredentials } from '../../shared/adapters/aws/credentials.js';

/** A running SQS emulator (fauxqs), on loopback only. */
export interface SqsEmulator {
  /** Its one endpoint, e.g. `http://127.0.0.1:4566`. */
  endpoint: string;
  stop(): Promise<void>;
}

/** The region every local queue lives in: the emulator keys queues by region and name. */
export const LOCAL_SQS_REGION = 'us-east-1';

/** The emulator checks no signature; requests are still signed, as the functions sign them, with keys that open nothing. */
export const LOCAL_SQS_CREDENTIALS = staticCredentials({ accessKeyId: 'local', secretAccessKey: 'local' });

/**
 * A client for the emulator, signing as the functions do. `timeoutMs` must outlast a long poll's
 * wait where the client receives.
 *
 * @example const sqs = localSqsClient(emulator.endpoint)
 */
export function localSqsClient(endpoint: string, options: Pick<AwsClientOptions, 'timeoutMs' | 'onCall'> = {}): AwsJsonClient {
  return new AwsJsonClient(SQS, { endpoint, region: LOCAL_SQS_REGION, credentials: LOCAL_SQS_CREDENTIALS, ...options });
}

/**
 * Loads fauxqs without Node's "SQLite is an experimental feature" warning on the user's terminal:
 * fauxqs imports `node:sqlite` for a persistence this never turns on (everything stays in memory).
 */
async function importFauxqs(): Promise<typeof Fauxqs> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = warning instanceof Error ? warning.message : warning;
    if (text.startsWith('SQLite is an experimental feature')) return;
    Reflect.apply(emit, process, [warning, ...rest]);
  }) as typeof process.emitWarning;
  try {
    return await import('fauxqs');
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * Starts the fauxqs SQS emulator in this process, in memory, on 127.0.0.1 (its own start-up
 * function listens on every interface, so this builds its app and listens itself) and on a free
 * port unless one is given. It is loaded only when called: the in-process queue needs none of it.
 *
 * @example const emulator = await startSqsEmulator(); ...; await emulator.stop();
 */
export async function startSqsEmulator(options: { port?: number } = {}): Promise<SqsEmulator> {
  const { buildApp } = await importFauxqs();
  const app = buildApp({ logger: false, defaultRegion: LOCAL_SQS_REGION });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // Closing answers the long polls still waiting (empty) and drops kept-alive connections.
    stop: () => (stopped ??= app.close().then(() => undefined)),
  };
}
