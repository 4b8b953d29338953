/**
 * The commands the README and the pages of `docs/` show, in the order a reader meets them, for a
 * test that runs them.
 *
 * A command is a line of a `bash` or `sh` block (continuation lines joined, comments dropped), or
 * an inline code span that runs `npm` with arguments or settings (`npm run send-sample -- --ticket 2`,
 * `LOG_FORMAT=json npm start`); a bare
 * `npm run bench` in a sentence names a command rather than showing how to run it. Whitespace
 * outside quotes is collapsed, so a block's aligned columns and a span broken over two lines read
 * as the command a shell would run.
 */

import type { Document } from './documents.js';

/** One command as a document shows it. */
export interface ReadmeCommand {
  /** 1-based line of the document where it starts. */
  line: number;
  text: string;
  /** Whether it has placeholders to fill in (`<id>`, `YYYY-MM-DD`, `...`): a template, not a command. */
  template: boolean;
}

/** A fenced block of a document: its language and its lines, the fence's indentation removed. */
export interface ReadmeBlock {
  line: number;
  language: string;
  body: string;
}

const FENCE = /^(\s*)```(\S*)\s*$/;
const SHELL = new Set(['bash', 'sh', 'shell']);
const ENV = String.raw`[A-Z][A-Z0-9_]*=(?:"[^"]*"|'[^']*'|\S+)\s+`;
/** `npm` with settings before it, or with arguments after the script's name. */
const INLINE_NPM = new RegExp(String.raw`^(?:(?:${ENV})+npm\s|npm\s+(?:start|test|run\s+\S+)\s+\S)`);
const PLACEHOLDER = /<[^>\s][^>]*>|\.\.\.|YYYY|\[--|path\/to\//;

/** A document's fenced blocks in order. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = FENCE.exec(lines[index] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) {
      body.push((lines[end] ?? '').slice(Math.min(indent, /^\s*/.exec(lines[end] ?? '')?.[0].length ?? 0)));
      end += 1;
    }
    blocks.push({ line: index + 1, language: open[2] ?? '', body: body.join('\n') });
    index = end;
  }
  return blocks;
}

/** A shell line without its trailing comment, whitespace outside quotes collapsed. */
function shellText(line: string): string {
  let text = '';
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      text += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      text += char;
    } else if (char === '#' && (index === 0 || /\s/.test(line[index - 1] ?? ''))) {
      break;
    } else if (/\s/.test(char)) {
      if (!text.endsWith(' ')) text += ' ';
    } else {
      text += char;
    }
  }
  return text.trim();
}

function command(line: number, text: string): ReadmeCommand {
  return { line, text, template: PLACEHOLDER.test(text) };
}

/** The commands of one shell block, each with the README line it starts on. */
function blockCommands(block: ReadmeBlock): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let pending: { line: number; text: string } | undefined;
  block.body.split('\n').forEach((raw, offset) => {
    const line = block.line + 1 + offset;
    const continued = /\\\s*$/.test(raw);
    const text = shellText(continued ? raw.replace(/\\\s*$/, '') : raw);
    if (pending) pending.text = `${pending.text} ${text}`.trim();
    else if (text !== '') pending = { line, text };
    if (pending && !continued) {
      commands.push(command(pending.line, pending.text));
      pending = undefined;
    }
  });
  if (pending) commands.push(command(pending.line, pending.text));
  return commands;
}

/**
 * Every command a document shows, in order, inline spans deduplicated to their first mention (in
 * this document, or in the earlier ones whose spans `seen` holds).
 */
export function readmeCommands(markdown: string, seen = new Set<string>()): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const blocks = readmeBlocks(markdown);
  // The prose with every fenced block blanked out, line numbers kept.
  const prose = [...lines];
  for (const block of blocks) {
    const length = block.body === '' ? 0 : block.body.split('\n').length;
    for (let index = block.line - 1; index <= block.line + length && index < prose.length; index += 1) prose[index] = '';
  }
  const found: ReadmeCommand[] = blocks.filter((block) => SHELL.has(block.language)).flatMap(blockCommands);
  const text = prose.join('\n');
  for (const span of text.matchAll(/`([^`]+)`/g)) {
    const inline = span[1]?.replace(/\s+/g, ' ').trim() ?? '';
    if (!INLINE_NPM.test(inline) || seen.has(inline)) continue;
    seen.add(inline);
    const line = text.slice(0, span.index).split('\n').length;
    found.push(command(line, inline));
  }
  return found.sort((a, b) => a.line - b.line);
}

/** A command and the document that shows it. */
export interface ShownCommand extends ReadmeCommand {
  /** The document, relative to the repository's root, e.g. `docs/scoring.md`. */
  file: string;
}

/**
 * Every command the documents show, document by document in the order given, each document's in
 * its own order; an inline span already mentioned in an earlier document is not shown again.
 */
export function documentCommands(documents: readonly Document[]): ShownCommand[] {
  const seen = new Set<string>();
  return documents.flatMap((document) => readmeCommands(document.text, seen).map((command) => ({ ...command, file: document.path })));
}
