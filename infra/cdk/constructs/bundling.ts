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
  // Nothing is left to the runtime: the functions call AWS through the project's own JSON-protocol
  // client (shared/adapters/aws), so the only SDK code in a bundle is the 5 KB attribute-value
  // marshaller, bundled like everything else rather than loaded from the runtime's copy.
  external: [],
} as const;

/** The largest a function's minified bundle may be: every byte is paid at every cold start. */
export const MAX_BUNDLE_BYTES = 400 * 1024;
