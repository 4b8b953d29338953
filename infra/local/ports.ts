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

/**
 * Ports handed out for another process to take a moment later are drawn below the systems'
 * ephemeral ranges (Linux 32768-60999, macOS and Windows 49152-65535), from which every server
 * listening on port 0 gets its own: so a server started meanwhile can never take the one chosen.
 */
const CHOSEN_PORTS = { from: 20_000, to: 32_000 };

/** Whether this port can be listened on at 127.0.0.1 right now: the port, or 0 when it cannot. */
function tryListen(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(0));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const taken = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(taken));
    });
  });
}

/** A port nothing listens on right now, on loopback, for a process to take. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await tryListen(CHOSEN_PORTS.from + Math.floor(Math.random() * (CHOSEN_PORTS.to - CHOSEN_PORTS.from)));
    if (port !== 0) return port;
  }
  const any = await tryListen(0);
  if (any === 0) throw new Error('no free port on 127.0.0.1');
  return any;
}
