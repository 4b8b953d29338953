import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The repository's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** Every `.ts` file under a folder. */
export function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports, as written. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const patterns = [
    /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g, // import ... from '...', export ... from '...'
    /(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g, // import '...'
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('...')
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/** One folder importing another, with the first import that does it (for messages). */
export interface FolderEdge {
  from: string;
  to: string;
  /** `shared/adapters/plugin/descriptors.ts imports ../http/payload.js` */
  because: string;
}

/**
 * The folders of `dir` (relative to the root, `/`-separated) and which import which, through the
 * relative imports of their files. A file's folder is the folder it sits in; imports inside one
 * folder are not edges.
 */
export function folderGraph(dir: string): FolderEdge[] {
  const edges = new Map<string, FolderEdge>();
  const folderOf = (path: string) => relative(ROOT, dirname(path)).split(sep).join('/');
  for (const file of sourcesUnder(join(ROOT, dir))) {
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const from = folderOf(file);
      const to = folderOf(resolve(dirname(file), specifier));
      const key = `${from}\n${to}`;
      if (from !== to && !edges.has(key))
        edges.set(key, { from, to, because: `${relative(ROOT, file).split(sep).join('/')} imports ${specifier}` });
    }
  }
  return [...edges.values()];
}

/** The circles of a graph: each strongly connected group of two or more folders, sorted. */
export function circlesIn(edges: readonly Pick<FolderEdge, 'from' | 'to'>[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      group.push(member);
      if (member === node) break;
    }
    if (group.length > 1) circles.push(group.sort());
  };
  for (const node of new Set(edges.flatMap(({ from, to }) => [from, to]))) if (!index.has(node)) visit(node);
  return circles;
}

/**
 * Where a graph breaks a declared order of folders (bottom first; `helpdesks/*` stands for each
 * folder directly under `helpdesks`): a folder may import only folders listed before its own
 * entry, so two folders of one entry never import each other. A folder under `base` the order
 * does not list is a violation too, so a new folder has to be placed.
 */
export function orderViolations(
  edges: readonly FolderEdge[],
  base: string,
  order: readonly string[],
  folders: readonly string[],
): string[] {
  const rank = (folder: string): number | undefined => {
    if (!folder.startsWith(`${base}/`)) return undefined;
    const name = folder.slice(base.length + 1);
    const position = order.findIndex((entry) =>
      entry.endsWith('/*') ? dirname(name) === entry.slice(0, -2) && name.includes('/') : entry === name,
    );
    return position === -1 ? undefined : position;
  };
  const unplaced = folders
    .filter((folder) => folder.startsWith(`${base}/`) && rank(folder) === undefined)
    .map((folder) => `${folder} has no place in the order`);
  const upward = edges.flatMap((edge) => {
    const from = rank(edge.from);
    const to = rank(edge.to);
    if (from === undefined || to === undefined || to < from) return [];
    return [`${edge.from} may not import ${edge.to} (${edge.because})`];
  });
  return [...unplaced, ...upward];
}

/** Every folder under `dir` that holds a `.ts` file, relative to the root. */
export function foldersUnder(dir: string): string[] {
  return [...new Set(sourcesUnder(join(ROOT, dir)).map((file) => relative(ROOT, dirname(file)).split(sep).join('/')))].sort();
}
