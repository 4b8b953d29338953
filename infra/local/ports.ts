import { connect, createServer } from 'node:net';
import { ConfigurationError } from '../../shared/domain/errors.js';

/**
 * Checks that a loopback port is free before a component of local mode takes it, so a port held
 * by an earlier run (or anything else) stops start-up with the component and the setting named,
 * instead of a bare EADDRINUSE or a Java stack trace.
 *
 * @example await assertPortFree(3000, 'the local server', 'PORT')
 */
export async function assertPortFree(port: number, component: string, variable: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigurationError(
              `${component} cannot use port ${port}: it is in use (an earlier "npm start" may still be running: stop it), or set ${variable} to a free port`,
            )
          : error,
      );
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** How long an endpoint the user named has to accept a connection at start-up. */
const CONNECT_PROBE_MS = 1500;

/**
 * Checks that something listens at an endpoint the user named (one connection, at most 1.5 s),
 * so a wrong or stopped endpoint stops start-up at once, naming the component and the setting,
 * instead of after a client's retries.
 *
 * @example await assertReachable('http://127.0.0.1:8000', 'DynamoDB', 'start it, or unset DYNAMODB_ENDPOINT')
 */
export async function assertReachable(endpoint: string, component: string, remedy: string): Promise<void> {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port, timeout: CONNECT_PROBE_MS });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(new ConfigurationError(`${component} at ${endpoint} does not answer (${reason}): ${remedy}`));
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail(`no connection within ${CONNECT_PROBE_MS} ms`));
    socket.once('error', (error) => fail(error.message));
  });
}

/** A port nothing listens on right now, on loopback, for a process to take. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
