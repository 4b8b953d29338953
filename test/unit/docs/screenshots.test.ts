import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readDocuments } from '../../support/documents.js';
import { MANIFEST_FILE, readManifest, SCREENSHOTS_DIR, sha256, withoutRunValues } from '../../support/screenshots.js';

/*
 * The committed screenshots are the ones `npm run screenshots` last wrote, each with its entry in
 * the manifest, each shown by a page, each taken by a browser test. Whether each still shows what
 * its page shows is checked by the browser tests themselves (test/support/screenshots.ts).
 */

const RUN = 'run npm run screenshots, and commit docs/screenshots (the PNGs with manifest.json)';
const PNGS = readdirSync(SCREENSHOTS_DIR)
  .filter((name) => name.endsWith('.png'))
  .sort();
const MANIFEST = readManifest();
const BROWSER_TESTS = ['console.browser.test.ts', 'report.browser.test.ts']
  .map((name) => readFileSync(join(REPO_ROOT, 'test', 'e2e', name), 'utf8'))
  .join('\n');

describe('the screenshots in docs/screenshots', () => {
  it('each have an entry in the manifest, and the manifest none for a screenshot that is gone', () => {
    expect(PNGS.length).toBeGreaterThan(0);
    expect(Object.keys(MANIFEST.screenshots).sort(), `${MANIFEST_FILE} lists other screenshots than the folder holds: ${RUN}`).toEqual(
      PNGS,
    );
  });

  it('are the PNGs written with their manifest entries', () => {
    const replaced = PNGS.filter((name) => MANIFEST.screenshots[name]?.png !== sha256(readFileSync(join(SCREENSHOTS_DIR, name))));

    expect(replaced, `screenshots that are not the ones the manifest recorded: ${RUN}`).toEqual([]);
  });

  it('are each shown by a page of the README or docs/', () => {
    const shown = readDocuments()
      .map((document) => document.text)
      .join('\n');
    const unshown = PNGS.filter((name) => !shown.includes(`screenshots/${name})`));

    expect(unshown, 'screenshots no page shows: show them, or stop taking them').toEqual([]);
  });

  it('are each taken by a browser test', () => {
    const untaken = PNGS.filter(
      (name) => !BROWSER_TESTS.includes(`'${name}'`) && !BROWSER_TESTS.includes(`'${name.replace(/\.png$/, '')}'`),
    );

    expect(untaken, 'screenshots no browser test takes any more: remove them and their manifest entries').toEqual([]);
  });
});

describe('what a screenshot is compared by', () => {
  it('leaves out what changes from run to run, and keeps the words', () => {
    expect(
      withoutRunValues('Delivery 78aecd1a-04b1-4b8e-9c3e-2f1a6c0d5e77 at 2026-12-05 19:52:24 UTC, message 3f9a0c1bd2e4, 2,000 decisions'),
    ).toBe('Delivery ID at #-#-# #:#:# UTC, message HEX, # decisions');
    expect(withoutRunValues('priority raised from normal to high')).toBe('priority raised from normal to high');
  });
});
