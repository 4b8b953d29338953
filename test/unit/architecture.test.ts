import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, ROOT as root, sourcesUnder } from '../support/import-graph.js';

function violations(dir: string, allowed: (specifier: string) => boolean): string[] {
  return sourcesUnder(join(root, dir)).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !allowed(specifier))
      .map((specifier) => `${relative(root, file)} imports ${specifier}`),
  );
}

describe('dependencies point inward: functions -> use-cases -> domain <- adapters', () => {
  it('keeps the domain pure: no adapters, no AWS SDK, no HTTP, no other package than zod', () => {
    expect(violations('shared/domain', (s) => s.startsWith('./') || s === 'zod')).toEqual([]);
  });

  it('lets use cases reach only the domain and each other', () => {
    const group = /^\.\.\/[a-z-]+\/[a-z-]+\.js$/; // a sibling group: ../decision/...
    expect(
      violations('shared/use-cases', (s) => s.startsWith('./') || s.startsWith('../../domain/') || group.test(s) || s === 'zod'),
    ).toEqual([]);
  });

  it('keeps adapters off the use cases and the functions', () => {
    expect(violations('shared/adapters', (s) => !s.includes('use-cases/') && !s.includes('functions/'))).toEqual([]);
  });

  it('keeps the functions and what they bundle off local mode and its SQS emulator (fauxqs, a dev dependency), which only its starter loads', () => {
    const localOnly = (s: string) => s === 'fauxqs' || s.includes('infra/');
    expect([...violations('functions', (s) => !localOnly(s)), ...violations('shared', (s) => !localOnly(s))]).toEqual([]);
    expect(violations('infra/local', (s) => s !== 'fauxqs')).toEqual([
      'infra/local/sqs-emulator.ts imports fauxqs',
      'infra/local/sqs-emulator.ts imports fauxqs',
    ]);
  });

  it('finds the imports it checks (the check would notice a violation)', () => {
    expect(importsOf(join(root, 'shared/use-cases/processing/ingest-webhook.ts'))).toContain('../../domain/ports.js');
    expect(violations('shared/adapters', (s) => !s.startsWith('@aws-sdk/'))).not.toEqual([]);
  });
});
