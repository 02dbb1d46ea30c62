// Bundles the terminal UI (dist/ui/render.js with ink, react and their ~100 small modules) into
// one ESM file, dist/ui/render.bundle.js, with React's production build. Loading the modules one
// by one cost ~0.4 s of CPU per live view (file opens, resolution, Node's CJS export scanner on
// react-reconciler); the bundle loads in ~0.07 s. src/cli/load-ui.ts imports the bundle when it
// exists (built package) and the modules otherwise (tests run from src/).
//
// In the bundle, string-width and @alcalzone/ansi-tokenize's tokenizer are wrapped with caches
// that outlive a frame (src/ui/render-cache.ts): ink measures and tokenizes every line on screen
// on every frame, and most lines did not change since the last one.
import { build } from 'esbuild';
import { NODE_ESM_BUNDLE } from './esbuild-node.mjs';
import { fileURLToPath } from 'node:url';

const renderCache = fileURLToPath(new URL('../dist/ui/render-cache.js', import.meta.url));

/** Modules whose exports are wrapped: module name -> source of the wrapper (REAL = the module). */
const WRAPPED = {
  'string-width': `
import stringWidth from REAL;
import { cachedStringWidth } from CACHE;
export default cachedStringWidth(stringWidth);
`,
  '@alcalzone/ansi-tokenize': `
import {
  tokenize as tokenizeUncached,
  styledCharsFromTokens as fromTokensUncached,
  diffAnsiCodes,
  ansiCodesToString,
} from REAL;
import { cacheByObject, cacheByString, fastStyledCharsToString } from CACHE;
export * from REAL;
/** Token and styled-character arrays are only read by ink's Output, never changed. */
export const tokenize = cacheByString(tokenizeUncached);
export const styledCharsFromTokens = cacheByObject(fromTokensUncached);
export const styledCharsToString = fastStyledCharsToString(diffAnsiCodes, ansiCodesToString);
`,
};

/** Route imports of WRAPPED modules (whatever version the importer resolves) through a wrapper. */
const renderCachePlugin = {
  name: 'render-cache',
  setup(b) {
    const filter = new RegExp(
      `^(${Object.keys(WRAPPED)
        .map((m) => m.replace(/[/.]/g, '\\$&'))
        .join('|')})$`,
    );
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData?.unwrapped) return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { unwrapped: true },
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return {
        path: real.path,
        namespace: 'render-cache',
        pluginData: { module: args.path },
      };
    });
    b.onLoad({ filter: /.*/, namespace: 'render-cache' }, (args) => ({
      contents: WRAPPED[args.pluginData.module]
        .replaceAll('REAL', JSON.stringify(args.path))
        .replaceAll('CACHE', JSON.stringify(renderCache)),
      resolveDir: process.cwd(),
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['dist/ui/render.js'],
  outfile: 'dist/ui/render.bundle.js',
  ...NODE_ESM_BUNDLE,
  define: {
    'process.env.NODE_ENV': '"production"',
    // yoga-layout (ink's layout engine) reads its WebAssembly, embedded as a data: URL, with
    // fetch() when there is one: Node then loads undici (~20 ms of CPU per start) only to decode
    // it. Without fetch it decodes the same bytes itself. Nothing else in the UI calls fetch.
    fetch: 'undefined',
  },
  // ink loads its devtools (and react-devtools-core, not installed) only when DEV=true
  external: ['react-devtools-core', './devtools.js'],
  plugins: [renderCachePlugin],
});
