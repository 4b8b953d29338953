import { createServer } from 'node:net';
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
