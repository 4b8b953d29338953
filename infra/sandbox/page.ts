import { escapeHtml, type SandboxPart } from './http.js';

/**
 * The sandbox's HTML page (`/sandbox`): one section per helpdesk, reloading every 5 s so a
 * decision shows up while one watches.
 *
 * @example reply({ status: 200, body: renderPage(mounted.map(({ part }) => part)) })
 */
export function renderPage(parts: readonly SandboxPart[]): string {
  const index = parts.map((part) => `<a href="#${escapeHtml(part.name)}">${escapeHtml(part.name)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Sandbox helpdesks</title>
<style>body{font-family:sans-serif;margin:1.5rem}section{margin-bottom:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0 0 .5rem;max-width:50rem}</style>
</head><body><h1>Sandbox helpdesks</h1>
<nav>${index}</nav>
${parts.map((part) => part.renderSection()).join('\n')}
</body></html>
`;
}
