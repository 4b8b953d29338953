import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const PackageSchema = z.object({ scripts: z.record(z.string(), z.string()) });
const { scripts } = PackageSchema.parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));

describe('the npm scripts', () => {
  it('exec the launcher, so that no shell stands between npm and it to swallow the SIGTERM npm passes on', () => {
    const launched = Object.entries(scripts).filter(([, script]) => script.includes('infra/node24.mjs'));
    // The last command of the script (after any `&&`), with any settings before it.
    const withoutExec = launched.filter(
      ([, script]) => !/(^|&& )([A-Z][A-Z0-9_]*=\S+ )*exec node infra\/node24\.mjs [^&|;]+$/.test(script),
    );

    expect(launched.length).toBeGreaterThan(10);
    expect(withoutExec).toEqual([]);
  });
});
