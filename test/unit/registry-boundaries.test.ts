import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPDESKS, SOURCES, SURVEY_TOOLS } from '../../shared/adapters/registry/adapters.js';

const root = join(import.meta.dirname, '..', '..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a file without its comments: prose may name a platform, code may not. */
function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * Where an adapter's name may appear in code: its own folder, the registry's lists (adapters,
 * connectors), its own sandbox folder, and the sandbox's list.
 */
function allowed(file: string, name: string): boolean {
  const path = relative(root, file).split(sep).join('/');
  return (
    path.startsWith(`shared/adapters/helpdesks/${name}/`) ||
    path.startsWith(`shared/adapters/surveys/${name}/`) ||
    path === 'shared/adapters/registry/adapters.ts' ||
    path === 'shared/adapters/registry/connectors.ts' ||
    path.startsWith(`infra/sandbox/${name}/`) ||
    path === 'infra/sandbox/index.ts'
  );
}

/** Adapter names; one may contain another (`generic-survey`), which then does not count as naming it. */
const ADAPTER_NAMES = [...HELPDESKS, ...SURVEY_TOOLS].map((adapter) => adapter.name);

/** Every `file: line` outside the allowed places whose code names the adapter (not as part of a longer adapter name). */
function namedOutside(name: string): string[] {
  const pattern = new RegExp(`\\b${name}\\b`, 'i');
  const longer = ADAPTER_NAMES.filter((other) => other !== name && new RegExp(`\\b${name}\\b`).test(other));
  const withoutLonger = (line: string) => longer.reduce((text, other) => text.replaceAll(other, ''), line);
  return ['shared', 'functions', 'infra'].flatMap((dir) =>
    sourcesUnder(join(root, dir))
      .filter((file) => !allowed(file, name))
      .flatMap((file) =>
        codeOf(readFileSync(file, 'utf8'))
          .split('\n')
          .flatMap((line, index) => (pattern.test(withoutLonger(line)) ? [`${relative(root, file)}:${index + 1}: ${line.trim()}`] : [])),
      ),
  );
}

describe('adapters are plug-ins', () => {
  it.each([...HELPDESKS, ...SURVEY_TOOLS].map((adapter) => adapter.name))(
    'names the %s adapter in code only in its folder, the registry, its sandbox folder and the sandbox list',
    (name) => {
      expect(namedOutside(name)).toEqual([]);
    },
  );

  it('gives every source a name of its own', () => {
    const names = SOURCES.map((source) => source.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('would notice an adapter named outside its folder', () => {
    // The ingest wiring names no adapter, but it does import the tenants module by name.
    expect(namedOutside('tenants')).not.toEqual([]);
    // The sandbox's shared code names no helpdesk, but it does name its parts' pages.
    expect(namedOutside('sandbox').some((line) => line.startsWith(join('infra', 'sandbox', 'server.ts')))).toBe(true);
  });
});
