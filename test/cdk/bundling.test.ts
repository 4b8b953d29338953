import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MAX_BUNDLE_BYTES } from '../../infra/cdk/constructs/bundling.js';
import { logicalIdOf, synthesize, type Synthesized } from './synth-fixture.js';

// The one test file that bundles for real (esbuild, locally): every other infra test skips it.
let synth: Synthesized;

beforeAll(() => {
  synth = synthesize({ bundle: true });
});

const CodeSchema = z.object({ Properties: z.object({ Code: z.object({ S3Key: z.string().regex(/^[0-9a-f]{64}\.zip$/) }) }) });

/** The staged asset directory: the S3 key is `<asset hash>.zip`, staged as `asset.<asset hash>`. */
function bundleDir(name: 'ingest' | 'process' | 'refresh'): string {
  const resource = synth.service.findResources('AWS::Lambda::Function')[logicalIdOf(synth.router.service[name].function)];
  const hash = CodeSchema.parse(resource).Properties.Code.S3Key.replace(/\.zip$/, '');
  return join(synth.app.outdir, `asset.${hash}`);
}

describe.each(['ingest', 'process', 'refresh'] as const)('the %s bundle', (name) => {
  it('is minified ESM with the createRequire banner and a source map', () => {
    const code = readFileSync(join(bundleDir(name), 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __influenceRouterCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    expect(statSync(join(bundleDir(name), 'index.mjs.map')).size).toBeGreaterThan(0);
    // Minified: long lines, where unminified output averages well under 100 characters.
    expect(code.length / code.split('\n').length).toBeGreaterThan(500);
  });

  it(`stays within the ${MAX_BUNDLE_BYTES / 1024} KB budget`, () => {
    expect(statSync(join(bundleDir(name), 'index.mjs')).size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it('ships no tenants file and names no tenant: tenants are read from the table', () => {
    expect(existsSync(join(bundleDir(name), 'tenants.json'))).toBe(false);
    expect(readFileSync(join(bundleDir(name), 'index.mjs'), 'utf8')).not.toContain('influence-router/acme/');
  });

  it('holds no AWS SDK client, bundled or left to the runtime: AWS is called through the JSON-protocol client', () => {
    const code = readFileSync(join(bundleDir(name), 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/["']@aws-sdk\//);
    // Every SDK client carries its service's user-agent prefix and the smithy client core.
    expect(code).not.toMatch(/aws-sdk-js|@smithy\/smithy-client|defaultUserAgent/);
    expect(code).toContain('x-amz-target');
  });
});
