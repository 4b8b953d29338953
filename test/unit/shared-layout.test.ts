import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circlesIn, type FolderEdge, folderGraph, foldersUnder, orderViolations, ROOT, sourcesUnder } from '../support/import-graph.js';

/**
 * The folders of shared/adapters, bottom first: each imports only folders listed before it (and
 * the domain). The first ones are what every adapter builds on and import no adapter: the clock,
 * HTTP (payloads, requests, address checks, the helpdesks' answer ladder), observability, the AWS
 * clients, the plug-in contract (descriptors, URL rules, secret references, metric fields),
 * resilience (breaker, token bucket, helpdesk pace) and webhook signing. Then the adapters, one
 * folder per outside system; the registry that lists them; the tenants file read through it; and
 * last what is built per tenant from all of them.
 */
const ADAPTER_ORDER = [
  'clock',
  'http',
  'observability',
  'aws',
  'plugin',
  'resilience',
  'webhooks',
  'identity',
  'import',
  'store',
  'queue',
  'secrets',
  'helpdesks/*',
  'surveys/*',
  'influence',
  'influence/*',
  'registry',
  'config',
  'per-tenant',
] as const;

const ADAPTERS = 'shared/adapters';

describe('adapter folders import in one direction', () => {
  const edges = folderGraph(ADAPTERS);

  it('imports only folders below each one, in the declared order, which places every folder', () => {
    expect(orderViolations(edges, ADAPTERS, ADAPTER_ORDER, foldersUnder(ADAPTERS))).toEqual([]);
  });

  it('has no folder-level circle anywhere in shared/', () => {
    expect(circlesIn(folderGraph('shared'))).toEqual([]);
  });

  it('reads the imports it judges: the registry reaches each adapter folder, and the adapters the contract', () => {
    const pairs = edges.map((edge) => `${edge.from} -> ${edge.to}`);
    expect(pairs).toContain('shared/adapters/registry -> shared/adapters/helpdesks/zendesk');
    expect(pairs).toContain('shared/adapters/helpdesks/zendesk -> shared/adapters/plugin');
    expect(pairs).toContain('shared/adapters/config -> shared/adapters/registry');
  });

  it('would notice a folder importing upwards, a new folder with no place, and a circle', () => {
    const upward: FolderEdge = {
      from: `${ADAPTERS}/plugin`,
      to: `${ADAPTERS}/helpdesks/zendesk`,
      because: 'descriptors.ts imports ../helpdesks/zendesk/client.js',
    };
    const sideways: FolderEdge = {
      from: `${ADAPTERS}/helpdesks/zendesk`,
      to: `${ADAPTERS}/helpdesks/freshdesk`,
      because: 'client.ts imports ../freshdesk/client.js',
    };
    const folders = [...foldersUnder(ADAPTERS), `${ADAPTERS}/cache`];

    expect(orderViolations([...edges, upward, sideways], ADAPTERS, ADAPTER_ORDER, folders)).toEqual([
      'shared/adapters/cache has no place in the order',
      'shared/adapters/plugin may not import shared/adapters/helpdesks/zendesk (descriptors.ts imports ../helpdesks/zendesk/client.js)',
      'shared/adapters/helpdesks/zendesk may not import shared/adapters/helpdesks/freshdesk (client.ts imports ../freshdesk/client.js)',
    ]);
    expect(circlesIn([...edges, upward])).toEqual([[`${ADAPTERS}/helpdesks/zendesk`, `${ADAPTERS}/plugin`]]);
  });

  it('would have caught the circle the layout had: the tenants file through the registry to each adapter and back', () => {
    const before: FolderEdge[] = [
      { from: `${ADAPTERS}/config`, to: `${ADAPTERS}/registry`, because: 'tenants.ts imports ../registry/adapters.js' },
      {
        from: `${ADAPTERS}/registry`,
        to: `${ADAPTERS}/helpdesks/zendesk`,
        because: 'adapters.ts imports ../helpdesks/zendesk/descriptor.js',
      },
      { from: `${ADAPTERS}/helpdesks/zendesk`, to: `${ADAPTERS}/config`, because: 'descriptor.ts imports ../../config/outbound-url.js' },
    ];

    expect(circlesIn(before)).toEqual([[`${ADAPTERS}/config`, `${ADAPTERS}/helpdesks/zendesk`, `${ADAPTERS}/registry`]]);
    expect(orderViolations(before, ADAPTERS, ADAPTER_ORDER, [])).toEqual([
      'shared/adapters/helpdesks/zendesk may not import shared/adapters/config (descriptor.ts imports ../../config/outbound-url.js)',
    ]);
  });
});

/** A file past this usually holds two concepts (STYLE.md): split it along them. */
const MAX_LINES = 400;

describe('source files stay small', () => {
  it(`keeps every file of shared/ and functions/ at most ${MAX_LINES} lines`, () => {
    const long = ['shared', 'functions']
      .flatMap((dir) => sourcesUnder(join(ROOT, dir)))
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
