import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

const CSS = readFileSync(new URL('./console.css', import.meta.url), 'utf8');
const ICON = readFileSync(new URL('./icon.svg', import.meta.url), 'utf8');

/**
 * Serves the console's stylesheet and icon, for the local server and the table console alike;
 * false when the path is neither.
 *
 * @example if (serveConsoleAsset(url.pathname, response)) return;
 */
export function serveConsoleAsset(pathname: string, response: ServerResponse): boolean {
  if (pathname === '/console/console.css') {
    response.writeHead(200, {
      'content-type': 'text/css; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    response.end(CSS);
    return true;
  }
  if (pathname === '/console/icon.svg' || pathname === '/favicon.ico') {
    response.writeHead(200, { 'content-type': 'image/svg+xml', 'x-content-type-options': 'nosniff', 'cache-control': 'max-age=3600' });
    response.end(ICON);
    return true;
  }
  return false;
}
