import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readDocuments } from '../../support/documents.js';

/*
 * Every relative link and image of the README and docs/ leads somewhere: to a file of the
 * repository and, when it names one, to a heading of that file, anchored as GitHub anchors it.
 */

/** One link of a document: where it is and where it points. */
interface Link {
  from: string;
  line: number;
  target: string;
}

/** The document's lines with fenced blocks and inline code blanked out, so that code is not read as links or headings. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** The links and images of a document, `[text](target)` and `![alt](target)`, outside code. */
function linksOf(path: string, markdown: string): Link[] {
  return prose(markdown).flatMap((line, index) =>
    [...line.replace(/`[^`]*`/g, '``').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => ({
      from: path,
      line: index + 1,
      target: match[1] ?? '',
    })),
  );
}

/** A heading's anchor as GitHub makes it: its text lower-cased, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a document's headings, a repeated one numbered as GitHub numbers it (`-1`, `-2`). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const anchor = anchorOf(heading);
    const seen = counts.get(anchor) ?? 0;
    counts.set(anchor, seen + 1);
    anchors.add(seen === 0 ? anchor : `${anchor}-${seen}`);
  }
  return anchors;
}

const DOCUMENTS = readDocuments();
const LINKS = DOCUMENTS.flatMap((document) => linksOf(document.path, document.text));
const RELATIVE = LINKS.filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link.target));

/** What is wrong with a relative link, or undefined when it leads to a file and heading that exist. */
function problemOf(link: Link): string | undefined {
  const [file = '', anchor] = link.target.split('#', 2);
  const path = file === '' ? link.from : normalize(join(dirname(link.from), decodeURI(file)));
  if (relative(REPO_ROOT, join(REPO_ROOT, path)).startsWith('..')) return `${path} is outside the repository`;
  if (!existsSync(join(REPO_ROOT, path))) return `${path} does not exist`;
  if (anchor === undefined) return undefined;
  if (!path.endsWith('.md') || !statSync(join(REPO_ROOT, path)).isFile()) return `#${anchor} points into ${path}, which has no headings`;
  return anchorsOf(readFileSync(join(REPO_ROOT, path), 'utf8')).has(anchor) ? undefined : `${path} has no heading #${anchor}`;
}

describe('the links of the README and docs/', () => {
  it('anchors headings as GitHub does', () => {
    expect(anchorOf('The queue: in-process, or SQS on an emulator')).toBe('the-queue-in-process-or-sqs-on-an-emulator');
    expect(anchorOf("Many tenants: concurrency, fairness and each helpdesk's limit")).toBe(
      'many-tenants-concurrency-fairness-and-each-helpdesks-limit',
    );
    expect(anchorOf('The Reach Score model (`reach-2`)')).toBe('the-reach-score-model-reach-2');
    expect(anchorOf('In: `POST /webhooks/<tenant>/generic`')).toBe('in-post-webhookstenantgeneric');
    expect(anchorOf('1. Describe your tenants')).toBe('1-describe-your-tenants');
    expect(anchorsOf('# A\n## B\n```\n## not a heading\n```\n## B\n')).toEqual(new Set(['a', 'b', 'b-1']));
  });

  it('finds the links it checks (the check would notice a broken one)', () => {
    expect(RELATIVE.length).toBeGreaterThan(50);
    expect(problemOf({ from: 'README.md', line: 1, target: 'docs/no-such-page.md' })).toBe('docs/no-such-page.md does not exist');
    expect(problemOf({ from: 'docs/scoring.md', line: 1, target: 'privacy.md#no-such-heading' })).toBe(
      'docs/privacy.md has no heading #no-such-heading',
    );
    expect(problemOf({ from: 'docs/scoring.md', line: 1, target: '#overrides' })).toBeUndefined();
  });

  it('lead to files and headings that exist', () => {
    const broken = RELATIVE.map((link) => ({ link, problem: problemOf(link) }))
      .filter(({ problem }) => problem !== undefined)
      .map(({ link, problem }) => `${link.from}:${link.line}: (${link.target}) ${problem}`);

    expect(broken).toEqual([]);
  });

  it('lead outside only over https', () => {
    const insecure = LINKS.filter((link) => /^http:/i.test(link.target)).map((link) => `${link.from}:${link.line}: ${link.target}`);

    expect(insecure).toEqual([]);
  });
});
