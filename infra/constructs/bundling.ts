/**
 * How every function is bundled: one definition, read by the CDK construct (as NodejsFunction
 * bundling options) and by the benchmark (as esbuild options), so what is measured is what is
 * deployed.
 */

/**
 * esbuild emits ESM, but some dependencies are CommonJS and call `require`; this gives them one.
 * The alias avoids clashing with any `createRequire` import in the bundled code.
 */
export const CJS_REQUIRE_BANNER =
  "import { createRequire as __influenceRouterCreateRequire } from 'node:module'; const require = __influenceRouterCreateRequire(import.meta.url);";

/** The bundling settings, in esbuild's own terms. */
export const BUNDLING = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  // Error classes name themselves from `new.target.name`; mangled names would hide them in logs.
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  banner: CJS_REQUIRE_BANNER,
  // The Lambda runtime ships the AWS SDK v3 (NodejsFunction leaves it out by default on Node 18+).
  external: ['@aws-sdk/*'],
} as const;

/** The largest a function's minified bundle may be: every byte is paid at every cold start. */
export const MAX_BUNDLE_BYTES = 400 * 1024;
