import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import * as z from 'zod';
import { REPO_ROOT } from './documents.js';

/**
 * The screenshots the docs show, and whether each is current.
 *
 * A screenshot is current when the page, rendered by today's code from the same data, shows what
 * it showed when the screenshot was taken. Pixels cannot say so (fonts and anti-aliasing differ
 * between machines), so the manifest beside the screenshots records a hash of what the page was:
 * its elements, their classes, its words and its stylesheets' source, with what differs from run
 * to run (times, ids, ports, every number) left out. `npm run screenshots` (CONSOLE_SCREENSHOTS
 * set) writes the PNGs and the manifest; every other run of the browser tests compares.
 */

/** Where the committed screenshots and their manifest are. */
export const SCREENSHOTS_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/** The manifest's file name, in the screenshots' folder. */
export const MANIFEST_FILE = 'manifest.json';

/** One screenshot's entry: the hash of what its page showed, and of the PNG written with it. */
const ShotSchema = z.object({ shows: z.string().regex(/^[0-9a-f]{64}$/), png: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

/** The manifest: each screenshot by its file name. */
export const ManifestSchema = z.object({ screenshots: z.record(z.string(), ShotSchema) }).strict();
export type Manifest = z.infer<typeof ManifestSchema>;

/** The SHA-256 of some bytes or text, in hex. */
export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Reads a manifest, or an empty one where there is none yet. */
export function readManifest(dir = SCREENSHOTS_DIR): Manifest {
  const file = join(dir, MANIFEST_FILE);
  return existsSync(file) ? ManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : { screenshots: {} };
}

/** What changes from one run to the next and says nothing of the page (ids, keys, times, ports, counts), and what stands for it. */
const RUN_VALUES: readonly (readonly [RegExp, string])[] = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'ID'],
  [/\b(?=[a-z]*\d)[0-9a-f]{8,}\b/gi, 'HEX'],
  [/\d+(?:[.,]\d+)*/g, '#'],
];

/** A text without the values that change from one run to the next. */
export function withoutRunValues(text: string): string {
  return RUN_VALUES.reduce((result, [pattern, by]) => result.replace(pattern, by), text);
}

/*
 * Runs in the page: the document as nested `<tag.classes>…</tag>` with its text as JSON strings
 * (without run values, the same patterns as above), each stylesheet as `<style N>` with its source (the link's address for the caller to read, or an
 * inline one's text) apart, scripts left out. The rows of a table body and
 * the items of a list are sorted, since records written side by side by several processors may
 * be listed in either order.
 */
const OUTLINE = `(() => {
  const SORTED = new Set(['tbody', 'ul', 'ol']);
  const RUN_VALUES = [${RUN_VALUES.map(([pattern, by]) => `[${pattern.toString()}, ${JSON.stringify(by)}]`).join(', ')}];
  const styles = [];
  const outline = (node) => {
    if (node.nodeType === 3) {
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      return text === '' ? '' : JSON.stringify(RUN_VALUES.reduce((result, [pattern, by]) => result.replace(pattern, by), text));
    }
    if (node.nodeType !== 1) return '';
    const tag = node.tagName.toLowerCase();
    if (tag === 'script') return '';
    if (tag === 'style' || (tag === 'link' && node.rel === 'stylesheet')) {
      styles.push(tag === 'style' ? { text: node.textContent } : { href: node.href });
      return '<style ' + (styles.length - 1) + '>';
    }
    const classes = (node.getAttribute('class') || '').split(/\\s+/).filter(Boolean).sort();
    const children = [...node.childNodes].map(outline).filter(Boolean);
    if (SORTED.has(tag)) children.sort();
    return '<' + [tag, ...classes].join('.') + '>' + children.join('') + '</' + tag + '>';
  };
  const page = outline(document.documentElement);
  return JSON.stringify({ page, styles });
})()`;

const OutlineSchema = z.object({
  page: z.string(),
  styles: z.array(z.union([z.object({ text: z.string() }), z.object({ href: z.string() })])),
});

/** The page's outline, then the source of each of its stylesheets as it is. */
export async function pageOutline(page: Page): Promise<string> {
  const outline = OutlineSchema.parse(JSON.parse(z.string().parse(await page.evaluate(OUTLINE))));
  const sources: string[] = [];
  for (const style of outline.styles) {
    if ('text' in style) {
      sources.push(style.text);
      continue;
    }
    const url = new URL(style.href);
    sources.push(url.protocol === 'file:' ? readFileSync(fileURLToPath(url), 'utf8') : await (await fetch(url)).text());
  }
  return [outline.page, ...sources.map((source, index) => `<style ${index}>\n${source}`)].join('\n');
}

/** The folder `npm run screenshots` writes to, from CONSOLE_SCREENSHOTS, or undefined when the run only checks. */
export function screenshotsTarget(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const target = env.CONSOLE_SCREENSHOTS;
  if (target === undefined || target === '') return undefined;
  return isAbsolute(target) ? target : resolve(REPO_ROOT, target);
}

/** Updates one entry of a manifest, holding a lock so that two test files writing at once keep both entries. */
async function recordShot(dir: string, name: string, shot: z.infer<typeof ShotSchema>): Promise<void> {
  const lock = join(dir, `.${MANIFEST_FILE}.lock`);
  for (let tries = 0; ; tries += 1) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (tries > 200) throw new Error(`${lock} is held: remove it if no npm run screenshots is running`, { cause: error });
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  try {
    const manifest = readManifest(dir);
    const screenshots = Object.fromEntries(
      Object.entries({ ...manifest.screenshots, [name]: shot }).sort(([a], [b]) => a.localeCompare(b)),
    );
    writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify({ screenshots }, null, 2)}\n`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Takes the screenshot `name` (e.g. `decisions.png`) of the page as it is now. With
 * CONSOLE_SCREENSHOTS set it is written there with its manifest entry; otherwise it goes to
 * `scratch` and the page must show what the committed screenshot's entry recorded. With `element`, the
 * screenshot is of that part of the page only (the whole page is still what it must show).
 */
export async function takeScreenshot(page: Page, name: string, scratch: string, element?: Locator): Promise<void> {
  const target = screenshotsTarget();
  const path = join(target ?? scratch, name);
  const png = element ? await element.screenshot({ path }) : await page.screenshot({ path, fullPage: true });
  const shows = sha256(await pageOutline(page));
  if (target !== undefined) {
    await recordShot(target, name, { shows, png: sha256(png) });
    return;
  }
  const committed = readManifest().screenshots[name];
  const where = relative(REPO_ROOT, join(SCREENSHOTS_DIR, name));
  if (committed === undefined)
    throw new Error(`${where} has no entry in its manifest: run npm run screenshots, and commit docs/screenshots`);
  if (committed.shows !== shows) {
    throw new Error(
      `${where} no longer shows what the page shows (the page changed since it was taken): run npm run screenshots, and commit docs/screenshots`,
    );
  }
}
