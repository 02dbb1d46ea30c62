// Bundles the terminal UI (dist/ui/render.js with ink, react and their ~100 small modules) into
// one ESM file, dist/ui/render.bundle.js, with React's production build. Loading the modules one
// by one cost ~0.4 s of CPU per live view (file opens, resolution, Node's CJS export scanner on
// react-reconciler); the bundle loads in ~0.07 s. src/cli/load-ui.ts imports the bundle when it
// exists (built package) and the modules otherwise (tests run from src/).
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/ui/render.js'],
  outfile: 'dist/ui/render.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' },
  // ink loads its devtools (and react-devtools-core, not installed) only when DEV=true
  external: ['react-devtools-core', './devtools.js'],
  // bundled CommonJS modules (react, signal-exit, ...) call require() for Node built-ins
  banner: {
    js: "import { createRequire as __sfCreateRequire } from 'node:module'; const require = __sfCreateRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'linked',
});
