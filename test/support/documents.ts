import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The documents a reader is given, in reading order: the README, then the pages of `docs/` in the
 * order its table lists them. The tests that run the documents' commands and check their figures
 * and links read them from here, so a page added to `docs/` must be added here too (a test says so).
 */

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every document, relative to the root, in reading order. */
export const DOCUMENTS = [
  'README.md',
  'docs/local-mode.md',
  'docs/report.md',
  'docs/scoring.md',
  'docs/privacy.md',
  'docs/helpdesks.md',
  'docs/surveys.md',
  'docs/policies.md',
  'docs/deploying.md',
  'docs/architecture.md',
  'docs/performance.md',
  'docs/testing.md',
] as const;

/** One document and its text. */
export interface Document {
  /** Relative to the root, with `/` separators, e.g. `docs/scoring.md`. */
  path: string;
  text: string;
}

/** The documents' texts, in reading order. */
export function readDocuments(root = REPO_ROOT): Document[] {
  return DOCUMENTS.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/** The Markdown pages in `docs/` on disk, as `docs/<name>.md`, sorted. */
export function docsPagesOnDisk(root = REPO_ROOT): string[] {
  return readdirSync(join(root, 'docs'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => `docs/${entry.name}`)
    .sort();
}
