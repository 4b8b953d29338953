import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/* The protections every console server applies, local or against a deployed table. */

/** What a console page may load and do: its own stylesheet and its own forms, no script, no framing. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it Chromium sends "Origin: null" on the page's own forms, which the replay refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * Whether a state-changing admin request may come from this browser page: never from another
 * site (Sec-Fetch-Site, or an Origin that is not this server's), so a web page the user has open
 * cannot replay the dead-letter queue.
 *
 * @example if (!sameOriginAdmin(request, ['http://127.0.0.1:3000'])) return forbidden()
 */
export function sameOriginAdmin(request: IncomingMessage, serverOrigins: readonly string[]): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  return origin === undefined || serverOrigins.includes(origin);
}

/**
 * Whether the request names this server by its loopback address: a page on another site that
 * points its own host name at 127.0.0.1 (DNS rebinding) sends that name instead, and is refused.
 *
 * @example if (!addressedHere(request, ['127.0.0.1:3000', 'localhost:3000'])) return misdirected()
 */
export function addressedHere(request: IncomingMessage, hosts: readonly string[]): boolean {
  return hosts.includes(request.headers.host ?? '');
}

/**
 * The host names and origins a console listening on this port answers to: 127.0.0.1 and localhost only.
 *
 * @example loopbackNames(3000).origins // ['http://127.0.0.1:3000', 'http://localhost:3000']
 */
export function loopbackNames(port: number): { hosts: string[]; origins: string[] } {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return { hosts, origins: hosts.map((host) => `http://${host}`) };
}

/**
 * Starts a console server on 127.0.0.1 (port 0: a free one), never on another interface: its URL,
 * the names it may be reached by (`loopbackNames`) and how to close it, open connections included.
 *
 * @example const { url, names, close } = await listenOnLoopback(server, 3000)
 */
export async function listenOnLoopback(
  server: Server,
  port: number,
): Promise<{ url: string; names: ReturnType<typeof loopbackNames>; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    names: loopbackNames(bound),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
